"""Baselines and accounting for the API load benchmark.

* **Raw PostgreSQL**: the same number of concurrent clients, each with its own
  asyncpg connection, inserting one event-shaped row per transaction (a new
  aggregate's first event, with a payload the size of a received need's), or
  reading the first 20 rows of the needs view's table in a closed loop.
* **CPU**: seconds of CPU each group of processes (load generator, API workers,
  projection worker, PostgreSQL, everything else on the machine) used during a
  run, from ``/proc``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from wushe.infra.settings import PostgresSettings

__all__ = ["CpuMeter", "Figures", "figures", "raw_inserts", "raw_selects"]

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Figures:
    """A closed-loop run's throughput and latency."""

    rate: float  # successful requests per second
    p50_ms: float
    p99_ms: float
    failures: int


def figures(samples: Iterable[tuple[float, float, bool]], start: float, end: float) -> Figures:
    """Figures of the samples (start time, latency ms, ok) that started in [start, end)."""
    window = [(ms, ok) for at, ms, ok in samples if start <= at < end]
    latencies = sorted(ms for ms, ok in window if ok)
    if not latencies:
        return Figures(0.0, 0.0, 0.0, len(window))
    quantiles = statistics.quantiles(latencies * 2, n=100, method="inclusive")
    return Figures(len(latencies) / (end - start), quantiles[49], quantiles[98],
                   len(window) - len(latencies))


async def _closed_loop(pg: PostgresSettings, clients: int, seconds: float, warmup: float,
                       one: Callable[[Any], Awaitable[object]]) -> Figures:
    connections = [await asyncpg.connect(host=pg.host, port=pg.port, user=pg.user,
                                         password=pg.password or None, database=pg.dbname)
                   for _ in range(clients)]
    samples: list[tuple[float, float, bool]] = []
    start = time.time() + warmup
    end = start + seconds

    async def client(connection: Any) -> None:
        while (began := time.time()) < end:
            await one(connection)
            samples.append((began, (time.time() - began) * 1000, True))

    try:
        await asyncio.gather(*(client(c) for c in connections))
    finally:
        for connection in connections:
            await connection.close()
    return figures(samples, start, end)


def raw_inserts(pg: PostgresSettings, clients: int, seconds: float, payload: int,
                warmup: float = 1.0) -> Figures:
    """Event-shaped rows inserted one per transaction by ``clients`` connections at once."""
    table = f'"{pg.schema}"."raw_events"'
    state = b"x" * payload

    async def setup() -> None:
        connection = await asyncpg.connect(host=pg.host, port=pg.port, user=pg.user,
                                           password=pg.password or None, database=pg.dbname)
        await connection.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (originator_id uuid, originator_version int, "
            "topic text, state bytea, notification_id bigserial, "
            "PRIMARY KEY (originator_id, originator_version))")
        await connection.close()

    async def insert(connection: Any) -> None:
        await connection.execute(
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) "  # noqa: S608
            "VALUES ($1, 1, 'wushe.need.received', $2)", uuid.uuid4(), state)

    async def main() -> Figures:
        await setup()
        return await _closed_loop(pg, clients, seconds, warmup, insert)

    return asyncio.run(main())


def raw_selects(pg: PostgresSettings, table: str, community: uuid.UUID, *, clients: int,
                seconds: float, warmup: float = 1.0) -> Figures:
    """The first 20 rows of ``table`` for a community, newest first, in a closed loop."""
    query = (f'SELECT * FROM "{pg.schema}"."{table}" WHERE community_id = $1 '  # noqa: S608
             "ORDER BY received_at DESC, need_id DESC LIMIT 20")

    async def select(connection: Any) -> None:
        await connection.fetch(query, str(community))

    return asyncio.run(_closed_loop(pg, clients, seconds, warmup, select))


class CpuMeter:
    """CPU seconds used by named groups of processes between :meth:`start` and :meth:`stop`."""

    def __init__(self, groups: dict[str, Callable[[], set[int]]]) -> None:
        self._groups = groups
        self._before: dict[str, float] = {}
        self._began = 0.0

    def start(self) -> None:
        """Take the first reading."""
        self._before, self._began = self._reading(), time.monotonic()

    def stop(self) -> dict[str, float]:
        """Cores used by each group (CPU seconds per second), and ``other`` for the rest."""
        after, seconds = self._reading(), time.monotonic() - self._began
        return {name: max(0.0, after[name] - self._before.get(name, 0.0)) / seconds
                for name in after}

    def _reading(self) -> dict[str, float]:
        used = {name: sum(_cpu_seconds(pid) for pid in pids())
                for name, pids in self._groups.items()}
        used["other"] = _machine_busy_seconds() - sum(used.values())
        return used


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _machine_busy_seconds() -> float:
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in cpu[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


def descendants(pid: int) -> set[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, IndexError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = {pid}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def postgres_processes() -> set[int]:
    """Every process named ``postgres`` (the server and its backends)."""
    found = set()
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres" or comm.read_text().startswith("postgres"):
                found.add(int(comm.parent.name))
        except OSError:
            continue
    return found
