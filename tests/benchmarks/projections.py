"""Issue 3 benchmarks: view rebuild rate, live lag and the needs-list query.

Every figure is printed beside a baseline measured in the same run:

- **rebuild**: every view in :data:`VIEWS` rebuilt from a 1,000,000-event log, as
  ``wushe projections rebuild`` does, beside the raw scan-and-decode rate of the
  same log (``select_notifications`` in pages and ``mapper.to_domain_event`` for
  every event, no view writes).
- **lag**: a writer commits events at a steady rate while the projection worker
  (a separate process running :func:`run_worker`) follows; per event, the time
  from its commit to the worker reporting every view past it.
- **query**: a coordinator's needs-list query on the needs view with 10,000 open
  needs in one community.

The log is the demo district (the project's own realistic synthetic data),
recorded once through the ordinary commands and then replicated with fresh ids
and fresh personal-data keys until it is large enough; it is cached under
``bench-results/`` (git-ignored) so later runs only copy it.
"""

from __future__ import annotations

import bisect
import contextlib
import multiprocessing
import os
import random
import re
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg import sql

from wushe.infra.mapper import MsgspecMapper
from wushe.infra.settings import PostgresSettings, Settings
from wushe.platform.application import WusheApplication
from wushe.platform.demo import DemoSpec, load_demo
from wushe.platform.domain.calendar import WorkingCalendar
from wushe.platform.domain.need import Need, NeedSource, ReplyChannel
from wushe.platform.domain.policy import DEFAULT_CATEGORIES
from wushe.platform.domain.values import Urgency, VulnerableGroup
from wushe.projections.catalog import Catalog
from wushe.projections.runner import BATCH_SIZE, ProjectionRunner, catch_up_together
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views import VIEWS
from wushe.projections.worker import run_worker

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from eventsourcing.domain import DomainEventProtocol


__all__ = ["LagResult", "QueryResult", "RebuildResult", "run"]

CACHE = Path("bench-results")
GENERATOR_VERSION = 1  # bump when the generated log changes, to invalidate the cache
# The template: two communities of the demo district with 300 volunteers, about
# 2,000 events (30 % volunteers, 35 % needs, the rest staff, organisations,
# resources, teams, projects and assignments).
TEMPLATE = DemoSpec(seed=2026, communities=2, volunteers=300, week_of=date(2026, 11, 30))
INSERT_BATCH = 20_000
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ENVELOPE = frozenset({"originator_id", "originator_version"})


# -- personal-data keys held in memory while generating -----------------------


class _MemoryKeys:
    """A key store for generating: keys in a dict, written to the real store in bulk."""

    def __init__(self) -> None:
        self.keys: dict[uuid.UUID, bytes] = {}

    def current(self, subject: uuid.UUID) -> tuple[int, bytes]:
        key = self.keys.get(subject)
        if key is None:
            key = self.keys[subject] = os.urandom(32)
        return 1, key

    def get(self, subject: uuid.UUID, generation: int) -> bytes | None:
        return self.keys.get(subject) if generation == 1 else None

    def delete(self, subject: uuid.UUID) -> None:
        self.keys.pop(subject, None)

    def close(self) -> None:
        """Nothing to release."""


# -- the log ------------------------------------------------------------------


class _Template(msgspec.Struct, frozen=True):
    """The demo's events with personal data in clear (never stored as such)."""

    events: list[tuple[str, int, str, bytes]]  # originator id, version, topic, state


def _template() -> _Template:
    with tempfile.TemporaryDirectory() as tmp:
        app = WusheApplication(Settings(data_dir=Path(tmp)))
        try:
            load_demo(app, TEMPLATE)
            events = []
            for n in app.recorder.select_notifications(start=1, limit=10**9):
                domain_event = app.mapper.to_domain_event(n)
                events.append((str(n.originator_id), n.originator_version, n.topic,
                               _plain_state(domain_event)))
            return _Template(events)
        finally:
            app.close()


def _plain_state(domain_event: DomainEventProtocol[uuid.UUID]) -> bytes:
    # What the mapper encodes, before it seals personal fields.
    state = {k: v for k, v in vars(domain_event).items() if k not in _ENVELOPE}
    version = getattr(type(domain_event), "class_version", 1)
    if version > 1:
        state["class_version"] = version
    return msgspec.json.encode(state)


