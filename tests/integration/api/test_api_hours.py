"""``/api/v1`` hours: a volunteer's ledger, totals and stars; a community's volunteers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from tests.integration.api.work_world import (
    NOW,
    PLAN,
    SHIFT_START,
    clocked,
    draft,
    offer,
    shift_body,
)
from tests.integration.test_commands import volunteer
from wushe.platform import commands as cmd
from wushe.platform.domain.account import Roles
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.volunteer import Volunteer
from wushe.projections.service import Projections
from wushe.projections.views.hours import HoursLedger
from wushe.projections.views.roster import Roster

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

# Stars at 1, 5, 10, 20 and 40 hours, so a few shifts earn some.
POLICY = Policy(star_thresholds_hours=(1, 5, 10, 20, 40))
COORDINATOR = UUID("00000000-0000-4000-8000-000000000001")


def project_at(world: World, start: datetime) -> dict[str, Any]:
    """A published project of c1 with one three-hour shift from ``start``."""
    body = draft(world)
    url, version = f"/api/v1/projects/{body['id']}", '"1"'
    for method, path, json in (("PUT", "/plan", PLAN), ("POST", "/shifts", shift_body(start)),
                               ("POST", "/publish", None)):
        response = world.call(method, url + path, "coord", json=json, if_match=version)
        assert response.status_code == 200, response.text
        version = response.headers["etag"]
    result: dict[str, Any] = response.json()
    return result


def serve(world: World, project: dict[str, Any], volunteer_id: UUID,
          minutes: int | None = None) -> UUID:
    """Offer the shift, accept, attend it all, confirm (``minutes``: corrected down)."""
    assignment = offer(world, project, volunteer_id)
    start = datetime.fromisoformat(project["shifts"][0]["start"])
    world.app.update(Assignment, assignment, lambda a: a.accept(NOW + timedelta(hours=1)))
    world.app.update(Assignment, assignment, lambda a: a.check_in(start))
    cmd.check_out(world.app, policy=POLICY, assignment_id=assignment,
                  at=start + timedelta(hours=3))
    world.app.update(Assignment, assignment, lambda a: a.confirm_hours(
        COORDINATOR, start + timedelta(hours=4), minutes, None if minutes is None else "提前离场"))
    return assignment


def catch_up(world: World) -> None:
    Projections(world.app, world.views, views=(HoursLedger, Roster)).catch_up()


@pytest.fixture
def served(world: World) -> dict[str, Any]:
    """c1's volunteer served two shifts (180 and 120 minutes), ``vol2`` one (60 minutes)."""
    clocked(world)
    world.client.app.state.policy = POLICY
    vol2 = volunteer(world.app, world.c1)
    world.tokens["vol2"] = world.account("vol2", Roles(volunteer_id=vol2))
    monday, tuesday = project_at(world, SHIFT_START), project_at(world,
                                                                 SHIFT_START + timedelta(days=1))
    ids = {"monday": serve(world, monday, world.volunteer),
           "tuesday": serve(world, tuesday, world.volunteer, 120),
           "vol2": vol2, "vol2_monday": serve(world, monday, vol2, 60)}
    catch_up(world)
    return ids


def hours_of(world: World, volunteer_id: object, role: str | None = "vol",
             query: str = "") -> Any:
    return world.call("GET", f"/api/v1/volunteers/{volunteer_id}/hours{query}", role)


