"""The projects list: the project list view's ``projects`` table, newest first.

Coordinators (and administrators) see every project of the community; an
organisation the projects it undertakes or takes part in (from the participation
view); a volunteer the community's published ones. Filters: status (repeatable),
category, and week (a Monday: projects with a shift starting in that China-time
week). Keyset cursors on (drafted_at, project_id), bound to the filters and scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.platform.domain.errors import ValidationError
from wushe.platform.domain.project import ProjectStatus
from wushe.platform.http.api.reads import decode_cursor, encode_cursor
from wushe.platform.http.api.schemas.projects import ProjectRow, ProjectsPage
from wushe.platform.http.context import read_model
from wushe.projections.read import ViewNotBuiltError
from wushe.projections.views.roster import week_bounds

if TYPE_CHECKING:
    from litestar import Request

    from wushe.platform.http.api.authz_work import Viewer
    from wushe.projections.read import ResultRow
    from wushe.projections.schema import DbValue

__all__ = ["ProjectsQuery", "list_projects", "require_monday"]

_COLUMNS = ('"project_id", "community_id", "category", "title", "status", '
            '"undertaking_organisation_id", "team_id", "span_start", "span_end", "shifts", '
            '"required", "capacity", "filled", "proposed", "needs_served", "drafted_at"')
# Weeks whose bounds, in UTC, stay inside the calendar.
_FIRST_MONDAY, _LAST_MONDAY = date(1900, 1, 1), date(9999, 12, 20)
_PUBLISHED = tuple(s.value for s in ProjectStatus
                   if s not in (ProjectStatus.DRAFT, ProjectStatus.CANCELLED))


@dataclass(frozen=True, slots=True)
class ProjectsQuery:
    """One page request of a community's projects."""

    community_id: UUID
    statuses: frozenset[ProjectStatus]
    category: str | None
    week: date | None
    limit: int
    cursor: str | None


def require_monday(day: date, field: str = "week") -> None:
    """Refuse a week that does not start on a Monday, or ends past the calendar (422).

    Raises:
        ValidationError: ``week.not_a_monday`` or ``input.out_of_range``.
    """
    if not _FIRST_MONDAY <= day <= _LAST_MONDAY:
        raise ValidationError("input.out_of_range", f"{field} 超出允许范围",
                              f"{field} is out of range", field=field)
    if day.weekday() != 0:
        raise ValidationError("week.not_a_monday", "计划周须从星期一开始",
                              "the week must start on a Monday", field=field)


def _in(column: str, values: list[str]) -> str:
    return f'"{column}" IN ({", ".join("?" for _ in values)})'


def _filters(query: ProjectsQuery) -> tuple[list[str], list[DbValue]]:
    conditions: list[str] = ['"community_id" = ?']
    params: list[DbValue] = [str(query.community_id)]
    if query.statuses:
        statuses = sorted(s.value for s in query.statuses)
        conditions.append(_in("status", statuses))
        params.extend(statuses)
    if query.category is not None:
        conditions.append('"category" = ?')
        params.append(query.category)
    if query.week is not None:
        require_monday(query.week)
        conditions.append('"project_id" IN (SELECT "project_id" FROM {shifts} '
                          'WHERE "span_start" >= ? AND "span_start" < ?)')
        params.extend(week_bounds(query.week))
    return conditions, params


async def _organisation_projects(request: Request[Any, Any, Any], organisation: UUID) -> list[str]:
    sql = 'SELECT "project_id" FROM {participation} WHERE "organisation_id" = ?'
    try:
        rows = await read_model(request).query("participation", sql, (str(organisation),))
    except ViewNotBuiltError:
        return []
    return sorted(str(r["project_id"]) for r in rows)


async def _scope(request: Request[Any, Any, Any], viewer: Viewer,
                 community_id: UUID) -> tuple[list[str], list[DbValue], str] | None:
    """The viewer's limits on the list (None: they see nothing), and a name for them."""
    if viewer.coordinates(community_id):
        return [], [], "all"
    organisation = viewer.principal.roles.organisation_id
    if organisation is not None and viewer.principal.organisation_community == community_id:
        mine = await _organisation_projects(request, organisation)
        return ([_in("project_id", mine)], list(mine), f"organisation:{organisation}") \
            if mine else None
    return [_in("status", list(_PUBLISHED))], list(_PUBLISHED), "published"


def _row(row: ResultRow) -> ProjectRow:
    def optional(name: str) -> UUID | None:
        return None if row[name] is None else UUID(row[name])
    return ProjectRow(
        id=UUID(row["project_id"]), community_id=UUID(row["community_id"]),
        category=row["category"], title=row["title"], status=ProjectStatus(row["status"]),
        undertaking_organisation_id=optional("undertaking_organisation_id"),
        team_id=optional("team_id"), span_start=row["span_start"], span_end=row["span_end"],
        shifts=int(row["shifts"]), required=int(row["required"]),
        capacity=int(row["capacity"]), filled=int(row["filled"]),
        proposed=int(row["proposed"]), needs_served=int(row["needs_served"]),
        drafted_at=row["drafted_at"])


async def list_projects(request: Request[Any, Any, Any], viewer: Viewer,
                        query: ProjectsQuery) -> ProjectsPage:
    """One page of the community's projects the viewer may see, newest first."""
    conditions, params = _filters(query)
    scope = await _scope(request, viewer, query.community_id)
    if scope is None:
        return ProjectsPage((), None)
    conditions.extend(scope[0])
    params.extend(scope[1])
    fingerprint = ("projects", scope[2], str(query.community_id),
                   sorted(query.statuses), query.category, str(query.week))
    if query.cursor is not None:
        drafted, project = decode_cursor(fingerprint, query.cursor, 2)
        conditions.append('("drafted_at" < ? OR ("drafted_at" = ? AND "project_id" < ?))')
        params.extend((drafted, drafted, project))
    sql = (f'SELECT {_COLUMNS} FROM {{projects}} WHERE {" AND ".join(conditions)} '  # noqa: S608  (names from code, values bound)
           'ORDER BY "drafted_at" DESC, "project_id" DESC LIMIT ?')
    try:
        rows = await read_model(request).query("projects", sql, (*params, query.limit + 1))
    except ViewNotBuiltError:
        rows = []
    page = rows[:query.limit]
    last = page[-1] if len(rows) > query.limit else None
    cursor = None if last is None else encode_cursor(
        fingerprint, (last["drafted_at"], last["project_id"]))
    return ProjectsPage(tuple(_row(r) for r in page), cursor)
