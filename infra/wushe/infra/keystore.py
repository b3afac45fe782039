"""Per-person data keys, kept outside the event log (crypto-shredding).

Each aggregate that holds personal data gets random 256-bit keys of its own, in
numbered generations. The event mapper seals personal fields with the current
generation and records the generation in the sealed value. ``delete`` destroys
every generation of a subject; the fields sealed with them can never be read
again, in any copy of the log. A destroyed generation is kept as a tombstone, so
that data recorded later (a new contact person, a retried request) gets a new
generation and never a key that would fail to open the old values.

Processes cache live keys for a few seconds only, so an erasure reaches every
API worker within ``LIVE_KEY_SECONDS``; a destroyed generation is cached for good.

What this does not cover: keys are stored in clear in their table (or file);
backups of the key store must be kept and expired separately from backups of
the log (docs/architecture.md).
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from typing import TYPE_CHECKING, Protocol

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from pathlib import Path
    from uuid import UUID

    from wushe.infra.settings import PostgresSettings

__all__ = ["KeyStore", "PostgresKeyStore", "SQLiteKeyStore"]

KEY_BYTES = 32
LIVE_KEY_SECONDS = 5.0


class KeyStore(Protocol):
    """Where data keys live."""

    def current(self, subject: UUID) -> tuple[int, bytes]:
        """The generation and key to seal new data with (a new generation if none is live)."""

    def get(self, subject: UUID, generation: int) -> bytes | None:
        """The key of one generation, or ``None`` if it was destroyed or never existed."""

    def delete(self, subject: UUID) -> None:
        """Destroy every generation of the subject's keys (idempotent)."""

    def close(self) -> None:
        """Release connections."""


class _KeyTable:
    """The SQL both stores share; subclasses supply the connection and dialect."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: dict[UUID, tuple[int, bytes, float]] = {}
        self._known: dict[tuple[UUID, int], tuple[bytes | None, float]] = {}

    def current(self, subject: UUID) -> tuple[int, bytes]:
        cached = self._live.get(subject)
        if cached is not None and cached[2] > time.monotonic():
            return cached[0], cached[1]
        with self._lock:
            latest = self._latest(subject)
            if latest is None or latest[1] is None:
                generation = 1 if latest is None else latest[0] + 1
                self._insert(subject, generation, secrets.token_bytes(KEY_BYTES))
                latest = self._latest(subject)
        generation, key = latest if latest is not None else (0, None)
        if key is None:  # pragma: no cover  (the row was written just above)
            raise RuntimeError(f"no live key for {subject}")
        expires = time.monotonic() + LIVE_KEY_SECONDS
        self._live[subject] = (generation, key, expires)
        # What was just sealed is usually opened next (a command reloads what it wrote).
        self._known[(subject, generation)] = (key, expires)
        return generation, key

    def get(self, subject: UUID, generation: int) -> bytes | None:
        cached = self._known.get((subject, generation))
        if cached is not None and (cached[0] is None or cached[1] > time.monotonic()):
            return cached[0]
        with self._lock:
            key = self._select(subject, generation)
        # A destroyed generation never comes back: cache its absence for good.
        expires = float("inf") if key is None else time.monotonic() + LIVE_KEY_SECONDS
        self._known[(subject, generation)] = (key, expires)
        return key

    def delete(self, subject: UUID) -> None:
        with self._lock:
            self._destroy(subject)
            self._live.pop(subject, None)
            for known in [k for k in self._known if k[0] == subject]:
                self._known[known] = (None, float("inf"))

    def _latest(self, subject: UUID) -> tuple[int, bytes | None] | None:
        raise NotImplementedError

    def _select(self, subject: UUID, generation: int) -> bytes | None:
        raise NotImplementedError

    def _insert(self, subject: UUID, generation: int, key: bytes) -> None:
        raise NotImplementedError

    def _destroy(self, subject: UUID) -> None:
        raise NotImplementedError


class SQLiteKeyStore(_KeyTable):
    """Keys in their own SQLite file, separate from the event store's file."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        # Overwrite destroyed keys in the file, and use a rollback journal that is
        # deleted at commit rather than a WAL that keeps old pages until checkpoint.
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.execute("PRAGMA journal_mode = DELETE")
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS person_keys (subject TEXT NOT NULL, "
            "generation INTEGER NOT NULL, key BLOB, PRIMARY KEY (subject, generation))"
        )

    def _latest(self, subject: UUID) -> tuple[int, bytes | None] | None:
        row = self._db.execute(
            "SELECT generation, key FROM person_keys WHERE subject = ? "
            "ORDER BY generation DESC LIMIT 1", (str(subject),)).fetchone()
        return None if row is None else (int(row[0]), None if row[1] is None else bytes(row[1]))

    def _select(self, subject: UUID, generation: int) -> bytes | None:
        row = self._db.execute(
            "SELECT key FROM person_keys WHERE subject = ? AND generation = ?",
            (str(subject), generation)).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def _insert(self, subject: UUID, generation: int, key: bytes) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO person_keys (subject, generation, key) VALUES (?, ?, ?)",
            (str(subject), generation, key))

    def _destroy(self, subject: UUID) -> None:
        self._db.execute("UPDATE person_keys SET key = NULL WHERE subject = ?", (str(subject),))

    def close(self) -> None:
        self._db.close()


class PostgresKeyStore(_KeyTable):
    """Keys in a table of their own, beside (never inside) the event log.

    PostgreSQL keeps an updated row's old version until VACUUM: operations vacuum
    ``wushe_person_keys`` after erasures (docs/architecture.md).
    """

    def __init__(self, settings: PostgresSettings) -> None:
        super().__init__()
        self._db = psycopg.connect(settings.conninfo(), autocommit=True)
        self._table = sql.Identifier(settings.schema, "wushe_person_keys")
        self._db.execute(sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} (subject uuid NOT NULL, generation int NOT NULL, "
            "key bytea, PRIMARY KEY (subject, generation))").format(self._table))

    def _latest(self, subject: UUID) -> tuple[int, bytes | None] | None:
        row = self._db.execute(sql.SQL(
            "SELECT generation, key FROM {} WHERE subject = %s "
            "ORDER BY generation DESC LIMIT 1").format(self._table), (subject,)).fetchone()
        return None if row is None else (int(row[0]), None if row[1] is None else bytes(row[1]))

    def _select(self, subject: UUID, generation: int) -> bytes | None:
        row = self._db.execute(sql.SQL(
            "SELECT key FROM {} WHERE subject = %s AND generation = %s").format(self._table),
            (subject, generation)).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def _insert(self, subject: UUID, generation: int, key: bytes) -> None:
        self._db.execute(sql.SQL(
            "INSERT INTO {} (subject, generation, key) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING").format(self._table), (subject, generation, key))

    def _destroy(self, subject: UUID) -> None:
        self._db.execute(sql.SQL("UPDATE {} SET key = NULL WHERE subject = %s").format(
            self._table), (subject,))

    def close(self) -> None:
        self._db.close()
