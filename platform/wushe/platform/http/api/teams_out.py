"""A team on the wire, the 404 that hides one, and the teams list.

The list pages through the roster view's ``teams`` table (filters and member
scope there); the view keeps no team name or leader, so the teams of a page are
then loaded from the log (a page is at most ``limit`` teams, and a community has
few). Members' names come masked from the roster view's ``volunteers`` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.team import TeamStatus, VolunteerTeam
from wushe.platform.http.api.authz_people import Act, TeamFacts, can_team, refuse_unless
from wushe.platform.http.api.id_pages import IdQuery, fetch_id_page
from wushe.platform.http.api.schemas.teams import MemberOut, TeamOut, TeamsPage
from wushe.platform.http.context import application, blocking, read_model
from wushe.projections.read import ViewNotBuiltError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from litestar import Request

    from wushe.platform.application import WusheApplication
    from wushe.platform.http.auth.principal import Principal

__all__ = ["VIEWS", "TeamFilters", "member_names", "shown", "team_not_found", "team_out",
           "teams_page", "visible_team"]

VIEWS = ("roster",)


class TeamFilters(msgspec.Struct, frozen=True, kw_only=True):
    """What the teams list is narrowed to (empty: any)."""

    status: TeamStatus | None = None
    home_grid: str | None = None
    organisation: UUID | None = None
    member: UUID | None = None  # a volunteer's id: the teams they are in
    seen_by: UUID | None = None  # a volunteer who sees only their own teams


def team_not_found(team_id: UUID) -> NotFoundError:
    """The 404 of a team that is missing or not the principal's (the same answer)."""
    return NotFoundError("team.not_found", "找不到该记录（team）", f"no team with id {team_id}")


def _facts(team: VolunteerTeam) -> TeamFacts:
    """What authorisation needs of a team."""
    return TeamFacts(team.community_id, team.leader_id, tuple(team.members))


async def visible_team(request: Request[Any, Any, Any], principal: Principal, team_id: UUID,
                       act: Act) -> VolunteerTeam:
    """The team, if the principal may ``act`` on it (else 404 / 403)."""
    try:
        team = await blocking(application(request).load, VolunteerTeam, team_id)
    except NotFoundError:
        raise team_not_found(team_id) from None
    refuse_unless(lambda a: can_team(principal, a, _facts(team)), act, team_not_found(team_id))
    return team


async def member_names(request: Request[Any, Any, Any],
                       volunteer_ids: Iterable[UUID]) -> dict[UUID, str | None]:
    """The masked names of these volunteers, from the roster view (missing: None)."""
    wanted = sorted({str(v) for v in volunteer_ids})
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    sql = f'SELECT "volunteer_id", "name" FROM {{volunteers}} WHERE "volunteer_id" IN ({marks})'  # noqa: S608  (values bound)
    try:
        rows = await read_model(request).query("roster", sql, wanted)
    except ViewNotBuiltError:
        return {}
    return {UUID(r["volunteer_id"]): r["name"] for r in rows}


def team_out(team: VolunteerTeam, names: dict[UUID, str | None]) -> TeamOut:
    """The wire form of a team, its members with their masked names."""
    members = tuple(MemberOut(m, names.get(m)) for m in team.members)
    return TeamOut(id=team.id, community_id=team.community_id, name=team.name,
                   leader_id=team.leader_id, organisation_id=team.organisation_id,
                   skills_focus=tuple(team.skills_focus), home_grid=team.home_grid,
                   status=team.status, formed_at=team.formed_at, dissolved_at=team.dissolved_at,
                   members=members, version=team.version)


async def shown(request: Request[Any, Any, Any], team: VolunteerTeam) -> TeamOut:
    """One team on the wire, with its members' masked names."""
    return team_out(team, await member_names(request, team.members))


def _query(community_id: UUID, filters: TeamFilters) -> IdQuery:
    scope = ("teams", str(community_id), msgspec.to_builtins(filters))
    query = IdQuery("roster", "teams", "team_id", ("team_id",), scope)
    query.where('"community_id" = ?', str(community_id))
    if filters.status is not None:
        query.where('"status" = ?', str(filters.status))
    if filters.home_grid is not None:
        query.where('"home_grid" = ?', filters.home_grid)
    if filters.organisation is not None:
        query.where('"organisation_id" = ?', str(filters.organisation))
    for member in (filters.member, filters.seen_by):
        if member is not None:
            query.where('"team_id" IN (SELECT "team_id" FROM {team_members} '
                        'WHERE "volunteer_id" = ?)', str(member))
    return query


def _load_all(app: WusheApplication, team_ids: list[UUID]) -> list[VolunteerTeam]:
    return [app.load(VolunteerTeam, t) for t in team_ids]


async def teams_page(request: Request[Any, Any, Any], community_id: UUID, filters: TeamFilters,
                     limit: int, cursor: str | None) -> TeamsPage:
    """One page of the community's teams, ordered by id, with their members."""
    page = await fetch_id_page(request, _query(community_id, filters), limit, cursor)
    teams = await blocking(_load_all, application(request),
                           [UUID(r["team_id"]) for r in page.rows])
    names = await member_names(request, (m for t in teams for m in t.members))
    return TeamsPage(tuple(team_out(t, names) for t in teams), page.next_cursor)
