"""Issue 5 benchmark: the HTTP API under load, on PostgreSQL, beside raw PostgreSQL.

A real server (``wushe serve --workers N``) and a projection worker (``wushe
projections run``) on a fresh PostgreSQL schema, driven over loopback by locust
(``tests/benchmarks/api_locustfile.py``) with 1, 8 and 32 concurrent clients:

- **writes**: ``POST /api/v1/communities/{id}/needs`` (receive a need, each with a
  new ``Idempotency-Key``), as coordinators with bearer tokens;
- **lists**: ``GET /api/v1/communities/{id}/needs?limit=20``.

Beside them, measured in the same run at the same concurrency: raw asyncpg INSERTs
of event-shaped rows one per transaction, and raw SELECTs of the same page from
the needs view's table. CPU per process group says where the cores went.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import psycopg
from psycopg import sql

from tests.benchmarks.api_baseline import (
    CpuMeter,
    Figures,
    descendants,
    figures,
    postgres_processes,
    raw_inserts,
    raw_selects,
)
from tests.benchmarks.api_report import HEADER, Point, cpu_rows, row, target_rows
from tests.e2e.test_serve import free_port
from tests.integration.test_commands import found, need, staff_member
from wushe.infra.settings import PostgresSettings, Settings
from wushe.platform.application import WusheApplication
from wushe.platform.commands.accounts import _HASHER, account_id_of, issue_token
from wushe.platform.domain.account import Account, Roles

if TYPE_CHECKING:
    from collections.abc import Iterator
    from uuid import UUID

__all__ = ["Options", "run"]

BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("api_locustfile.py")
ACCOUNTS = 32
SEEDED_NEEDS = 100


@dataclass
class Options:
    """How much to measure."""

    postgres_url: str
    clients: tuple[int, ...] = (1, 8, 32)
    seconds: float = 20.0
    warmup: float = 3.0
    workers: int = 2

    @classmethod
    def quick(cls, postgres_url: str) -> Options:
        """A smoke run: a few seconds per point."""
        return cls(postgres_url, clients=(1, 32), seconds=5.0, warmup=2.0)


@dataclass(frozen=True)
class Seed:
    """What the benchmark recorded before the server started."""

    community: UUID
    staff: UUID
    tokens: list[str]
    position: int

    def write(self, path: Path) -> None:
        """The seed file the locust users read."""
        path.write_text(json.dumps({"community": str(self.community), "staff": str(self.staff),
                                    "tokens": self.tokens}))


def seed(settings: Settings) -> Seed:
    """A community with a staff member and needs, and coordinator accounts with tokens."""
    app = WusheApplication(settings)
    try:
        community = found(app)
        staff = staff_member(app, community)
        for _ in range(SEEDED_NEEDS):
            need(app, community)
        password_hash = _HASHER.hash(uuid.uuid4().hex)  # argon2 once, for every account
        now, tokens = datetime.now(UTC), []
        for n in range(ACCOUNTS):
            login = f"coordinator{n}"
            app.create(Account.register(
                id=account_id_of(login), login=login, password_hash=password_hash,
                roles=Roles(coordinator_of=frozenset({community})), at=now))
            tokens.append(issue_token(app, account_id=account_id_of(login), name="bench",
                                      at=now).secret)
        return Seed(community, staff, tokens, app.log_position())
    finally:
        app.close()


@dataclass
class Deployment:
    """The server and projection worker of a run, and where they keep things."""

    settings: Settings
    base: str
    server: subprocess.Popen[bytes]
    views: subprocess.Popen[bytes]
    tmp: Path

    def cpu_meter(self, locust: subprocess.Popen[bytes] | None = None) -> CpuMeter:
        """CPU per group: load generator, API workers, projection worker, PostgreSQL."""
        return CpuMeter({
            "load generator": (lambda: descendants(locust.pid)) if locust else set,
            "API workers": lambda: descendants(self.server.pid),
            "projection worker": lambda: descendants(self.views.pid),
            "PostgreSQL": postgres_processes,
        })


def _environment(settings: Settings) -> dict[str, str]:
    assert settings.postgres is not None
    pg = settings.postgres
    user = f"{pg.user}@" if not pg.password else f"{pg.user}:{pg.password}@"
    url = f"postgresql://{user}{pg.host}:{pg.port}/{pg.dbname}?schema={pg.schema}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WUSHE_")}
    return {**env, "WUSHE_DATA_DIR": str(settings.data_dir), "WUSHE_DATABASE_URL": url}


@contextlib.contextmanager
def deployment(settings: Settings, workers: int, tmp: Path) -> Iterator[Deployment]:
    """``wushe serve --workers N`` and ``wushe projections run``, stopped with SIGTERM."""
    env, port = _environment(settings), free_port()
    with (tmp / "views.log").open("wb") as views_log, (tmp / "serve.log").open("wb") as log:
        views = subprocess.Popen([BIN / "wushe", "projections", "run"], env=env,  # noqa: S603
                                 stdout=views_log, stderr=subprocess.STDOUT)
        server = subprocess.Popen(  # noqa: S603
            [BIN / "wushe", "serve", "--port", str(port), "--workers", str(workers),
             "--no-access-log"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield Deployment(settings, f"http://127.0.0.1:{port}", server, views, tmp)
    finally:
        for process in (server, views):
            process.send_signal(signal.SIGTERM)
        for process in (server, views):
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_ready(deployment: Deployment, position: int, timeout: float = 120) -> None:
    """Until the server answers and the views reached ``position``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            health = httpx.get(f"{deployment.base}/health", timeout=5).json()
            if health["views_position"] >= position:
                return
        time.sleep(0.5)
    log = (deployment.tmp / "serve.log").read_text()[-3000:]
    msg = f"the deployment did not get ready: {log}"
    raise RuntimeError(msg)


