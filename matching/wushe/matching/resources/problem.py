"""The resource problem: offers on the community's resource list and what is required of them.

Times are integer minutes from the start of the horizon, intervals half-open
``[start, end)``; ids are opaque strings. See docs/matching.md ("Resources") and
the package docstring for the rules and the objective.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

__all__ = [
    "Interval",
    "Offer",
    "OwnerKind",
    "Requirement",
    "ResourceKind",
    "ResourceParams",
    "ResourceProblem",
]


class ResourceKind(StrEnum):
    """The domain's resource types: a venue is shared in time, the others are counted."""

    VENUE = "venue"  # 场地
    GOODS = "goods"  # 物资
    FUNDS = "funds"  # 资金
    PROFESSIONAL_SERVICE = "professional_service"  # 专业服务
    VOLUNTEER_TIME = "volunteer_time"  # 志愿服务时间 (counted like goods, if it is ever listed)

    @property
    def counted(self) -> bool:
        """Whether allocations consume the offer (everything but a venue)."""
        return self is not ResourceKind.VENUE


class OwnerKind(StrEnum):
    """What a requirement belongs to: an allocation goes to one project or one need."""

    PROJECT = "project"
    NEED = "need"


class Interval(msgspec.Struct, frozen=True, order=True):
    """A half-open interval of minutes from the horizon start."""

    start: int
    end: int

    def covers(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies inside this interval."""
        return self.start <= start and end <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares at least one minute with this interval."""
        return self.start < end and start < self.end


class Offer(msgspec.Struct, frozen=True, kw_only=True):
    """One offer of the resource list, as much of it as is still free.

    A counted offer has ``remaining`` units left to allocate; a venue has a
    ``capacity`` (people it seats) and the live ``bookings`` it already holds,
    which new bookings must not overlap.
    """

    id: str
    organisation: str
    kind: ResourceKind
    unit: str
    window: Interval
    grid: str
    remaining: int = 0  # counted offers: what can still be allocated
    capacity: int = 0  # venues: the most people one booking may seat
    bookings: tuple[Interval, ...] = ()  # venues: live bookings, never overlapped

    def free(self, start: int, end: int) -> bool:
        """Whether no existing booking overlaps ``[start, end)``."""
        return not any(b.overlaps(start, end) for b in self.bookings)


class Requirement(msgspec.Struct, frozen=True, kw_only=True):
    """What one project or one need requires, and when."""

    id: str
    owner_kind: OwnerKind
    owner_id: str
    kind: ResourceKind
    unit: str
    quantity: int  # counted: units wanted; venue: people to seat
    start: int
    end: int
    grid: str
    urgent: bool = False
    vulnerable: bool = False

    @property
    def priority(self) -> bool:
        """Whether its shortfall counts in tier 1 (urgent or serving a vulnerable resident)."""
        return self.urgent or self.vulnerable


class ResourceParams(msgspec.Struct, frozen=True, kw_only=True):
    """Solver limits and the policy numbers of the objective."""

    time_limit_s: float = 10.0
    relative_gap: float = 0.0
    seed: int = 0
    workers: int = 1
    unknown_distance: int = 3
    max_distance: int = 10
    first_allocation_cost: int = 20  # per organisation new this year left without an allocation
    offer_load_cost: int = 1  # the k-th allocation of one offer costs k times this
    shortfall_resolution: int = 1000  # per-mille: see the package docstring


class ResourceProblem(msgspec.Struct, frozen=True, kw_only=True):
    """Everything one resource solve needs."""

    offers: tuple[Offer, ...]
    requirements: tuple[Requirement, ...]
    grid_positions: dict[str, tuple[int, int]] = {}
    organisations_allocated_this_year: frozenset[str] = frozenset()
    params: ResourceParams = ResourceParams()