def _copies(template: _Template, count: int) -> Iterator[list[DomainEventProtocol[uuid.UUID]]]:
    """Copies of the template's events with fresh ids, one list per copy (not yet sealed)."""
    plain = MsgspecMapper(_MemoryKeys())  # the template is in clear: nothing to open
    for _ in range(count):
        fresh: dict[bytes, bytes] = {}

        def new_id(old: bytes, fresh: dict[bytes, bytes] = fresh) -> bytes:
            found = fresh.get(old)
            if found is None:
                found = fresh[old] = str(uuid.uuid4()).encode()
            return found

        yield [plain.to_domain_event(StoredEvent(
            originator_id=uuid.UUID(new_id(originator.encode()).decode()),
            originator_version=version, topic=topic,
            state=_UUID.sub(lambda m: new_id(m.group(0)), state)))
            for originator, version, topic, state in template.events]


def cached_log(events: int) -> Path:
    """A SQLite data directory holding a log of at least ``events`` events (built once)."""
    target = CACHE / f"log-{events}-v{GENERATOR_VERSION}"
    if (target / "complete").exists():
        return target
    started = time.perf_counter()
    print(f"Generating a {events:,}-event log in {target} (once; cached) …", flush=True)
    template = _template()
    building = CACHE / f"{target.name}.building"
    shutil.rmtree(building, ignore_errors=True)
    settings = Settings(data_dir=building.resolve())
    app = WusheApplication(settings)
    keys = _MemoryKeys()
    sealer = MsgspecMapper(keys)
    try:
        pending: list[StoredEvent] = []
        copies = -(-events // len(template.events))
        for batch in _copies(template, copies):
            pending.extend(sealer.to_stored_event(e) for e in batch)
            if len(pending) >= INSERT_BATCH:
                app.recorder.insert_events(pending)
                pending = []
        app.recorder.insert_events(pending)
        written = app.log_position()
    finally:
        app.close()
    _write_sqlite_keys(settings.key_path, keys.keys)
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    (target / "complete").write_text(f"{written}\n")
    print(f"… {written:,} events in {time.perf_counter() - started:.0f} s", flush=True)
    return target


def _write_sqlite_keys(path: Path, keys: dict[uuid.UUID, bytes]) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN")
        db.executemany("INSERT INTO person_keys (subject, generation, key) VALUES (?, 1, ?)",
                       [(str(s), k) for s, k in keys.items()])
        db.execute("COMMIT")
    finally:
        db.close()


# -- the stores under test ----------------------------------------------------


def sqlite_copy(log: Path, data_dir: Path) -> Settings:
    """A SQLite store holding a copy of the cached log."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in ("wushe.sqlite3", "keys.sqlite3"):
        shutil.copyfile(log / name, data_dir / name)
    return Settings(data_dir=data_dir)


def postgres_copy(log: Path, pg: PostgresSettings, data_dir: Path) -> Settings:
    """A PostgreSQL schema holding the cached log, bulk-loaded with COPY."""
    settings = Settings(data_dir=data_dir, postgres=pg)
    app = WusheApplication(settings)  # creates the schema and the tables
    table = app.recorder.events_table_name  # type: ignore[attr-defined]
    app.close()
    source = sqlite3.connect(log / "wushe.sqlite3")
    keys = sqlite3.connect(log / "keys.sqlite3")
    try:
        with psycopg.connect(pg.conninfo()) as conn:
            events = sql.SQL(
                "COPY {} (originator_id, originator_version, topic, state) FROM STDIN"
            ).format(sql.Identifier(pg.schema, table))
            with conn.cursor() as cursor, cursor.copy(events) as copy:
                for ident, version, topic, state in source.execute(
                        "SELECT originator_id, originator_version, topic, state "
                        "FROM stored_events ORDER BY rowid"):
                    copy.write_row((uuid.UUID(ident), version, topic, state))
            person_keys = sql.SQL("COPY {} (subject, generation, key) FROM STDIN").format(
                sql.Identifier(pg.schema, "wushe_person_keys"))
            with conn.cursor() as cursor, cursor.copy(person_keys) as copy:
                for subject, generation, key in keys.execute(
                        "SELECT subject, generation, key FROM person_keys"):
                    copy.write_row((uuid.UUID(subject), generation, key))
            conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(pg.schema, table)))
    finally:
        source.close()
        keys.close()
    return settings


@contextlib.contextmanager
def postgres_schema(base: PostgresSettings) -> Iterator[PostgresSettings]:
    """A throw-away schema in the benchmark database."""
    schema = f"wushe_bench_{uuid.uuid4().hex[:8]}"
    try:
        yield PostgresSettings(base.host, base.port, base.user, base.password, base.dbname,
                               schema)
    finally:
        with psycopg.connect(base.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


def reset_views(settings: Settings) -> None:
    """Drop every view table and the catalog, so the next rebuild starts from nothing."""
    store = ViewStore.open(settings)
    try:
        if store.dialect == "sqlite":
            names = [r[0] for r in store.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
        else:
            names = [r[0] for r in store.fetchall(
                "SELECT tablename FROM pg_tables WHERE schemaname = ?",
                (settings.postgres.schema if settings.postgres else "",))]
        for name in names:
            if name.startswith(("view_", "wushe_view_")):
                store.drop_table(name)
    finally:
        store.close()


# -- 1. rebuild beside the raw scan -------------------------------------------


def raw_scan_seconds(settings: Settings, page: int = BATCH_SIZE) -> tuple[int, float]:
    """Read and decode the whole log in pages, writing nothing: (events, seconds)."""
    app = WusheApplication(settings)  # a fresh process's caches (keys included)
    try:
        end = app.log_position()
        started = time.perf_counter()
        start, count = 1, 0
        while start <= end:
            notifications = app.recorder.select_notifications(start=start, limit=page, stop=end)
            for notification in notifications:
                app.mapper.to_domain_event(notification)
            count += len(notifications)
            start = notifications[-1].id + 1
        return count, time.perf_counter() - started
    finally:
        app.close()


def rebuild_seconds(settings: Settings) -> dict[str, float]:
    """Rebuild every view as ``wushe projections rebuild`` does: seconds per view."""
    reset_views(settings)
    app = WusheApplication(settings)
    store = ViewStore.open(settings)
    try:
        views = Projections(app, store)
        seconds = {}
        for name in views.views:
            started = time.perf_counter()
            views.rebuild(name)
            seconds[name] = time.perf_counter() - started
        return seconds
    finally:
        store.close()
        app.close()


# -- needs made with the domain's own commands --------------------------------

CATEGORIES = tuple(DEFAULT_CATEGORIES)
URGENCIES = (Urgency.ROUTINE,) * 8 + (Urgency.URGENT,) * 2 + (Urgency.EMERGENCY,)
SOURCES = tuple(NeedSource)
COMMITTED_DAYS = (3, 5, 10)
HANDLING_STEPS = 3  # received → accepted → in handling


@dataclass
class NeedMaker:
    """Resident requests of one community, taken through the window-service lifecycle."""

    community: uuid.UUID
    staff: uuid.UUID
    rng: random.Random
    start: datetime = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    made: int = 0

    def receive(self) -> Need:
        """A new request (one pending event)."""
        self.made += 1
        at = self.start + timedelta(minutes=7 * self.made)
        category = self.rng.choice(CATEGORIES)
        groups = (frozenset({VulnerableGroup.ELDERLY_ALONE}) if self.rng.random() < 0.3
                  else frozenset[VulnerableGroup]())
        return Need.receive(
            id=uuid.uuid4(), community_id=self.community, grid=f"第{self.made % 12 + 1}网格",
            source=self.rng.choice(SOURCES), category=category, title="高龄老人上门探访",
            details="独居，行动不便，希望每周上门探访一次", urgency=self.rng.choice(URGENCIES),
            vulnerable_groups=groups, resident_name="林晓燕", resident_phone="13905912345",
            resident_address="鼓楼区东街12号", received_by=self.staff, at=at)

    def advance(self, need: Need) -> None:
        """The next step of the lifecycle (one pending event)."""
        at = need.last_at + timedelta(hours=2)
        if need.status == "received":
            need.accept(by=self.staff, at=at)
        elif need.status == "accepted":
            need.start_handling(self.staff, self.rng.choice(COMMITTED_DAYS), self.calendar, at)
        elif need.status == "in_handling":
            need.close("已上门办理完毕", at)
        else:
            explanation = "协调多方，超出承诺时限，特此致歉" if need.closed_overdue else None
            need.reply(ReplyChannel.PHONE, "您反映的事项已办结，感谢您的支持。", explanation, at)


def demo_people(app: WusheApplication) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(community, staff member) pairs that received requests in the loaded demo."""
    pairs = set()
    for notification in app.recorder.select_notifications(
            start=1, limit=10**9, topics=["wushe.need.received"]):
        event: Any = app.mapper.to_domain_event(notification)
        pairs.add((event.community_id, event.received_by))
    return sorted(pairs)


# -- 2. live lag --------------------------------------------------------------


class LagResult(msgspec.Struct, frozen=True):
    """Commit → visible in every view, for events written at a steady rate."""

    events: int
    rate: float  # achieved events/s
    p50_ms: float
    p99_ms: float
    max_ms: float


def _follow(settings: Settings, ready: Any, results: Any) -> None:
    """The projection worker, in its own process, reporting when each catch-up ended."""
    app = WusheApplication(settings)
    store = ViewStore.open(settings)
    projections = Projections(app, store)
    projections.catch_up()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    seen: list[tuple[float, int]] = []
    ready.set()
    run_worker(projections, stop=stop,
               on_batch=lambda position: seen.append((time.monotonic(), position)))
    results.put(seen)
    store.close()
    app.close()


def live_lag(settings: Settings, rate: int, seconds: float) -> LagResult:
    """Write ``rate`` events/s for ``seconds`` while the worker follows; lag per event."""
    app = WusheApplication(settings)
    if app.log_position() == 0:
        load_demo(app, TEMPLATE)
    makers = [NeedMaker(c, s, random.Random(n)) for n, (c, s) in enumerate(demo_people(app))]
    context = multiprocessing.get_context("spawn")
    ready, results = context.Event(), context.Queue()
    worker = context.Process(target=_follow, args=(settings, ready, results))
    worker.start()
    try:
        if not ready.wait(600):
            raise RuntimeError("the projection worker did not start")
        commits = _write_steadily(app, makers, rate, seconds)
        last = commits[-1][1]
        deadline = time.monotonic() + 30
        seen: list[tuple[float, int]] = []
        while time.monotonic() < deadline and _views_position(settings) < last:
            time.sleep(0.05)
        os.kill(worker.pid or 0, signal.SIGTERM)
        seen = results.get(timeout=60)
    finally:
        worker.join(60)
        if worker.is_alive():
            worker.kill()
        app.close()
    lags = _lags(commits, seen)
    span = commits[-1][0] - commits[0][0]
    return LagResult(len(commits), (len(commits) - 1) / span if span else 0.0,
                     _percentile(lags, 50) * 1000, _percentile(lags, 99) * 1000,
                     max(lags) * 1000)


def _write_steadily(app: WusheApplication, makers: Sequence[NeedMaker], rate: int,
                    seconds: float) -> list[tuple[float, int]]:
    """One command per event, on a fixed schedule; (commit time, log position) of each."""
    open_needs: list[Need] = []
    commits = []
    rng = random.Random(7)
    total = int(rate * seconds)
    started = time.monotonic()
    for n in range(total):
        pause = started + n / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        if len(open_needs) < 50 or n % HANDLING_STEPS == 0:
            need = rng.choice(makers).receive()
            open_needs.append(need)
        else:
            need = open_needs[rng.randrange(len(open_needs))]
            makers[0].advance(need)
            if need.status == "replied":
                open_needs.remove(need)
        recordings = app.save(need)
        commits.append((time.monotonic(), recordings[-1].notification.id))
    return commits


def _views_position(settings: Settings) -> int:
    store = ViewStore.open(settings)
    try:
        rows = store.fetchall(
            f"SELECT min(position) FROM {store.name('wushe_view_tracking')}")  # noqa: S608
        return int(rows[0][0] or 0)
    finally:
        store.close()


def _lags(commits: Sequence[tuple[float, int]], seen: Sequence[tuple[float, int]]) -> list[float]:
    positions = [p for _, p in seen]
    lags = []
    for committed, position in commits:
        index = bisect.bisect_left(positions, position)
        if index == len(positions):
            raise RuntimeError(f"event {position} never became visible")
        lags.append(max(0.0, seen[index][0] - committed))
    return lags


def _percentile(values: Sequence[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def rebuild_together_seconds(settings: Settings) -> float:
    """Rebuild every view in one pass over the log (each event decoded once), then switch."""
    reset_views(settings)
    app = WusheApplication(settings)
    store = ViewStore.open(settings)
    try:
        catalog = Catalog(store)
        started = time.perf_counter()
        runners = [ProjectionRunner(app, catalog, view(), 1, cache_limit=None) for view in VIEWS]
        catch_up_together(runners)
        for view in VIEWS:
            catalog.activate(view, 1)
        return time.perf_counter() - started
    finally:
        store.close()
        app.close()
