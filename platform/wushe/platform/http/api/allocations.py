"""``/api/v1``: an offer's allocations (bookings, for a venue) and an organisation's.

Allocating part of an offer to a project or a need of its community, recording
use and releasing all change the offer, so they need its version as ``If-Match``
and answer the allocation, whose ``version`` is the offer's new one; POSTs honour
``Idempotency-Key`` (an allocation's id comes from the key, so a retry finds the
first). Whoever may see an offer may change its allocations (:mod:`authz_resources`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import resources as commands
from wushe.platform.commands._common import new_id
from wushe.platform.domain.errors import ValidationError
from wushe.platform.domain.resource import ResourceOffer
from wushe.platform.domain.values import TimeSpan
from wushe.platform.http.api.authz_people import Act
from wushe.platform.http.api.authz_resources import OfferScope, can_offer
from wushe.platform.http.api.authz_work import decide
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.offers_list import VIEWS, AllocationFilters, allocations_page
from wushe.platform.http.api.offers_out import allocation_of, allocation_out, visible_offer
from wushe.platform.http.api.organisations_out import (
    organisation_not_found,
    visible_organisation,
)
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.resources import (
    AllocationIn,
    AllocationOut,
    AllocationsPage,
    UseIn,
)
from wushe.platform.http.api.writes import Written, expected_version, idempotent
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from wushe.platform.application import Recorded, WusheApplication

__all__ = ["AllocationsController"]


def _require_one_target(data: AllocationIn) -> None:
    """Refuse a body naming no target, or both (the domain's rule, checked before any load)."""
    if (data.to_project is None) == (data.to_need is None):
        raise ValidationError("resource.allocation_target", "须且只能分配给一个项目或一个需求",
                              "allocate to exactly one project or one need", field="to_project")


def _allocate(app: WusheApplication, offer_id: UUID, data: AllocationIn, at: datetime, *,
              expected: int, request_key: str) -> Recorded:
    span = None if data.span is None else TimeSpan(data.span.start, data.span.end)
    if data.to_project is not None:
        return commands.allocate_to_project(
            app, offer_id=offer_id, project_id=data.to_project, quantity=data.quantity, at=at,
            span=span, expected_version=expected, request_key=request_key)
    assert data.to_need is not None  # noqa: S101  (_require_one_target made sure of it)
    return commands.allocate_to_need(
        app, offer_id=offer_id, need_id=data.to_need, quantity=data.quantity, at=at, span=span,
        expected_version=expected, request_key=request_key)


async def _change(request: Request[Any, Any, Any], principal: Principal, offer_id: UUID,
                  allocation_id: UUID,
                  command: Callable[[WusheApplication, int], Recorded]) -> Response[Any]:
    """One change to a live allocation: If-Match, authorise, command, the allocation."""
    async def run(_: str | None) -> Written:
        expected = expected_version(request)
        allocation_of(await visible_offer(request, principal, offer_id), allocation_id)
        app = application(request)
        recorded = await blocking(command, app, expected)
        offer = await blocking(app.load, ResourceOffer, offer_id)
        return Written(200, allocation_out(offer, allocation_id), recorded)

    return await idempotent(request, principal, run)


class AllocationsController(Controller):
    """Allocations of resource offers to service projects and needs."""

    path = "/api/v1"
    tags = ["resources"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/offers/{offer_id:uuid}/allocations", operation_id="listOfferAllocations")
    async def list_offer_allocations(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        offer_id: FromPath[UUID], *, released: FromQuery[bool | None] = None,
        to_project: FromQuery[UUID | None] = None, to_need: FromQuery[UUID | None] = None,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[AllocationsPage]:
        """The offer's allocations by id, from the resource list view."""
        await visible_offer(request, principal, offer_id)
        position = await views_reached(request, VIEWS, wait_for)
        filters = AllocationFilters(offer=offer_id, released=released, to_project=to_project,
                                    to_need=to_need)
        return read_response(await allocations_page(request, filters, limit, cursor), position)

    @get("/organisations/{organisation_id:uuid}/allocations",
         operation_id="listOrganisationAllocations")
    async def list_organisation_allocations(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        organisation_id: FromPath[UUID], *, released: FromQuery[bool | None] = None,
        to_project: FromQuery[UUID | None] = None, to_need: FromQuery[UUID | None] = None,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[AllocationsPage]:
        """The allocations of every offer of the organisation, by id."""
        organisation = await visible_organisation(request, principal, organisation_id, Act.READ)
        allowed = can_offer(principal, OfferScope(organisation.community_id, organisation.id))
        decide(sees=allowed, may=allowed, not_found=organisation_not_found(organisation_id))
        position = await views_reached(request, VIEWS, wait_for)
        filters = AllocationFilters(organisation=organisation_id, released=released,
                                    to_project=to_project, to_need=to_need)
        return read_response(await allocations_page(request, filters, limit, cursor), position)

    @get("/offers/{offer_id:uuid}/allocations/{allocation_id:uuid}",
         operation_id="getAllocation")
    async def get_allocation(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        offer_id: FromPath[UUID], allocation_id: FromPath[UUID], wait_for: WaitFor = None,
    ) -> Response[AllocationOut]:
        """One allocation; ETag = its offer's version."""
        position = await views_reached(request, VIEWS, wait_for)
        offer = await visible_offer(request, principal, offer_id)
        return read_response(allocation_out(offer, allocation_id), position, offer.version)

    @post("/offers/{offer_id:uuid}/allocations", operation_id="allocateOffer", status_code=201)
    async def allocate(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       offer_id: FromPath[UUID],
                       data: JSONBody[AllocationIn]) -> Response[AllocationOut]:
        """Allocate part of the offer to a project or a need; ``If-Match`` (the offer's
        version), ``Idempotency-Key``."""
        _require_one_target(data)

        async def run(request_key: str | None) -> Written:
            expected = expected_version(request)
            await visible_offer(request, principal, offer_id)
            key = request_key or uuid4().hex  # a key of our own names the new allocation
            app = application(request)
            recorded = await blocking(_allocate, app, offer_id, data, business_now(request),
                                      expected=expected, request_key=key)
            offer = await blocking(app.load, ResourceOffer, offer_id)
            allocation_id = new_id("allocation", f"{offer_id}:{key}")  # as the command's
            return Written(201, allocation_out(offer, allocation_id), recorded)

        return await idempotent(request, principal, run)

    @post("/offers/{offer_id:uuid}/allocations/{allocation_id:uuid}/use",
          operation_id="recordAllocationUse", status_code=200)
    async def record_use(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         offer_id: FromPath[UUID], allocation_id: FromPath[UUID],
                         data: JSONBody[UseIn]) -> Response[AllocationOut]:
        """Record that more of a live allocation was used; ``If-Match``."""
        def command(app: WusheApplication, expected: int) -> Recorded:
            return app.update(ResourceOffer, offer_id,
                              lambda o: o.record_use(allocation_id, data.used_quantity),
                              expected_version=expected)
        return await _change(request, principal, offer_id, allocation_id, command)

    @post("/offers/{offer_id:uuid}/allocations/{allocation_id:uuid}/release",
          operation_id="releaseAllocation", status_code=200)
    async def release(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      offer_id: FromPath[UUID],
                      allocation_id: FromPath[UUID]) -> Response[AllocationOut]:
        """Close a live allocation and give back what was not used (frees a venue's
        slot; released on its project too); ``If-Match``."""
        def command(app: WusheApplication, expected: int) -> Recorded:
            return commands.release_allocation(app, offer_id=offer_id,
                                               allocation_id=allocation_id,
                                               expected_version=expected)
        return await _change(request, principal, offer_id, allocation_id, command)
