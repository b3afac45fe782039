"""A project on the wire, the 404 that hides one, and who may see it.

One project is loaded from the log (current, with its version as ETag); the
staffing counts of its shifts come from the project list view, so they are as
current as ``?wait_for=`` asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.project import ProjectStatus, ServiceProject, Shift
from wushe.platform.http.api.authz import Action
from wushe.platform.http.api.authz_work import ProjectScope, Viewer, can_project, decide
from wushe.platform.http.api.schemas.projects import (
    PlanOut,
    ProjectOut,
    ShiftOut,
    SpanOut,
)
from wushe.platform.http.context import application, blocking, read_model
from wushe.projections.read import ViewNotBuiltError

if TYPE_CHECKING:
    from litestar import Request

__all__ = ["Counts", "project_not_found", "project_out", "project_scope", "shift_counts",
           "shown_project", "visible_project"]

Counts = dict[str, tuple[int, int]]  # shift id → (filled, proposed)
_UNPUBLISHED = (ProjectStatus.DRAFT, ProjectStatus.CANCELLED)


def project_not_found(project_id: UUID) -> NotFoundError:
    """The 404 of a project that is missing or not the principal's (the same answer)."""
    return NotFoundError("service_project.not_found", "找不到该记录（service_project）",
                         f"no service_project with id {project_id}")


def project_scope(project: ServiceProject) -> ProjectScope:
    """What authorising an action on the project needs."""
    organisations = set(project.participant_organisations)
    if project.undertaking_organisation_id is not None:
        organisations.add(project.undertaking_organisation_id)
    return ProjectScope(project.community_id, frozenset(organisations),
                        project.status not in _UNPUBLISHED)


async def visible_project(request: Request[Any, Any, Any], viewer: Viewer, project_id: UUID,
                          action: Action) -> ServiceProject:
    """The project, if the viewer may ``action`` it (else 404 / 403)."""
    try:
        project = await blocking(application(request).load, ServiceProject, project_id)
    except NotFoundError:
        raise project_not_found(project_id) from None
    scope = project_scope(project)
    decide(sees=can_project(viewer, Action.READ, scope), may=can_project(viewer, action, scope),
           not_found=project_not_found(project_id))
    return project


async def shift_counts(request: Request[Any, Any, Any], project_id: UUID) -> Counts:
    """Filled and proposed places per shift of the project, from the project list view."""
    sql = 'SELECT "shift_id", "filled", "proposed" FROM {shifts} WHERE "project_id" = ?'
    try:
        rows = await read_model(request).query("projects", sql, (str(project_id),))
    except ViewNotBuiltError:
        return {}
    return {str(r["shift_id"]): (int(r["filled"]), int(r["proposed"])) for r in rows}


def _shift_out(shift: Shift, counts: Counts, *, full: bool) -> ShiftOut:
    filled, proposed = counts.get(str(shift.shift_id), (0, 0))
    return ShiftOut(
        shift_id=shift.shift_id, start=shift.span.start, end=shift.span.end, grid=shift.grid,
        place=shift.place, required_skills=shift.required_skills, required=shift.min_headcount,
        max_headcount=shift.max_headcount, filled=filled, proposed=proposed,
        home_visit=shift.home_visit, team_only=shift.team_only,
        resident_ref=shift.resident_ref if full else None)


def project_out(project: ServiceProject, counts: Counts, *, full: bool) -> ProjectOut:
    """The wire form of a project; ``full``: with its shifts' resident references."""
    span, plan = project.span, project.plan
    return ProjectOut(
        id=project.id, community_id=project.community_id, category=project.category,
        title=project.title, description=project.description, status=project.status,
        government_purchased=project.government_purchased,
        undertaking_organisation_id=project.undertaking_organisation_id,
        requires_team=project.requires_team, team_id=project.team_id,
        span=None if span is None else SpanOut(span.start, span.end),
        plan=None if plan is None else PlanOut(plan.goals, plan.content, plan.methods,
                                               plan.safety_measures),
        shifts=tuple(_shift_out(s, counts, full=full) for s in project.shifts),
        needs=tuple(sorted(project.needs)),
        participant_organisations=tuple(sorted(project.participant_organisations)),
        cancellation_reason=project.cancellation_reason, drafted_at=project.drafted_at,
        published_at=project.published_at, version=project.version)


async def shown_project(request: Request[Any, Any, Any], viewer: Viewer,
                        project: ServiceProject) -> ProjectOut:
    """The project as this viewer may see it, with its staffing counts."""
    counts = await shift_counts(request, project.id)
    full = can_project(viewer, Action.READ_PERSONAL, project_scope(project))
    return project_out(project, counts, full=full)
