"""The read model on PostgreSQL: an asyncpg pool of read-only sessions.

Queries are written with ``?`` placeholders, as everywhere in the projections;
they are numbered ``$1, $2 …`` for PostgreSQL here (outside quoted text). Tables
are qualified with the store's schema, and asyncpg's records become dicts.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Protocol, cast

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints

from wushe.projections.read._base import ReadModel, ResultRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wushe.infra.settings import PostgresSettings
    from wushe.projections.schema import DbValue

__all__ = ["POOL_MAX_SIZE", "PostgresReadModel", "numbered_placeholders"]

# Connections per API process: queries are short, so a few serve many requests.
POOL_MIN_SIZE, POOL_MAX_SIZE = 1, 10
CONNECT_TIMEOUT_SECONDS = 10.0
_QUOTES = frozenset("'\"")


class _Pool(Protocol):
    """The part of ``asyncpg.Pool`` used here."""

    async def fetch(self, query: str, *args: Any) -> list[Any]: ...

    async def close(self) -> None: ...


def numbered_placeholders(sql: str) -> str:
    """``?`` → ``$1, $2 …``, leaving quoted text and identifiers alone."""
    out: list[str] = []
    quote: str | None = None
    count = 0
    for char in sql:
        if quote is not None:
            quote = None if char == quote else quote  # '' and "" reopen at once: same result
        elif char in _QUOTES:
            quote = char
        elif char == "?":
            count += 1
            out.append(f"${count}")
            continue
        out.append(char)
    return "".join(out)


async def _keep_session(_connection: object) -> None:
    """Return a connection to the pool as it is (asyncpg still rolls back a transaction).

    The read model only runs plain queries (no ``SET``, ``LISTEN`` or advisory
    locks), so asyncpg's default reset (``RESET ALL``, ``UNLISTEN *`` …) would undo
    nothing and cost a round trip on every query.
    """


class PostgresReadModel(ReadModel):
    """Queries the views in a PostgreSQL schema through an asyncpg pool."""

    def __init__(self, settings: PostgresSettings, views: Sequence[str] | None = None,
                 max_size: int = POOL_MAX_SIZE) -> None:
        super().__init__(views)
        self.settings = settings
        self._max_size = max_size
        self._pool: _Pool | None = None
        self._opening = asyncio.Lock()

    async def fetch(self, sql: str, params: Sequence[DbValue] = ()) -> list[ResultRow]:
        """Rows of a query written with ``?`` placeholders, as dicts."""
        pool = await self._open()
        records = await pool.fetch(numbered_placeholders(sql), *params)
        return [dict(record.items()) for record in records]

    async def close(self) -> None:
        """Close the pool (waiting for queries in progress)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    def quote(self, table: str) -> str:
        """The quoted, schema-qualified name of a table."""
        quoted = '"' + table.replace('"', '""') + '"'
        return f'"{self.settings.schema}".{quoted}'

    def is_missing_table(self, error: Exception) -> bool:
        """Whether ``error`` says the table (42P01) or its schema (3F000) does not exist."""
        return isinstance(error, asyncpg.UndefinedTableError | asyncpg.InvalidSchemaNameError)

    async def _open(self) -> _Pool:
        if self._pool is not None:
            return self._pool
        async with self._opening:
            if self._pool is None:
                s = self.settings
                self._pool = cast("_Pool", await asyncpg.create_pool(
                    host=s.host, port=s.port, user=s.user, password=s.password or None,
                    database=s.dbname, min_size=POOL_MIN_SIZE, max_size=self._max_size,
                    timeout=CONNECT_TIMEOUT_SECONDS, reset=_keep_session,
                    server_settings={"application_name": "wushe-read",
                                     "default_transaction_read_only": "on"},
                ))
            return self._pool