def test_a_volunteer_sees_their_records_totals_and_stars(world: World,
                                                         served: dict[str, Any]) -> None:
    response = hours_of(world, world.volunteer)
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["total_minutes"], page["star_level"], page["next_star_hours"]) == (300, 2, 10)
    assert page["totals"] == [{"period": "2026", "minutes": 300, "assignments": 2},
                              {"period": "all", "minutes": 300, "assignments": 2}]
    assert [(r["assignment_id"], r["credited_minutes"], r["status"], r["year"])
            for r in page["items"]] == [(str(served["tuesday"]), 120, "confirmed", 2026),
                                        (str(served["monday"]), 180, "confirmed", 2026)]
    assert page["next_cursor"] is None
    first = hours_of(world, world.volunteer, query="?limit=1").json()
    second = hours_of(world, world.volunteer, query=f"?limit=1&cursor={first['next_cursor']}")
    assert [r["assignment_id"] for r in first["items"] + second.json()["items"]] == \
        [str(served["tuesday"]), str(served["monday"])]
    assert second.json()["next_cursor"] is None
    assert hours_of(world, world.volunteer, query="?year=2025").json()["items"] == []
    assert hours_of(world, world.volunteer, query="?status=pending").json()["items"] == []
    position = world.position()
    waited = hours_of(world, world.volunteer, query=f"?wait_for={position}")
    assert int(waited.headers["x-views-position"]) == position
    for manager in ("coord", "admin"):
        assert hours_of(world, world.volunteer, manager).json() == page
    # Anyone else: the volunteer's 404 (another volunteer of c1 too); anonymous 401.
    others: tuple[tuple[str | None, int], ...] = (("coord2", 404), ("org", 404),
                                                   ("vol2", 404), (None, 401))
    for role, status in others:
        assert hours_of(world, world.volunteer, role).status_code == status, role
    missing = "00000000-0000-4000-8000-00000000dead"
    assert hours_of(world, missing, "admin").json()["code"] == "volunteer.not_found"
    for query, field, code in BAD_QUERIES:
        for url in (f"/api/v1/volunteers/{world.volunteer}/hours",
                    f"/api/v1/communities/{world.c1}/hours"):
            if field != "status" or "volunteers" in url:
                bad = world.call("GET", f"{url}?{query}", "coord")
                assert bad.status_code == 422, bad.text
                error = bad.json()["errors"][0]
                assert (error["field"], error["code"]) == (field, code)


BAD_QUERIES = (
    ("year=1999", "year", "input.out_of_range"), ("year=2101", "year", "input.out_of_range"),
    ("year=soon", "year", "input.bad_type"), ("status=lost", "status", "input.bad_choice"),
    ("limit=0", "limit", "input.out_of_range"), ("cursor=abc", "cursor", "query.bad_cursor"),
)


def community_hours(world: World, role: str | None = "coord", query: str = "",
                    community: object = None) -> Any:
    return world.call("GET", f"/api/v1/communities/{community or world.c1}/hours{query}", role)


def test_coordinators_see_their_volunteers_by_hours(world: World,
                                                    served: dict[str, Any]) -> None:
    response = community_hours(world)
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["period"], page["minutes"], page["assignments"]) == ("all", 360, 3)
    assert [(i["volunteer_id"], i["minutes"], i["assignments"], i["star_level"])
            for i in page["items"]] == [(str(world.volunteer), 300, 2, 2),
                                        (str(served["vol2"]), 60, 1, 1)]
    assert all("*" in i["name"] and i["name"] != "林晓燕" for i in page["items"])
    this_year = community_hours(world, "admin", "?year=2026").json()
    assert this_year["period"] == "2026"
    assert this_year["items"] == page["items"]  # stars from the all-time totals
    first = community_hours(world, query="?limit=1").json()
    assert [i["volunteer_id"] for i in first["items"]] == [str(world.volunteer)]
    rest = community_hours(world, query=f"?limit=1&cursor={first['next_cursor']}").json()
    assert ([i["volunteer_id"] for i in rest["items"]], rest["next_cursor"]) == \
        ([str(served["vol2"])], None)
    other = community_hours(world, query=f"?year=2026&limit=1&cursor={first['next_cursor']}")
    assert (other.status_code, other.json()["errors"][0]["field"]) == (422, "cursor")
    empty = community_hours(world, query="?year=2027").json()
    assert (empty["minutes"], empty["items"]) == (0, [])
    others: tuple[tuple[str | None, int], ...] = (("coord2", 404), ("org", 403),
                                                   ("vol", 403), (None, 401))
    for role, status in others:
        assert community_hours(world, role).status_code == status, role

    # A forgotten volunteer leaves the list; the community keeps the hours.
    world.app.forget(Volunteer, served["vol2"], lambda v: v.forget())
    catch_up(world)
    page = community_hours(world).json()
    assert page["minutes"] == 360
    assert [i["volunteer_id"] for i in page["items"]] == [str(world.volunteer)]
    own = hours_of(world, served["vol2"], "vol2").json()
    assert (own["total_minutes"], own["totals"], own["items"]) == (0, [], [])
