"""Resource offer (资源清单 entries, 6.2.3): what a party offers, and what was allocated.

An offer has a type, a quantity in a unit ("件", "元", "小时", "场" …), an
availability window and optional conditions. Allocations go to exactly one
service project or one need.

**Counted resources** (goods, funds, professional services, volunteer time):
each allocation consumes its quantity. ``remaining = quantity − Σ consumed``,
where a live allocation consumes its whole quantity and a released one only
what was used (release returns the unused part). Nothing is ever over-allocated;
when ``remaining`` reaches 0 the offer is ``EXHAUSTED``, and a release that
returns something makes it ``OPEN`` again.

**Venues** are shared in time, not used up: the quantity is the venue's capacity
in its unit (e.g. 1 间, 80 人) and an allocation is a *booking* of a time span
inside the availability window, for at most that capacity. Bookings do **not**
consume the quantity — a venue offer stays ``OPEN`` until withdrawn — but no two
live bookings of the same venue may overlap in time (no double booking).
Releasing a booking frees its time slot.

Withdrawing an offer withdraws the unallocated remainder (``remaining`` becomes
0); live allocations stay, can still be used and released, and what they return
goes back to the provider, not to the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_choice,
    require_int,
    require_optional_uuid,
    require_state,
    require_text,
    require_uuid,
)
from wushe.platform.domain.values import TimeSpan, require_span

__all__ = ["Allocation", "OfferStatus", "ResourceOffer", "ResourceType"]

# Sanity bound against typing errors (funds are counted in 元).
MAX_QUANTITY = 100_000_000


class ResourceType(StrEnum):
    VENUE = "venue"  # 场地
    GOODS = "goods"  # 物资
    FUNDS = "funds"  # 资金
    PROFESSIONAL_SERVICE = "professional_service"  # 专业服务
    VOLUNTEER_TIME = "volunteer_time"  # 志愿服务时间


class OfferStatus(StrEnum):
    OPEN = "open"
    EXHAUSTED = "exhausted"
    WITHDRAWN = "withdrawn"


class Allocation(msgspec.Struct, frozen=True):
    """Part of an offer given to one project or one need; a booking, for a venue."""

    allocation_id: UUID
    quantity: int
    to_project: UUID | None
    to_need: UUID | None
    span: TimeSpan | None
    allocated_at: datetime
    used: int = 0
    released: bool = False

    @property
    def live(self) -> bool:
        """Whether the allocation still holds its quantity (not released)."""
        return not self.released

    @property
    def consumed(self) -> int:
        """What it takes from a counted offer: all of it while live, what was used after."""
        return self.quantity if self.live else self.used


class ResourceOffer(Aggregate):
    """An entry of the community's resource list (资源清单)."""

    TOPIC = "wushe.resource"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.resource.created"

    @classmethod
    def offer(
        cls,
        *,
        id: UUID,  # noqa: A002
        community_id: UUID,
        organisation_id: UUID,
        resource_type: ResourceType,
        title: str,
        description: str,
        quantity: int,
        unit: str,
        window: TimeSpan,
        conditions: str | None,
        at: datetime,
    ) -> Self:
        """Put a resource on the community's resource list."""
        quantity = require_int(quantity, "quantity", 1, MAX_QUANTITY)
        require_aware(at)
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            organisation_id=require_uuid(organisation_id, "organisation_id"),
            resource_type=require_choice(resource_type, ResourceType, "resource_type"),
            title=require_text(title, "title", max_length=100),
            description=require_text(description, "description", max_length=1000),
            quantity=quantity, unit=require_text(unit, "unit", max_length=10),
            window=require_span(window, "window"),
            conditions=None if conditions is None else require_text(
                conditions, "conditions", max_length=500),
            offered_at=at,
        )

    @event("Offered", topic="wushe.resource.offered")
    def __init__(
        self, community_id: UUID, organisation_id: UUID, resource_type: ResourceType,
        title: str, description: str, quantity: int, unit: str, window: TimeSpan,
        conditions: str | None, offered_at: datetime,
    ) -> None:
        self.community_id, self.organisation_id = community_id, organisation_id
        self.resource_type, self.title, self.description = resource_type, title, description
        self.quantity, self.unit, self.window = quantity, unit, window
        self.conditions, self.offered_at = conditions, offered_at
        self.allocations: tuple[Allocation, ...] = ()
        self.withdrawn_at: datetime | None = None
        self.status = OfferStatus.OPEN

    # -- queries ----------------------------------------------------------

    @property
    def is_venue(self) -> bool:
        """Whether the offer is a venue, shared in time rather than used up."""
        return self.resource_type == ResourceType.VENUE

    @property
    def allocated(self) -> int:
        """What live allocations hold plus what released ones used (0 for a venue)."""
        if self.is_venue:
            return 0
        return sum(a.consumed for a in self.allocations)

    @property
    def remaining(self) -> int:
        """What can still be allocated (0 once withdrawn)."""
        if self.status == OfferStatus.WITHDRAWN:
            return 0
        return self.quantity - self.allocated

    def allocation(self, allocation_id: UUID) -> Allocation:
        """The allocation with this id.

        Raises:
            DomainRuleError: ``resource.unknown_allocation`` if there is none.
        """
        for allocation in self.allocations:
            if allocation.allocation_id == allocation_id:
                return allocation
        raise DomainRuleError("resource.unknown_allocation", "找不到该分配记录",
                              f"no allocation {allocation_id}", field="allocation_id")

    def bookings(self) -> tuple[Allocation, ...]:
        """The live allocations that hold a time span."""
        return tuple(a for a in self.allocations if a.live and a.span is not None)

    # -- commands ---------------------------------------------------------

    def allocate(
        self,
        *,
        allocation_id: UUID,
        quantity: int,
        to_project: UUID | None,
        to_need: UUID | None,
        span: TimeSpan | None,
        at: datetime,
    ) -> None:
        """Allocate part of the offer to one project or one need (a booking, for a venue)."""
        require_state(self.status, (OfferStatus.OPEN,), "allocate")
        require_aware(at)
        allocation_id = require_uuid(allocation_id, "allocation_id")
        quantity = require_int(quantity, "quantity", 1, MAX_QUANTITY)
        to_project = require_optional_uuid(to_project, "to_project")
        to_need = require_optional_uuid(to_need, "to_need")
        require((to_project is None) != (to_need is None), "resource.allocation_target",
                "须且只能分配给一个项目或一个需求",
                "allocate to exactly one project or one need", field="to_project")
        if any(a.allocation_id == allocation_id for a in self.allocations):
            raise DomainRuleError("resource.duplicate_allocation", "该分配记录已存在",
                                  "this allocation already exists", field="allocation_id")
        self._require_quantity(quantity)
        span = self._require_span(span)
        self._allocated(allocation=Allocation(
            allocation_id, quantity, to_project, to_need, span, allocated_at=at))

    @event("Allocated", topic="wushe.resource.allocated")
    def _allocated(self, allocation: Allocation) -> None:
        self.allocations = (*self.allocations, allocation)
        self._settle()

    def record_use(self, allocation_id: UUID, used_quantity: int) -> None:
        """Record that part of a live allocation was used (adds to what was used so far)."""
        allocation = self._live_allocation(allocation_id)
        used_quantity = require_int(used_quantity, "used_quantity", 1, MAX_QUANTITY)
        left = allocation.quantity - allocation.used
        if used_quantity > left:
            raise DomainRuleError("resource.overuse", f"使用量超过分配量（剩余 {left}）",
                                  f"more used than allocated ({left} left)",
                                  field="used_quantity")
        self._use_recorded(allocation_id=allocation_id, used_quantity=used_quantity)

    @event("UseRecorded", topic="wushe.resource.use_recorded")
    def _use_recorded(self, allocation_id: UUID, used_quantity: int) -> None:
        self._replace(allocation_id, lambda a: msgspec.structs.replace(
            a, used=a.used + used_quantity))

    def release(self, allocation_id: UUID) -> None:
        """Close a live allocation and return its unused part (frees a venue's time slot)."""
        allocation = self._live_allocation(allocation_id)
        self._released(allocation_id=allocation_id,
                       returned=allocation.quantity - allocation.used)

    @event("Released", topic="wushe.resource.released")
    def _released(self, allocation_id: UUID, returned: int) -> None:
        self._replace(allocation_id, lambda a: msgspec.structs.replace(a, released=True))
        self._settle()

    def withdraw(self, reason: str, at: datetime) -> None:
        """Withdraw the unallocated remainder; live allocations stay."""
        require_state(self.status, (OfferStatus.OPEN, OfferStatus.EXHAUSTED), "withdraw")
        require_aware(at)
        self._withdrawn(reason=require_text(reason, "reason", max_length=500),
                        withdrawn_quantity=self.remaining, at=at)

    @event("Withdrawn", topic="wushe.resource.withdrawn")
    def _withdrawn(self, reason: str, withdrawn_quantity: int, at: datetime) -> None:
        self.withdrawn_at = at
        self.status = OfferStatus.WITHDRAWN

    # -- helpers ----------------------------------------------------------

    def _require_quantity(self, quantity: int) -> None:
        available = self.quantity if self.is_venue else self.remaining
        if quantity > available:
            raise DomainRuleError("resource.over_allocation",
                                  f"分配数量超过可分配数量（{available}{self.unit}）",
                                  f"more than is available ({available} {self.unit})",
                                  field="quantity")

    def _require_span(self, given: TimeSpan | None) -> TimeSpan | None:
        if given is None:
            require(not self.is_venue, "resource.venue_needs_span", "场地分配须指定使用时段",
                    "a venue booking needs a time span", field="span")
            return None
        span = require_span(given, "span")
        require(self.window.contains(span), "resource.outside_window",
                "使用时段须在资源可用时间内", "the span must lie within the availability window",
                field="span")
        if self.is_venue and any(span.overlaps(b.span) for b in self.bookings() if b.span):
            raise DomainRuleError("resource.double_booking", "该时段场地已被占用",
                                  "the venue is already booked for part of this span",
                                  field="span")
        return span

    def _live_allocation(self, allocation_id: UUID) -> Allocation:
        allocation = self.allocation(require_uuid(allocation_id, "allocation_id"))
        if not allocation.live:
            raise DomainRuleError("resource.allocation_released", "该分配已释放",
                                  "the allocation has been released", field="allocation_id")
        return allocation

    def _replace(self, allocation_id: UUID, change: Callable[[Allocation], Allocation]) -> None:
        self.allocations = tuple(
            change(a) if a.allocation_id == allocation_id else a for a in self.allocations
        )

    def _settle(self) -> None:
        """Keep the status in step with what remains (a withdrawn offer stays withdrawn)."""
        if self.status != OfferStatus.WITHDRAWN:
            self.status = OfferStatus.OPEN if self.remaining > 0 else OfferStatus.EXHAUSTED
