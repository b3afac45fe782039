"""The API's own small tables: sessions, failed logins and idempotency keys.

These are operational state, not history, so they live beside the log rather
than in it: in ``api.sqlite3`` in the data directory on SQLite, in
``wushe_api_*`` tables of the store's schema on PostgreSQL. Every API worker
process opens the same tables, so a session, a rate limit or an idempotency key
holds across workers. Calls are blocking; the HTTP layer runs them in threads.
Rows that no longer count are deleted by :meth:`ApiStore.sweep`
(:mod:`wushe.platform.http.sweep` runs it).
"""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

import msgspec
import psycopg

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wushe.infra.settings import Settings

__all__ = ["ApiStore", "StoredResponse", "Swept", "open_api_store"]

_TABLES = (
    ("CREATE TABLE IF NOT EXISTS {sessions} (digest TEXT PRIMARY KEY, account_id TEXT NOT NULL, "
    "expires DOUBLE PRECISION NOT NULL)"),
    "CREATE TABLE IF NOT EXISTS {failures} (scope TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS {failures_index} ON {failures} (scope, at)",
    ("CREATE TABLE IF NOT EXISTS {idempotency} (principal TEXT NOT NULL, key TEXT NOT NULL, "
    "body_hash TEXT NOT NULL, response TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, "
    "PRIMARY KEY (principal, key))"),
    # Ending an account's sessions, and the sweep's delete of old answers.
    "CREATE INDEX IF NOT EXISTS {sessions_index} ON {sessions} (account_id)",
    "CREATE INDEX IF NOT EXISTS {idempotency_index} ON {idempotency} (created)",
)
# Index names on SQLite; PostgreSQL prefixes them with ``wushe_api_``.
_INDEXES = {"failures_index": "failures_by_scope", "sessions_index": "sessions_by_account",
            "idempotency_index": "idempotency_by_created"}
_TABLE_NAMES = ("sessions", "failures", "idempotency")


class StoredResponse(msgspec.Struct, frozen=True):
    """The first answer to an idempotent request, replayed to its retries."""

    status: int
    body: str
    headers: dict[str, str]


class Swept(msgspec.Struct, frozen=True):
    """How many rows a sweep deleted, per table."""

    sessions: int
    failures: int
    answers: int


class _Connection(Protocol):
    def execute(self, sql: Any, params: Sequence[object] = ()) -> Any: ...  # noqa: ANN401
    def close(self) -> None: ...


class ApiStore:
    """Sessions, failed logins and idempotency keys over one connection."""

    def __init__(self, connection: _Connection, names: dict[str, str], marker: str) -> None:
        self._db, self._names, self._marker = connection, names, marker
        self._lock = threading.Lock()
        for statement in _TABLES:
            self._run(statement)

    def _run(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self._execute(statement, params)[0]

    def _execute(self, statement: str,
                 params: Sequence[object] = ()) -> tuple[list[tuple[Any, ...]], int]:
        """The rows a statement returns, and how many rows it changed."""
        sql = statement.format_map(self._names).replace("?", self._marker)
        with self._lock:
            cursor = self._db.execute(sql, params)
            return (list(cursor.fetchall()) if cursor.description else []), cursor.rowcount

    # -- sessions -------------------------------------------------------------

    def add_session(self, digest: str, account_id: UUID, expires: float) -> None:
        """Record a session by the digest of its cookie."""
        self._run("INSERT INTO {sessions} (digest, account_id, expires) VALUES (?, ?, ?)",
                  (digest, str(account_id), expires))

    def session_account(self, digest: str, now: float) -> UUID | None:
        """The account of a live session, or None."""
        rows = self._run("SELECT account_id FROM {sessions} WHERE digest = ? AND expires > ?",
                         (digest, now))
        return UUID(rows[0][0]) if rows else None

    def end_session(self, digest: str, now: float) -> None:
        """Forget the session (and any that expired meanwhile)."""
        self._run("DELETE FROM {sessions} WHERE digest = ? OR expires <= ?", (digest, now))

    def end_sessions(self, account_id: UUID, keep: str | None = None) -> int:
        """End every session of the account but the one whose digest is ``keep``."""
        return self._execute("DELETE FROM {sessions} WHERE account_id = ? AND digest <> ?",
                             (str(account_id), keep or ""))[1]

    # -- failed logins ----------------------------------------------------------

    def failures(self, scope: str, since: float) -> list[float]:
        """When ``scope`` failed since ``since``, oldest first."""
        rows = self._run("SELECT at FROM {failures} WHERE scope = ? AND at > ? ORDER BY at",
                         (scope, since))
        return [float(r[0]) for r in rows]

    def add_failure(self, scopes: Sequence[str], at: float, forget_before: float) -> None:
        """Record a failure for each scope, dropping failures too old to count."""
        self._run("DELETE FROM {failures} WHERE at <= ?", (forget_before,))
        for scope in scopes:
            self._run("INSERT INTO {failures} (scope, at) VALUES (?, ?)", (scope, at))

    def clear_failures(self, scope: str) -> None:
        """Forget a scope's failures (after a successful login)."""
        self._run("DELETE FROM {failures} WHERE scope = ?", (scope,))

    # -- idempotency keys -------------------------------------------------------

    def answer(self, principal: str, key: str) -> tuple[str, StoredResponse] | None:
        """The body hash and the stored first answer for a key, if any."""
        rows = self._run("SELECT body_hash, response FROM {idempotency} "
                         "WHERE principal = ? AND key = ?", (principal, key))
        if not rows:
            return None
        return str(rows[0][0]), msgspec.json.decode(rows[0][1], type=StoredResponse)

    def keep_answer(self, principal: str, key: str, body_hash: str, response: StoredResponse,
                    at: float) -> None:
        """Store the first answer for a key; a concurrent first answer wins."""
        self._run("INSERT INTO {idempotency} (principal, key, body_hash, response, created) "
                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                  (principal, key, body_hash, msgspec.json.encode(response).decode(), at))

    # -- expiry -----------------------------------------------------------------

    def sweep(self, now: float, failures_before: float, answers_before: float) -> Swept:
        """Delete expired sessions, failures and answers at or before the given times."""
        return Swept(
            self._execute("DELETE FROM {sessions} WHERE expires <= ?", (now,))[1],
            self._execute("DELETE FROM {failures} WHERE at <= ?", (failures_before,))[1],
            self._execute("DELETE FROM {idempotency} WHERE created <= ?", (answers_before,))[1])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


def open_api_store(settings: Settings) -> ApiStore:
    """The API store for ``settings``' store (created on first use)."""
    if settings.postgres is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(settings.data_dir / "api.sqlite3", check_same_thread=False,
                             isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA busy_timeout = 5000")
        return ApiStore(db, {**{t: t for t in _TABLE_NAMES}, **_INDEXES}, "?")
    conn = psycopg.connect(settings.postgres.conninfo(), autocommit=True)
    schema = settings.postgres.schema
    conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    names = {t: f'"{schema}"."wushe_api_{t}"' for t in _TABLE_NAMES}
    indexes = {key: f"wushe_api_{name}" for key, name in _INDEXES.items()}
    # API workers starting at once would all run CREATE TABLE IF NOT EXISTS, and all
    # but one fail on the catalogue's unique index: create the tables one at a time.
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (0x77757368_61706921,))  # "wushapi!"
        return ApiStore(conn, {**names, **indexes}, "%s")
