"""Where the delivery worker keeps its position, the subscriptions it matches and the
delivery log: the API store's database (``api.sqlite3`` beside the data, or
``wushe_api_webhook_*`` tables in the PostgreSQL schema). It is operational state,
like sessions and idempotency keys, not history: attempts change a delivery's row.

One connection per store, guarded by a lock (the API calls it from worker threads);
the portable SQL and the dialects come from :class:`~wushe.projections.store.ViewStore`.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
import psycopg

from wushe.platform.webhooks.rows import (
    TABLES,
    AttemptRow,
    DeliveryRow,
    DeliveryStatus,
    SubscriptionRow,
    row_values,
)
from wushe.projections.catalog import PositionConflictError
from wushe.projections.store import ViewStore

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wushe.infra.settings import Settings
    from wushe.projections.schema import DbValue

__all__ = ["WebhookStore"]

R = TypeVar("R", bound=msgspec.Struct)
_TRACKING = "deliveries"


def _insert(table: str, row_type: type[msgspec.Struct]) -> str:
    names = row_type.__struct_fields__
    marks = ", ".join("?" * len(names))
    return (f"INSERT INTO {{{table}}} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608  (names from code)
            " ON CONFLICT DO NOTHING")


class WebhookStore:
    """The delivery worker's tables over one connection."""

    def __init__(self, store: ViewStore, prefix: str) -> None:
        self._db, self._lock = store, threading.RLock()
        self._names = {t.name: store.name(prefix + t.name) for t in TABLES}
        with self._lock:
            for table in TABLES:
                store.create_table(prefix + table.name, table)

    @classmethod
    def open(cls, settings: Settings) -> WebhookStore:
        """The store beside ``settings``' API store (its tables created on first use)."""
        if settings.postgres is None:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(settings.data_dir / "api.sqlite3", isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA busy_timeout = 5000")
            return cls(ViewStore("sqlite", db), "webhook_")
        conn = psycopg.connect(settings.postgres.conninfo(), autocommit=True)
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.postgres.schema}"')
        return cls(ViewStore("postgres", conn, settings.postgres.schema), "wushe_api_webhook_")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def _sql(self, statement: str) -> str:
        return statement.format_map(self._names)

    def _run(self, statement: str, params: Sequence[DbValue] = ()) -> int:
        with self._lock:
            return self._db.execute(self._sql(statement), params)

    def _rows(self, row_type: type[R], where: str, params: Sequence[DbValue] = ()) -> list[R]:
        table = {SubscriptionRow: "subscriptions", DeliveryRow: "deliveries",
                 AttemptRow: "attempts"}[row_type]
        names = row_type.__struct_fields__
        with self._lock:
            found = self._db.fetchall(
                self._sql(f"SELECT {', '.join(names)} FROM {{{table}}} {where}"),  # noqa: S608
                params)
        return [msgspec.convert(_decoded(dict(zip(names, row, strict=True))), row_type)
                for row in found]

    # -- the worker's position and what it enqueues ----------------------------

    def position(self) -> int:
        """How far the worker has read the log (0: not yet started)."""
        with self._lock:
            rows = self._db.fetchall(self._sql("SELECT position FROM {tracking} WHERE name = ?"),
                                     (_TRACKING,))
        return int(rows[0][0]) if rows else 0

    def advance(self, expected: int, position: int, *, added: Sequence[SubscriptionRow] = (),
                disabled: Sequence[tuple[str, int]] = (),
                deliveries: Sequence[DeliveryRow] = ()) -> None:
        """Record subscriptions and deliveries read from the log up to ``position``, and
        move there from ``expected``, in one transaction.

        Raises:
            PositionConflictError: another worker moved the position; nothing recorded.
        """
        with self._lock, self._db.transaction():
            for row in added:
                self._add_subscription(row)
            for subscription_id, at in disabled:
                self.mark_disabled(subscription_id, at)
            self._db.executemany(self._sql(_insert("deliveries", DeliveryRow)),
                                 [row_values(d) for d in deliveries])
            self._move(expected, position)

    def _move(self, expected: int, position: int) -> None:
        self._run("INSERT INTO {tracking} (name, position) VALUES (?, 0) "
                  "ON CONFLICT DO NOTHING", (_TRACKING,))
        if self._run("UPDATE {tracking} SET position = ? WHERE name = ? AND position = ?",
                     (position, _TRACKING, expected)) != 1:
            raise PositionConflictError(f"webhook deliveries: expected position {expected}")

    # -- subscriptions ----------------------------------------------------------

    def _add_subscription(self, row: SubscriptionRow) -> None:
        self._run(_insert("subscriptions", SubscriptionRow), row_values(row))

    def add_subscription(self, row: SubscriptionRow) -> None:
        """Record a subscription (a row already there stays as it is)."""
        with self._lock:
            self._add_subscription(row)

    def mark_disabled(self, subscription_id: str, position: int) -> None:
        """Record the log position where a subscription was disabled (once)."""
        self._run("UPDATE {subscriptions} SET disabled_position = ? "
                  "WHERE id = ? AND disabled_position IS NULL", (position, subscription_id))

    def subscriptions(self, since: int = 0) -> list[SubscriptionRow]:
        """Every subscription not disabled at or before log position ``since``."""
        return self._rows(SubscriptionRow, "WHERE disabled_position IS NULL "
                          "OR disabled_position > ? ORDER BY id", (since,))

    def subscription(self, subscription_id: str) -> SubscriptionRow | None:
        """One subscription's row, if the store has it."""
        found = self._rows(SubscriptionRow, "WHERE id = ?", (subscription_id,))
        return found[0] if found else None

    def subscription_ids(self, scope: tuple[str, Sequence[str]] | None, after: str | None,
                         limit: int) -> list[str]:
        """Ids in order after ``after``: all (``scope`` None) or those of the organisation
        ``scope[0]`` (may be empty) and of the communities ``scope[1]`` (community-scoped)."""
        conditions, params = ["id > ?"], [after or ""]
        if scope is not None:
            organisation, communities = scope
            marks = ", ".join("?" * len(communities)) or "NULL"
            conditions.append(f"(organisation_id = ? OR (organisation_id IS NULL AND "
                              f"community_id IN ({marks})))")
            params += [organisation, *communities]
        where = " AND ".join(conditions)
        return [r.id for r in self._rows(SubscriptionRow, f"WHERE {where} ORDER BY id LIMIT ?",
                                         (*params, limit))]

    # -- deliveries ---------------------------------------------------------------

    def due(self, now: float, limit: int) -> list[DeliveryRow]:
        """Pending deliveries whose next attempt is due and that no worker is attempting."""
        return self._rows(DeliveryRow, "WHERE status = 'pending' AND next_attempt_at <= ? "
                          "AND (lease_until IS NULL OR lease_until <= ?) "
                          "ORDER BY next_attempt_at, position LIMIT ?", (now, now, limit))

    def claim(self, delivery_id: str, now: float, until: float) -> bool:
        """Take a due delivery for an attempt until ``until`` (False: another worker has it)."""
        return self._run("UPDATE {deliveries} SET lease_until = ? WHERE id = ? AND "
                         "status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)",
                         (until, delivery_id, now)) == 1

    def record(self, attempt: AttemptRow, status: DeliveryStatus,
               finished_at: float | None) -> None:
        """Add an attempt to the log and move its delivery on (releasing the claim)."""
        with self._lock, self._db.transaction():
            self._run(_insert("attempts", AttemptRow), row_values(attempt))
            self._run("UPDATE {deliveries} SET attempts = ?, status = ?, next_attempt_at = ?, "
                      "finished_at = ?, lease_until = NULL WHERE id = ?",
                      (attempt.number, str(status), attempt.next_attempt_at, finished_at,
                       attempt.delivery_id))

    def cancel_disabled(self, now: float) -> int:
        """Cancel the pending deliveries of disabled subscriptions; how many."""
        return self._run(
            "UPDATE {deliveries} SET status = 'cancelled', next_attempt_at = NULL, "
            "finished_at = ? WHERE status = 'pending' AND subscription_id IN "
            "(SELECT id FROM {subscriptions} WHERE disabled_position IS NOT NULL)", (now,))

    def cancel(self, delivery_id: str, now: float) -> None:
        """Cancel one pending delivery (its subscription is disabled)."""
        self._run("UPDATE {deliveries} SET status = 'cancelled', next_attempt_at = NULL, "
                  "finished_at = ?, lease_until = NULL WHERE id = ? AND status = 'pending'",
                  (now, delivery_id))

    def redeliver(self, delivery_id: str, now: float) -> None:
        """Attempt a delivery again from now, with a new series of attempts."""
        self._run("UPDATE {deliveries} SET status = 'pending', next_attempt_at = ?, "
                  "series_start = attempts, finished_at = NULL WHERE id = ?", (now, delivery_id))

    def delivery(self, delivery_id: str) -> DeliveryRow | None:
        """One delivery."""
        found = self._rows(DeliveryRow, "WHERE id = ?", (delivery_id,))
        return found[0] if found else None

    def deliveries(self, subscription_id: str, status: DeliveryStatus | None,
                   before: int | None, limit: int) -> list[DeliveryRow]:
        """A subscription's deliveries, newest event first, before log position ``before``."""
        conditions = ["subscription_id = ?"]
        params: list[DbValue] = [subscription_id]
        if status is not None:
            conditions.append("status = ?")
            params.append(str(status))
        if before is not None:
            conditions.append("position < ?")
            params.append(before)
        where = " AND ".join(conditions)
        return self._rows(DeliveryRow, f"WHERE {where} ORDER BY position DESC LIMIT ?",
                          (*params, limit))

    def attempts(self, delivery_ids: Sequence[str]) -> dict[str, list[AttemptRow]]:
        """The attempts of each delivery, in order."""
        found: dict[str, list[AttemptRow]] = {d: [] for d in delivery_ids}
        if delivery_ids:
            marks = ", ".join("?" * len(delivery_ids))
            for row in self._rows(AttemptRow, f"WHERE delivery_id IN ({marks}) "
                                  "ORDER BY delivery_id, number", tuple(delivery_ids)):
                found[row.delivery_id].append(row)
        return found


def _decoded(values: dict[str, Any]) -> dict[str, Any]:
    if isinstance(values.get("kinds"), str):
        values["kinds"] = msgspec.json.decode(values["kinds"])
    return values
