"""``/api/v1`` volunteers: register, read (full or masked), list, change, (de)activate, forget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag
from tests.integration.api.people import (
    VALID_ID,
    catch_up,
    sign_in_volunteer,
    volunteer_body,
)
from tests.integration.test_commands import volunteer as registered_volunteer

if TYPE_CHECKING:
    from tests.integration.api.conftest import World


def register(world: World, role: str = "coord", **changes: Any) -> str:
    response = world.call("POST", f"/api/v1/communities/{world.c1}/volunteers", role,
                          json=volunteer_body(**changes))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_registering_is_idempotent_per_key(world: World) -> None:
    url = f"/api/v1/communities/{world.c1}/volunteers"
    first = world.call("POST", url, "coord", json=volunteer_body(), idempotency_key="v-1")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["personal_data"], body["name"], body["id_number"]) == ("full", "周志远", VALID_ID)
    assert (body["status"], body["skills"], etag(first)) == ("active", ["driving", "first_aid"],
                                                             '"1"')
    end = world.position()
    retry = world.call("POST", url, "coord", json=volunteer_body(), idempotency_key="v-1")
    assert (retry.status_code, retry.content) == (201, first.content)
    changed = world.call("POST", url, "coord", json=volunteer_body(name="周志强"),
                         idempotency_key="v-1")
    assert (changed.status_code, changed.json()["code"]) == (422, "idempotency.mismatch")
    assert world.position() == end


BAD_REGISTRATIONS: list[tuple[dict[str, Any], str, str]] = [
    ({"consent_version": None}, "consent_version", "input.bad_type"),
    ({"consented_at": "2026-11-02T09:00:00"}, "consented_at", "input.naive_datetime"),
    ({"id_type": "library_card"}, "id_type", "input.bad_choice"),
    ({"id_number": "350102199003071235"}, "id_number", "volunteer.bad_id_number"),
    ({"phone": "12"}, "phone", "input.bad_phone"),
    ({"home_grid": "G77"}, "home_grid", "reference.unknown_grid"),
    ({"skills": ["First Aid"]}, "skills", "input.bad_code"),
    ({"weekly_hour_cap": 99}, "weekly_hour_cap", "input.out_of_range"),
    ({"favourite_colour": "red"}, "favourite_colour", "input.unknown_field"),
    ({"address": "东街\u0000"}, "address", "input.bad_text"),
]


def test_a_bad_registration_is_a_field_level_problem(world: World) -> None:
    start = world.position()
    for changes, field, code in BAD_REGISTRATIONS:
        response = world.call("POST", f"/api/v1/communities/{world.c1}/volunteers", "coord",
                              json=volunteer_body(**changes))
        assert response.status_code == 422, (changes, response.text)
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code), changes
        assert error["message"]
    assert world.position() == start


def test_consent_is_required(world: World) -> None:
    body = volunteer_body()
    del body["consent_version"], body["consented_at"]
    response = world.call("POST", f"/api/v1/communities/{world.c1}/volunteers", "coord",
                          json=body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} <= {"consent_version", "consented_at"}
    assert response.json()["errors"][0]["code"] == "input.required"


def test_only_coordinators_register(world: World) -> None:
    start = world.position()
    for role, status in (("org", 403), ("vol", 403), ("coord2", 404)):
        response = world.call("POST", f"/api/v1/communities/{world.c1}/volunteers", role,
                              json=volunteer_body(), idempotency_key="k")
        assert response.status_code == status, role
    assert world.position() == start


def test_one_volunteer_is_full_for_themself_and_coordinators_only(world: World) -> None:
    url = f"/api/v1/volunteers/{world.volunteer}"
    for role in ("vol", "coord"):
        full = world.call("GET", url, role)
        assert (full.status_code, full.json()["personal_data"]) == (200, "full")
        assert full.json()["phone"] == "13905912345"
        assert full.json()["health_notes"] == "高血压，不宜久站"
        assert etag(full) == '"1"'
    masked = world.call("GET", url, "admin").json()
    assert (masked["personal_data"], masked["name"], masked["phone"]) == \
        ("masked", "林**", "139****2345")
    assert masked["id_number"] == "**************1234"
    assert (masked["address"], masked["health_notes"]) == (None, None)
    sign_in_volunteer(world, "vol2", registered_volunteer(world.app, world.c1))
    for role in ("coord2", "org", "vol2"):
        response = world.call("GET", url, role)
        assert (response.status_code, response.json()["code"]) == (404, "volunteer.not_found")


CHANGES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("skills", {"skills": ["cooking"]}, {"skills": ["BAD CODE"]}, "skills"),
    ("availability",
     {"windows": [{"weekday": 0, "start": "09:00:00", "end": "12:00:00"}],
      "exceptions": [{"day": "2026-12-07", "available": False}]},
     {"windows": [{"weekday": 0, "start": "09:00:00", "end": "12:00:00"},
                  {"weekday": 0, "start": "11:00:00", "end": "13:00:00"}]}, "windows"),
    ("home-grid", {"home_grid": "G02"}, {"home_grid": "G77"}, "home_grid"),
    ("weekly-hour-cap", {"weekly_hour_cap": 12}, {"weekly_hour_cap": 0}, "weekly_hour_cap"),
]


@pytest.mark.parametrize(("path", "good", "bad", "field"), CHANGES)
def test_changes_need_if_match_and_are_for_themself_or_a_coordinator(
        world: World, path: str, good: dict[str, Any], bad: dict[str, Any], field: str) -> None:
    url = f"/api/v1/volunteers/{world.volunteer}/{path}"
    sign_in_volunteer(world, "vol2", registered_volunteer(world.app, world.c1))
    start = world.position()
    assert world.call("PUT", url, "vol", json=good).status_code == 428
    stale = world.call("PUT", url, "vol", json=good, if_match='"9"')
    assert (stale.status_code, stale.json()["code"]) == (412, "version.stale")
    invalid = world.call("PUT", url, "vol", json=bad, if_match='"1"')
    assert invalid.status_code == 422, invalid.text
    assert invalid.json()["errors"][0]["field"] == field
    for role in ("coord2", "org", "vol2"):
        assert world.call("PUT", url, role, json=good, if_match='"1"').status_code == 404
    assert world.position() == start
    mine = world.call("PUT", url, "vol", json=good, if_match='"1"')
    assert (mine.status_code, etag(mine), mine.json()["personal_data"]) == (200, '"2"', "full")
    theirs = world.call("PUT", url, "coord", json=good, if_match='"2"')
    assert (theirs.status_code, etag(theirs)) == (200, '"3"')
    assert int(theirs.headers["x-log-position"]) == world.position()


def test_availability_round_trips(world: World) -> None:
    windows = [{"weekday": 5, "start": "14:00:00", "end": "17:30:00"},
               {"weekday": 1, "start": "09:00:00", "end": "11:00:00"}]
    exceptions = [{"day": "2026-12-08", "available": True,
                   "windows": [{"weekday": 1, "start": "13:00:00", "end": "15:00:00"}]}]
    response = world.call("PUT", f"/api/v1/volunteers/{world.volunteer}/availability", "vol",
                          json={"windows": windows, "exceptions": exceptions}, if_match='"1"')
    availability = response.json()["availability"]
    assert [w["weekday"] for w in availability["windows"]] == [1, 5]
    assert availability["windows"][1]["end"] == "17:30:00"
    assert availability["exceptions"][0]["windows"][0]["start"] == "13:00:00"


def test_deactivate_and_reactivate_are_for_coordinators(world: World) -> None:
    url = f"/api/v1/volunteers/{world.volunteer}"
    reason = {"reason": "搬离本社区"}
    start = world.position()
    assert world.call("POST", f"{url}/deactivate", "coord", json=reason).status_code == 428
    assert world.call("POST", f"{url}/deactivate", "coord", json=reason,
                      if_match='"5"').status_code == 412
    assert world.call("POST", f"{url}/deactivate", "coord", json={"reason": ""},
                      if_match='"1"').json()["errors"][0]["field"] == "reason"
    denied = world.call("POST", f"{url}/deactivate", "vol", json=reason, if_match='"1"')
    assert (denied.status_code, denied.json()["code"]) == (403, "auth.forbidden")
    assert world.call("POST", f"{url}/deactivate", "org", json=reason,
                      if_match='"1"').status_code == 404
    assert world.position() == start
    done = world.call("POST", f"{url}/deactivate", "coord", json=reason, if_match='"1"',
                      idempotency_key="d-1")
    assert (done.status_code, done.json()["status"]) == (200, "inactive")
    end = world.position()
    retry = world.call("POST", f"{url}/deactivate", "coord", json=reason, if_match='"1"',
                       idempotency_key="d-1")
    assert (retry.status_code, retry.content) == (200, done.content)
    again = world.call("POST", f"{url}/deactivate", "coord", json=reason, if_match='"2"')
    assert (again.status_code, again.json()["code"]) == (409, "state.deactivate")
    assert world.position() == end
    assert world.call("POST", f"{url}/reactivate", "vol", if_match='"2"').status_code == 403
    back = world.call("POST", f"{url}/reactivate", "admin", if_match='"2"')
    assert (back.status_code, back.json()["status"], etag(back)) == (200, "active", '"3"')


def test_forgetting_is_for_themself_or_an_administrator(world: World) -> None:
    url = f"/api/v1/volunteers/{world.volunteer}/forget"
    start = world.position()
    assert world.call("POST", url, "coord").status_code == 403
    for role in ("org", "coord2"):
        assert world.call("POST", url, role).status_code == 404
    assert world.call("POST", url, "vol", if_match='"4"').status_code == 412
    assert world.position() == start
    done = world.call("POST", url, "vol", if_match='"1"')
    assert (done.status_code, done.content) == (204, b"")
    end = world.position()
    assert int(done.headers["x-log-position"]) == end
    profile = world.call("GET", f"/api/v1/volunteers/{world.volunteer}", "coord").json()
    assert profile["status"] == "forgotten"
    assert [profile[f] for f in ("name", "id_number", "phone", "address", "health_notes")] == \
        [None] * 5
    assert world.call("POST", url, "vol", if_match='"1"').status_code == 204  # a retry
    assert world.position() == end
    other = registered_volunteer(world.app, world.c1)
    assert world.call("POST", f"/api/v1/volunteers/{other}/forget", "admin").status_code == 204
    change = world.call("PUT", f"/api/v1/volunteers/{world.volunteer}/skills", "coord",
                        json={"skills": ["cooking"]}, if_match='"2"')
    assert (change.status_code, change.json()["code"]) == (409, "state.set_skills")


def test_the_list_filters_pages_and_masks(world: World) -> None:
    cook = register(world, name="陈小红", skills=["cooking"], home_grid="G02")
    driver = register(world, name="王大明", skills=["driving"])
    team = world.call("POST", f"/api/v1/communities/{world.c1}/teams", "coord",
                      json={"name": "送餐队", "leader_id": driver, "home_grid": "G01"})
    world.call("POST", f"/api/v1/volunteers/{cook}/deactivate", "coord",
               json={"reason": "外出"}, if_match='"1"')
    catch_up(world)
    url = f"/api/v1/communities/{world.c1}/volunteers"
    everyone = world.call("GET", f"{url}?wait_for={world.position()}", "coord")
    assert everyone.headers["x-views-position"] == str(world.position())
    names = {item["name"] for item in everyone.json()["items"]}
    assert names == {"林**", "陈**", "王**"}

    def ids(query: str, role: str = "coord") -> set[str]:
        return {item["id"] for item in world.call("GET", f"{url}?{query}", role).json()["items"]}

    assert ids("status=inactive") == {cook}
    assert ids("status=active&status=inactive&home_grid=G02") == {cook}
    assert ids("skill=first_aid", "admin") == {str(world.volunteer)}
    assert ids("skill=first") == set()
    assert ids(f"team={team.json()['id']}") == {driver}
    first = world.call("GET", f"{url}?limit=2&status=active&status=inactive", "coord").json()
    second = world.call("GET", f"{url}?limit=2&status=active&status=inactive"
                        f"&cursor={first['next_cursor']}", "coord").json()
    assert second["next_cursor"] is None
    seen = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
    assert sorted(seen) == seen
    assert set(seen) == {cook, driver, str(world.volunteer)}
    wrong = world.call("GET", f"{url}?limit=2&cursor={first['next_cursor']}", "coord")
    assert (wrong.status_code, wrong.json()["errors"][0]["field"]) == (422, "cursor")


def test_a_bad_list_query_is_422_with_the_field(world: World) -> None:
    for query, field in (("status=lost", "status"), ("limit=0", "limit"), ("limit=x", "limit"),
                         ("team=nobody", "team"), ("cursor=abc", "cursor"),
                         ("wait_for=-1", "wait_for")):
        response = world.call("GET", f"/api/v1/communities/{world.c1}/volunteers?{query}",
                              "coord")
        assert response.status_code == 422, (query, response.text)
        assert response.json()["errors"][0]["field"] == field, query


def test_the_list_is_for_coordinators(world: World) -> None:
    for role, status in (("org", 403), ("vol", 403), ("coord2", 404), (None, 401)):
        response = world.call("GET", f"/api/v1/communities/{world.c1}/volunteers", role)
        assert response.status_code == status, role
