"""Where read models live: a SQLite file beside the event store, or PostgreSQL.

One small adapter hides the two dialects (placeholders, column types, schema
qualification); everything above it writes portable SQL with ``?`` placeholders.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

import psycopg

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from wushe.infra.settings import Settings
    from wushe.projections.schema import DbValue, Table

__all__ = ["ViewStore"]

Dialect = Literal["sqlite", "postgres"]
# The advisory lock key under which PostgreSQL sessions create view tables one at a time.
_DDL_LOCK = 0x77757368_65766965  # "wushevie"
_SQLITE_ANALYSIS_ROWS = 1000  # rows SQLite samples per index when analysing
_SQLITE_CACHE_KIB = 256 * 1024  # page cache of the views connection: rebuilds touch it all
_TYPES = {
    "sqlite": {"text": "TEXT", "integer": "INTEGER", "real": "REAL"},
    "postgres": {"text": "TEXT", "integer": "BIGINT", "real": "DOUBLE PRECISION"},
}


class ViewStore:
    """A connection to the read-model database, used by one thread at a time."""

    def __init__(self, dialect: Dialect, connection: Any, schema: str | None = None) -> None:
        self.dialect: Dialect = dialect
        self._db = connection
        self._schema = schema

    @classmethod
    def open(cls, settings: Settings) -> ViewStore:
        """Open the read-model store that goes with ``settings``' event store."""
        if settings.postgres is None:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(settings.data_dir / "views.sqlite3", isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL is still crash-safe
            db.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
            return cls("sqlite", db)
        conn = psycopg.connect(settings.postgres.conninfo(), autocommit=True)
        return cls("postgres", conn, settings.postgres.schema)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def name(self, table: str) -> str:
        """The quoted, schema-qualified name of a physical table."""
        quoted = '"' + table.replace('"', '""') + '"'
        return quoted if self._schema is None else f'"{self._schema}".{quoted}'

    def sql(self, statement: str) -> str:
        """Adapt a statement written with ``?`` placeholders to this dialect."""
        return statement if self.dialect == "sqlite" else statement.replace("?", "%s")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit: everything inside commits together or not at all."""
        if self.dialect == "sqlite":
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        else:
            with self._db.transaction():
                yield

    def execute(self, statement: str, params: Sequence[DbValue] = ()) -> int:
        """Run one statement; return how many rows it changed."""
        return int(self._db.execute(self.sql(statement), tuple(params)).rowcount)

    def executemany(self, statement: str, rows: Sequence[Sequence[DbValue]]) -> None:
        """Run one statement for many parameter rows (pipelined on PostgreSQL)."""
        if not rows:
            return
        if self.dialect == "sqlite":
            self._db.executemany(statement, rows)  # one C loop, no round trips
        else:
            with self._db.cursor() as cursor:
                cursor.executemany(self.sql(statement), rows)

    def fetchall(self, statement: str, params: Sequence[DbValue] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query, as tuples."""
        cursor = self._db.execute(self.sql(statement), tuple(params))
        return list(cursor.fetchall())

    def create_table(self, physical: str, table: Table) -> None:
        """Create a physical table and its indexes if they do not exist.

        On PostgreSQL two sessions running ``CREATE TABLE IF NOT EXISTS`` for the same
        name at once can both go ahead and one then fails on the catalog's unique
        index, so table creation takes a transaction-level advisory lock first.
        """
        types = _TYPES[self.dialect]
        columns = ", ".join(f'"{c.name}" {types[c.type]}' for c in table.columns)
        key = ", ".join(f'"{k}"' for k in table.key)
        name = self.name(physical)
        statements = [f"CREATE TABLE IF NOT EXISTS {name} ({columns}, PRIMARY KEY ({key}))"]
        for n, index in enumerate(table.indexes):
            cols = ", ".join(f'"{c}"' for c in index)
            statements.append(f'CREATE INDEX IF NOT EXISTS "{physical}_i{n}" ON {name} ({cols})')
        if self.dialect == "sqlite":  # SQLite serialises writers itself
            for statement in statements:
                self.execute(statement)
            return
        with self._db.transaction():  # a savepoint inside a caller's transaction
            self.execute("SELECT pg_advisory_xact_lock(?)", (_DDL_LOCK,))
            for statement in statements:
                self.execute(statement)

    def analyze(self, physical: str) -> None:
        """Refresh the planner's statistics of a table (after it was filled in bulk).

        Without them PostgreSQL plans queries on a freshly rebuilt table as if it
        were empty (a needs-list page then sorts every open need instead of
        reading 50 rows of an index) until autovacuum gets round to it.
        """
        if self.dialect == "sqlite":
            self.execute(f"PRAGMA analysis_limit = {_SQLITE_ANALYSIS_ROWS}")
        self.execute(f"ANALYZE {self.name(physical)}")

    def drop_table(self, physical: str) -> None:
        """Drop a physical table if it exists."""
        self.execute(f"DROP TABLE IF EXISTS {self.name(physical)}")
