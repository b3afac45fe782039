"""``/api/v1``: a community's volunteer teams, one team, and changes to its membership.

Follows :mod:`wushe.platform.http.api.communities`. Coordinators (and
administrators) see every team of their community; a volunteer sees the teams
they are in. Forming is a POST with ``Idempotency-Key``; adding or removing a
member, changing the leader and dissolving need ``If-Match`` and are for a
coordinator or the team's leader.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import people as commands
from wushe.platform.domain.team import TeamStatus, VolunteerTeam
from wushe.platform.http.api.authz_people import Act, community_scope
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.teams import MemberIn, TeamIn, TeamOut, TeamsPage
from wushe.platform.http.api.schemas.volunteers import ReasonIn
from wushe.platform.http.api.teams_out import (
    VIEWS,
    TeamFilters,
    shown,
    teams_page,
    visible_team,
)
from wushe.platform.http.api.writes import Written, expected_version, idempotent, written
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.platform.application import Recorded, WusheApplication

__all__ = ["TeamsController"]

async def _changed(request: Request[Any, Any, Any], principal: Principal, team_id: UUID,
                   command: Callable[[WusheApplication, UUID, int], Recorded]) -> Written:
    """If-Match, authorise, run ``command(app, id, expected)``; the team as written."""
    expected = expected_version(request)
    await visible_team(request, principal, team_id, Act.UPDATE)
    app = application(request)
    recorded = await blocking(command, app, team_id, expected)
    team = await blocking(app.load, VolunteerTeam, team_id)
    return Written(200, await shown(request, team), recorded)


async def _post(request: Request[Any, Any, Any], principal: Principal, team_id: UUID,
                command: Callable[[WusheApplication, UUID, int], Recorded]) -> Response[Any]:
    async def run(_: str | None) -> Written:
        return await _changed(request, principal, team_id, command)
    return await idempotent(request, principal, run)


def _on_team(change: Callable[[VolunteerTeam], None],
             ) -> Callable[[WusheApplication, UUID, int], Recorded]:
    def command(app: WusheApplication, team_id: UUID, expected: int) -> Recorded:
        return app.update(VolunteerTeam, team_id, change, expected_version=expected)
    return command


def _form(app: WusheApplication, community_id: UUID, data: TeamIn,
          request_key: str | None) -> Recorded:
    return commands.form_team(
        app, community_id=community_id, name=data.name, leader_id=data.leader_id,
        home_grid=data.home_grid, at=datetime.now(UTC), organisation_id=data.organisation_id,
        skills_focus=data.skills_focus, request_key=request_key)


class TeamsController(Controller):
    """Volunteer teams (志愿服务队伍): forming, membership, leader and dissolution."""

    path = "/api/v1"
    tags = ["teams"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/communities/{community_id:uuid}/teams", operation_id="listTeams")
    async def list_teams(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *, status: FromQuery[TeamStatus | None] = None,
        home_grid: FromQuery[str | None] = None, organisation: FromQuery[UUID | None] = None,
        member: FromQuery[UUID | None] = None,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[TeamsPage]:
        """The community's teams with their members (a volunteer: their own teams)."""
        scope = await community_scope(request, principal, community_id,
                                      lambda s: s.manages or s.volunteer_id is not None)
        position = await views_reached(request, VIEWS, wait_for)
        filters = TeamFilters(status=status, home_grid=home_grid, organisation=organisation,
                              member=member)
        if not scope.manages:
            filters = msgspec.structs.replace(filters, seen_by=scope.volunteer_id)
        page = await teams_page(request, community_id, filters, limit, cursor)
        return read_response(page, position)

    @get("/teams/{team_id:uuid}", operation_id="getTeam")
    async def get_team(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       team_id: FromPath[UUID], wait_for: WaitFor = None) -> Response[TeamOut]:
        """One team with its members; the ETag is its version."""
        position = await views_reached(request, VIEWS, wait_for)
        team = await visible_team(request, principal, team_id, Act.READ)
        return read_response(await shown(request, team), position, team.version)

    @post("/communities/{community_id:uuid}/teams", operation_id="formTeam", status_code=201)
    async def form(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                   community_id: FromPath[UUID], data: JSONBody[TeamIn]) -> Response[TeamOut]:
        """Form a team led by an active volunteer; honours ``Idempotency-Key``."""
        await community_scope(request, principal, community_id, lambda s: s.manages)

        async def run(request_key: str | None) -> Written:
            app = application(request)
            recorded = await blocking(_form, app, community_id, data, request_key)
            team = await blocking(app.load, VolunteerTeam, recorded.id)
            return Written(201, await shown(request, team), recorded)

        return await idempotent(request, principal, run)

    @post("/teams/{team_id:uuid}/members", operation_id="addTeamMember", status_code=200)
    async def add_member(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         team_id: FromPath[UUID], data: JSONBody[MemberIn]) -> Response[TeamOut]:
        """Add an active volunteer of the community; needs ``If-Match``."""
        def command(app: WusheApplication, team: UUID, expected: int) -> Recorded:
            return commands.add_team_member(app, team_id=team, volunteer_id=data.volunteer_id,
                                            expected_version=expected)
        return await _post(request, principal, team_id, command)

    @delete("/teams/{team_id:uuid}/members/{volunteer_id:uuid}", operation_id="removeTeamMember",
            status_code=200)
    async def remove_member(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                            team_id: FromPath[UUID],
                            volunteer_id: FromPath[UUID]) -> Response[TeamOut]:
        """Remove a member other than the leader; needs ``If-Match``."""
        outcome = await _changed(request, principal, team_id,
                                 _on_team(lambda t: t.remove_member(volunteer_id)))
        return written(outcome)

    @put("/teams/{team_id:uuid}/leader", operation_id="changeTeamLeader")
    async def change_leader(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                            team_id: FromPath[UUID],
                            data: JSONBody[MemberIn]) -> Response[TeamOut]:
        """Make another member, an active volunteer, the leader; needs ``If-Match``."""
        def command(app: WusheApplication, team: UUID, expected: int) -> Recorded:
            return commands.change_team_leader(app, team_id=team, volunteer_id=data.volunteer_id,
                                               expected_version=expected)
        return written(await _changed(request, principal, team_id, command))

    @post("/teams/{team_id:uuid}/dissolve", operation_id="dissolveTeam", status_code=200)
    async def dissolve(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       team_id: FromPath[UUID], data: JSONBody[ReasonIn]) -> Response[TeamOut]:
        """Dissolve the team (its membership stays on record); needs ``If-Match``."""
        at = datetime.now(UTC)
        return await _post(request, principal, team_id,
                           _on_team(lambda t: t.dissolve(data.reason, at)))
