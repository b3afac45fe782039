"""``/api/v1`` allocations of offers: allocate, record use, release, read and list."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag
from tests.integration.api.resource_world import (
    USE_FROM,
    catch_up,
    made_offer,
    other_organisations,
    span,
)
from tests.integration.api.work_world import NOW, clocked
from tests.integration.test_commands import need, project
from wushe.platform.domain.project import ServiceProject

if TYPE_CHECKING:
    from uuid import UUID

    from tests.integration.api.conftest import World

OUTSIDERS = ("orgb", "org2", "coord2", "vol")  # none of them sees c1's organisation's offers


@pytest.fixture(autouse=True)
def _clock(world: World) -> None:
    clocked(world)
    other_organisations(world)


def allocate(world: World, offer: dict[str, Any], version: str, role: str = "org",
             **body: Any) -> dict[str, Any]:
    response = world.call("POST", f"/api/v1/offers/{offer['id']}/allocations", role,
                          json=body, if_match=version)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def reservations(world: World, project_id: UUID) -> list[str]:
    loaded = world.app.load(ServiceProject, project_id)
    return [str(r.allocation_id) for r in loaded.reservations]


def test_allocating_to_a_project_or_a_need(world: World) -> None:
    offer, project_id, need_id = made_offer(world), project(world.app, world.c1), \
        need(world.app, world.c1)
    url, to_project = f"/api/v1/offers/{offer['id']}/allocations", str(project_id)
    start = world.position()
    missing = world.call("POST", url, "org", json={"quantity": 10, "to_project": to_project})
    assert (missing.status_code, missing.json()["code"]) == (428, "version.if_match_required")
    stale = world.call("POST", url, "org", json={"quantity": 10, "to_project": to_project},
                       if_match='"2"')
    assert (stale.status_code, stale.json()["code"]) == (412, "version.stale")
    bad: list[tuple[dict[str, Any], int, str, str]] = [
        ({"quantity": 10}, 422, "to_project", "resource.allocation_target"),
        ({"quantity": 1, "to_project": to_project, "to_need": str(need_id)}, 422, "to_project",
         "resource.allocation_target"),
        ({"quantity": 0, "to_project": to_project}, 422, "quantity", "input.out_of_range"),
        ({"quantity": "x", "to_project": to_project}, 422, "quantity", "input.bad_type"),
        ({"quantity": 1, "to_need": "nope"}, 422, "to_need", "input.bad_type"),
        ({"quantity": 101, "to_project": to_project}, 409, "quantity", "resource.over_allocation"),
        ({"quantity": 1, "to_project": to_project, "span": span(NOW - timedelta(days=1))}, 422,
         "span", "resource.outside_window"),
        ({"quantity": 1, "to_project": str(project(world.app, world.c2))}, 409, "project_id",
         "reference.other_community"),
    ]
    start = world.position()
    for body, status, field, code in bad:
        response = world.call("POST", url, "org", json=body, if_match='"1"')
        assert response.status_code == status, (body, response.text)
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code), body
    for role in OUTSIDERS:
        assert world.call("POST", url, role, json={"quantity": 1, "to_project": to_project},
                          if_match='"1"').status_code == 404, role
    assert world.position() == start
    body = {"quantity": 30, "to_project": to_project}
    first = world.call("POST", url, "org", json=body, if_match='"1"', idempotency_key="a")
    assert (first.status_code, etag(first)) == (201, '"2"'), first.text
    made = first.json()
    assert (made["to_project"], made["quantity"], made["used"], made["released"],
            made["version"]) == (to_project, 30, 0, False, 2)
    assert reservations(world, project_id) == [made["allocation_id"]]
    end = world.position()
    retry = world.call("POST", url, "org", json=body, if_match='"1"', idempotency_key="a")
    assert (retry.status_code, retry.content) == (201, first.content)
    other = world.call("POST", url, "org", json={**body, "quantity": 3}, if_match='"1"',
                       idempotency_key="a")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency.mismatch")
    assert world.position() == end
    to_need = allocate(world, offer, '"2"', "coord", quantity=20, to_need=str(need_id))
    assert (to_need["to_need"], to_need["to_project"], to_need["version"]) == \
        (str(need_id), None, 3)
    read = world.call("GET", f"/api/v1/offers/{offer['id']}", "org").json()
    assert (read["allocated"], read["remaining"], read["live_allocations"]) == (50, 50, 2)


def test_a_venue_is_booked_for_a_span_without_double_booking(world: World) -> None:
    venue = made_offer(world, resource_type="venue", unit="间", quantity=1)
    url, to_project = f"/api/v1/offers/{venue['id']}/allocations", \
        str(project(world.app, world.c1))
    no_span = world.call("POST", url, "org", json={"quantity": 1, "to_project": to_project},
                         if_match='"1"')
    assert (no_span.status_code, no_span.json()["code"]) == (422, "resource.venue_needs_span")
    booked = allocate(world, venue, '"1"', quantity=1, to_project=to_project, span=span())
    assert booked["span"]["end"] == (USE_FROM + timedelta(hours=3)).isoformat() \
        .replace("+00:00", "Z")
    overlap = world.call("POST", url, "org", if_match='"2"', json={
        "quantity": 1, "to_project": to_project, "span": span(USE_FROM + timedelta(hours=2))})
    assert (overlap.status_code, overlap.json()["code"]) == (409, "resource.double_booking")
    allocate(world, venue, '"2"', quantity=1, to_project=to_project,
             span=span(USE_FROM + timedelta(hours=3)))


def test_recording_use_and_releasing(world: World) -> None:
    offer, project_id = made_offer(world), project(world.app, world.c1)
    made = allocate(world, offer, '"1"', quantity=30, to_project=str(project_id))
    url = f"/api/v1/offers/{offer['id']}/allocations/{made['allocation_id']}"
    start = world.position()
    for path, body in (("/use", {"used_quantity": 10}), ("/release", None)):
        assert world.call("POST", url + path, "org", json=body).status_code == 428
        assert world.call("POST", url + path, "org", json=body, if_match='"1"').status_code == 412
        for role in OUTSIDERS:
            assert world.call("POST", url + path, role, json=body,
                              if_match='"2"').status_code == 404, (path, role)
        unknown = world.call("POST", f"/api/v1/offers/{offer['id']}/allocations/{project_id}"
                             f"{path}", "org", json=body, if_match='"2"')
        assert (unknown.status_code, unknown.json()["code"]) == (404, "allocation.not_found")
    for body, status, field in (({}, 422, "used_quantity"), ({"used_quantity": 0}, 422,
                                "used_quantity"), ({"used_quantity": 31}, 409, "used_quantity")):
        response = world.call("POST", f"{url}/use", "org", json=body, if_match='"2"')
        assert (response.status_code, response.json()["errors"][0]["field"]) == (status, field)
    assert world.position() == start
    used = world.call("POST", f"{url}/use", "org", json={"used_quantity": 10}, if_match='"2"',
                      idempotency_key="u")
    assert (used.status_code, etag(used), used.json()["used"]) == (200, '"3"', 10)
    end = world.position()
    again = world.call("POST", f"{url}/use", "org", json={"used_quantity": 10}, if_match='"2"',
                       idempotency_key="u")
    assert (again.content, world.position()) == (used.content, end)
    released = world.call("POST", f"{url}/release", "coord", if_match='"3"',
                          idempotency_key="r")
    assert (released.status_code, etag(released), released.json()["released"]) == \
        (200, '"4"', True)
    assert reservations(world, project_id) == []
    read = world.call("GET", f"/api/v1/offers/{offer['id']}", "org").json()
    assert (read["allocated"], read["remaining"], read["live_allocations"]) == (10, 90, 0)
    end = world.position()
    assert world.call("POST", f"{url}/release", "coord", if_match='"3"',
                      idempotency_key="r").content == released.content
    twice = world.call("POST", f"{url}/release", "coord", if_match='"4"')
    assert (twice.status_code, twice.json()["code"]) == (409, "resource.allocation_released")
    assert world.position() == end


def test_allocations_are_read_and_listed_by_offer_and_by_organisation(world: World) -> None:
    goods, venue = made_offer(world), made_offer(world, resource_type="venue", unit="间",
                                                 quantity=1)
    unused = made_offer(world)
    project_id, need_id = str(project(world.app, world.c1)), str(need(world.app, world.c1))
    kept = allocate(world, goods, '"1"', quantity=30, to_project=project_id)
    given_back = allocate(world, goods, '"2"', quantity=20, to_need=need_id)
    world.call("POST", f"/api/v1/offers/{goods['id']}/allocations/"
               f"{given_back['allocation_id']}/release", "org", if_match='"3"')
    booked = allocate(world, venue, '"1"', quantity=1, to_project=project_id, span=span())
    catch_up(world)

    def listed(url: str, query: str = "", role: str = "org") -> list[str]:
        response = world.call("GET", f"{url}?{query}", role)
        assert response.status_code == 200, response.text
        return [item["allocation_id"] for item in response.json()["items"]]

    of_goods = f"/api/v1/offers/{goods['id']}/allocations"
    assert sorted(listed(of_goods)) == sorted([kept["allocation_id"],
                                               given_back["allocation_id"]])
    assert listed(of_goods, "released=true") == [given_back["allocation_id"]]
    assert listed(of_goods, f"to_project={project_id}", "admin") == [kept["allocation_id"]]
    assert listed(f"/api/v1/offers/{unused['id']}/allocations") == []
    of_organisation = f"/api/v1/organisations/{world.organisation}/allocations"
    everything = listed(of_organisation, role="coord")
    assert sorted(everything) == sorted(a["allocation_id"] for a in (kept, given_back, booked))
    assert sorted(listed(of_organisation, "released=false")) == \
        sorted([kept["allocation_id"], booked["allocation_id"]])
    first = world.call("GET", f"{of_organisation}?limit=2", "org").json()
    rest = world.call("GET", f"{of_organisation}?limit=2&cursor={first['next_cursor']}", "org")
    assert [i["allocation_id"] for i in first["items"] + rest.json()["items"]] == everything
    item = next(i for i in first["items"] + rest.json()["items"]
                if i["allocation_id"] == given_back["allocation_id"])
    assert (item["released"], item["returned"], item["to_need"]) == (True, 20, need_id)
    wrong = world.call("GET", f"{of_goods}?cursor={first['next_cursor']}", "org")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "query.bad_cursor")
    for query, field in (("released=maybe", "released"), ("to_need=x", "to_need"),
                         ("limit=500", "limit")):
        response = world.call("GET", f"{of_organisation}?{query}", "org")
        assert (response.status_code, response.json()["errors"][0]["field"]) == (422, field)
    one = f"{of_goods}/{kept['allocation_id']}"
    read = world.call("GET", one, "org")
    assert (read.status_code, etag(read), read.json()["quantity"]) == (200, '"4"', 30)
    assert world.call("GET", f"{of_goods}/{booked['allocation_id']}", "org").json()["code"] == \
        "allocation.not_found"
    for role in OUTSIDERS:
        for url in (of_goods, of_organisation, one):
            assert world.call("GET", url, role).status_code == 404, (role, url)
