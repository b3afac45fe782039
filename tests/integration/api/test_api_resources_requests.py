"""``/api/v1`` resource requests: record, read, list, withdraw, and allocate an offer for one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag
from tests.integration.api.resource_world import (
    catch_up,
    iso,
    made_offer,
    other_organisations,
    request_body,
    span,
)
from tests.integration.api.work_world import NOW, clocked
from tests.integration.test_commands import need, project

if TYPE_CHECKING:
    from uuid import UUID

    from tests.integration.api.conftest import World


@pytest.fixture(autouse=True)
def others(world: World) -> dict[str, UUID]:
    """The business clock, and ``orgb`` (c1) and ``org2`` (c2) with their ids."""
    clocked(world)
    return other_organisations(world)


def requests_of(world: World) -> str:
    return f"/api/v1/communities/{world.c1}/resource-requests"


def recorded(world: World, **changes: Any) -> dict[str, Any]:
    response = world.call("POST", requests_of(world), "coord", json=request_body(**changes))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_recording_a_request_is_idempotent_and_for_coordinators(world: World) -> None:
    project_id = str(project(world.app, world.c1))
    body = request_body(project_id=project_id, urgent=True)
    start = world.position()
    for role, status in (("org", 403), ("vol", 403), ("coord2", 404), ("org2", 404),
                         (None, 401)):
        assert world.call("POST", requests_of(world), role, json=body).status_code == status
    assert world.position() == start
    first = world.call("POST", requests_of(world), "coord", json=body, idempotency_key="q")
    assert (first.status_code, etag(first)) == (201, '"1"'), first.text
    made = first.json()
    assert (made["project_id"], made["need_id"], made["status"], made["remaining"],
            made["urgent"], made["requested_at"]) == \
        (project_id, None, "open", 30, True, iso(NOW).replace("+00:00", "Z"))
    end = world.position()
    retry = world.call("POST", requests_of(world), "coord", json=body, idempotency_key="q")
    assert (retry.status_code, retry.content) == (201, first.content)
    other = world.call("POST", requests_of(world), "coord", json={**body, "quantity": 2},
                       idempotency_key="q")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency.mismatch")
    assert world.position() == end
    for_need = recorded(world, need_id=str(need(world.app, world.c1)))
    assert for_need["project_id"] is None


def test_a_bad_request_is_a_field_level_problem(world: World) -> None:
    project_id = str(project(world.app, world.c1))
    bad: list[tuple[dict[str, Any], int, str, str]] = [
        ({"project_id": None}, 422, "project_id", "resource_request.owner"),
        ({"need_id": str(need(world.app, world.c1))}, 422, "project_id",
         "resource_request.owner"),
        ({"grid": "G77"}, 422, "grid", "reference.unknown_grid"),
        ({"quantity": 0}, 422, "quantity", "input.out_of_range"),
        ({"resource_type": "gold"}, 422, "resource_type", "input.bad_choice"),
        ({"unit": ""}, 422, "unit", "input.required"),
        ({"span": span(hours=0)}, 422, "span", "input.empty_window"),
        ({"urgent": "very"}, 422, "urgent", "input.bad_type"),
        ({"colour": "red"}, 422, "colour", "input.unknown_field"),
    ]
    start = world.position()
    for changes, status, field, code in bad:
        body = {**request_body(project_id=project_id), **changes}
        response = world.call("POST", requests_of(world), "coord", json=body)
        assert response.status_code == status, (changes, response.text)
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code), changes
    theirs = world.call("POST", requests_of(world), "coord",
                        json=request_body(project_id=str(project(world.app, world.c2))))
    assert (theirs.status_code, theirs.json()["code"]) == (409, "reference.other_community")
    assert world.position() == start + 1  # only the other community's project was drafted


def test_requests_are_read_and_listed_by_the_community(world: World) -> None:
    project_id, need_id = str(project(world.app, world.c1)), str(need(world.app, world.c1))
    goods = recorded(world, project_id=project_id)
    venue = recorded(world, project_id=project_id, resource_type="venue", unit="间",
                     quantity=1, grid="G02", urgent=True)
    for_need = recorded(world, need_id=need_id)
    world.call("POST", f"/api/v1/resource-requests/{for_need['id']}/withdraw", "coord",
               json={"reason": "已解决"}, if_match='"1"')
    world.call("POST", f"/api/v1/communities/{world.c2}/resource-requests", "coord2",
               json=request_body(project_id=str(project(world.app, world.c2))))
    catch_up(world)

    def listed(query: str = "", role: str = "coord") -> set[str]:
        response = world.call("GET", f"{requests_of(world)}?{query}", role)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert listed() == listed(role="org") == listed(role="orgb") == \
        {goods["id"], venue["id"], for_need["id"]}
    assert listed("status=withdrawn", "admin") == {for_need["id"]}
    assert listed("status=open&resource_type=venue") == {venue["id"]}
    assert listed("grid=G02") == listed("urgent=true") == {venue["id"]}
    assert listed(f"owner={need_id}") == {for_need["id"]}
    row = world.call("GET", f"{requests_of(world)}?owner={need_id}", "org").json()["items"][0]
    assert (row["owner_kind"], row["status"], row["quantity"], row["version"]) == \
        ("need", "withdrawn", 30, 2)
    first = world.call("GET", f"{requests_of(world)}?limit=2", "coord").json()
    rest = world.call("GET", f"{requests_of(world)}?limit=2&cursor={first['next_cursor']}",
                      "coord").json()
    assert len({i["id"] for i in first["items"] + rest["items"]}) == 3
    wrong = world.call("GET", f"{requests_of(world)}?grid=G01&cursor={first['next_cursor']}",
                       "coord")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "query.bad_cursor")
    for query, field in (("status=lost", "status"), ("urgent=maybe", "urgent"),
                         ("owner=x", "owner"), ("resource_type=gold", "resource_type")):
        response = world.call("GET", f"{requests_of(world)}?{query}", "coord")
        assert (response.status_code, response.json()["errors"][0]["field"]) == (422, field)
    for role, status in (("vol", 403), ("coord2", 404), ("org2", 404), (None, 401)):
        assert world.call("GET", requests_of(world), role).status_code == status, role
    url = f"/api/v1/resource-requests/{goods['id']}"
    for role in ("coord", "admin", "org", "orgb"):
        read = world.call("GET", url, role)
        assert (read.status_code, etag(read), read.json()) == (200, '"1"', goods), role
    for role in ("vol", "coord2", "org2"):
        hidden = world.call("GET", url, role)
        assert (hidden.status_code, hidden.json()["code"]) == \
            (404, "resource_request.not_found"), role


def test_withdrawing_a_request_needs_if_match_and_a_coordinator(world: World) -> None:
    made = recorded(world, project_id=str(project(world.app, world.c1)))
    url, reason = f"/api/v1/resource-requests/{made['id']}/withdraw", {"reason": "项目改期"}
    start = world.position()
    assert world.call("POST", url, "coord", json=reason).status_code == 428
    assert world.call("POST", url, "coord", json=reason, if_match='"2"').status_code == 412
    assert world.call("POST", url, "coord", json={}, if_match='"1"').json()["errors"][0] \
        ["field"] == "reason"
    denied = world.call("POST", url, "org", json=reason, if_match='"1"')
    assert (denied.status_code, denied.json()["code"]) == (403, "auth.forbidden")
    for role in ("vol", "coord2", "org2"):
        assert world.call("POST", url, role, json=reason, if_match='"1"').status_code == 404
    assert world.position() == start
    done = world.call("POST", url, "coord", json=reason, if_match='"1"', idempotency_key="w")
    assert (done.status_code, etag(done)) == (200, '"2"'), done.text
    assert (done.json()["status"], done.json()["withdrawal_reason"], done.json()["remaining"]) \
        == ("withdrawn", "项目改期", 0)
    end = world.position()
    retry = world.call("POST", url, "coord", json=reason, if_match='"1"', idempotency_key="w")
    assert (retry.status_code, retry.content) == (200, done.content)
    again = world.call("POST", url, "admin", json=reason, if_match='"2"')
    assert (again.status_code, again.json()["code"]) == (409, "state.withdraw")
    assert world.position() == end


def test_allocating_an_offer_for_a_request(world: World, others: dict[str, UUID]) -> None:
    project_id = project(world.app, world.c1)
    made = recorded(world, project_id=str(project_id))
    offer, funds = made_offer(world), made_offer(world, resource_type="funds", unit="元")
    theirs = made_offer(world, others["orgb"], role="orgb")
    url = f"/api/v1/resource-requests/{made['id']}/allocations"
    body = {"offer_id": offer["id"], "quantity": 20}
    start = world.position()
    assert world.call("POST", url, "org", json=body).status_code == 428
    assert world.call("POST", url, "org", json=body, if_match='"2"').status_code == 412
    bad: list[tuple[dict[str, Any], int, str, str]] = [
        ({"offer_id": funds["id"], "quantity": 1}, 409, "offer_id",
         "resource_request.offer_mismatch"),
        ({"offer_id": offer["id"], "quantity": 31}, 409, "quantity",
         "resource_request.over_allocation"),
        ({"offer_id": offer["id"], "quantity": 0}, 422, "quantity", "input.out_of_range"),
        ({"offer_id": "x", "quantity": 1}, 422, "offer_id", "input.bad_type"),
        ({"quantity": 1}, 422, "offer_id", "input.required"),
    ]
    for changes, status, field, code in bad:
        response = world.call("POST", url, "org", json=changes, if_match='"1"')
        assert response.status_code == status, (changes, response.text)
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code), changes
    for role, offer_id in (("org", theirs["id"]), ("orgb", offer["id"])):
        hidden = world.call("POST", url, role, json={**body, "offer_id": offer_id},
                            if_match='"1"')
        assert (hidden.status_code, hidden.json()["code"]) == (404, "resource.not_found"), role
    for role in ("vol", "coord2", "org2"):
        hidden = world.call("POST", url, role, json=body, if_match='"1"')
        assert (hidden.status_code, hidden.json()["code"]) == \
            (404, "resource_request.not_found"), role
    assert world.position() == start
    done = world.call("POST", url, "org", json=body, if_match='"1"', idempotency_key="a")
    assert (done.status_code, etag(done)) == (200, '"2"'), done.text
    got = done.json()
    assert (got["status"], got["allocated"], got["remaining"]) == ("partly_allocated", 20, 10)
    allocation = got["allocations"][0]
    assert (allocation["offer_id"], allocation["quantity"]) == (offer["id"], 20)
    read = world.call("GET", f"/api/v1/offers/{offer['id']}/allocations/"
                      f"{allocation['allocation_id']}", "org").json()
    assert (read["to_project"], read["span"], read["version"]) == \
        (str(project_id), made["span"], 2)
    end = world.position()
    retry = world.call("POST", url, "org", json=body, if_match='"1"', idempotency_key="a")
    assert (retry.status_code, retry.content) == (200, done.content)
    other = world.call("POST", url, "org", json={**body, "quantity": 2}, if_match='"1"',
                       idempotency_key="a")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency.mismatch")
    assert world.position() == end
    met = world.call("POST", url, "orgb", json={"offer_id": theirs["id"], "quantity": 10},
                     if_match='"2"')
    assert (met.status_code, met.json()["status"], etag(met)) == (200, "met", '"3"')
    end = world.position()
    again = world.call("POST", url, "coord", json=body, if_match='"3"')
    assert (again.status_code, again.json()["code"]) == (409, "state.record_allocation")
    assert world.position() == end
