"""The volunteers list: the roster view's ``volunteers`` table of one community, by id.

Names are masked as the view stores them; a forgotten volunteer has no row.
Filters: status (repeatable), home grid, skill (one code) and team (a team id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from wushe.platform.domain.volunteer import VolunteerStatus
from wushe.platform.http.api.id_pages import IdQuery, contains_code, fetch_id_page
from wushe.platform.http.api.schemas.volunteers import VolunteerItem, VolunteersPage

if TYPE_CHECKING:
    from litestar import Request

    from wushe.projections.read import ResultRow

__all__ = ["VIEWS", "VolunteerFilters", "volunteers_page"]

VIEWS = ("roster",)
_COLUMNS = ("volunteer_id", "community_id", "name", "home_grid", "skills", "certifications",
            "weekly_hour_cap", "status", "team_ids", "version")


class VolunteerFilters(msgspec.Struct, frozen=True, kw_only=True):
    """What the list is narrowed to (empty: any)."""

    statuses: frozenset[VolunteerStatus] = frozenset()
    home_grid: str | None = None
    skill: str | None = None
    team: UUID | None = None


def _query(community_id: UUID, filters: VolunteerFilters) -> IdQuery:
    scope = ("volunteers", str(community_id), sorted(filters.statuses), filters.home_grid,
             filters.skill, None if filters.team is None else str(filters.team))
    query = IdQuery("roster", "volunteers", "volunteer_id", _COLUMNS, scope)
    query.where('"community_id" = ?', str(community_id))
    if filters.statuses:
        marks = ", ".join("?" for _ in filters.statuses)
        query.where(f'"status" IN ({marks})', *sorted(filters.statuses))
    if filters.home_grid is not None:
        query.where('"home_grid" = ?', filters.home_grid)
    if filters.skill is not None:
        query.where(*contains_code("skills", filters.skill))
    if filters.team is not None:
        query.where('"volunteer_id" IN (SELECT "volunteer_id" FROM {team_members} '
                    'WHERE "team_id" = ?)', str(filters.team))
    return query


def _codes(text: object) -> tuple[str, ...]:
    return tuple(msgspec.json.decode(str(text or "[]"), type=list[str]))


def _item(row: ResultRow) -> VolunteerItem:
    return VolunteerItem(
        id=UUID(row["volunteer_id"]), community_id=UUID(row["community_id"]), name=row["name"],
        home_grid=row["home_grid"], skills=_codes(row["skills"]),
        certifications=int(row["certifications"] or 0),
        weekly_hour_cap=int(row["weekly_hour_cap"]), status=row["status"],
        team_ids=tuple(UUID(t) for t in _codes(row["team_ids"])), version=int(row["version"]))


async def volunteers_page(request: Request[Any, Any, Any], community_id: UUID,
                          filters: VolunteerFilters, limit: int,
                          cursor: str | None) -> VolunteersPage:
    """One page of the community's volunteers, ordered by id."""
    page = await fetch_id_page(request, _query(community_id, filters), limit, cursor)
    return VolunteersPage(tuple(_item(r) for r in page.rows), page.next_cursor)
