"""``/api/v1``: a community's needs list, one need, and its first steps.

The list is the needs view through :func:`fetch_needs` (every filter, two
orders, keyset cursors, masked personal data). One need is loaded from the log:
in full for a coordinator of its community, masked for anyone else who may see
it. Receiving is a POST with ``Idempotency-Key``; accepting, starting to handle
and closing need ``If-Match``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import needs as commands
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.need import Need, NeedSource, NeedStatus
from wushe.platform.domain.values import Urgency, VulnerableGroup
from wushe.platform.http.api.authz import Action, authorise, can_need
from wushe.platform.http.api.communities import community_not_found
from wushe.platform.http.api.days import require_day
from wushe.platform.http.api.existence import require_community
from wushe.platform.http.api.needs_out import shown, visible_need
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.needs import (
    AcceptIn,
    CloseIn,
    NeedIn,
    NeedOut,
    StartHandlingIn,
)
from wushe.platform.http.api.writes import Written, expected_version, idempotent
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking, policy, read_model
from wushe.projections.read import ViewNotBuiltError
from wushe.projections.read.needs_query import NeedsPage, NeedsQuery, NeedsSort, fetch_needs

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["NeedsController"]

_VIEWS = ("needs",)


async def _community(request: Request[Any, Any, Any], principal: Principal,
                     community_id: UUID, action: Action) -> None:
    """Refuse unless the community exists and the principal may ``action`` its needs."""
    try:
        await require_community(request, community_id)
    except NotFoundError:
        raise community_not_found(community_id) from None
    authorise(can_need, principal, action, community_id, community_not_found(community_id))


async def _step(request: Request[Any, Any, Any], principal: Principal, need_id: UUID,
                command: Callable[..., Any], **arguments: Any) -> Response[Any]:  # noqa: ANN401
    """One step of a need's lifecycle: If-Match, authorise, command, the need as written."""
    async def run(_: str | None) -> Written:
        expected = expected_version(request)
        await visible_need(request, principal, need_id, Action.WRITE)
        app = application(request)
        recorded = await blocking(command, app, need_id=need_id, at=datetime.now(UTC),
                                  expected_version=expected, **arguments)
        need = await blocking(app.load, Need, need_id)
        return Written(200, shown(principal, need), recorded)

    return await idempotent(request, principal, run)


class NeedsController(Controller):
    """Residents' needs (需求清单) and their handling."""

    path = "/api/v1"
    tags = ["needs"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/communities/{community_id:uuid}/needs", operation_id="listNeeds")
    async def list_needs(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *,
        status: FromQuery[list[NeedStatus] | None] = None,
        category: FromQuery[str | None] = None,
        grid: FromQuery[str | None] = None,
        urgency: FromQuery[Urgency | None] = None,
        priority_only: FromQuery[bool] = False,
        vulnerable_group: FromQuery[VulnerableGroup | None] = None,
        source: FromQuery[NeedSource | None] = None,
        handler: FromQuery[str | None] = None,
        overdue: FromQuery[bool | None] = None,
        received_from: FromQuery[date | None] = None,
        received_to: FromQuery[date | None] = None,
        sort: FromQuery[NeedsSort] = NeedsSort.RECEIVED_DESC,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[NeedsPage]:
        """The needs list of a community with its filters, a page at a time (masked)."""
        require_day(received_from, "received_from")
        require_day(received_to, "received_to")
        await _community(request, principal, community_id, Action.READ)
        position = await views_reached(request, _VIEWS, wait_for)
        query = NeedsQuery(
            community_id=community_id, statuses=frozenset(status or ()), category=category,
            grid=grid, urgency=urgency, priority_only=priority_only,
            vulnerable_group=vulnerable_group, source=source, handler=handler, overdue=overdue,
            received_from=received_from, received_to=received_to, sort=sort, limit=limit,
            cursor=cursor)
        try:
            page = await fetch_needs(read_model(request), query, now=datetime.now(UTC),
                                     policy=policy(request))
        except ViewNotBuiltError:
            page = NeedsPage((), None)
        return read_response(page, position)

    @get("/needs/{need_id:uuid}", operation_id="getNeed")
    async def get_need(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       need_id: FromPath[UUID], wait_for: WaitFor = None) -> Response[NeedOut]:
        """One need: in full for its community's coordinators, masked for others."""
        position = await views_reached(request, _VIEWS, wait_for)
        need = await visible_need(request, principal, need_id, Action.READ)
        return read_response(shown(principal, need), position, need.version)

    @post("/communities/{community_id:uuid}/needs", operation_id="receiveNeed",
          status_code=201)
    async def receive(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      community_id: FromPath[UUID], data: JSONBody[NeedIn]) -> Response[NeedOut]:
        """Register a resident's request (登记); honours ``Idempotency-Key``."""
        await _community(request, principal, community_id, Action.WRITE)

        async def run(request_key: str | None) -> Written:
            app = application(request)
            recorded = await blocking(
                commands.receive_need, app, policy=policy(request), community_id=community_id,
                grid=data.grid, source=data.source, category=data.category, title=data.title,
                details=data.details, urgency=data.urgency, resident_name=data.resident_name,
                received_by=data.received_by, at=datetime.now(UTC),
                vulnerable_groups=data.vulnerable_groups, resident_phone=data.resident_phone,
                resident_address=data.resident_address, request_key=request_key)
            need = await blocking(app.load, Need, recorded.id)
            return Written(201, shown(principal, need), recorded)

        return await idempotent(request, principal, run)

    @post("/needs/{need_id:uuid}/accept", operation_id="acceptNeed", status_code=200)
    async def accept(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     need_id: FromPath[UUID], data: JSONBody[AcceptIn]) -> Response[NeedOut]:
        """Accept a received request on the spot; needs ``If-Match``."""
        return await _step(request, principal, need_id, commands.accept_need, by=data.by)

    @post("/needs/{need_id:uuid}/start-handling", operation_id="startHandlingNeed",
          status_code=200)
    async def start_handling(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal, need_id: FromPath[UUID],
        data: JSONBody[StartHandlingIn],
    ) -> Response[NeedOut]:
        """Commit to a deadline in working days and start handling; needs ``If-Match``."""
        return await _step(request, principal, need_id, commands.start_handling,
                           policy=policy(request), handler=data.handler,
                           committed_working_days=data.committed_working_days)

    @post("/needs/{need_id:uuid}/close", operation_id="closeNeed", status_code=200)
    async def close(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                    need_id: FromPath[UUID], data: JSONBody[CloseIn]) -> Response[NeedOut]:
        """Close the request with what was done; needs ``If-Match``."""
        return await _step(request, principal, need_id, commands.close_need,
                           result=data.result)
