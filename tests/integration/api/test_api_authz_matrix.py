"""Every endpoint × every role × own / other community: the status each gets.

Reads and writes of something the principal may not see are 404 (never revealing
that it exists); what they see but may not change is 403; anonymous is 401.
Writes here send a stale ``If-Match`` where one is needed, so an allowed role
reaches the version check (412) and nothing is appended by any cell.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from tests.integration.api.conftest import need_body
from tests.integration.api.people import organisation_body, team_body, volunteer_body
from tests.integration.api.work_world import (
    NOW,
    PLAN,
    WEEK,
    catch_up,
    clocked,
    offer,
    project_body,
    published,
    shift_body,
)
from wushe.platform.domain.staffing_run import RunReason, StaffingRun

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

ROLES = (None, "admin", "coord", "coord2", "org", "vol")
# endpoint → expected status per role (anonymous, admin, coord, coord2, org, vol)
MATRIX: dict[str, tuple[int, ...]] = {
    "list communities": (401, 200, 200, 200, 200, 200),
    "get community": (401, 200, 200, 404, 200, 404),
    "found community": (401, 422, 403, 403, 403, 403),
    "add grid": (401, 412, 412, 404, 403, 404),
    "change grid": (401, 412, 412, 404, 403, 404),
    "list needs": (401, 200, 200, 404, 200, 404),
    "get need": (401, 200, 200, 404, 200, 404),
    "receive need": (401, 422, 422, 404, 403, 404),
    "accept need": (401, 412, 412, 404, 403, 404),
    "start handling": (401, 412, 412, 404, 403, 404),
    "close need": (401, 412, 412, 404, 403, 404),
}


FOUND_BAD_CODE = {"code": "1", "name": "西湖社区", "district": "鼓楼区", "permanent_population": 1,
                  "households": 1}


def request(world: World, endpoint: str, need_id: str) -> tuple[str, str, Any]:
    c1, needs = f"/api/v1/communities/{world.c1}", f"/api/v1/needs/{need_id}"
    return {
        "list communities": ("GET", "/api/v1/communities", None),
        "get community": ("GET", c1, None),
        "found community": ("POST", "/api/v1/communities", FOUND_BAD_CODE),
        "add grid": ("POST", f"{c1}/grids", {"grid_id": "G9", "name": "九", "households": 400}),
        "change grid": ("PUT", f"{c1}/grids/G01", {"name": "一", "households": 401}),
        "list needs": ("GET", f"{c1}/needs", None),
        "get need": ("GET", needs, None),
        "receive need": ("POST", f"{c1}/needs", need_body(world, grid="G99")),
        "accept need": ("POST", f"{needs}/accept", {"by": str(world.staff1)}),
        "start handling": ("POST", f"{needs}/start-handling",
                           {"handler": str(world.staff1), "committed_working_days": 1}),
        "close need": ("POST", f"{needs}/close", {"result": "done"}),
    }[endpoint]


@pytest.fixture
def need_id(world: World) -> str:
    response = world.call("POST", f"/api/v1/communities/{world.c1}/needs", "coord",
                          json=need_body(world))
    world.catch_up()
    return str(response.json()["id"])


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_the_authorisation_matrix(world: World, need_id: str, endpoint: str) -> None:
    start = world.position()
    method, url, body = request(world, endpoint, need_id)
    got = tuple(world.call(method, url, role, json=body, if_match='"99"').status_code
                for role in ROLES)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, MATRIX[endpoint], strict=True))
    assert world.position() == start


# -- projects, assignments and staffing runs --------------------------------------------
# A published project of c1 undertaken by the organisation (so the organisation and c1's
# volunteer see it), an offer of it to c1's volunteer, and a requested staffing run.
READ_PROJECT = (401, 200, 200, 404, 200, 200)
WRITE_PROJECT = (401, 412, 412, 404, 403, 403)
ANSWER = (401, 403, 403, 404, 404, 412)  # only the volunteer answers their offer
CONFIRM = (401, 412, 412, 404, 404, 403)  # coordinators confirm; the volunteer sees it
WORK_MATRIX: dict[str, tuple[int, ...]] = {
    "list projects": READ_PROJECT,
    "get project": READ_PROJECT,
    "draft project": (401, 422, 422, 404, 403, 403),
    "set plan": WRITE_PROJECT,
    "add shift": WRITE_PROJECT,
    "change shift": WRITE_PROJECT,
    "remove shift": WRITE_PROJECT,
    "publish project": WRITE_PROJECT,
    "cancel project": WRITE_PROJECT,
    "serve need": WRITE_PROJECT,
    "list assignments": (401, 200, 200, 404, 404, 200),
    "get assignment": (401, 200, 200, 404, 404, 200),
    "accept assignment": ANSWER,
    "decline assignment": ANSWER,
    "check in": ANSWER,
    "check out": ANSWER,
    "mark no-show": CONFIRM,
    "confirm hours": CONFIRM,
    "resolve dispute": CONFIRM,
    "run staffing": (401, 422, 422, 404, 403, 404),
    "list staffing runs": (401, 200, 200, 404, 200, 404),
    "get staffing run": (401, 200, 200, 404, 200, 404),
}


def work_request(world: World, endpoint: str, ids: dict[str, str]) -> tuple[str, str, Any]:
    c1, project = f"/api/v1/communities/{world.c1}", f"/api/v1/projects/{ids['project']}"
    shift = f"{project}/shifts/{ids['shift']}"
    assignment = f"/api/v1/assignments/{ids['assignment']}"
    return {
        "list projects": ("GET", f"{c1}/projects", None),
        "get project": ("GET", project, None),
        "draft project": ("POST", f"{c1}/projects", project_body(category="NOPE")),
        "set plan": ("PUT", f"{project}/plan", PLAN),
        "add shift": ("POST", f"{project}/shifts", shift_body()),
        "change shift": ("PUT", shift, shift_body()),
        "remove shift": ("DELETE", shift, None),
        "publish project": ("POST", f"{project}/publish", None),
        "cancel project": ("POST", f"{project}/cancel", {"reason": "场地不可用"}),
        "serve need": ("POST", f"{project}/needs", {"need_id": ids["need"]}),
        "list assignments": ("GET", f"/api/v1/volunteers/{world.volunteer}/assignments", None),
        "get assignment": ("GET", assignment, None),
        "accept assignment": ("POST", f"{assignment}/accept", None),
        "decline assignment": ("POST", f"{assignment}/decline", {"reason": "有事"}),
        "check in": ("POST", f"{assignment}/check-in", None),
        "check out": ("POST", f"{assignment}/check-out", None),
        "mark no-show": ("POST", f"{assignment}/no-show", None),
        "confirm hours": ("POST", f"{assignment}/confirm-hours", {}),
        "resolve dispute": ("POST", f"{assignment}/resolve-dispute",
                            {"credited_minutes": 60, "resolution": "核实"}),
        "run staffing": ("POST", f"{c1}/staffing-runs", {"week": "2026-12-01"}),
        "list staffing runs": ("GET", f"{c1}/staffing-runs", None),
        "get staffing run": ("GET", f"{c1}/staffing-runs/{ids['run']}", None),
    }[endpoint]


@pytest.fixture
def work_ids(world: World, need_id: str) -> dict[str, str]:
    clocked(world)
    project = published(world, undertaking_organisation_id=str(world.organisation))
    run = world.app.create(StaffingRun.request(
        id=uuid4(), community_id=world.c1, week_of=date.fromisoformat(WEEK),
        reason=RunReason.MANUAL, at=NOW))
    ids = {"project": project["id"], "shift": project["shifts"][0]["shift_id"],
           "assignment": str(offer(world, project)), "run": str(run.id), "need": need_id}
    catch_up(world)
    return ids


def test_the_work_authorisation_matrix(world: World, work_ids: dict[str, str]) -> None:
    """One world for every cell (its setup is the slow part); each endpoint appends nothing."""
    got: dict[str, tuple[int, ...]] = {}
    for endpoint in sorted(WORK_MATRIX):
        start = world.position()
        method, url, body = work_request(world, endpoint, work_ids)
        got[endpoint] = tuple(world.call(method, url, role, json=body,
                                         if_match='"99"').status_code for role in ROLES)
        assert world.position() == start, endpoint
    assert got == WORK_MATRIX


# -- volunteers, teams and organisations -------------------------------------------------
# c1's volunteer (``vol``) leads a team of c1 with one more member; the organisation is
# c1's. Bodies that reach a command are invalid (unknown grid), so nothing is appended.
UPDATE_VOLUNTEER = (401, 412, 412, 404, 404, 412)  # the volunteer themself, or coordinators
MANAGE_VOLUNTEER = (401, 412, 412, 404, 404, 403)
CHANGE_TEAM = (401, 412, 412, 404, 404, 412)  # the leader, or coordinators
CREATE = (401, 422, 422, 404, 403, 403)
PEOPLE_MATRIX: dict[str, tuple[int, ...]] = {
    "list volunteers": (401, 200, 200, 404, 403, 403),
    "get volunteer": (401, 200, 200, 404, 404, 200),
    "register volunteer": CREATE,
    "set skills": UPDATE_VOLUNTEER,
    "set availability": UPDATE_VOLUNTEER,
    "set home grid": UPDATE_VOLUNTEER,
    "set weekly hour cap": UPDATE_VOLUNTEER,
    "deactivate volunteer": MANAGE_VOLUNTEER,
    "reactivate volunteer": MANAGE_VOLUNTEER,
    "forget volunteer": (401, 412, 403, 404, 404, 412),
    "list teams": (401, 200, 200, 404, 403, 200),
    "get team": (401, 200, 200, 404, 404, 200),
    "form team": CREATE,
    "add team member": CHANGE_TEAM,
    "remove team member": CHANGE_TEAM,
    "change team leader": CHANGE_TEAM,
    "dissolve team": CHANGE_TEAM,
    "list organisations": (401, 200, 200, 404, 200, 403),
    "get organisation": (401, 200, 200, 404, 200, 404),
    "register organisation": CREATE,
    "deactivate organisation": (401, 412, 412, 404, 403, 404),
}


def people_request(world: World, endpoint: str, ids: dict[str, str]) -> tuple[str, str, Any]:
    c1, volunteer = f"/api/v1/communities/{world.c1}", f"/api/v1/volunteers/{world.volunteer}"
    team, member = f"/api/v1/teams/{ids['team']}", {"volunteer_id": ids["member"]}
    organisation = f"/api/v1/organisations/{world.organisation}"
    return {
        "list volunteers": ("GET", f"{c1}/volunteers", None),
        "get volunteer": ("GET", volunteer, None),
        "register volunteer": ("POST", f"{c1}/volunteers", volunteer_body(home_grid="G99")),
        "set skills": ("PUT", f"{volunteer}/skills", {"skills": ["cooking"]}),
        "set availability": ("PUT", f"{volunteer}/availability", {"windows": []}),
        "set home grid": ("PUT", f"{volunteer}/home-grid", {"home_grid": "G02"}),
        "set weekly hour cap": ("PUT", f"{volunteer}/weekly-hour-cap", {"weekly_hour_cap": 4}),
        "deactivate volunteer": ("POST", f"{volunteer}/deactivate", {"reason": "外出"}),
        "reactivate volunteer": ("POST", f"{volunteer}/reactivate", None),
        "forget volunteer": ("POST", f"{volunteer}/forget", None),
        "list teams": ("GET", f"{c1}/teams", None),
        "get team": ("GET", team, None),
        "form team": ("POST", f"{c1}/teams", team_body(world.volunteer, home_grid="G99")),
        "add team member": ("POST", f"{team}/members", member),
        "remove team member": ("DELETE", f"{team}/members/{ids['member']}", None),
        "change team leader": ("PUT", f"{team}/leader", member),
        "dissolve team": ("POST", f"{team}/dissolve", {"reason": "合并"}),
        "list organisations": ("GET", f"{c1}/organisations", None),
        "get organisation": ("GET", organisation, None),
        "register organisation": ("POST", f"{c1}/organisations",
                                  organisation_body(registration_no=None)),
        "deactivate organisation": ("POST", f"{organisation}/deactivate", {"reason": "停办"}),
    }[endpoint]


@pytest.fixture
def people_ids(world: World) -> dict[str, str]:
    register = world.call("POST", f"/api/v1/communities/{world.c1}/volunteers", "coord",
                          json=volunteer_body())
    member = str(register.json()["id"])
    team = world.call("POST", f"/api/v1/communities/{world.c1}/teams", "coord",
                      json=team_body(world.volunteer)).json()["id"]
    world.call("POST", f"/api/v1/teams/{team}/members", "coord",
               json={"volunteer_id": member}, if_match='"1"')
    return {"team": str(team), "member": member}


def test_the_people_authorisation_matrix(world: World, people_ids: dict[str, str]) -> None:
    """One world for every cell; each endpoint appends nothing."""
    got: dict[str, tuple[int, ...]] = {}
    for endpoint in sorted(PEOPLE_MATRIX):
        start = world.position()
        method, url, body = people_request(world, endpoint, people_ids)
        got[endpoint] = tuple(world.call(method, url, role, json=body,
                                         if_match='"99"').status_code for role in ROLES)
        assert world.position() == start, endpoint
    assert got == PEOPLE_MATRIX
