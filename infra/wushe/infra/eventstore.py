"""How the event store is chosen and opened: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from wushe.infra.keystore import KeyStore, PostgresKeyStore, SQLiteKeyStore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.infra.settings import Settings

__all__ = ["ALLOWED_PERSISTENCE_MODULES", "event_store_environment", "open_key_store",
           "setup_lock"]

# The library falls back to an in-memory store when PERSISTENCE_MODULE is unset;
# wushe refuses to run on anything but these two.
ALLOWED_PERSISTENCE_MODULES = frozenset({"eventsourcing.sqlite", "eventsourcing.postgres"})


def event_store_environment(settings: Settings) -> dict[str, str]:
    """The eventsourcing environment for ``settings``; always names a durable store."""
    if settings.postgres is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": str(settings.lock_timeout_seconds),
        }
    pg = settings.postgres
    _create_schema(settings)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_HOST": pg.host,
        "POSTGRES_PORT": str(pg.port),
        "POSTGRES_USER": pg.user,
        "POSTGRES_PASSWORD": pg.password,
        "POSTGRES_DBNAME": pg.dbname,
        "POSTGRES_SCHEMA": pg.schema,
        "POSTGRES_LOCK_TIMEOUT": str(settings.lock_timeout_seconds),
        # Without the library's table lock a reader tailing the log can miss
        # events committed out of order; the DB-functions path skips that lock.
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        "CREATE_TABLE": "y",
    }


def open_key_store(settings: Settings) -> KeyStore:
    """The key store that goes with the event store of ``settings``."""
    if settings.postgres is None:
        return SQLiteKeyStore(settings.key_path)
    return PostgresKeyStore(settings.postgres)


@contextmanager
def setup_lock(settings: Settings) -> Iterator[None]:
    """Hold the store's set-up lock: one process at a time creates its schema and tables.

    PostgreSQL fails concurrent ``CREATE TABLE IF NOT EXISTS`` of one table (a unique
    violation on ``pg_type``), so processes starting together (API workers, the
    projection and webhook workers) take turns. SQLite needs no lock.
    """
    if settings.postgres is None:
        yield
        return
    with psycopg.connect(settings.postgres.conninfo(), autocommit=True) as conn:
        # A session lock: closing the connection releases it, even after an error.
        conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))",
                     (f"wushe.setup.{settings.postgres.schema}",))
        yield


def _create_schema(settings: Settings) -> None:
    assert settings.postgres is not None  # noqa: S101
    with psycopg.connect(settings.postgres.conninfo(), autocommit=True) as conn:
        schema = sql.Identifier(settings.postgres.schema)
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
