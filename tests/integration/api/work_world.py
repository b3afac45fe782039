"""What the projects, assignments and staffing API tests share.

A business clock fixed a week before the shifts (so nothing depends on today's
date), request bodies, and the views those endpoints read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tests.helpers import MONDAY_9AM
from wushe.platform import commands as cmd
from wushe.platform.domain.policy import Policy
from wushe.projections.service import Projections
from wushe.projections.views.participation import OrganisationParticipation
from wushe.projections.views.projects import ProjectList
from wushe.projections.views.roster import Roster
from wushe.projections.views.runs import StaffingRuns

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

NOW = MONDAY_9AM - timedelta(days=7)  # the business clock: a Monday, 09:00 China time
SHIFT_START = MONDAY_9AM  # a week later
WEEK = "2026-11-30"  # the Monday of SHIFT_START (China time)
PLAN = {"goals": "按时送餐", "content": "送餐", "methods": "志愿者上门",
        "safety_measures": ["食品留样"]}


class Clock:
    """A business clock the tests move by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def clocked(world: World, now: datetime = NOW) -> Clock:
    """Give the app a business clock at ``now``."""
    clock = Clock(now)
    world.client.app.state.clock = clock
    return clock


def catch_up(world: World) -> None:
    """Bring the views these endpoints read up to the log."""
    Projections(world.app, world.views,
                views=(ProjectList, Roster, OrganisationParticipation, StaffingRuns)).catch_up()


def project_body(**changes: Any) -> dict[str, Any]:
    """A valid body for drafting a project."""
    return {"category": "ELDER", "title": "助老送餐", "description": "为独居老人送午餐",
            **changes}


def shift_body(at: datetime = SHIFT_START, hours: int = 3, **changes: Any) -> dict[str, Any]:
    """A valid body for a shift in G01, from ``at``."""
    return {"start": at.isoformat(), "end": (at + timedelta(hours=hours)).isoformat(),
            "grid": "G01", "place": "社区服务站", "min_headcount": 1, "max_headcount": 2,
            **changes}


def draft(world: World, role: str = "coord", **changes: Any) -> dict[str, Any]:
    """Draft a project of c1 through the API; its body."""
    response = world.call("POST", f"/api/v1/communities/{world.c1}/projects", role,
                          json=project_body(**changes))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def published(world: World, **changes: Any) -> dict[str, Any]:
    """A project of c1 with a plan and one shift, published through the API; its body."""
    body = draft(world, **changes)
    url = f"/api/v1/projects/{body['id']}"
    version = f'"{body["version"]}"'
    for method, path, json in (("PUT", "/plan", PLAN), ("POST", "/shifts", shift_body()),
                               ("POST", "/publish", None)):
        response = world.call(method, url + path, "coord", json=json, if_match=version)
        assert response.status_code == 200, response.text
        version = response.headers["etag"]
    result: dict[str, Any] = response.json()
    return result


def offer(world: World, project: dict[str, Any], volunteer: UUID | None = None) -> UUID:
    """Offer the project's first shift to the volunteer (default: the world's)."""
    return cmd.propose_assignment(
        world.app, policy=Policy(), project_id=UUID(project["id"]),
        shift_id=UUID(project["shifts"][0]["shift_id"]),
        volunteer_id=volunteer or world.volunteer, at=NOW).id
