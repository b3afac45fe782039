"""The delivery worker's tables, and their rows.

* ``subscriptions``: what the worker needs of each subscription to match events
  (scope, kinds, URL) and the log positions of its creation and disabling: an event
  is delivered if it comes after the one and before the other, whoever wrote the row
  (the API, at once, for read-your-writes; the worker, when it reads the event).
* ``deliveries``: one per event and subscription; its id is derived from both, so
  enqueueing twice makes one row; ``status`` is ``pending``, ``delivered``, ``failed``
  (attempts used up) or ``cancelled`` (the subscription was disabled).
* ``attempts``: the delivery log, one row per attempt.
* ``tracking``: how far the worker has read the log (moved in the same transaction
  as the deliveries it enqueued, so nothing is lost or enqueued twice).

Times are unix seconds (REAL), as in the API store.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

import msgspec

from wushe.platform.webhooks.kinds import matches
from wushe.projections.schema import Column, Table, integer_columns, text_columns

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["TABLES", "AttemptRow", "DeliveryRow", "DeliveryStatus", "Owner", "SubscriptionRow",
           "delivery_id", "row_values"]

_DELIVERY_NAMESPACE = UUID("3b0f8c44-6a55-4f0e-9d8e-5f3f3c1f2a77")  # never change it


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


def delivery_id(subscription_id: str, position: int) -> str:
    """The stable id of the delivery of the event at ``position`` to a subscription."""
    return str(uuid5(_DELIVERY_NAMESPACE, f"{subscription_id}:{position}"))


class Owner(msgspec.Struct, frozen=True):
    """The community an aggregate belongs to, and the organisation, if it is one's."""

    community_id: str | None
    organisation_id: str | None = None


class SubscriptionRow(msgspec.Struct, frozen=True):
    """A subscription as the worker matches it."""

    id: str
    community_id: str
    organisation_id: str | None
    url: str
    kinds: tuple[str, ...]
    created_position: int
    disabled_position: int | None = None

    def wants(self, kind: str, position: int, owner: Owner) -> bool:
        """Whether the event of ``kind`` at ``position`` of ``owner``'s is for this one."""
        live = self.created_position < position and (
            self.disabled_position is None or position < self.disabled_position)
        mine = (owner.organisation_id == self.organisation_id if self.organisation_id
                else owner.community_id == self.community_id)
        return live and mine and matches(self.kinds, kind)

    def may_want(self, kind: str, position: int) -> bool:
        """:meth:`wants` for some owner (so the owner need not be looked up otherwise)."""
        return self.wants(kind, position, Owner(self.community_id, self.organisation_id))


class DeliveryRow(msgspec.Struct, frozen=True):
    """One event for one subscription, and where its attempts stand."""

    id: str
    subscription_id: str
    position: int
    kind: str
    aggregate_id: str
    version: int
    occurred_at: str  # fixed-width UTC text (schema.utc_text)
    community_id: str | None
    organisation_id: str | None
    status: DeliveryStatus
    attempts: int  # made so far, every series
    series_start: int  # attempts before the latest redelivery (they do not count to the limit)
    next_attempt_at: float | None
    created_at: float
    finished_at: float | None = None
    lease_until: float | None = None  # a worker is making an attempt until then


class AttemptRow(msgspec.Struct, frozen=True):
    """One attempt: when, how long, what came back (status code or error), what next."""

    delivery_id: str
    number: int
    at: float
    duration_ms: int
    status_code: int | None
    error: str | None
    next_attempt_at: float | None


def row_values(row: msgspec.Struct) -> tuple[Any, ...]:
    """A row's values in column order (kinds as JSON, enums as text)."""
    values = msgspec.structs.astuple(row)
    return tuple(msgspec.json.encode(v).decode() if isinstance(v, tuple) else
                 (str(v) if isinstance(v, StrEnum) else v) for v in values)


def _table(name: str, row: type[msgspec.Struct], key: Sequence[str],
           indexes: tuple[tuple[str, ...], ...] = ()) -> Table:
    types = {int: "integer", float: "real", int | None: "integer", float | None: "real"}
    columns = tuple(Column(f.name, types.get(f.type, "text"))  # type: ignore[arg-type]
                    for f in msgspec.structs.fields(row))
    return Table(name, columns, tuple(key), indexes)


TABLES = (
    Table("tracking", (*text_columns("name"), *integer_columns("position")), ("name",)),
    _table("subscriptions", SubscriptionRow, ("id",), (("community_id",), ("organisation_id",))),
    _table("deliveries", DeliveryRow, ("id",),
           (("subscription_id", "position"), ("status", "next_attempt_at"))),
    _table("attempts", AttemptRow, ("delivery_id", "number")),
)
