"""The read model on SQLite: read-only sqlite3 connections used from worker threads.

sqlite3 blocks, so each query runs in a thread (``asyncio.to_thread``) on a
connection taken from a small pool and given back afterwards: a connection is
only ever used by one thread at a time. Connections open the views file
read-only (``mode=ro``); in WAL mode readers never block the projection writer.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import TYPE_CHECKING

from wushe.projections.read._base import ReadModel, ResultRow, ViewNotBuiltError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from wushe.projections.schema import DbValue

__all__ = ["POOL_SIZE", "SqliteReadModel"]

# The file ViewStore.open writes the views to, in the data directory.
# Idle connections kept open; more are opened under load and closed afterwards.
POOL_SIZE = 4
BUSY_TIMEOUT_SECONDS = 5.0
_MISSING_TABLE = "no such table"


class SqliteReadModel(ReadModel):
    """Queries the SQLite views file from worker threads."""

    def __init__(self, path: Path, views: Sequence[str] | None = None,
                 pool_size: int = POOL_SIZE) -> None:
        super().__init__(views)
        self.path = path
        self._pool_size = pool_size
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    async def fetch(self, sql: str, params: Sequence[DbValue] = ()) -> list[ResultRow]:
        """Rows of a query written with ``?`` placeholders, as dicts."""
        return await asyncio.to_thread(self._fetch, sql, tuple(params))

    async def close(self) -> None:
        """Close every idle connection; connections in use close when given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def quote(self, table: str) -> str:
        """The quoted name of a table."""
        return '"' + table.replace('"', '""') + '"'

    def is_missing_table(self, error: Exception) -> bool:
        """Whether ``error`` is SQLite's "no such table"."""
        return isinstance(error, sqlite3.OperationalError) and str(error).startswith(
            _MISSING_TABLE)

    def _fetch(self, sql: str, params: tuple[DbValue, ...]) -> list[ResultRow]:
        connection = self._take()
        try:
            cursor = connection.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            self._give_back(connection)

    def _take(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise RuntimeError("the read model is closed")
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def _give_back(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self._pool_size:
                self._idle.append(connection)
                return
        connection.close()

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise ViewNotBuiltError(f"no views yet: {self.path} does not exist")
        # Used by one thread at a time, but not always the thread that opened it.
        connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                     timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                     check_same_thread=False)
        connection.execute("PRAGMA query_only = ON")
        return connection
