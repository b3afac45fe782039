"""``/api/v1``: what a community's projects and needs require of the resource list.

Follows :mod:`wushe.platform.http.api.communities`. Coordinators (and
administrators) record requests and withdraw them; the community's organisations
see every request, so they can respond by allocating one of their own offers.
Recording is a POST with ``Idempotency-Key``; withdrawing and allocating need the
request's version as ``If-Match`` (see :mod:`authz_resources`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import requests as commands
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.resource_request import RequestStatus, ResourceRequest
from wushe.platform.domain.values import TimeSpan
from wushe.platform.http.api.authz import Action
from wushe.platform.http.api.authz_people import community_scope
from wushe.platform.http.api.authz_resources import can_request, can_respond
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.offers_list import VIEWS
from wushe.platform.http.api.offers_out import visible_offer
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.requests_out import (
    RequestFilters,
    request_out,
    requests_page,
    visible_request,
)
from wushe.platform.http.api.schemas.resource_requests import (
    RequestAllocationIn,
    RequestIn,
    RequestOut,
    RequestsPage,
)
from wushe.platform.http.api.schemas.volunteers import ReasonIn
from wushe.platform.http.api.writes import Written, expected_version, idempotent
from wushe.platform.http.auth.principal import CurrentPrincipal
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from datetime import datetime

    from wushe.platform.application import Recorded, WusheApplication

__all__ = ["ResourceRequestsController"]


def _record(app: WusheApplication, community_id: UUID, data: RequestIn, at: datetime,
            request_key: str | None) -> Recorded:
    return commands.request_resource(
        app, community_id=community_id, resource_type=data.resource_type, unit=data.unit,
        quantity=data.quantity, span=TimeSpan(data.span.start, data.span.end), grid=data.grid,
        at=at, project_id=data.project_id, need_id=data.need_id, urgent=data.urgent,
        request_key=request_key)


class ResourceRequestsController(Controller):
    """Resource requests (资源需求) of projects and needs, and allocating for them."""

    path = "/api/v1"
    tags = ["resources"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/communities/{community_id:uuid}/resource-requests",
         operation_id="listResourceRequests")
    async def list_requests(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *,
        status: FromQuery[list[RequestStatus] | None] = None,
        resource_type: FromQuery[ResourceType | None] = None,
        grid: FromQuery[str | None] = None, urgent: FromQuery[bool | None] = None,
        owner: FromQuery[UUID | None] = None,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[RequestsPage]:
        """The community's resource requests by id."""
        await community_scope(request, principal, community_id,
                              lambda s: s.manages or s.organisation_id is not None)
        position = await views_reached(request, VIEWS, wait_for)
        filters = RequestFilters(statuses=tuple(sorted(set(status or ()))),
                                 resource_type=resource_type, grid=grid, urgent=urgent,
                                 owner=owner)
        page = await requests_page(request, community_id, filters, limit, cursor)
        return read_response(page, position)

    @get("/resource-requests/{request_id:uuid}", operation_id="getResourceRequest")
    async def get_request(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                          request_id: FromPath[UUID],
                          wait_for: WaitFor = None) -> Response[RequestOut]:
        """One request with the allocations made for it; ETag = version."""
        position = await views_reached(request, VIEWS, wait_for)
        found = await visible_request(request, principal, request_id)
        return read_response(request_out(found), position, found.version)

    @post("/communities/{community_id:uuid}/resource-requests",
          operation_id="requestResource", status_code=201)
    async def record(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     community_id: FromPath[UUID],
                     data: JSONBody[RequestIn]) -> Response[RequestOut]:
        """Record what an open project or need of the community requires;
        honours ``Idempotency-Key``."""
        await community_scope(request, principal, community_id, lambda s: s.manages)

        async def run(request_key: str | None) -> Written:
            app = application(request)
            recorded = await blocking(_record, app, community_id, data, business_now(request),
                                      request_key)
            found = await blocking(app.load, ResourceRequest, recorded.id)
            return Written(201, request_out(found), recorded)

        return await idempotent(request, principal, run)

    @post("/resource-requests/{request_id:uuid}/withdraw",
          operation_id="withdrawResourceRequest", status_code=200)
    async def withdraw(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       request_id: FromPath[UUID],
                       data: JSONBody[ReasonIn]) -> Response[RequestOut]:
        """Withdraw what is not yet met (its allocations stay until released); ``If-Match``."""
        async def run(_: str | None) -> Written:
            expected = expected_version(request)
            await visible_request(request, principal, request_id,
                                  lambda c: can_request(principal, Action.WRITE, c))
            app = application(request)
            recorded = await blocking(commands.withdraw_request, app, request_id=request_id,
                                      reason=data.reason, at=business_now(request),
                                      expected_version=expected)
            found = await blocking(app.load, ResourceRequest, request_id)
            return Written(200, request_out(found), recorded)

        return await idempotent(request, principal, run)

    @post("/resource-requests/{request_id:uuid}/allocations",
          operation_id="allocateForResourceRequest", status_code=200)
    async def allocate(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       request_id: FromPath[UUID],
                       data: JSONBody[RequestAllocationIn]) -> Response[RequestOut]:
        """Allocate part of an offer of the request's type and unit for it (an
        organisation: one of its own offers); ``If-Match`` (the request's version),
        ``Idempotency-Key``."""
        async def run(request_key: str | None) -> Written:
            expected = expected_version(request)
            await visible_request(request, principal, request_id,
                                  lambda c: can_respond(principal, c))
            await visible_offer(request, principal, data.offer_id)  # else as if missing
            app = application(request)
            recorded = await blocking(
                commands.allocate_for_request, app, request_id=request_id,
                offer_id=data.offer_id, quantity=data.quantity, at=business_now(request),
                request_key=request_key, expected_version=expected)
            found = await blocking(app.load, ResourceRequest, request_id)
            return Written(200, request_out(found), recorded)

        return await idempotent(request, principal, run)
