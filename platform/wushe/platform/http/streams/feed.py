"""Reading the log for the live streams: which stream each event belongs to.

A stream is a kind (a volunteer's offers, a community's needs or staffing runs) and
an owner (the volunteer or the community). Only an aggregate's first event names
its owner, so owners are remembered from those events (an LRU of
:data:`OWNERS_CACHED` ids) and, for aggregates created before this process
started following, read once from their first stored event.

Events are decoded partially, straight from the stored JSON (the owner's id and
nothing else): the stream carries ids and positions only, so personal data is
never decrypted here, and decoding stays cheap.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from wushe.platform.http.api.schemas.live import LiveEvent
from wushe.platform.webhooks.kinds import kind_of, topics_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import ApplicationRecorder, Notification, StoredEvent

__all__ = ["ALL_TOPICS", "CREATION_TOPICS", "OWNERS_CACHED", "TOPICS", "Feed", "Item", "Key",
           "Owners", "Read", "StreamKind"]

OWNERS_CACHED = 100_000  # ids (about 20 MB): every aggregate a busy day touches


class StreamKind(StrEnum):
    OFFERS = "offers"  # a volunteer's assignments (offers and what became of them)
    NEEDS = "needs"  # a community's needs
    STAFFING = "staffing"  # a community's staffing runs


Key = tuple[StreamKind, UUID]  # a stream: its kind and owner
Item = tuple[Key, LiveEvent]

_AGGREGATE = {StreamKind.OFFERS: "assignment", StreamKind.NEEDS: "need",
              StreamKind.STAFFING: "staffing_run"}
TOPICS: dict[StreamKind, tuple[str, ...]] = {
    kind: tuple(sorted(topics_of((f"{aggregate}.*",)))) for kind, aggregate in _AGGREGATE.items()}
ALL_TOPICS: tuple[str, ...] = tuple(sorted(t for topics in TOPICS.values() for t in topics))
_KIND_OF_TOPIC = {topic: kind for kind, topics in TOPICS.items() for topic in topics}
# The first event of each aggregate, which names its owner (a stable topic, see base.py).
CREATION_TOPICS = {"wushe.assignment.proposed": StreamKind.OFFERS,
                   "wushe.need.received": StreamKind.NEEDS,
                   "wushe.staffing_run.requested": StreamKind.STAFFING}


class _Owner(msgspec.Struct):
    # Every other field of the stored event is skipped unread.
    community_id: UUID | None = None
    volunteer_id: UUID | None = None


_owner_decoder = msgspec.json.Decoder(_Owner)


def _owner_in(stored: StoredEvent, kind: StreamKind) -> UUID | None:
    owner = _owner_decoder.decode(stored.state)
    return owner.volunteer_id if kind is StreamKind.OFFERS else owner.community_id


class Owners:
    """The owner (volunteer or community) of each need, assignment and run (thread-safe)."""

    def __init__(self, recorder: ApplicationRecorder, size: int = OWNERS_CACHED) -> None:
        self._recorder, self._size = recorder, size
        self._known: OrderedDict[UUID, UUID] = OrderedDict()
        self._lock = threading.Lock()

    def learn(self, aggregate_id: UUID, owner: UUID) -> None:
        """Remember an aggregate's owner."""
        with self._lock:
            self._known[aggregate_id] = owner
            self._known.move_to_end(aggregate_id)
            if len(self._known) > self._size:
                self._known.popitem(last=False)

    def of(self, aggregate_id: UUID, kind: StreamKind) -> UUID | None:
        """The aggregate's owner, read from its first event if not remembered."""
        with self._lock:
            owner = self._known.get(aggregate_id)
            if owner is not None:
                self._known.move_to_end(aggregate_id)
                return owner
        first = self._recorder.select_events(aggregate_id, lte=1, limit=1)
        owner = _owner_in(first[0], kind) if first else None
        if owner is not None:
            self.learn(aggregate_id, owner)
        return owner


class Read(msgspec.Struct, frozen=True):
    """What one read of the log found, and how far it got."""

    items: list[Item]
    reached: int  # every event up to here was read
    notifications: int  # how many notifications the read returned


class Feed:
    """Reads the log's needs, assignments and staffing runs as stream items."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self._recorder = recorder
        self.owners = Owners(recorder)

    def read(self, after: int, until: int, *, limit: int,
             topics: Sequence[str] = ALL_TOPICS) -> Read:
        """The items of events after ``after`` up to ``until`` (at most ``limit`` events)."""
        notifications = self._recorder.select_notifications(
            start=after + 1, limit=limit, stop=until, topics=topics)
        reached = notifications[-1].id if len(notifications) >= limit else until
        items = [item for n in notifications if (item := self._item(n)) is not None]
        return Read(items, reached, len(notifications))

    def _item(self, notification: Notification) -> Item | None:
        topic = notification.topic
        aggregate_id = UUID(str(notification.originator_id))
        creation = CREATION_TOPICS.get(topic)
        if creation is not None:
            owner = _owner_in(notification, creation)
            if owner is not None:
                self.owners.learn(aggregate_id, owner)
        kind = _KIND_OF_TOPIC[topic]
        owner = self.owners.of(aggregate_id, kind)
        if owner is None:  # an event of an aggregate whose first event is missing
            return None
        event = LiveEvent(kind_of(topic), aggregate_id, notification.originator_version,
                          notification.id)
        return (kind, owner), event
