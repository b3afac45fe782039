"""The project commands the projects controller runs (blocking: in a worker thread).

Each takes the application and the request's ``expected_version`` and returns what
was recorded; the aggregates and commands check every rule, so a rejected change
appends nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from wushe.platform.application import deterministic_id
from wushe.platform.commands import projects as commands
from wushe.platform.commands._common import community_of
from wushe.platform.domain.project import ServiceProject, Shift
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    from datetime import datetime

    from wushe.platform.application import Recorded, WusheApplication
    from wushe.platform.http.api.schemas.projects import PlanIn, ShiftIn

__all__ = ["add_shift", "cancel", "change_shift", "new_shift_id", "publish", "remove_shift",
           "serve_need", "set_plan", "shift_of"]


def new_shift_id(request_key: str | None) -> UUID:
    """A new shift's id: the same for every retry with one ``Idempotency-Key``."""
    return uuid4() if request_key is None else deterministic_id("shift", request_key)


def shift_of(shift_id: UUID, data: ShiftIn) -> Shift:
    """The domain shift of a request body."""
    return Shift(shift_id=shift_id, span=TimeSpan(data.start, data.end), grid=data.grid,
                 place=data.place, required_skills=data.required_skills,
                 min_headcount=data.min_headcount, max_headcount=data.max_headcount,
                 home_visit=data.home_visit, team_only=data.team_only,
                 resident_ref=data.resident_ref)


def set_plan(app: WusheApplication, project_id: UUID, expected: int, plan: PlanIn) -> Recorded:
    """Replace the project's activity plan."""
    return app.update(ServiceProject, project_id, lambda p: p.set_plan(
        goals=plan.goals, content=plan.content, methods=plan.methods,
        safety_measures=plan.safety_measures), expected_version=expected)


def add_shift(app: WusheApplication, project_id: UUID, expected: int, shift: Shift) -> Recorded:
    """Add a shift in a grid of the project's community."""
    return commands.add_shift(app, project_id=project_id, shift=shift, expected_version=expected)


def change_shift(app: WusheApplication, project_id: UUID, expected: int,
                 shift: Shift) -> Recorded:
    """Replace a shift (same id), in a grid of the project's community."""
    def command(project: ServiceProject) -> None:
        community_of(app, project.community_id, shift.grid, "grid")
        project.change_shift(shift)
    return app.update(ServiceProject, project_id, command, expected_version=expected)


def remove_shift(app: WusheApplication, project_id: UUID, expected: int,
                 shift_id: UUID) -> Recorded:
    """Remove a shift."""
    return app.update(ServiceProject, project_id, lambda p: p.remove_shift(shift_id),
                      expected_version=expected)


def publish(app: WusheApplication, project_id: UUID, expected: int, at: datetime) -> Recorded:
    """Open the project for staffing."""
    return app.update(ServiceProject, project_id, lambda p: p.publish(at),
                      expected_version=expected)


def cancel(app: WusheApplication, project_id: UUID, expected: int, reason: str,
           at: datetime) -> Recorded:
    """Call the project off."""
    return app.update(ServiceProject, project_id, lambda p: p.cancel(reason, at),
                      expected_version=expected)


def serve_need(app: WusheApplication, project_id: UUID, expected: int,
               need_id: UUID) -> Recorded:
    """Record that the project serves a need of its community."""
    return commands.serve_need(app, project_id=project_id, need_id=need_id,
                               expected_version=expected)
