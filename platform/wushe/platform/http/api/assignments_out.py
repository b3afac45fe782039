"""An assignment on the wire, the 404 that hides one, and a volunteer's list.

One assignment is loaded from the log; its community is its project's. The list is
the roster view's ``assignments`` table for one volunteer, by shift start, with
keyset cursors on (span_start, assignment_id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.platform.domain.assignment import Assignment, AssignmentStatus
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.project import ServiceProject
from wushe.platform.http.api.authz_work import (
    AssignmentAction,
    AssignmentScope,
    Viewer,
    can_assignment,
    decide,
)
from wushe.platform.http.api.projects_list import require_monday
from wushe.platform.http.api.reads import decode_cursor, encode_cursor
from wushe.platform.http.api.schemas.assignments import (
    AssignmentOut,
    AssignmentRow,
    AssignmentsPage,
)
from wushe.platform.http.context import application, blocking, read_model
from wushe.projections.read import ViewNotBuiltError
from wushe.projections.views.roster import week_bounds

if TYPE_CHECKING:
    from datetime import date

    from litestar import Request

    from wushe.platform.application import WusheApplication
    from wushe.projections.read import ResultRow
    from wushe.projections.schema import DbValue

__all__ = ["AssignmentsQuery", "Found", "assignment_out", "list_assignments",
           "visible_assignment"]

_COLUMNS = ('"assignment_id", "project_id", "shift_id", "team_id", "span_start", "span_end", '
            '"status", "shift_minutes", "service_minutes", "credited_minutes", "overrun"')


@dataclass(frozen=True, slots=True)
class Found:
    """An assignment and the community it belongs to (its project's)."""

    assignment: Assignment
    community_id: UUID


def _not_found(assignment_id: UUID) -> NotFoundError:
    return NotFoundError("assignment.not_found", "找不到该记录（assignment）",
                         f"no assignment with id {assignment_id}")


def _load(app: WusheApplication, assignment_id: UUID) -> Found:
    assignment = app.load(Assignment, assignment_id)
    return Found(assignment, app.load(ServiceProject, assignment.project_id).community_id)


async def visible_assignment(request: Request[Any, Any, Any], viewer: Viewer,
                             assignment_id: UUID, action: AssignmentAction) -> Found:
    """The assignment, if the viewer may ``action`` it (else 404 / 403)."""
    try:
        found = await blocking(_load, application(request), assignment_id)
    except NotFoundError:
        raise _not_found(assignment_id) from None
    scope = AssignmentScope(found.community_id, found.assignment.volunteer_id)
    decide(sees=can_assignment(viewer, AssignmentAction.READ, scope),
           may=can_assignment(viewer, action, scope), not_found=_not_found(assignment_id))
    return found


def assignment_out(found: Found) -> AssignmentOut:
    """The wire form of an assignment."""
    a = found.assignment
    return AssignmentOut(
        id=a.id, community_id=found.community_id, project_id=a.project_id, shift_id=a.shift_id,
        volunteer_id=a.volunteer_id, team_id=a.team_id, staffing_run_id=a.staffing_run_id,
        start=a.span.start, end=a.span.end, status=a.status, proposed_at=a.proposed_at,
        expires_at=a.expires_at, answered_at=a.answered_at, reason=a.reason,
        checked_in_at=a.checked_in_at, checked_out_at=a.checked_out_at,
        service_minutes=a.service_minutes, credited_minutes=a.credited_minutes,
        overrun=a.overrun, confirmed_by=a.confirmed_by, confirmed_at=a.confirmed_at,
        dispute_reason=a.dispute_reason, resolution=a.resolution, version=a.version)


@dataclass(frozen=True, slots=True)
class AssignmentsQuery:
    """One page request of a volunteer's assignments."""

    volunteer_id: UUID
    statuses: frozenset[AssignmentStatus]
    week: date | None
    limit: int
    cursor: str | None


def _optional_int(value: Any) -> int | None:  # noqa: ANN401  (a stored value)
    return None if value is None else int(value)


def _row(row: ResultRow) -> AssignmentRow:
    return AssignmentRow(
        id=UUID(row["assignment_id"]), project_id=UUID(row["project_id"]),
        shift_id=UUID(row["shift_id"]),
        team_id=None if row["team_id"] is None else UUID(row["team_id"]),
        start=row["span_start"], end=row["span_end"], status=AssignmentStatus(row["status"]),
        shift_minutes=int(row["shift_minutes"]),
        service_minutes=_optional_int(row["service_minutes"]),
        credited_minutes=_optional_int(row["credited_minutes"]), overrun=bool(row["overrun"]))


def _filters(query: AssignmentsQuery) -> tuple[list[str], list[DbValue]]:
    conditions: list[str] = ['"volunteer_id" = ?']
    params: list[DbValue] = [str(query.volunteer_id)]
    if query.statuses:
        statuses = sorted(s.value for s in query.statuses)
        conditions.append(f'"status" IN ({", ".join("?" for _ in statuses)})')
        params.extend(statuses)
    if query.week is not None:
        require_monday(query.week)
        conditions.append('"span_start" >= ? AND "span_start" < ?')
        params.extend(week_bounds(query.week))
    return conditions, params


async def list_assignments(request: Request[Any, Any, Any],
                           query: AssignmentsQuery) -> AssignmentsPage:
    """One page of the volunteer's assignments, by shift start."""
    conditions, params = _filters(query)
    fingerprint = ("assignments", str(query.volunteer_id), sorted(query.statuses),
                   str(query.week))
    if query.cursor is not None:
        start, assignment = decode_cursor(fingerprint, query.cursor, 2)
        conditions.append('("span_start" > ? OR ("span_start" = ? AND "assignment_id" > ?))')
        params.extend((start, start, assignment))
    sql = (f'SELECT {_COLUMNS} FROM {{assignments}} WHERE {" AND ".join(conditions)} '  # noqa: S608  (names from code, values bound)
           'ORDER BY "span_start", "assignment_id" LIMIT ?')
    try:
        rows = await read_model(request).query("roster", sql, (*params, query.limit + 1))
    except ViewNotBuiltError:
        rows = []
    page = rows[:query.limit]
    last = page[-1] if len(rows) > query.limit else None
    cursor = None if last is None else encode_cursor(
        fingerprint, (last["span_start"], last["assignment_id"]))
    return AssignmentsPage(tuple(_row(r) for r in page), cursor)
