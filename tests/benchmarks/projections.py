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

import asyncio
import bisect
import concurrent.futures
import contextlib
import functools
import hashlib
import multiprocessing
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
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

from wushe.infra.keystore import KEY_BYTES
from wushe.infra.mapper import MsgspecMapper
from wushe.infra.settings import PostgresSettings, Settings
from wushe.platform.application import WusheApplication
from wushe.platform.demo import DemoSpec, load_demo
from wushe.platform.domain.calendar import WorkingCalendar
from wushe.platform.domain.need import Need, NeedSource, NeedStatus, ReplyChannel
from wushe.platform.domain.policy import DEFAULT_CATEGORIES, Policy
from wushe.platform.domain.values import Urgency, VulnerableGroup
from wushe.projections.catalog import Catalog, physical_name
from wushe.projections.read import open_read_model
from wushe.projections.read.needs_query import NeedsQuery, NeedsSort, fetch_needs
from wushe.projections.runner import BATCH_SIZE, ProjectionRunner, catch_up_together
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views import VIEWS
from wushe.projections.views.needs import NEEDS, NeedsList
from wushe.projections.worker import run_worker

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from eventsourcing.domain import DomainEventProtocol


__all__ = ["LagResult", "QueryResult", "RebuildResult", "run"]

CACHE = Path("bench-results")
GENERATOR_VERSION = 1  # bump when the generated log changes, to invalidate the cache
# The template: two communities of the demo district with 300 volunteers, about
# 2,000 events (30 % volunteers, 35 % needs, the rest staff, organisations,
# resources, teams, projects and assignments).
TEMPLATE = DemoSpec(seed=2026, communities=2, volunteers=300, week_of=date(2026, 11, 30))
INSERT_BATCH = 2_000  # much larger stalls psycopg's pipelined executemany
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIMESTAMP = re.compile(rb'"timestamp":"[^"]*"')  # when the demo ran: not part of its contents
_ENVELOPE = frozenset({"originator_id", "originator_version"})


# -- personal-data keys held in memory while generating -----------------------


class _MemoryKeys:
    """A key store for generating: keys in a dict, written to the real store in bulk."""

    def __init__(self) -> None:
        self.keys: dict[uuid.UUID, bytes] = {}

    def current(self, subject: uuid.UUID) -> tuple[int, bytes]:
        key = self.keys.get(subject)
        if key is None:
            key = self.keys[subject] = os.urandom(KEY_BYTES)
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
    return msgspec.json.encode(state, order="deterministic")  # a stable fingerprint


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
    """A SQLite data directory holding a log of at least ``events`` events (built once).

    The cache is named after the template's contents, so a change to the demo or
    to the events' schemas makes a new log rather than reusing a stale one.
    """
    template = _template()
    fingerprint = _fingerprint(template)
    target = CACHE / f"log-{events}-v{GENERATOR_VERSION}-{fingerprint}"
    if (target / "complete").exists():
        return target
    started = time.perf_counter()
    print(f"Generating a {events:,}-event log in {target} (once; cached) …", flush=True)
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
                _insert(app, pending)
                pending = []
        _insert(app, pending)
        written = app.log_position()
    finally:
        app.close()
    _write_sqlite_keys(settings.key_path, keys.keys)
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    (target / "complete").write_text(f"{written}\n")
    print(f"… {written:,} events in {time.perf_counter() - started:.0f} s", flush=True)
    return target


def _fingerprint(template: _Template) -> str:
    """What the template records, leaving out the time it was recorded at."""
    digest = hashlib.blake2b(digest_size=6)
    for originator, version, topic, state in template.events:
        digest.update(f"{originator}:{version}:{topic}:".encode())
        digest.update(_TIMESTAMP.sub(b"", state))
    return digest.hexdigest()


def _insert(app: WusheApplication, events: Sequence[StoredEvent]) -> None:
    """Append through the recorder, in transactions of INSERT_BATCH events."""
    for start in range(0, len(events), INSERT_BATCH):
        app.recorder.insert_events(events[start:start + INSERT_BATCH])


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
LIFECYCLE_EVENTS = 5  # received, accepted, handling started, closed, replied
OPEN_IN_FLIGHT = 50  # requests each live writer keeps going at once
WRITERS = 2  # threads committing commands in the lag benchmark


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
    people = demo_people(app)
    context = multiprocessing.get_context("spawn")
    ready, results = context.Event(), context.Queue()
    worker = context.Process(target=_follow, args=(settings, ready, results))
    worker.start()
    try:
        if not ready.wait(600):
            raise RuntimeError("the projection worker did not start")
        commits = _write_steadily(app, people, rate, seconds)
        last = max(p for _, p in commits)
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


