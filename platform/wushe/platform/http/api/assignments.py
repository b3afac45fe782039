"""``/api/v1``: a volunteer's offers and assignments, and each step of one.

The volunteer answers their own offers and checks in and out; their community's
coordinators (and administrators) mark no-shows, confirm hours and resolve
disputes, as the signed-in account (``confirmed_by``). Every step needs
``If-Match`` and honours ``Idempotency-Key``; its time is the business clock's.
Another volunteer's assignment is a 404, as if it did not exist; a volunteer
confirming their own hours is a 403.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.domain.assignment import Assignment, AssignmentStatus
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.volunteer import Volunteer
from wushe.platform.http.api.assignments_out import (
    AssignmentsQuery,
    Found,
    assignment_out,
    list_assignments,
    visible_assignment,
)
from wushe.platform.http.api.authz_work import (
    AssignmentAction,
    AssignmentScope,
    can_assignment,
    decide,
)
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.assignments import (
    AssignmentOut,
    AssignmentsPage,
    ConfirmHoursIn,
    DeclineIn,
    ResolveDisputeIn,
)
from wushe.platform.http.api.viewer import viewer_of
from wushe.platform.http.api.writes import Written, expected_version, idempotent
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking, policy

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

__all__ = ["AssignmentsController", "readable_volunteer"]

_VIEWS = ("roster",)
ANSWER, CONFIRM = AssignmentAction.ANSWER, AssignmentAction.CONFIRM


def _volunteer_not_found(volunteer_id: UUID) -> NotFoundError:
    return NotFoundError("volunteer.not_found", "找不到该记录（volunteer）",
                         f"no volunteer with id {volunteer_id}")


async def readable_volunteer(request: Request[Any, Any, Any], principal: Principal,
                     volunteer_id: UUID) -> None:
    """Refuse unless the volunteer exists and the principal may read their assignments."""
    try:
        volunteer = await blocking(application(request).load, Volunteer, volunteer_id)
    except NotFoundError:
        raise _volunteer_not_found(volunteer_id) from None
    scope = AssignmentScope(volunteer.community_id, volunteer_id)
    allowed = can_assignment(await viewer_of(request, principal), AssignmentAction.READ, scope)
    decide(sees=allowed, may=allowed, not_found=_volunteer_not_found(volunteer_id))


async def _step(request: Request[Any, Any, Any], principal: Principal, assignment_id: UUID,
                action: AssignmentAction,
                command: Callable[[Assignment, datetime], Any]) -> Response[Any]:
    """One step: If-Match, authorise, run ``command(assignment, now)``, the assignment."""
    async def run(_: str | None) -> Written:
        expected = expected_version(request)
        viewer = await viewer_of(request, principal)
        found = await visible_assignment(request, viewer, assignment_id, action)
        app, at = application(request), business_now(request)
        recorded = await blocking(app.update, Assignment, assignment_id,
                                  lambda a: command(a, at), expected_version=expected)
        assignment = await blocking(app.load, Assignment, assignment_id)
        return Written(200, assignment_out(Found(assignment, found.community_id)), recorded)

    return await idempotent(request, principal, run)


class AssignmentsController(Controller):
    """Offers and assignments (志愿服务派单): answers, attendance and hours."""

    path = "/api/v1"
    tags = ["assignments"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/volunteers/{volunteer_id:uuid}/assignments", operation_id="listVolunteerAssignments")
    async def list_assignments(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        volunteer_id: FromPath[UUID], *,
        status: FromQuery[list[AssignmentStatus] | None] = None,
        week: FromQuery[date | None] = None, limit: PageLimit = 50,
        cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[AssignmentsPage]:
        """The volunteer's offers and assignments by shift start (``status=proposed``: offers)."""
        await readable_volunteer(request, principal, volunteer_id)
        position = await views_reached(request, _VIEWS, wait_for)
        query = AssignmentsQuery(volunteer_id, frozenset(status or ()), week, limit, cursor)
        return read_response(await list_assignments(request, query), position)

    @get("/assignments/{assignment_id:uuid}", operation_id="getAssignment")
    async def get_assignment(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                             assignment_id: FromPath[UUID],
                             wait_for: WaitFor = None) -> Response[AssignmentOut]:
        """One assignment; ETag = version."""
        position = await views_reached(request, _VIEWS, wait_for)
        viewer = await viewer_of(request, principal)
        found = await visible_assignment(request, viewer, assignment_id, AssignmentAction.READ)
        return read_response(assignment_out(found), position, found.assignment.version)

    @post("/assignments/{assignment_id:uuid}/accept", operation_id="acceptAssignment",
          status_code=200)
    async def accept(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     assignment_id: FromPath[UUID]) -> Response[AssignmentOut]:
        """The volunteer takes the shift (before the offer expires)."""
        return await _step(request, principal, assignment_id, ANSWER, lambda a, at: a.accept(at))

    @post("/assignments/{assignment_id:uuid}/decline", operation_id="declineAssignment",
          status_code=200)
    async def decline(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      assignment_id: FromPath[UUID],
                      data: JSONBody[DeclineIn]) -> Response[AssignmentOut]:
        """The volunteer turns the offer down, with a reason."""
        return await _step(request, principal, assignment_id, ANSWER,
                           lambda a, at: a.decline(data.reason, at))

    @post("/assignments/{assignment_id:uuid}/check-in", operation_id="checkIn", status_code=200)
    async def check_in(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       assignment_id: FromPath[UUID]) -> Response[AssignmentOut]:
        """The volunteer arrives (from half an hour before the shift until it ends)."""
        return await _step(request, principal, assignment_id, ANSWER,
                           lambda a, at: a.check_in(at))

    @post("/assignments/{assignment_id:uuid}/check-out", operation_id="checkOut",
          status_code=200)
    async def check_out(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        assignment_id: FromPath[UUID]) -> Response[AssignmentOut]:
        """The volunteer leaves; hours are credited in the policy's steps."""
        step = policy(request).hours_step_minutes
        return await _step(request, principal, assignment_id, ANSWER,
                           lambda a, at: a.check_out(at, rounding_minutes=step))

    @post("/assignments/{assignment_id:uuid}/no-show", operation_id="markNoShow",
          status_code=200)
    async def no_show(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      assignment_id: FromPath[UUID]) -> Response[AssignmentOut]:
        """The volunteer accepted but did not come (once the shift has started)."""
        return await _step(request, principal, assignment_id, CONFIRM,
                           lambda a, at: a.mark_no_show(at))

    @post("/assignments/{assignment_id:uuid}/confirm-hours", operation_id="confirmHours",
          status_code=200)
    async def confirm_hours(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                            assignment_id: FromPath[UUID],
                            data: JSONBody[ConfirmHoursIn]) -> Response[AssignmentOut]:
        """Confirm the hours, or correct them down with a reason."""
        by = principal.account_id
        return await _step(request, principal, assignment_id, CONFIRM,
                           lambda a, at: a.confirm_hours(by, at, data.credited_minutes,
                                                         data.reason))

    @post("/assignments/{assignment_id:uuid}/resolve-dispute", operation_id="resolveDispute",
          status_code=200)
    async def resolve_dispute(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                              assignment_id: FromPath[UUID],
                              data: JSONBody[ResolveDisputeIn]) -> Response[AssignmentOut]:
        """Settle a dispute: the minutes it decides become the confirmed hours."""
        by = principal.account_id
        return await _step(request, principal, assignment_id, CONFIRM,
                           lambda a, at: a.resolve_dispute(data.credited_minutes,
                                                           data.resolution, by, at))
