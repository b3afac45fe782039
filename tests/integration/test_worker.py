"""``wushe projections run`` as a real process: crash-safe, live, and stoppable.

The worker is started as a subprocess on the test's store (SQLite file or a
throw-away PostgreSQL schema). To kill it *inside* a batch, the tests use the
worker's documented test hook ``WUSHE_WORKER_TEST_EVENT_DELAY`` (a sleep before
each event, inside the batch's transaction) with small batches
(``WUSHE_WORKER_BATCH_SIZE``), and look at the database to see a batch's
transaction open: on SQLite the view file's write lock is held, on PostgreSQL
the worker's connection (named through ``PGAPPNAME``) is idle in transaction.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import psycopg
import pytest

from tests.integration.test_commands import found, need
from wushe.platform.application import WusheApplication
from wushe.platform.demo import DemoSpec, load_demo
from wushe.projections.catalog import Catalog, physical_name
from wushe.projections.runner import ProjectionRunner
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from wushe.infra.settings import Settings
    from wushe.projections.projection import Projection

WUSHE = os.path.join(os.path.dirname(sys.executable), "wushe")  # noqa: PTH118, PTH120
DEMO = DemoSpec(seed=11, communities=1, volunteers=100, week_of=date(2026, 11, 30))
# Small, slow batches: a batch of the needs section takes ~0.2 s, nearly all of
# it inside the batch's transaction.
SLOW = {"WUSHE_WORKER_BATCH_SIZE": "40", "WUSHE_WORKER_TEST_EVENT_DELAY": "0.005"}
TIMEOUT = 20.0


# -- helpers shared with tests/e2e/test_projections_cli.py -------------------------


def database_url(settings: Settings) -> str | None:
    """The ``WUSHE_DATABASE_URL`` of the settings' PostgreSQL schema (None on SQLite)."""
    pg = settings.postgres
    if pg is None:
        return None
    password = f":{quote(pg.password, safe='')}" if pg.password else ""
    return (f"postgresql://{quote(pg.user, safe='')}{password}@{pg.host}:{pg.port}/"
            f"{quote(pg.dbname, safe='')}?schema={pg.schema}")


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment for a ``wushe`` subprocess working on the settings' store."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WUSHE_DATABASE_URL", "WUSHE_WORKER_", "PGAPPNAME"))}
    env["WUSHE_DATA_DIR"] = str(settings.data_dir)
    url = database_url(settings)
    if url is not None:
        env["WUSHE_DATABASE_URL"] = url
    return {**env, **extra}


def table_rows(store: ViewStore, view: type[Projection], generation: int) -> dict[str, Any]:
    """Every row of one generation of a view, table by table, in a stable order."""
    return {
        table.name: sorted(store.fetchall(
            f"SELECT * FROM {store.name(physical_name(view.name, generation, table.name))}"),  # noqa: S608
            key=repr)
        for table in view.tables
    }