def _write_steadily(app: WusheApplication, people: Sequence[tuple[uuid.UUID, uuid.UUID]],
                    rate: int, seconds: float) -> list[tuple[float, int]]:
    """One command per event on a fixed schedule, from WRITERS threads, as API workers would.

    Returns the (commit time, log position) of every event.
    """
    commits: list[tuple[float, int]] = []
    total = int(rate * seconds)
    started = time.monotonic() + 0.1

    def write(writer: int) -> None:
        rng = random.Random(writer)
        makers = [NeedMaker(c, s, rng) for c, s in people]
        open_needs: list[Need] = []
        for n in range(writer, total, WRITERS):
            pause = started + n / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if len(open_needs) < OPEN_IN_FLIGHT or n % LIFECYCLE_EVENTS == 0:
                need = rng.choice(makers).receive()
                open_needs.append(need)
            else:
                need = open_needs[rng.randrange(len(open_needs))]
                makers[0].advance(need)
                if need.status == "replied":
                    open_needs.remove(need)
            recordings = app.save(need)
            commits.append((time.monotonic(), recordings[-1].notification.id))

    with concurrent.futures.ThreadPoolExecutor(WRITERS) as pool:
        for done in [pool.submit(write, w) for w in range(WRITERS)]:
            done.result()  # re-raises a writer's error
    return sorted(commits)


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


# -- 3. the needs-list query --------------------------------------------------

OPEN_STATUSES = ("received", "returned", "accepted", "in_handling", "extended", "objected")
OPEN_NEEDS = 10_000  # in the community queried
CLOSED_NEEDS = 10_000  # replied to, in the same community
OTHER_COMMUNITIES, OTHER_NEEDS = 4, 2_500  # each, half open
PAGE = 50
_COLUMNS = ", ".join(f'"{c}"' for c in NEEDS.column_names)


class QueryResult(msgspec.Struct, frozen=True):
    """Latency of one query, repeated."""

    name: str
    runs: int
    rows: int
    p50_ms: float
    p99_ms: float


