"""Event-log append rates beside the raw INSERT rate of the same database, same run.

Single: one event per transaction (a command). Batched: BATCH events of one
aggregate per transaction. Raw: rows of the same shape and size inserted with
the plain driver, one per transaction and BATCH per transaction.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from tests.helpers import new_volunteer
from wushe.infra.settings import PostgresSettings, Settings
from wushe.platform.application import WusheApplication

if TYPE_CHECKING:
    from collections.abc import Callable

BATCH = 100
PAYLOAD = b'{"timestamp":"2026-11-30T01:00:00Z","hours":8}' + b" " * 60


def _rate(count: int, run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


def app_rates(settings: Settings, singles: int, batches: int) -> tuple[float, float]:
    """Events/s through the application's append path (mapper, encoding, recorder).

    The aggregate's command runs outside the timed part: this measures appends,
    as the raw INSERT baseline does.
    """
    app = WusheApplication(settings)
    try:
        volunteer = new_volunteer()
        app.save(volunteer)
        single_seconds = 0.0
        for n in range(singles):
            volunteer.set_weekly_hour_cap(1 + n % 40)
            started = time.perf_counter()
            app.save(volunteer)
            single_seconds += time.perf_counter() - started
        batch_seconds = 0.0
        for _ in range(batches):
            for n in range(BATCH):
                volunteer.set_weekly_hour_cap(1 + n % 40)
            started = time.perf_counter()
            app.save(volunteer)
            batch_seconds += time.perf_counter() - started
        return singles / single_seconds, batches * BATCH / batch_seconds
    finally:
        app.close()


def registration_rate(settings: Settings, count: int) -> float:
    """Volunteer registrations/s: a new key and five sealed fields per event."""
    app = WusheApplication(settings)
    try:
        volunteers = [new_volunteer() for _ in range(count)]
        started = time.perf_counter()
        for volunteer in volunteers:
            app.save(volunteer)
        return count / (time.perf_counter() - started)
    finally:
        app.close()


def sqlite_raw_rates(path: Path, singles: int, batches: int) -> tuple[float, float]:
    """Rows/s with sqlite3 in the store's own mode (WAL, explicit transactions)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE raw (id TEXT, version INTEGER, topic TEXT, state BLOB, "
               "PRIMARY KEY (id, version))")
    ident = uuid.uuid4().hex
    version = iter(range(1, 10**9))

    def single() -> None:
        for _ in range(singles):
            db.execute("BEGIN")
            db.execute("INSERT INTO raw VALUES (?,?,?,?)", (ident, next(version), "t", PAYLOAD))
            db.execute("COMMIT")

    def batched() -> None:
        for _ in range(batches):
            db.execute("BEGIN")
            db.executemany("INSERT INTO raw VALUES (?,?,?,?)",
                           [(ident, next(version), "t", PAYLOAD) for _ in range(BATCH)])
            db.execute("COMMIT")

    try:
        return _rate(singles, single), _rate(batches * BATCH, batched)
    finally:
        db.close()


def postgres_raw_rates(pg: PostgresSettings, singles: int, batches: int) -> tuple[float, float]:
    """Rows/s with psycopg into a table shaped like the event table."""
    table = sql.Identifier(pg.schema, "raw_events")
    with psycopg.connect(pg.conninfo()) as conn:
        conn.execute(sql.SQL(
            "CREATE TABLE {} (id uuid, version int, topic text, state bytea, "
            "notification_id bigserial, PRIMARY KEY (id, version))").format(table))
        conn.commit()
        insert = sql.SQL("INSERT INTO {} (id, version, topic, state) VALUES (%s,%s,%s,%s)"
                         ).format(table)
        ident = uuid.uuid4()
        version = iter(range(1, 10**9))

        def single() -> None:
            for _ in range(singles):
                with conn.transaction():
                    conn.execute(insert, (ident, next(version), "t", PAYLOAD))

        def batched() -> None:
            for _ in range(batches):
                with conn.transaction(), conn.cursor() as cursor:
                    cursor.executemany(
                        insert, [(ident, next(version), "t", PAYLOAD) for _ in range(BATCH)])

        return _rate(singles, single), _rate(batches * BATCH, batched)


def run(postgres_url: str, singles: int = 2000, batches: int = 50, rounds: int = 3) -> list[str]:
    """Measure both stores, ``rounds`` times interleaved; return rows of medians."""
    base = PostgresSettings.from_url(postgres_url)
    sqlite_figures, postgres_figures = [], []
    for _ in range(rounds):  # alternate, so drift on a shared machine hits both alike
        sqlite_figures.append(_sqlite_round(singles, batches))
        postgres_figures.append(_postgres_round(base, singles, batches))
    return [_row("SQLite", _medians(sqlite_figures)),
            _row("PostgreSQL", _medians(postgres_figures))]


def _sqlite_round(singles: int, batches: int) -> tuple[float, float, float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app_single, app_batch = app_rates(Settings(data_dir=Path(tmp)), singles, batches)
        raw_single, raw_batch = sqlite_raw_rates(Path(tmp) / "raw.sqlite3", singles, batches)
        registrations = registration_rate(Settings(data_dir=Path(tmp) / "r"), singles // 4)
    return app_single, raw_single, app_batch, raw_batch, registrations


def _postgres_round(base: PostgresSettings, singles: int,
                    batches: int) -> tuple[float, float, float, float, float]:
    schema = f"wushe_bench_{uuid.uuid4().hex[:8]}"
    pg = PostgresSettings(base.host, base.port, base.user, base.password, base.dbname, schema)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), postgres=pg)
            app_single, app_batch = app_rates(settings, singles, batches)
            registrations = registration_rate(settings, singles // 4)
        raw_single, raw_batch = postgres_raw_rates(pg, singles, batches)
    finally:
        with psycopg.connect(base.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))
    return app_single, raw_single, app_batch, raw_batch, registrations


Figures = tuple[float, float, float, float, float]


def _medians(rounds: list[Figures]) -> Figures:
    a, b, c, d, e = (statistics.median(column) for column in zip(*rounds, strict=True))
    return a, b, c, d, e


def _row(store: str, figures: Figures) -> str:
    app_single, raw_single, app_batch, raw_batch, registrations = figures
    return (f"| {store} | {app_single:,.0f} | {raw_single:,.0f} | {app_single / raw_single:.2f} "
            f"| {app_batch:,.0f} | {raw_batch:,.0f} | {app_batch / raw_batch:.2f} "
            f"| {registrations:,.0f} | {registrations / raw_single:.2f} |")


HEADER = (
    "| store | single events/s | raw single INSERT/s | ratio | batched events/s "
    f"(×{BATCH}) | raw batched rows/s | ratio | registrations/s (sealed) | ratio to raw single |"
    "\n|---|---|---|---|---|---|---|---|---|"
)
