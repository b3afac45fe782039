"""The msgspec mapper: typed round trips, sealed personal fields, upcasting."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent

from tests.helpers import MemoryKeyStore, new_volunteer, replay
from wushe.infra.mapper import SEALED_PREFIX, MsgspecMapper
from wushe.platform.domain.base import PersonalEvent
from wushe.platform.domain.values import TimeSpan


class Note(Aggregate):
    """A test aggregate whose event changed shape once (v1 had ``text``, v2 ``body``)."""

    TOPIC = "wushe.test.note"
    id: UUID

    class Event(PersonalEvent):
        PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"author"})

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.test.note.created"

    class Written(Event, Aggregate.Created):
        TOPIC = "wushe.test.note.written"
        class_version = 2
        body: str
        on: date
        author: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["body"] = state.pop("text")

    @event(Written)
    def __init__(self, body: str, on: date, author: str | None) -> None:
        self.body, self.on, self.author = body, on, author


def mapper() -> MsgspecMapper:
    return MsgspecMapper(MemoryKeyStore())


def test_values_come_back_with_their_types() -> None:
    volunteer = new_volunteer()
    volunteer.set_availability(())
    events = volunteer.collect_events()
    restored = replay(events)
    assert restored.community_id == volunteer.community_id
    assert isinstance(restored.community_id, UUID)
    assert restored.consented_at == volunteer.consented_at
    assert restored.skills == ("first_aid",)


def test_struct_values_round_trip() -> None:
    span = TimeSpan(*sorted((new_volunteer().consented_at,) * 2))
    encoded = msgspec.json.encode(span)
    assert msgspec.json.decode(encoded, type=TimeSpan) == span


def test_personal_fields_are_sealed_and_bound_to_their_aggregate() -> None:
    keys = MemoryKeyStore()
    codec = MsgspecMapper(keys)
    volunteer = new_volunteer()
    stored = codec.to_stored_event(volunteer.collect_events()[0])
    assert stored.state.count(SEALED_PREFIX.encode()) == 5  # name, id, phone, address, health
    other = uuid4()
    moved = StoredEvent(originator_id=other, originator_version=1, topic=stored.topic,
                        state=stored.state)
    keys.keys[other, 1] = keys.current(volunteer.id)[1]  # the same key under another id
    with pytest.raises(ValueError, match="fails authentication"):
        codec.to_domain_event(moved)


def test_a_personal_field_must_be_text() -> None:
    note = Note(id=uuid4(), body="x", on=date(2026, 1, 1), author="张三")  # type: ignore[call-arg]
    (written,) = note.collect_events()
    object.__setattr__(written, "author", 42)
    with pytest.raises(TypeError, match="must be a string"):
        mapper().to_stored_event(written)


def test_old_versions_are_upcast_on_load() -> None:
    codec = mapper()
    note_id = uuid4()
    old_state = msgspec.json.encode({"timestamp": "2026-01-01T00:00:00Z",
                                     "originator_topic": "wushe.test.note",
                                     "text": "旧格式", "on": "2026-01-02", "author": None})
    restored = codec.to_domain_event(StoredEvent(
        originator_id=note_id, originator_version=1, topic="wushe.test.note.written",
        state=old_state))
    note = restored.mutate(None)  # type: ignore[attr-defined]
    assert (note.body, note.on) == ("旧格式", date(2026, 1, 2))


def test_new_versions_are_stored_with_their_class_version() -> None:
    codec = mapper()
    note = Note(id=uuid4(), body="新", on=date(2026, 1, 1), author="李四")  # type: ignore[call-arg]
    stored = codec.to_stored_event(note.collect_events()[0])
    assert msgspec.json.decode(stored.state)["class_version"] == 2
    assert codec.to_domain_event(stored).mutate(None).author == "李四"  # type: ignore[attr-defined]