def eventually(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> float:
    """Wait until ``condition()`` holds; return how long it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)
    return time.monotonic() - start


class Worker:
    """One ``wushe projections run`` process."""

    def __init__(self, settings: Settings, log: Path, **env: str) -> None:
        self.name = f"wushe-worker-{uuid.uuid4().hex[:8]}"
        self.settings = settings
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603
                [WUSHE, "projections", "run"], stdout=output, stderr=subprocess.STDOUT,
                env=cli_env(settings, PGAPPNAME=self.name, **env))

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def in_batch(self) -> bool:
        """Whether the worker is inside a batch's transaction right now."""
        if not self.alive():
            pytest.fail(f"the worker exited early:\n{self.output()}")
        if self.settings.postgres is None:
            probe = sqlite3.connect(self.settings.data_dir / "views.sqlite3", timeout=0,
                                    isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")  # the worker's batch holds this lock
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()
            return False
        with psycopg.connect(self.settings.postgres.conninfo(), autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
                " AND state = 'idle in transaction'"
                " AND clock_timestamp() - xact_start > interval '20 milliseconds'",
                (self.name,)).fetchone()
        return row is not None and row[0] > 0

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL

    def stop(self) -> float:
        """SIGTERM; return how long the worker took to exit (it must exit 0)."""
        start = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=10)
        assert code == 0, self.output()
        assert "Traceback" not in self.output()
        return time.monotonic() - start

    def ensure_dead(self) -> None:
        if self.alive():
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start workers; any still running at the end is killed."""
    started: list[Worker] = []

    def start(settings: Settings, **env: str) -> Worker:
        worker = Worker(settings, tmp_path / "worker.log", **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.ensure_dead()


@pytest.fixture
def store(app: WusheApplication) -> Iterator[ViewStore]:
    view_store = ViewStore.open(app.settings)
    yield view_store
    view_store.close()


def positions(app: WusheApplication, store: ViewStore) -> dict[str, int]:
    return {s.name: s.position for s in Projections(app, store).status()}


def lowest(app: WusheApplication, store: ViewStore) -> int:
    return min(positions(app, store).values())


def in_batch_after(app: WusheApplication, store: ViewStore, worker: Worker,
                   position: int) -> bool:
    """Whether every view is past ``position`` and the worker is inside a batch."""
    return lowest(app, store) > position and worker.in_batch()


def assert_views_match_a_fresh_build(app: WusheApplication, store: ViewStore,
                                     until: int) -> None:
    """Each live view holds exactly the rows a from-scratch build up to ``until`` gives."""
    catalog = Catalog(store)
    for view in VIEWS:
        live = catalog.active_generation(view.name)
        assert live is not None
        assert catalog.generations(view.name) == {live: until}, view.name
        fresh = ProjectionRunner(app, catalog, view(), generation=live + 1)
        assert fresh.catch_up(until=until) == until
        assert table_rows(store, view, live) == table_rows(store, view, live + 1), view.name
        with store.transaction():
            catalog._drop_generation(view, live + 1)


# -- crash safety ----------------------------------------------------------------------


def test_stopped_or_killed_mid_batch_the_worker_loses_and_duplicates_nothing(
        app: WusheApplication, store: ViewStore, workers: Callable[..., Worker]) -> None:
    load_demo(app, DEMO)
    end = app.log_position()

    # SIGTERM inside a batch: that batch commits, the rest of the catch-up does not run.
    worker = workers(app.settings, **SLOW)
    eventually(partial(in_batch_after, app, store, worker, 0), "a batch in progress")
    before = lowest(app, store)
    assert worker.stop() < 5, "SIGTERM should not wait for the whole catch-up"
    stopped_at = lowest(app, store)
    assert before < stopped_at < end
    assert_views_match_a_fresh_build(app, store, stopped_at)

    # SIGKILL inside a batch, twice, each time after the restarted worker made progress.
    killed_at = stopped_at
    for _ in range(2):
        worker = workers(app.settings, **SLOW)
        eventually(partial(in_batch_after, app, store, worker, killed_at),
                   "the restarted worker to commit a batch and open the next")
        worker.kill()
        killed_at = lowest(app, store)
        assert killed_at < end, "the kill should come before the worker is done"

    # Restarted without the hook: it resumes from the stored positions and finishes.
    worker = workers(app.settings)
    eventually(lambda: lowest(app, store) == end, "the restarted worker to catch up")
    worker.stop()
    assert positions(app, store) == {view.name: end for view in VIEWS}
    assert_views_match_a_fresh_build(app, store, end)


# -- live updates ----------------------------------------------------------------------


def test_the_worker_follows_new_events_live(app: WusheApplication, store: ViewStore,
                                            workers: Callable[..., Worker]) -> None:
    # On PostgreSQL the poll is an hour: only a NOTIFY can wake the worker in time.
    postgres = app.settings.postgres is not None
    worker = workers(app.settings, **({"WUSHE_WORKER_POLL_SECONDS": "3600"} if postgres else {}))
    eventually(lambda: all(s.generation for s in Projections(app, store).status()),
               "the worker to create its views")
    community_id = found(app)
    need_id = need(app, community_id)
    end = app.log_position()
    took = eventually(lambda: lowest(app, store) == end, "the views to reach the new events")
    assert took < 5
    generation = Catalog(store).active_generation("needs")
    needs_table = store.name(physical_name("needs", generation or 0, "needs"))
    assert store.fetchall(f"SELECT status FROM {needs_table} WHERE need_id = ?",  # noqa: S608
                          (str(need_id),)) == [("received",)]
    assert worker.stop() < 3, "a waiting worker should stop promptly, whatever its poll"


@pytest.mark.postgres
def test_without_a_notify_the_worker_still_polls(
        postgres_settings: Settings, workers: Callable[..., Worker],
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = WusheApplication(postgres_settings)
    store = ViewStore.open(postgres_settings)
    try:
        monkeypatch.setattr(app.recorder, "_notify_channel", lambda _cursor: None)
        worker = workers(postgres_settings, WUSHE_WORKER_POLL_SECONDS="0.3")
        eventually(lambda: all(s.generation for s in Projections(app, store).status()),
                   "the worker to create its views")
        need(app, found(app))  # recorded without NOTIFY
        end = app.log_position()
        eventually(lambda: lowest(app, store) == end, "the poll to pick up the new events",
                   timeout=5)
        worker.stop()
    finally:
        store.close()
        app.close()