def drive(deployment: Deployment, user: str, clients: int,
          options: Options) -> tuple[Figures, dict[str, float]]:
    """Run locust's ``user`` class with ``clients`` users; figures and CPU of the window."""
    samples = deployment.tmp / f"{user}-{clients}.json"
    env = {**os.environ, "WUSHE_BENCH_SEED": str(deployment.tmp / "seed.json"),
           "WUSHE_BENCH_SAMPLES": str(samples)}
    run_time = options.warmup + options.seconds + 1
    locust = subprocess.Popen(  # noqa: S603
        [BIN / "locust", "-f", str(LOCUSTFILE), "--headless", "--users", str(clients),
         "--spawn-rate", str(clients), "--run-time", f"{run_time:.0f}s",
         "--host", deployment.base, "--only-summary", "--loglevel", "WARNING",
         "--exit-code-on-error", "0", user],
        env=env, stdout=subprocess.DEVNULL, stderr=(deployment.tmp / "locust.log").open("ab"))
    start = time.time() + options.warmup
    time.sleep(options.warmup)
    meter = deployment.cpu_meter(locust)
    meter.start()
    time.sleep(options.seconds)
    cpu = meter.stop()
    locust.wait(run_time + 60)
    loaded = json.loads(samples.read_text())
    return figures(((a, ms, ok) for a, ms, ok in loaded), start, start + options.seconds), cpu


def payload_size(settings: Settings) -> int:
    """The mean stored size of a received need's event (the raw rows get as many bytes)."""
    assert settings.postgres is not None
    with psycopg.connect(settings.postgres.conninfo()) as conn:
        row = conn.execute(sql.SQL(
            "SELECT avg(length(state))::int FROM {} WHERE topic LIKE %s").format(
                sql.Identifier(settings.postgres.schema, "wushe_events")),
            ("%need%receiv%",)).fetchone()
    return int(row[0]) if row and row[0] else 600


def needs_table(settings: Settings) -> str:
    """The physical table of the needs view's live generation."""
    assert settings.postgres is not None
    with psycopg.connect(settings.postgres.conninfo()) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name LIKE 'view\\_needs\\_g%%\\_needs' ORDER BY table_name DESC",
            (settings.postgres.schema,)).fetchall()
    return str(rows[0][0])


def measure(deployment: Deployment, clients: int,
            options: Options) -> tuple[Figures, Figures, dict[str, dict[str, float]]]:
    """Writes, then lists (once the views caught up) at one concurrency; and their CPU."""
    writes, write_cpu = drive(deployment, "Writer", clients, options)
    wait_until_ready(deployment, _log_position(deployment.settings))
    lists, list_cpu = drive(deployment, "Reader", clients, options)
    return writes, lists, {"writes": write_cpu, "lists": list_cpu}


def _log_position(settings: Settings) -> int:
    app = WusheApplication(settings)
    try:
        return app.log_position()
    finally:
        app.close()


@contextlib.contextmanager
def _schema(postgres_url: str, tmp: Path) -> Iterator[Settings]:
    base = PostgresSettings.from_url(postgres_url)
    schema = f"wushe_bench_api_{uuid.uuid4().hex[:8]}"
    pg = PostgresSettings(base.host, base.port, base.user, base.password, base.dbname, schema)
    try:
        yield Settings(data_dir=tmp / "data", postgres=pg)
    finally:
        with psycopg.connect(base.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


def run(options: Options) -> Iterator[str]:
    """The whole benchmark; yields the report's markdown lines as they are measured.

    The raw baselines run while no server holds connections (PostgreSQL's
    ``max_connections`` is shared with them): raw INSERTs before the server starts,
    raw SELECTs of the views it left after it stopped.
    """
    with tempfile.TemporaryDirectory() as name, _schema(options.postgres_url,
                                                        Path(name)) as settings:
        tmp = Path(name)
        seeded = seed(settings)
        seeded.write(tmp / "seed.json")
        assert settings.postgres is not None
        pg, size = settings.postgres, payload_size(settings)
        inserts = {n: raw_inserts(pg, n, options.seconds, size, options.warmup)
                   for n in options.clients}
        api = {}
        with deployment(settings, options.workers, tmp) as deployed:
            wait_until_ready(deployed, seeded.position)
            for clients in options.clients:
                api[clients] = measure(deployed, clients, options)
        table = needs_table(settings)
        points = [Point(n, api[n][0], inserts[n], api[n][1],
                        raw_selects(pg, table, seeded.community, clients=n,
                                    seconds=options.seconds, warmup=options.warmup), api[n][2])
                  for n in options.clients]
    yield (f"{options.workers} API workers, {options.seconds:.0f} s per point after "
           f"{options.warmup:.0f} s of warm-up; {ACCOUNTS} coordinator accounts; raw rows "
           f"of {size} bytes.\n")
    yield HEADER
    yield from (row(point) for point in points)
    yield from cpu_rows(points)
    yield from target_rows(points)
