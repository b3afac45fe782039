"""What the demo builders share: one community while it is built, and the tally."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    import random
    from collections.abc import Callable
    from uuid import UUID

    from wushe.platform.application import Recorded, WusheApplication
    from wushe.platform.demo.district import CommunityPlan, DemoSpec
    from wushe.platform.domain.organisation import OrganisationKind

__all__ = ["DemoContext", "NeedRef", "OfferRef", "OrganisationRef", "Tally", "TeamRef",
           "VolunteerRef"]


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation the demo recorded."""

    id: UUID
    kind: OrganisationKind
    name: str


@dataclass(frozen=True)
class VolunteerRef:
    """A volunteer the demo recorded."""

    id: UUID
    skills: tuple[str, ...]
    home_grid: str


@dataclass(frozen=True)
class TeamRef:
    """A volunteer team the demo recorded."""

    id: UUID
    size: int


@dataclass
class OfferRef:
    """A resource offer the demo recorded, with what is left of it."""

    id: UUID
    resource_type: ResourceType
    remaining: int
    bookings: list[tuple[datetime, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class NeedRef:
    """A resident's request the demo recorded."""

    id: UUID
    category: str
    home_visit: bool  # for a resident served by home visits (8.7.6)
    handled: bool  # accepted and not yet closed: a project can still serve it


@dataclass
class Tally:
    """What the whole demo recorded so far, reported to the progress callback."""

    total: int
    progress: Callable[[int, int], None] | None
    done: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def created(self, kind: str) -> None:
        """Count one new aggregate of ``kind``."""
        self.done += 1
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.progress is not None:
            self.progress(self.done, self.total)


@dataclass
class DemoContext:
    """One community while it is being built, and what it holds so far."""

    app: WusheApplication
    spec: DemoSpec
    plan: CommunityPlan
    rng: random.Random
    tally: Tally
    community_id: UUID
    now: datetime
    policy: Policy = field(default_factory=Policy)
    grids: list[str] = field(default_factory=list)
    window_staff: list[UUID] = field(default_factory=list)
    workers: list[UUID] = field(default_factory=list)
    organisations: list[OrganisationRef] = field(default_factory=list)
    offers: list[OfferRef] = field(default_factory=list)
    volunteers: list[VolunteerRef] = field(default_factory=list)
    teams: list[TeamRef] = field(default_factory=list)
    needs: list[NeedRef] = field(default_factory=list)

    def key(self, *parts: object) -> str:
        """A request key fixed by the seed, the community and ``parts``."""
        return ":".join(str(p) for p in ("demo", self.spec.seed, self.plan.index, *parts))

    def created(self, recorded: Recorded, kind: str) -> UUID:
        """Count a creation the demo made, and return the new aggregate's id."""
        self.tally.created(kind)
        return recorded.id

    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        """A time before the demo's "now" (the Friday before the demo week, 09:00)."""
        return self.now - timedelta(days=days, hours=hours, minutes=minutes)

    def this_week(self, weekday: int, hour: int, hours: int) -> TimeSpan:
        """``hours`` from ``hour`` o'clock on ``weekday`` (0 = Monday) of the demo week."""
        start = datetime.combine(self.spec.week_of + timedelta(days=weekday), time(hour),
                                 CHINA_TIME)
        return TimeSpan(start, start + timedelta(hours=hours))

    def offer(self, resource_type: ResourceType, quantity: int) -> OfferRef | None:
        """The first offer of this type with ``quantity`` left, if any."""
        return next((o for o in self.offers
                     if o.resource_type is resource_type and o.remaining >= quantity), None)

    def free_venue(self, start: datetime, end: datetime) -> OfferRef | None:
        """The first venue on offer that is not booked for any of ``start``-``end``."""
        return next((o for o in self.offers if o.resource_type is ResourceType.VENUE
                     and all(end <= s or e <= start for s, e in o.bookings)), None)

    def organisations_of(self, *kinds: OrganisationKind) -> list[OrganisationRef]:
        """The community's organisations of these kinds, in the order recorded."""
        return [o for o in self.organisations if o.kind in kinds]


