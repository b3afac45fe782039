"""``/api/v1`` organisations: register, read (contact full or masked), list, deactivate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tests.integration.api.conftest import etag
from tests.integration.api.people import catch_up, organisation_body
from tests.integration.test_commands import POLICY
from tests.integration.test_commands import organisation as registered_organisation
from wushe.platform import commands as cmd
from wushe.platform.domain.account import Roles
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    from uuid import UUID

    from tests.integration.api.conftest import World


def register(world: World, role: str = "coord", **changes: Any) -> str:
    response = world.call("POST", f"/api/v1/communities/{world.c1}/organisations", role,
                          json=organisation_body(**changes))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def project_this_year(world: World, organisation_id: UUID) -> None:
    """A project undertaken by the organisation, starting now (this China-time year)."""
    now = datetime.now(UTC)
    cmd.draft_project(world.app, policy=POLICY, community_id=world.c1, category="ELDER",
                      title="助老送餐", description="每周送餐", government_purchased=False, at=now,
                      undertaking_organisation_id=organisation_id,
                      span=TimeSpan(now, now + timedelta(hours=2)))


def test_registering_is_idempotent_per_key(world: World) -> None:
    url = f"/api/v1/communities/{world.c1}/organisations"
    first = world.call("POST", url, "coord", json=organisation_body(), idempotency_key="o-1")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["personal_data"], body["contact_name"], body["contact_phone"]) == \
        ("full", "黄丽华", "13705911234")
    assert (body["status"], body["registration_no"], etag(first)) == \
        ("active", "BA-350102-0007", '"1"')
    end = world.position()
    retry = world.call("POST", url, "coord", json=organisation_body(), idempotency_key="o-1")
    assert (retry.status_code, retry.content) == (201, first.content)
    changed = world.call("POST", url, "coord", json=organisation_body(name="另一个"),
                         idempotency_key="o-1")
    assert (changed.status_code, changed.json()["code"]) == (422, "idempotency.mismatch")
    assert world.position() == end


BAD_ORGANISATIONS: list[tuple[dict[str, Any], str, str]] = [
    ({"kind": "club"}, "kind", "input.bad_choice"),
    ({"registration_no": None}, "registration_no", "organisation.registration_no_required"),
    ({"registration": "none"}, "registration_no", "organisation.unexpected_registration_no"),
    ({"contact_phone": "phone"}, "contact_phone", "input.bad_phone"),
    ({"contact_name": ""}, "contact_name", "input.required"),
    ({"name": 7}, "name", "input.bad_type"),
    ({"name": "互助会\u0000"}, "name", "input.bad_text"),  # PostgreSQL text holds no NUL
]


def test_a_bad_organisation_is_a_field_level_problem(world: World) -> None:
    start = world.position()
    for changes, field, code in BAD_ORGANISATIONS:
        response = world.call("POST", f"/api/v1/communities/{world.c1}/organisations", "coord",
                              json=organisation_body(**changes))
        assert response.status_code == 422, (changes, response.text)
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code), changes
    assert world.position() == start


def test_only_coordinators_register(world: World) -> None:
    start = world.position()
    for role, status in (("org", 403), ("vol", 403), ("coord2", 404)):
        response = world.call("POST", f"/api/v1/communities/{world.c1}/organisations", role,
                              json=organisation_body())
        assert response.status_code == status, role
    assert world.position() == start


def test_the_contact_is_full_for_coordinators_and_the_organisation_itself(world: World) -> None:
    url = f"/api/v1/organisations/{world.organisation}"
    for role in ("coord", "org"):
        full = world.call("GET", url, role)
        assert (full.status_code, etag(full)) == (200, '"1"')
        assert (full.json()["contact_name"], full.json()["contact_phone"]) == \
            ("陈建国", "0591-87654321")
    masked = world.call("GET", url, "admin").json()
    assert (masked["personal_data"], masked["contact_name"], masked["contact_phone"]) == \
        ("masked", "陈**", "059******4321")
    other = registered_organisation(world.app, world.c1)
    world.tokens["org2"] = world.account("org2", Roles(organisation_id=other))
    for role in ("coord2", "vol", "org2"):
        response = world.call("GET", url, role)
        assert (response.status_code, response.json()["code"]) == (404, "organisation.not_found")


def test_deactivating_needs_if_match_and_a_coordinator(world: World) -> None:
    url = f"/api/v1/organisations/{world.organisation}/deactivate"
    reason = {"reason": "停止活动"}
    start = world.position()
    assert world.call("POST", url, "coord", json=reason).status_code == 428
    assert world.call("POST", url, "coord", json=reason, if_match='"3"').status_code == 412
    assert world.call("POST", url, "coord", json={}, if_match='"1"').json()["errors"][0] \
        ["field"] == "reason"
    denied = world.call("POST", url, "org", json=reason, if_match='"1"')
    assert (denied.status_code, denied.json()["code"]) == (403, "auth.forbidden")
    for role in ("coord2", "vol"):
        assert world.call("POST", url, role, json=reason, if_match='"1"').status_code == 404
    assert world.position() == start
    done = world.call("POST", url, "coord", json=reason, if_match='"1"', idempotency_key="x")
    assert (done.status_code, done.json()["status"], etag(done)) == (200, "inactive", '"2"')
    end = world.position()
    retry = world.call("POST", url, "coord", json=reason, if_match='"1"', idempotency_key="x")
    assert (retry.status_code, retry.content) == (200, done.content)
    again = world.call("POST", url, "admin", json=reason, if_match='"2"')
    assert (again.status_code, again.json()["code"]) == (409, "state.deactivate")
    assert world.position() == end


def test_the_list_filters_pages_masks_and_counts_this_years_projects(world: World) -> None:
    unit = register(world, name="东街供电所", kind="co_building_unit", registration="none",
                    registration_no=None)
    club = register(world)
    project_this_year(world, world.organisation)
    catch_up(world)
    url = f"/api/v1/communities/{world.c1}/organisations"

    def items(query: str = "", role: str = "coord") -> dict[str, dict[str, Any]]:
        response = world.call("GET", f"{url}?{query}", role)
        assert response.status_code == 200, response.text
        return {item["id"]: item for item in response.json()["items"]}

    everything = items()
    assert set(everything) == {str(world.organisation), unit, club}
    mine = everything[str(world.organisation)]
    assert (mine["contact_name"], mine["contact_phone"]) == ("陈**", "059******4321")
    assert (mine["projects_this_year"], everything[club]["projects_this_year"]) == (1, 0)
    assert set(items("kind=co_building_unit")) == {unit}
    assert set(items("registration=filed", "admin")) == {club}
    assert set(items("status=inactive")) == set()
    assert set(items(role="org")) == {str(world.organisation)}
    first = world.call("GET", f"{url}?limit=1", "coord").json()
    second = world.call("GET", f"{url}?limit=1&cursor={first['next_cursor']}", "coord").json()
    assert first["items"][0]["id"] < second["items"][0]["id"]
    wrong = world.call("GET", f"{url}?limit=1&kind=charity&cursor={first['next_cursor']}",
                       "coord")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "query.bad_cursor")


def test_a_bad_list_query_is_422_with_the_field(world: World) -> None:
    for query, field in (("kind=club", "kind"), ("registration=maybe", "registration"),
                         ("limit=-1", "limit"), ("cursor=%%%", "cursor"),
                         ("wait_for=x", "wait_for")):
        response = world.call("GET", f"/api/v1/communities/{world.c1}/organisations?{query}",
                              "coord")
        assert response.status_code == 422, (query, response.text)
        assert response.json()["errors"][0]["field"] == field, query


def test_the_list_is_not_for_volunteers_or_other_communities(world: World) -> None:
    for role, status in (("vol", 403), ("coord2", 404), (None, 401)):
        response = world.call("GET", f"/api/v1/communities/{world.c1}/organisations", role)
        assert response.status_code == status, role