def needs_fixture(settings: Settings) -> uuid.UUID:
    """Record the needs of five communities and build the needs view; the busiest's id."""
    app = WusheApplication(settings)
    keys = _MemoryKeys()
    sealer = MsgspecMapper(keys)
    rng = random.Random(3)
    busiest = uuid.uuid4()
    plan = [(busiest, OPEN_NEEDS, CLOSED_NEEDS)] + [
        (uuid.uuid4(), OTHER_NEEDS // 2, OTHER_NEEDS // 2) for _ in range(OTHER_COMMUNITIES)]
    try:
        for community, open_count, closed_count in plan:
            maker = NeedMaker(community, uuid.uuid4(), rng)
            stored: list[StoredEvent] = []
            for n in range(open_count + closed_count):
                need = maker.receive()
                # Older requests are closed and replied to; the newest are still open.
                steps = HANDLING_STEPS + 1 if n < closed_count else rng.randrange(HANDLING_STEPS)
                for _ in range(steps):
                    maker.advance(need)
                stored.extend(sealer.to_stored_event(e) for e in need.collect_events())
            _insert(app, stored)
        _write_keys(settings, keys.keys)
        store = ViewStore.open(settings)
        try:
            Projections(app, store, views=[NeedsList]).catch_up()
        finally:
            store.close()
    finally:
        app.close()
    return busiest


def _write_keys(settings: Settings, keys: dict[uuid.UUID, bytes]) -> None:
    if settings.postgres is None:
        _write_sqlite_keys(settings.key_path, keys)
        return
    pg = settings.postgres
    with psycopg.connect(pg.conninfo()) as conn, conn.cursor() as cursor, cursor.copy(
            sql.SQL("COPY {} (subject, generation, key) FROM STDIN").format(
                sql.Identifier(pg.schema, "wushe_person_keys"))) as copy:
        for subject, key in keys.items():
            copy.write_row((subject, 1, key))


def plain_queries(settings: Settings, community: uuid.UUID, runs: int) -> list[QueryResult]:
    """The coordinator's two orders, as plain SQL on the view table."""
    store = ViewStore.open(settings)
    try:
        generation = Catalog(store).active_generation(NeedsList.name) or 0
        table = store.name(physical_name(NeedsList.name, generation, NEEDS.name))
        where = (f"WHERE community_id = ? AND status IN ({', '.join('?' for _ in OPEN_STATUSES)})")
        params = (str(community), *OPEN_STATUSES, PAGE)
        queries = {
            "newest first": f"SELECT {_COLUMNS} FROM {table} {where} "  # noqa: S608
                            "ORDER BY received_at DESC, need_id DESC LIMIT ?",
            "deadline first": f"SELECT {_COLUMNS} FROM {table} {where} "  # noqa: S608
                              "ORDER BY due_key, received_at, need_id LIMIT ?",
        }
        results = []
        for name, statement in queries.items():
            seconds, rows = _timed(runs, functools.partial(store.fetchall, statement, params))
            results.append(_query_result(f"SQL, {name}", seconds, rows))
        return results
    finally:
        store.close()


def read_model_queries(settings: Settings, community: uuid.UUID,
                       runs: int) -> list[QueryResult]:
    """The same two orders through the async read model (``fetch_needs``)."""
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    policy = Policy()
    statuses = frozenset(NeedStatus(s) for s in OPEN_STATUSES)

    async def measure() -> list[QueryResult]:
        results = []
        async with open_read_model(settings) as reads:
            for sort in NeedsSort:
                query = NeedsQuery(community_id=community, statuses=statuses, sort=sort,
                                   limit=PAGE)
                await fetch_needs(reads, query, now=now, policy=policy)  # connect, warm up
                seconds, rows = [], 0
                for _ in range(runs):
                    started = time.perf_counter()
                    page = await fetch_needs(reads, query, now=now, policy=policy)
                    seconds.append(time.perf_counter() - started)
                    rows = len(page.items)
                results.append(_query_result(f"read model, {sort.value}", seconds, rows))
        return results

    return asyncio.run(measure())


def _timed(runs: int, query: Callable[[], list[Any]]) -> tuple[list[float], int]:
    query()  # warm up
    seconds, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(query())
        seconds.append(time.perf_counter() - started)
    return seconds, rows


def _query_result(name: str, seconds: Sequence[float], rows: int) -> QueryResult:
    return QueryResult(name, len(seconds), rows, _percentile(seconds, 50) * 1000,
                       _percentile(seconds, 99) * 1000)


# -- the report ---------------------------------------------------------------


class RebuildResult(msgspec.Struct, frozen=True):
    """Medians of the rebuild rounds on one store, in events of the log per second."""

    store: str
    events: int
    scan: float  # raw scan-and-decode
    together: float  # every view, one pass
    one_by_one: float  # every view, one after another (``wushe projections rebuild``)
    per_view: dict[str, float]


@dataclass
class Options:
    """How much to measure."""

    postgres_url: str
    events: int = 1_000_000
    rounds: int = 3
    lag_rate: int = 500
    lag_seconds: float = 20.0
    query_runs: int = 1000
    stores: tuple[str, ...] = ("sqlite", "postgres")


def measure_rebuild(settings: Settings, store: str, rounds: int) -> RebuildResult:
    """Interleaved rounds of: raw scan, one-pass rebuild, view-by-view rebuild."""
    scans, together, one_by_one, per_view = [], [], [], []
    events = 0
    for _ in range(rounds):
        events, seconds = raw_scan_seconds(settings)
        scans.append(events / seconds)
        together.append(events / rebuild_together_seconds(settings))
        views = rebuild_seconds(settings)
        one_by_one.append(events / sum(views.values()))
        per_view.append(views)
    return RebuildResult(
        store, events, statistics.median(scans), statistics.median(together),
        statistics.median(one_by_one),
        {name: events / statistics.median(v[name] for v in per_view) for name in per_view[0]})


def rebuild_rows(results: Sequence[RebuildResult]) -> list[str]:
    """Markdown: the rebuild table and the per-view table."""
    lines = [
        ("| store | raw scan-and-decode events/s | rebuild, all views in one pass | ratio "
         "| rebuild, view by view | ratio |"),
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r.store} | {r.scan:,.0f} | {r.together:,.0f} | {r.together / r.scan:.2f} "
              f"| {r.one_by_one:,.0f} | {r.one_by_one / r.scan:.2f} |" for r in results]
    lines += ["", "Each view rebuilt alone (log events per second of that view's rebuild):", "",
              "| view | " + " | ".join(r.store for r in results) + " |",
              "|---|" + "---|" * len(results)]
    lines += [f"| {name} | " + " | ".join(f"{r.per_view[name]:,.0f}" for r in results) + " |"
              for name in results[0].per_view]
    return lines


def run(options: Options) -> Iterator[str]:
    """Every issue-3 benchmark; yields the report's markdown lines as they are measured."""
    base = PostgresSettings.from_url(options.postgres_url)
    log = cached_log(options.events)
    views = ", ".join(v.name for v in VIEWS)
    yield f"### Rebuild over a {options.events:,}-event log ({len(VIEWS)} views: {views})\n"
    yield (f"Median of {options.rounds} interleaved rounds; every rate is events of the log "
           "per second.\n")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for store in options.stores:
            with _store(store, base, Path(tmp) / store) as (_, load):
                results.append(measure_rebuild(load(log), _LABELS[store], options.rounds))
    yield from rebuild_rows(results)
    yield (f"\n### Live lag: committed → visible in every view, {options.lag_rate} events/s "
           f"for {options.lag_seconds:.0f} s\n")
    yield ("| store | events (all rounds) | achieved events/s | p50 ms | p99 ms | max ms "
           "| p99 vs 250 ms |")
    yield "|---|---|---|---|---|---|---|"
    for store in options.stores:
        lags = []
        for _ in range(options.rounds):
            with tempfile.TemporaryDirectory() as tmp, _store(store, base, Path(tmp)) as (
                    settings, _):
                lags.append(live_lag(settings, options.lag_rate, options.lag_seconds))
        yield _lag_row(_LABELS[store], lags)
    yield (f"\n### Needs-list query: {OPEN_NEEDS:,} open needs in the community queried, "
           f"page of {PAGE}\n")
    yield "| store | query | rows | p50 ms | p99 ms | p99 vs 20 ms |"
    yield "|---|---|---|---|---|---|"
    for store in options.stores:
        with tempfile.TemporaryDirectory() as tmp, _store(store, base, Path(tmp)) as (
                settings, _):
            community = needs_fixture(settings)
            rounds = [plain_queries(settings, community, options.query_runs)
                      + read_model_queries(settings, community, options.query_runs)
                      for _ in range(options.rounds)]
        for name_results in zip(*rounds, strict=True):
            yield _query_row(_LABELS[store], name_results)


_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


@contextlib.contextmanager
def _store(kind: str, base: PostgresSettings, data_dir: Path) -> Iterator[
        tuple[Settings, Callable[[Path], Settings]]]:
    """Empty settings for ``kind``, and a function that loads a cached log into them."""
    if kind == "sqlite":
        yield Settings(data_dir=data_dir), lambda log: sqlite_copy(log, data_dir)
        return
    with postgres_schema(base) as pg:
        yield (Settings(data_dir=data_dir, postgres=pg),
               lambda log: postgres_copy(log, pg, data_dir))


def _lag_row(store: str, lags: Sequence[LagResult]) -> str:
    p50 = statistics.median(r.p50_ms for r in lags)
    p99 = statistics.median(r.p99_ms for r in lags)
    return (f"| {store} | {sum(r.events for r in lags):,} "
            f"| {statistics.median(r.rate for r in lags):,.0f} | {p50:.1f} | {p99:.1f} "
            f"| {max(r.max_ms for r in lags):.1f} | {p99 / 250:.2f} |")


def _query_row(store: str, results: Sequence[QueryResult]) -> str:
    p50 = statistics.median(r.p50_ms for r in results)
    p99 = statistics.median(r.p99_ms for r in results)
    return (f"| {store} | {results[0].name} | {results[0].rows} | {p50:.2f} | {p99:.2f} "
            f"| {p99 / 20:.2f} |")
