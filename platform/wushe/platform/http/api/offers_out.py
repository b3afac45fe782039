"""An offer and its allocations on the wire, and the 404s that hide them.

One offer is loaded from the log (current, with its version as ETag); so is one
allocation, which lives inside its offer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.resource import Allocation, ResourceOffer
from wushe.platform.http.api.authz_resources import OfferScope, can_offer
from wushe.platform.http.api.authz_work import decide
from wushe.platform.http.api.schemas.projects import SpanOut
from wushe.platform.http.api.schemas.resources import AllocationOut, OfferOut
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from uuid import UUID

    from litestar import Request

    from wushe.platform.domain.values import TimeSpan
    from wushe.platform.http.auth.principal import Principal

__all__ = ["allocation_of", "allocation_out", "offer_not_found", "offer_out", "span_out",
           "visible_offer"]


def offer_not_found(offer_id: UUID) -> NotFoundError:
    """The 404 of an offer that is missing or not the principal's (the same answer)."""
    return NotFoundError("resource.not_found", "找不到该记录（resource）",
                         f"no resource with id {offer_id}")


def span_out(span: TimeSpan | None) -> SpanOut | None:
    """The wire form of a span (None stays None)."""
    return None if span is None else SpanOut(span.start, span.end)


async def visible_offer(request: Request[Any, Any, Any], principal: Principal,
                        offer_id: UUID) -> ResourceOffer:
    """The offer, if the principal may see it, and so act on it (else 404)."""
    try:
        offer = await blocking(application(request).load, ResourceOffer, offer_id)
    except NotFoundError:
        raise offer_not_found(offer_id) from None
    allowed = can_offer(principal, OfferScope(offer.community_id, offer.organisation_id))
    decide(sees=allowed, may=allowed, not_found=offer_not_found(offer_id))
    return offer


def allocation_of(offer: ResourceOffer, allocation_id: UUID) -> Allocation:
    """The offer's allocation with this id.

    Raises:
        NotFoundError: ``allocation.not_found`` if the offer has none.
    """
    for allocation in offer.allocations:
        if allocation.allocation_id == allocation_id:
            return allocation
    raise NotFoundError("allocation.not_found", "找不到该记录（allocation）",
                        f"no allocation with id {allocation_id}")


def offer_out(offer: ResourceOffer) -> OfferOut:
    """The wire form of an offer."""
    window = SpanOut(offer.window.start, offer.window.end)
    return OfferOut(
        id=offer.id, community_id=offer.community_id, organisation_id=offer.organisation_id,
        resource_type=offer.resource_type, title=offer.title, description=offer.description,
        quantity=offer.quantity, unit=offer.unit, window=window, conditions=offer.conditions,
        status=offer.status, allocated=offer.allocated, remaining=offer.remaining,
        live_allocations=sum(1 for a in offer.allocations if a.live),
        offered_at=offer.offered_at, withdrawn_at=offer.withdrawn_at, version=offer.version)


def allocation_out(offer: ResourceOffer, allocation_id: UUID) -> AllocationOut:
    """The wire form of one of the offer's allocations (its version is the offer's)."""
    allocation = allocation_of(offer, allocation_id)
    return AllocationOut(
        offer_id=offer.id, allocation_id=allocation.allocation_id,
        community_id=offer.community_id, organisation_id=offer.organisation_id,
        resource_type=offer.resource_type, unit=offer.unit, to_project=allocation.to_project,
        to_need=allocation.to_need, span=span_out(allocation.span), quantity=allocation.quantity,
        used=allocation.used, released=allocation.released,
        allocated_at=allocation.allocated_at, version=offer.version)
