"""``/api/v1/communities/{id}/staffing-runs``: run the optimiser, read runs, answer offers."""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag
from tests.integration.api.work_world import (
    NOW,
    PLAN,
    WEEK,
    catch_up,
    clocked,
    draft,
    shift_body,
)
from wushe.matching.staffing import Params
from wushe.platform.application import deterministic_id
from wushe.platform.commands.accounts import account_id_of
from wushe.platform.domain.values import WeeklyWindow
from wushe.platform.domain.volunteer import Volunteer
from wushe.platform.http.api.staffing_runs import run_staffing
from wushe.platform.staffing.horizon import Week

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

MONDAY_DAY = WeeklyWindow(0, time(8), time(18))  # covers the shift (Monday 09:00–12:00 China)
RUN = {"week": WEEK, "time_limit_s": 5}


def runs_of(world: World, community: object = None) -> str:
    return f"/api/v1/communities/{community or world.c1}/staffing-runs"


def two_person_project(world: World) -> dict[str, Any]:
    """A published project of c1 whose one shift needs two people (c1 has one volunteer)."""
    body = draft(world)
    url = f"/api/v1/projects/{body['id']}"
    version = '"1"'
    for method, path, json in (("PUT", "/plan", PLAN),
                               ("POST", "/shifts", shift_body(min_headcount=2)),
                               ("POST", "/publish", None)):
        response = world.call(method, url + path, "coord", json=json, if_match=version)
        assert response.status_code == 200, response.text
        version = etag(response)
    result: dict[str, Any] = response.json()
    return result


def test_a_retry_racing_its_first_attempt_does_not_run_again(world: World) -> None:
    """The first attempt requested its run but has no kept answer yet (still solving, or
    in another worker): a retry with the key answers that run and runs nothing."""
    clocked(world)
    two_person_project(world)
    key = hashlib.sha256(f"{account_id_of('coord')}:run-2".encode()).hexdigest()
    first = run_staffing(world.client.app, world.c1, Week(date.fromisoformat(WEEK)),
                         Params(time_limit_s=5), deterministic_id("staffing_run", key))
    end = world.position()

    retry = world.call("POST", runs_of(world), "coord", json=RUN, idempotency_key="run-2")

    assert (retry.status_code, retry.json()["id"]) == (201, str(first))
    assert world.position() == end


def test_a_run_offers_shifts_the_volunteer_then_declines(world: World) -> None:
    clocked(world)
    world.app.update(Volunteer, world.volunteer, lambda v: v.set_availability((MONDAY_DAY,)))
    project = two_person_project(world)
    ran = world.call("POST", runs_of(world), "coord", json=RUN, idempotency_key="run-1")
    assert ran.status_code == 201, ran.text
    run = ran.json()
    assert (run["status"], run["week_of"], run["reason"]) == ("completed", WEEK, "manual")
    result = run["result"]
    assert (result["proposed"], result["kept"], result["withdrawn"]) == (1, 0, 0)
    assert [(u["project_id"], u["shortfall"]) for u in result["unfilled"]] == \
        [(project["id"], 1)]
    assert result["unfilled"][0]["reason"]
    end = world.position()
    assert int(ran.headers["x-log-position"]) == end
    retry = world.call("POST", runs_of(world), "coord", json=RUN, idempotency_key="run-1")
    assert (retry.status_code, retry.content) == (201, ran.content)
    assert world.position() == end

    catch_up(world)
    offers = world.call("GET", f"/api/v1/volunteers/{world.volunteer}/assignments"
                        "?status=proposed", "vol").json()["items"]
    assert [o["shift_id"] for o in offers] == [project["shifts"][0]["shift_id"]]
    one = world.call("GET", f"/api/v1/assignments/{offers[0]['id']}", "vol")
    assert one.json()["staffing_run_id"] == run["id"]
    declined = world.call("POST", f"/api/v1/assignments/{offers[0]['id']}/decline", "vol",
                          json={"reason": "那天要出差"}, if_match=etag(one))
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")

    listed = world.call("GET", runs_of(world), "org").json()
    assert [r["id"] for r in listed["items"]] == [run["id"]]
    got = world.call("GET", f"{runs_of(world)}/{run['id']}", "coord")
    assert (got.status_code, etag(got), got.json()["result"]) == (200, '"2"', result)
    assert world.call("GET", f"{runs_of(world, world.c2)}/{run['id']}",
                      "coord2").status_code == 404
    assert world.call("GET", runs_of(world), "coord2").status_code == 404


@pytest.mark.parametrize(("body", "field", "code"), [
    ({**RUN, "week": "2026-12-01"}, "week", "week.not_a_monday"),
    ({**RUN, "week": "2026-11-16"}, "week", "staffing.week_over"),
    ({**RUN, "week": "soon"}, "week", "input.bad_type"),
    ({**RUN, "week": "9999-12-27"}, "week", "input.out_of_range"),
    ({"time_limit_s": 5}, "week", "input.required"),
    ({**RUN, "time_limit_s": 61}, "time_limit_s", "input.out_of_range"),
    ({**RUN, "time_limit_s": 0}, "time_limit_s", "input.out_of_range"),
    ({**RUN, "gap": -0.5}, "gap", "input.out_of_range"),
    ({**RUN, "workers": 8}, "workers", "input.unknown_field"),
])
def test_a_bad_run_request_is_a_field_level_problem(world: World, body: dict[str, Any],
                                                    field: str, code: str) -> None:
    clocked(world, NOW + timedelta(days=1))
    start = world.position()
    response = world.call("POST", runs_of(world), "coord", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert world.position() == start


@pytest.mark.parametrize(("role", "status"), [("org", 403), ("vol", 404), ("coord2", 404),
                                              (None, 401)])
def test_only_coordinators_run(world: World, role: str | None, status: int) -> None:
    clocked(world)
    start = world.position()
    assert world.call("POST", runs_of(world), role, json=RUN).status_code == status
    assert world.position() == start


def test_a_bad_runs_cursor_is_422(world: World) -> None:
    response = world.call("GET", f"{runs_of(world)}?cursor=abc", "coord")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "cursor")
