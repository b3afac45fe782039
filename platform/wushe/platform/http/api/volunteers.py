"""``/api/v1``: a community's volunteers, one volunteer, and what changes them.

Follows :mod:`wushe.platform.http.api.communities`. The list reads the roster
view (masked names); one volunteer is loaded from the log, in full for the
volunteer themself and their community's coordinators, masked for an
administrator, hidden (404) from everyone else. Registering is a POST with
``Idempotency-Key``; changes need ``If-Match``; forgetting (PIPL erasure) is
irreversible, needs no version (an erasure is never refused as stale) and
answers 204.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.application import require_version
from wushe.platform.commands import people as commands
from wushe.platform.domain.volunteer import PersonalProfile, Volunteer, VolunteerStatus
from wushe.platform.http.api.authz_people import Act, community_scope
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.volunteers import (
    AvailabilityIn,
    HomeGridIn,
    HourCapIn,
    ReasonIn,
    SkillsIn,
    VolunteerIn,
    VolunteerOut,
    VolunteersPage,
)
from wushe.platform.http.api.volunteers_list import VIEWS, VolunteerFilters, volunteers_page
from wushe.platform.http.api.volunteers_out import (
    exceptions_in,
    shown,
    visible_volunteer,
    windows_in,
)
from wushe.platform.http.api.writes import Written, expected_version, idempotent, written
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.platform.application import Recorded, WusheApplication

__all__ = ["VolunteersController"]

def _on_volunteer(change: Callable[[Volunteer], None]) -> Callable[..., Recorded]:
    """A change of the aggregate alone, as a command with ``expected_version``."""
    def command(app: WusheApplication, volunteer_id: UUID, expected: int) -> Recorded:
        return app.update(Volunteer, volunteer_id, change, expected_version=expected)
    return command


async def _changed(request: Request[Any, Any, Any], principal: Principal, volunteer_id: UUID,
                   act: Act, command: Callable[..., Recorded]) -> Written:
    """If-Match, authorise, run ``command(app, id, expected)``; the volunteer as written."""
    expected = expected_version(request)
    await visible_volunteer(request, principal, volunteer_id, act)
    app = application(request)
    recorded = await blocking(command, app, volunteer_id, expected)
    volunteer = await blocking(app.load, Volunteer, volunteer_id)
    return Written(200, shown(principal, volunteer), recorded)


async def _put(request: Request[Any, Any, Any], principal: Principal, volunteer_id: UUID,
               command: Callable[..., Recorded]) -> Response[Any]:
    return written(await _changed(request, principal, volunteer_id, Act.UPDATE, command))


async def _post(request: Request[Any, Any, Any], principal: Principal, volunteer_id: UUID,
                command: Callable[..., Recorded]) -> Response[Any]:
    async def run(_: str | None) -> Written:
        return await _changed(request, principal, volunteer_id, Act.MANAGE, command)
    return await idempotent(request, principal, run)


def _register(app: WusheApplication, community_id: UUID, data: VolunteerIn,
              request_key: str | None) -> Recorded:
    profile = PersonalProfile(name=data.name, id_number=data.id_number, phone=data.phone,
                              address=data.address, health_notes=data.health_notes)
    return commands.register_volunteer(
        app, community_id=community_id, profile=profile, id_type=data.id_type,
        consent_version=data.consent_version, consented_at=data.consented_at,
        home_grid=data.home_grid, skills=data.skills, weekly_hour_cap=data.weekly_hour_cap,
        request_key=request_key)


class VolunteersController(Controller):
    """Volunteers (志愿者): real-name registration, availability, status and erasure."""

    path = "/api/v1"
    tags = ["volunteers"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/communities/{community_id:uuid}/volunteers", operation_id="listVolunteers")
    async def list_volunteers(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *,
        status: FromQuery[list[VolunteerStatus] | None] = None,
        home_grid: FromQuery[str | None] = None, skill: FromQuery[str | None] = None,
        team: FromQuery[UUID | None] = None,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[VolunteersPage]:
        """The community's volunteers with their filters, a page at a time (masked)."""
        await community_scope(request, principal, community_id, lambda s: s.manages)
        position = await views_reached(request, VIEWS, wait_for)
        filters = VolunteerFilters(statuses=frozenset(status or ()), home_grid=home_grid,
                                   skill=skill, team=team)
        page = await volunteers_page(request, community_id, filters, limit, cursor)
        return read_response(page, position)

    @get("/volunteers/{volunteer_id:uuid}", operation_id="getVolunteer")
    async def get_volunteer(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        volunteer_id: FromPath[UUID], wait_for: WaitFor = None,
    ) -> Response[VolunteerOut]:
        """One volunteer: in full for themself and their coordinators, masked for others."""
        position = await views_reached(request, VIEWS, wait_for)
        volunteer = await visible_volunteer(request, principal, volunteer_id, Act.READ)
        return read_response(shown(principal, volunteer), position, volunteer.version)

    @post("/communities/{community_id:uuid}/volunteers", operation_id="registerVolunteer",
          status_code=201)
    async def register(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       community_id: FromPath[UUID],
                       data: JSONBody[VolunteerIn]) -> Response[VolunteerOut]:
        """Register a volunteer who consented (实名登记); honours ``Idempotency-Key``."""
        await community_scope(request, principal, community_id, lambda s: s.manages)

        async def run(request_key: str | None) -> Written:
            app = application(request)
            recorded = await blocking(_register, app, community_id, data, request_key)
            volunteer = await blocking(app.load, Volunteer, recorded.id)
            return Written(201, shown(principal, volunteer), recorded)

        return await idempotent(request, principal, run)

    @put("/volunteers/{volunteer_id:uuid}/skills", operation_id="setVolunteerSkills")
    async def set_skills(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         volunteer_id: FromPath[UUID],
                         data: JSONBody[SkillsIn]) -> Response[VolunteerOut]:
        """Replace the declared skills; needs ``If-Match``."""
        return await _put(request, principal, volunteer_id,
                          _on_volunteer(lambda v: v.set_skills(data.skills)))

    @put("/volunteers/{volunteer_id:uuid}/availability", operation_id="setVolunteerAvailability")
    async def set_availability(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        volunteer_id: FromPath[UUID], data: JSONBody[AvailabilityIn],
    ) -> Response[VolunteerOut]:
        """Replace the weekly windows and date exceptions; needs ``If-Match``."""
        windows, exceptions = windows_in(data.windows), exceptions_in(data.exceptions)
        return await _put(request, principal, volunteer_id,
                          _on_volunteer(lambda v: v.set_availability(windows, exceptions)))

    @put("/volunteers/{volunteer_id:uuid}/home-grid", operation_id="setVolunteerHomeGrid")
    async def set_home_grid(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                            volunteer_id: FromPath[UUID],
                            data: JSONBody[HomeGridIn]) -> Response[VolunteerOut]:
        """Move to another grid of the community; needs ``If-Match``."""
        def command(app: WusheApplication, volunteer: UUID, expected: int) -> Recorded:
            return commands.set_home_grid(app, volunteer_id=volunteer, grid=data.home_grid,
                                          expected_version=expected)
        return await _put(request, principal, volunteer_id, command)

    @put("/volunteers/{volunteer_id:uuid}/weekly-hour-cap", operation_id="setWeeklyHourCap")
    async def set_hour_cap(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                           volunteer_id: FromPath[UUID],
                           data: JSONBody[HourCapIn]) -> Response[VolunteerOut]:
        """Change the most hours a week the volunteer serves; needs ``If-Match``."""
        return await _put(request, principal, volunteer_id,
                          _on_volunteer(lambda v: v.set_weekly_hour_cap(data.weekly_hour_cap)))

    @post("/volunteers/{volunteer_id:uuid}/deactivate", operation_id="deactivateVolunteer",
          status_code=200)
    async def deactivate(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         volunteer_id: FromPath[UUID],
                         data: JSONBody[ReasonIn]) -> Response[VolunteerOut]:
        """Stop offering the volunteer assignments; needs ``If-Match``."""
        return await _post(request, principal, volunteer_id,
                           _on_volunteer(lambda v: v.deactivate(data.reason)))

    @post("/volunteers/{volunteer_id:uuid}/reactivate", operation_id="reactivateVolunteer",
          status_code=200)
    async def reactivate(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         volunteer_id: FromPath[UUID]) -> Response[VolunteerOut]:
        """Make an inactive volunteer available again; needs ``If-Match``."""
        return await _post(request, principal, volunteer_id,
                           _on_volunteer(lambda v: v.reactivate()))

    @post("/volunteers/{volunteer_id:uuid}/forget", operation_id="forgetVolunteer",
          status_code=204)
    async def forget(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     volunteer_id: FromPath[UUID]) -> Response[None]:
        """Erase the volunteer's personal data (PIPL); irreversible, idempotent, 204.

        ``If-Match`` is optional: given, it must name the current version (unless
        the volunteer is already forgotten, so a retry is answered 204 again).
        """
        expected = expected_version(request) if "if-match" in request.headers else None
        volunteer = await visible_volunteer(request, principal, volunteer_id, Act.FORGET)
        if volunteer.status is not VolunteerStatus.FORGOTTEN:
            require_version(volunteer, expected)
        app = application(request)
        recorded = await blocking(app.forget, Volunteer, volunteer_id, lambda v: v.forget())
        return Response(None, status_code=204,
                        headers={"X-Log-Position": str(recorded.position)})
