"""Per-person data keys, kept outside the event log (crypto-shredding).

Each aggregate that holds personal data gets its own random 256-bit key. The
event mapper encrypts personal fields with it; deleting the key makes those
fields unreadable forever, in every copy and backup of the log.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from typing import TYPE_CHECKING, Protocol

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from pathlib import Path
    from uuid import UUID

    from wushe.infra.settings import PostgresSettings

__all__ = ["KeyStore", "PostgresKeyStore", "SQLiteKeyStore"]

KEY_BYTES = 32


class KeyStore(Protocol):
    """Where data keys live."""

    def get(self, subject: UUID) -> bytes | None:
        """The subject's key, or ``None`` if it never existed or was deleted."""

    def get_or_create(self, subject: UUID) -> bytes:
        """The subject's key, created on first use."""

    def delete(self, subject: UUID) -> None:
        """Destroy the subject's key (idempotent)."""

    def close(self) -> None:
        """Release connections."""


class _CachedKeyStore:
    """Caches keys and absences; safe because a key once deleted never returns."""

    def __init__(self) -> None:
        self._cache: dict[UUID, bytes | None] = {}
        self._lock = threading.Lock()

    def get(self, subject: UUID) -> bytes | None:
        if subject in self._cache:
            return self._cache[subject]
        key = self._select(subject)
        self._cache[subject] = key
        return key

    def get_or_create(self, subject: UUID) -> bytes:
        key = self._cache.get(subject)
        if key is None:
            with self._lock:
                key = self._insert_or_select(subject, secrets.token_bytes(KEY_BYTES))
                self._cache[subject] = key
        return key

    def delete(self, subject: UUID) -> None:
        with self._lock:
            self._delete(subject)
            self._cache[subject] = None

    def _select(self, subject: UUID) -> bytes | None:
        raise NotImplementedError

    def _insert_or_select(self, subject: UUID, candidate: bytes) -> bytes:
        raise NotImplementedError

    def _delete(self, subject: UUID) -> None:
        raise NotImplementedError


class SQLiteKeyStore(_CachedKeyStore):
    """Keys in their own SQLite file, separate from the event store's file."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        # Overwrite deleted keys on disk instead of leaving them in free pages.
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS person_keys (subject TEXT PRIMARY KEY, key BLOB NOT NULL)"
        )

    def _select(self, subject: UUID) -> bytes | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key FROM person_keys WHERE subject = ?", (str(subject),)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def _insert_or_select(self, subject: UUID, candidate: bytes) -> bytes:
        self._db.execute(
            "INSERT OR IGNORE INTO person_keys (subject, key) VALUES (?, ?)",
            (str(subject), candidate),
        )
        row = self._db.execute(
            "SELECT key FROM person_keys WHERE subject = ?", (str(subject),)
        ).fetchone()
        return bytes(row[0])

    def _delete(self, subject: UUID) -> None:
        self._db.execute("DELETE FROM person_keys WHERE subject = ?", (str(subject),))

    def close(self) -> None:
        self._db.close()


class PostgresKeyStore(_CachedKeyStore):
    """Keys in a table of their own, beside (never inside) the event log."""

    def __init__(self, settings: PostgresSettings) -> None:
        super().__init__()
        self._db = psycopg.connect(settings.conninfo(), autocommit=True)
        self._table = sql.Identifier(settings.schema, "wushe_person_keys")
        self._db.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (subject uuid PRIMARY KEY, key bytea NOT NULL)"
            ).format(self._table)
        )

    def _select(self, subject: UUID) -> bytes | None:
        with self._lock:
            row = self._db.execute(
                sql.SQL("SELECT key FROM {} WHERE subject = %s").format(self._table), (subject,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def _insert_or_select(self, subject: UUID, candidate: bytes) -> bytes:
        row = self._db.execute(
            sql.SQL(
                "INSERT INTO {0} (subject, key) VALUES (%s, %s) ON CONFLICT (subject) "
                "DO UPDATE SET key = {0}.key RETURNING key"
            ).format(self._table),
            (subject, candidate),
        ).fetchone()
        assert row is not None  # noqa: S101  (RETURNING always yields the row)
        return bytes(row[0])

    def _delete(self, subject: UUID) -> None:
        self._db.execute(
            sql.SQL("DELETE FROM {} WHERE subject = %s").format(self._table), (subject,)
        )

    def close(self) -> None:
        self._db.close()
