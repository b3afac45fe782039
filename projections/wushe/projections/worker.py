"""The long-running projection worker: catch up, then wait for new events.

On PostgreSQL it LISTENs on the event table's channel (the recorder NOTIFYs on
every insert) and also polls, so a lost notification delays a view by at most
``POLL_SECONDS``. On SQLite it polls. Stopping (SIGTERM, Ctrl-C) lets the
current batch commit; a killed worker loses nothing either, since each batch
commits its rows with its position and the next start resumes from there.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from wushe.projections.service import Projections

__all__ = ["POLL_SECONDS", "run_worker"]

POLL_SECONDS = 1.0
SQLITE_POLL_SECONDS = 0.05


def run_worker(projections: Projections, *, stop: threading.Event | None = None,
               on_batch: Callable[[int], None] | None = None) -> None:
    """Keep every view up to date until ``stop`` is set (or SIGTERM/SIGINT arrives)."""
    stop = stop or _stop_on_signals()
    with _waiter(projections, stop) as wait:
        while not stop.is_set():
            position = projections.catch_up()
            if on_batch is not None:
                on_batch(position)
            if projections.app.log_position() == position:
                wait()


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


@contextmanager
def _waiter(projections: Projections, stop: threading.Event) -> Iterator[Callable[[], None]]:
    settings = projections.app.settings
    if settings.postgres is None:

        def poll() -> None:
            stop.wait(SQLITE_POLL_SECONDS)

        yield poll
        return
    channel = str(getattr(projections.app.recorder, "channel_name", "wushe_events"))
    with psycopg.connect(settings.postgres.conninfo(), autocommit=True) as listener:
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

        def wait_for_notify() -> None:
            for _ in listener.notifies(timeout=POLL_SECONDS, stop_after=1):
                break

        yield wait_for_notify
