"""Reading the log for the delivery worker: which events go to which subscription.

Each step reads one batch of the log after the worker's position (only the topics some
subscription wants, and the subscriptions' own events) and, in one transaction, records
a pending delivery per event and subscription and moves the position (the transactional
outbox): a crash loses nothing and enqueues nothing twice, and a delivery's id is
derived from its event and subscription, so it is the same whoever enqueues it.

An event is a community's (and an organisation's) as its aggregate is, which the
aggregate's first event says: its community (an assignment: its project's), and for a
resource offer or a project the organisation offering or undertaking it. Owners never
change, so each is read once (and remembered for :data:`_OWNERS_KEPT` aggregates).
Stored events are decoded partially, straight from their JSON (ids, the time, a new
subscription's URL and kinds): the worker never decrypts anything, personal data or
secrets.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from wushe.platform.webhooks.kinds import SUBSCRIPTION_TOPICS, kind_of, topics_of
from wushe.platform.webhooks.rows import (
    DeliveryRow,
    DeliveryStatus,
    Owner,
    SubscriptionRow,
    delivery_id,
)
from wushe.projections.schema import utc_text

if TYPE_CHECKING:
    from eventsourcing.persistence import Notification

    from wushe.platform.application import WusheApplication
    from wushe.platform.webhooks.store import WebhookStore

__all__ = ["Follower", "Owners"]

_log = logging.getLogger("wushe.webhooks")
_SUBSCRIBED = "wushe.webhook.subscribed"
_DISABLED = "wushe.webhook.disabled"
_OWNERS_KEPT = 100_000  # aggregates whose owner is remembered, at most
# The field of an aggregate's first event that names its organisation.
_ORGANISATION_FIELD = {"resource": "organisation_id",
                       "service_project": "undertaking_organisation_id"}


class _Facts(msgspec.Struct):
    """What the worker reads of a stored event; every other field is skipped unread."""

    timestamp: datetime
    community_id: UUID | None = None
    project_id: UUID | None = None
    organisation_id: UUID | None = None
    undertaking_organisation_id: UUID | None = None
    url: str = ""
    kinds: tuple[str, ...] = ()


_facts = msgspec.json.Decoder(_Facts)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _aggregate_of(topic: str) -> str:
    return kind_of(topic).partition(".")[0]


class Owners:
    """The community and organisation of each aggregate, read once from its first event."""

    def __init__(self, app: WusheApplication) -> None:
        self._app = app
        self._known: OrderedDict[UUID, Owner] = OrderedDict()

    def of(self, aggregate_id: UUID, aggregate: str) -> Owner:
        """The owner of an aggregate of kind ``aggregate`` (nobody, if it cannot be read)."""
        known = self._known.get(aggregate_id)
        if known is not None:
            self._known.move_to_end(aggregate_id)
            return known
        try:
            known = self._look_up(aggregate_id, aggregate)
        # One aggregate that cannot be read must not stop every delivery: its events go
        # to no one, and the log says so.
        except Exception:  # noqa: BLE001
            _log.exception("webhooks: cannot tell whose aggregate %s is", aggregate_id)
            known = Owner(None)
        self._known[aggregate_id] = known
        if len(self._known) > _OWNERS_KEPT:
            self._known.popitem(last=False)
        return known

    def _look_up(self, aggregate_id: UUID, aggregate: str) -> Owner:
        if aggregate == "community":
            return Owner(str(aggregate_id))
        [first] = self._app.recorder.select_events(aggregate_id, limit=1)
        facts = _facts.decode(first.state)
        if aggregate == "organisation":
            return Owner(_text(facts.community_id), str(aggregate_id))
        if facts.community_id is None and facts.project_id is not None:  # an assignment
            return Owner(self.of(facts.project_id, "service_project").community_id)
        field = _ORGANISATION_FIELD.get(aggregate)
        return Owner(_text(facts.community_id),
                     None if field is None else _text(getattr(facts, field)))


class _Batch:
    """What one step read: subscriptions appearing and going, and deliveries."""

    def __init__(self, subscriptions: list[SubscriptionRow]) -> None:
        self.subscriptions = {s.id: s for s in subscriptions}
        self.added: list[SubscriptionRow] = []
        self.disabled: list[tuple[str, int]] = []
        self.deliveries: list[DeliveryRow] = []


class Follower:
    """Enqueues deliveries from the log, a batch per step."""

    def __init__(self, app: WusheApplication, store: WebhookStore, batch_size: int) -> None:
        self._app, self._store, self._batch_size = app, store, batch_size
        self.owners = Owners(app)

    def step(self) -> bool:
        """Read one batch after the stored position; False if the log had nothing new.

        Raises:
            PositionConflictError: another worker moved the position (nothing recorded).
        """
        position, end = self._store.position(), self._app.log_position()
        if position >= end:
            return False
        upto = min(end, position + self._batch_size)
        batch = _Batch(self._store.subscriptions(position))
        wanted = topics_of(k for s in batch.subscriptions.values() for k in s.kinds)
        notifications = self._app.recorder.select_notifications(
            start=position + 1, limit=self._batch_size, stop=upto,
            topics=sorted(wanted.union(SUBSCRIPTION_TOPICS)))
        now = time.time()
        for notification in notifications:
            self._read(notification, batch, now)
            if notification.topic == _SUBSCRIBED and not topics_of(
                    batch.added[-1].kinds) <= wanted:
                # A new subscription wants topics this batch did not read: stop after it,
                # and read what follows again with its topics.
                upto = notification.id
                break
        self._store.advance(position, upto, added=batch.added, disabled=batch.disabled,
                            deliveries=batch.deliveries)
        return True

    def _read(self, notification: Notification, batch: _Batch, now: float) -> None:
        subscription_id, at = str(notification.originator_id), notification.id
        if notification.topic == _SUBSCRIBED:
            facts = _facts.decode(notification.state)
            row = SubscriptionRow(subscription_id, str(facts.community_id),
                                  _text(facts.organisation_id), facts.url, facts.kinds, at)
            batch.subscriptions.setdefault(row.id, row)
            batch.added.append(row)
        elif notification.topic == _DISABLED:
            batch.disabled.append((subscription_id, at))
            batch.subscriptions.pop(subscription_id, None)
        else:
            self._match(notification, batch, now)

    def _match(self, notification: Notification, batch: _Batch, now: float) -> None:
        kind, at = kind_of(notification.topic), notification.id
        candidates = [s for s in batch.subscriptions.values() if s.may_want(kind, at)]
        if not candidates:
            return
        aggregate_id = UUID(str(notification.originator_id))
        owner = self.owners.of(aggregate_id, _aggregate_of(notification.topic))
        occurred = utc_text(_facts.decode(notification.state).timestamp)
        batch.deliveries += [
            DeliveryRow(delivery_id(s.id, at), s.id, at, kind, str(aggregate_id),
                        notification.originator_version, occurred, owner.community_id,
                        owner.organisation_id, DeliveryStatus.PENDING, attempts=0,
                        series_start=0, next_attempt_at=now, created_at=now)
            for s in candidates if s.wants(kind, at, owner)]
