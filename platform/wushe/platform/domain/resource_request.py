"""Resource request (资源需求): what one service project or one need requires from the list.

A request names a resource type, a unit and a quantity ("2 间 venue", "300 份 goods"),
when it is needed (the span) and where (a grid of the community), and whether it is
urgent. It belongs to exactly one project or one need. Allocations are made on a
ResourceOffer (which keeps the offer's books) and recorded here with the offer and
the allocation id, so ``allocated`` and ``remaining`` are exact and a request never
takes more than it asked for.

Lifecycle: ``open`` → ``partly_allocated`` → ``met``, or ``withdrawn`` while it is
not yet met. A venue seats all of a request's people in one booking, so a venue
request goes from ``open`` to ``met`` in one allocation. Withdrawing keeps the
allocations already made: giving them back is a release on the offer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.resource import MAX_QUANTITY, ResourceType
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_bool,
    require_choice,
    require_int,
    require_optional_uuid,
    require_rule,
    require_state,
    require_text,
    require_uuid,
)
from wushe.platform.domain.values import TimeSpan, require_span

__all__ = ["RequestAllocation", "RequestStatus", "ResourceRequest"]

_UNIT_TEXT = 10  # as ResourceOffer's unit
_GRID_TEXT = 40
_REASON_TEXT = 500


class RequestStatus(StrEnum):
    OPEN = "open"  # nothing allocated yet
    PARTLY_ALLOCATED = "partly_allocated"
    MET = "met"  # allocated == quantity
    WITHDRAWN = "withdrawn"


_TAKING = (RequestStatus.OPEN, RequestStatus.PARTLY_ALLOCATED)


class RequestAllocation(msgspec.Struct, frozen=True):
    """An allocation made on an offer for this request (the offer keeps the books)."""

    offer_id: UUID
    allocation_id: UUID
    quantity: int
    allocated_at: datetime


class ResourceRequest(Aggregate):
    """What one project or one need requires of the resource list, and what it got."""

    TOPIC = "wushe.resource_request"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.resource_request.created"

    @classmethod
    def request(
        cls,
        *,
        id: UUID,  # noqa: A002
        community_id: UUID,
        project_id: UUID | None,
        need_id: UUID | None,
        resource_type: ResourceType,
        unit: str,
        quantity: int,
        span: TimeSpan,
        grid: str,
        urgent: bool,
        at: datetime,
    ) -> Self:
        """Record what a project or a need requires (exactly one of them)."""
        require_aware(at)
        project_id = require_optional_uuid(project_id, "project_id")
        need_id = require_optional_uuid(need_id, "need_id")
        require((project_id is None) != (need_id is None), "resource_request.owner",
                "资源需求须且只能属于一个项目或一个需求",
                "a request belongs to exactly one project or one need", field="project_id")
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            project_id=project_id, need_id=need_id,
            resource_type=require_choice(resource_type, ResourceType, "resource_type"),
            unit=require_text(unit, "unit", max_length=_UNIT_TEXT),
            quantity=require_int(quantity, "quantity", 1, MAX_QUANTITY),
            span=require_span(span, "span"), grid=require_text(grid, "grid", max_length=_GRID_TEXT),
            urgent=require_bool(urgent, "urgent"), requested_at=at,
        )

    @event("Requested", topic="wushe.resource_request.requested")
    def __init__(
        self, community_id: UUID, project_id: UUID | None, need_id: UUID | None,
        resource_type: ResourceType, unit: str, quantity: int, span: TimeSpan, grid: str,
        urgent: bool, requested_at: datetime,
    ) -> None:
        self.community_id, self.project_id, self.need_id = community_id, project_id, need_id
        self.resource_type, self.unit, self.quantity = resource_type, unit, quantity
        self.span, self.grid, self.urgent = span, grid, urgent
        self.requested_at = requested_at
        self.allocations: tuple[RequestAllocation, ...] = ()
        self.withdrawn_at: datetime | None = None
        self.withdrawal_reason: str | None = None
        self.status = RequestStatus.OPEN

    # -- queries ----------------------------------------------------------

    @property
    def allocated(self) -> int:
        """What the allocations made for the request hold."""
        return sum(a.quantity for a in self.allocations)

    @property
    def remaining(self) -> int:
        """What is still wanted (0 once met or withdrawn)."""
        if self.status is RequestStatus.WITHDRAWN:
            return 0
        return self.quantity - self.allocated

    @property
    def owner_id(self) -> UUID:
        """The project or need the request belongs to."""
        owner = self.project_id or self.need_id
        assert owner is not None  # noqa: S101  (request() makes sure of it)
        return owner

    # -- commands ---------------------------------------------------------

    def record_allocation(
        self, *, offer_id: UUID, allocation_id: UUID, quantity: int, at: datetime
    ) -> None:
        """Record an allocation made on an offer for this request."""
        require_state(self.status, _TAKING, "record_allocation")
        require_aware(at)
        offer_id = require_uuid(offer_id, "offer_id")
        allocation_id = require_uuid(allocation_id, "allocation_id")
        quantity = require_int(quantity, "quantity", 1, MAX_QUANTITY)
        require_rule(all(a.allocation_id != allocation_id for a in self.allocations),
                     "resource_request.duplicate_allocation", "该分配已登记",
                     "this allocation is already recorded", field="allocation_id")
        require_rule(quantity <= self.remaining, "resource_request.over_allocation",
                     f"分配数量超过尚需数量（{self.remaining}{self.unit}）",
                     f"more than the request still needs ({self.remaining} {self.unit})",
                     field="quantity")
        require_rule(self.resource_type is not ResourceType.VENUE or quantity == self.quantity,
                     "resource_request.venue_whole", "场地须一次容纳全部人数",
                     "a venue booking seats all of the request's people at once",
                     field="quantity")
        self._allocation_recorded(allocation=RequestAllocation(
            offer_id=offer_id, allocation_id=allocation_id, quantity=quantity, allocated_at=at))

    @event("AllocationRecorded", topic="wushe.resource_request.allocation_recorded")
    def _allocation_recorded(self, allocation: RequestAllocation) -> None:
        self.allocations = (*self.allocations, allocation)
        self.status = (RequestStatus.MET if self.allocated == self.quantity
                       else RequestStatus.PARTLY_ALLOCATED)

    def withdraw(self, reason: str, at: datetime) -> None:
        """Withdraw what is not yet met; the allocations made stay until released."""
        require_state(self.status, _TAKING, "withdraw")
        require_aware(at)
        self._withdrawn(reason=require_text(reason, "reason", max_length=_REASON_TEXT), at=at)

    @event("Withdrawn", topic="wushe.resource_request.withdrawn")
    def _withdrawn(self, reason: str, at: datetime) -> None:
        self.withdrawal_reason, self.withdrawn_at = reason, at
        self.status = RequestStatus.WITHDRAWN
