"""The long-running projection worker: catch up, then wait for new events.

On PostgreSQL it LISTENs on the event table's channel (the recorder NOTIFYs on
every insert) and also polls, so a lost notification delays a view by at most
the poll interval (``POLL_SECONDS``). On SQLite it polls. Stopping (SIGTERM,
Ctrl-C) lets the current batch commit and then exits, even in the middle of a
long catch-up; a killed worker loses nothing either, since each batch commits
its rows with its position and the next start resumes from there.

Environment (read by :meth:`WorkerOptions.from_env`, i.e. ``wushe projections run``):

- ``WUSHE_WORKER_POLL_SECONDS``: the polling interval (default ``POLL_SECONDS`` on
  PostgreSQL, ``SQLITE_POLL_SECONDS`` on SQLite).
- ``WUSHE_WORKER_BATCH_SIZE``: events read per batch (one transaction per view).
- ``WUSHE_WORKER_TEST_EVENT_DELAY``: *test hook*, seconds to sleep per event of a
  batch before each view commits it, inside the batch's transaction, so that a test can observe a
  batch in progress and kill the worker in the middle of it. Never set it in
  production.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import msgspec
import psycopg
from psycopg import sql

from wushe.projections.runner import BATCH_SIZE

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from wushe.projections.service import Projections

__all__ = ["POLL_SECONDS", "SQLITE_POLL_SECONDS", "WorkerOptions", "run_worker", "stop_on_signals"]

POLL_SECONDS = 1.0
SQLITE_POLL_SECONDS = 0.05
# A waiting worker looks at its stop flag this often, so SIGTERM is prompt
# whatever the poll interval.
WAKE_SECONDS = 0.2


class WorkerOptions(msgspec.Struct, frozen=True, kw_only=True):
    """How the worker batches and waits (see the module docstring)."""

    poll_seconds: float | None = None  # None: the store's default
    batch_size: int = BATCH_SIZE
    event_delay: float = 0.0  # test hook only

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WorkerOptions:
        """Options from ``WUSHE_WORKER_*`` variables (default: the process environment)."""
        env = os.environ if environ is None else environ
        poll = env.get("WUSHE_WORKER_POLL_SECONDS")
        return cls(poll_seconds=float(poll) if poll else None,
                   batch_size=int(env.get("WUSHE_WORKER_BATCH_SIZE") or BATCH_SIZE),
                   event_delay=float(env.get("WUSHE_WORKER_TEST_EVENT_DELAY") or 0.0))


def run_worker(projections: Projections, *, stop: threading.Event | None = None,
               on_batch: Callable[[int], None] | None = None,
               options: WorkerOptions | None = None) -> None:
    """Keep every view up to date until ``stop`` is set (or SIGTERM/SIGINT arrives)."""
    stop = stop or stop_on_signals()
    options = options or WorkerOptions()
    if options.event_delay > 0:
        _slow_down(projections, options.event_delay)
    with _waiter(projections, stop, options.poll_seconds) as wait:
        while not stop.is_set():
            position = projections.catch_up(batch_size=options.batch_size, stop=stop)
            if on_batch is not None:
                on_batch(position)
            if projections.app.log_position() == position:
                wait()


def _slow_down(projections: Projections, delay: float) -> None:
    """Test hook: before a view commits a batch (inside its transaction, rows written),
    sleep ``delay`` seconds per event of the batch."""
    catalog: Any = projections.catalog
    advance = catalog.advance

    def slow_advance(name: str, generation: int, after: int, position: int) -> None:
        time.sleep(delay * (position - after))
        advance(name, generation, after, position)

    catalog.advance = slow_advance


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (main thread only)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


@contextmanager
def _waiter(projections: Projections, stop: threading.Event,
            poll_seconds: float | None) -> Iterator[Callable[[], None]]:
    settings = projections.app.settings
    if settings.postgres is None:
        interval = SQLITE_POLL_SECONDS if poll_seconds is None else poll_seconds

        def poll() -> None:
            stop.wait(interval)

        yield poll
        return
    interval = POLL_SECONDS if poll_seconds is None else poll_seconds
    channel = str(getattr(projections.app.recorder, "channel_name", "wushe_events"))
    with psycopg.connect(settings.postgres.conninfo(), autocommit=True) as listener:
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

        def wait_for_notify() -> None:
            deadline = time.monotonic() + interval
            while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
                for _ in listener.notifies(timeout=min(left, WAKE_SECONDS), stop_after=1):
                    return

        yield wait_for_notify
