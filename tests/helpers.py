"""Helpers shared by the tests: fixed times, an in-memory key store, replay checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID, uuid4

from wushe.infra.mapper import MsgspecMapper
from wushe.platform.domain.volunteer import IdType, PersonalProfile, Volunteer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.domain import Aggregate, DomainEventProtocol

A = TypeVar("A", bound="Aggregate")

# A Monday morning, China time 09:00.
MONDAY_9AM = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


class MemoryKeyStore:
    """A key store in a dict: unit tests only (integration tests use the real ones)."""

    def __init__(self) -> None:
        self.keys: dict[tuple[UUID, int], bytes | None] = {}

    def current(self, subject: UUID) -> tuple[int, bytes]:
        generations = sorted(g for s, g in self.keys if s == subject)
        if generations and self.keys[subject, generations[-1]] is not None:
            return generations[-1], self.keys[subject, generations[-1]] or b""
        generation = (generations[-1] if generations else 0) + 1
        self.keys[subject, generation] = bytes([generation]) * 32
        return generation, bytes([generation]) * 32

    def get(self, subject: UUID, generation: int) -> bytes | None:
        return self.keys.get((subject, generation))

    def delete(self, subject: UUID) -> None:
        for key in [k for k in self.keys if k[0] == subject]:
            self.keys[key] = None

    def close(self) -> None:
        pass


def state_of(aggregate: Aggregate) -> dict[str, Any]:
    """The aggregate's state, without bookkeeping that replay legitimately changes."""
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def replay(events: Sequence[DomainEventProtocol[UUID]], mapper: MsgspecMapper | None = None) -> Any:
    """Rebuild an aggregate from events after a round trip through the stored form."""
    mapper = mapper or MsgspecMapper(MemoryKeyStore())
    aggregate: Any = None
    for event in events:
        restored: Any = mapper.to_domain_event(mapper.to_stored_event(event))
        aggregate = restored.mutate(aggregate)
    return aggregate


def assert_replays_equal(aggregate: A, events: Sequence[DomainEventProtocol[UUID]]) -> None:
    """Replaying ``events`` (all of the aggregate's events) gives the aggregate's state."""
    assert state_of(replay(events)) == state_of(aggregate)


def volunteer_profile(name: str = "林晓燕", id_number: str = "350102199003071234",
                      phone: str = "13905912345", address: str | None = "鼓楼区东街 8 号",
                      health_notes: str | None = "高血压，不宜久站") -> PersonalProfile:
    """A realistic, distinctive real-name profile."""
    return PersonalProfile(name=name, id_number=id_number, phone=phone, address=address,
                           health_notes=health_notes)


def new_volunteer(*, community_id: UUID | None = None, profile: PersonalProfile | None = None,
                  volunteer_id: UUID | None = None) -> Volunteer:
    """A registered volunteer with consent, ready to save."""
    return Volunteer.register(
        id=volunteer_id or uuid4(), community_id=community_id or uuid4(),
        profile=profile or volunteer_profile(), id_type=IdType.RESIDENT_ID,
        consent_version="2026-01", consented_at=MONDAY_9AM, home_grid="G01",
        skills=("first_aid",),
    )
