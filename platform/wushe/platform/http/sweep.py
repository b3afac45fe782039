"""Expiry of the API store's rows: sessions, failed logins and idempotency answers.

A :class:`Sweeper` deletes what no longer counts: sessions past their expiry,
failed logins older than the rate limit's window, and idempotency answers older
than ``ANSWER_RETENTION_SECONDS`` (after which a retry with the same key runs
again: creations keyed by the request find the first aggregate, updates meet
their ``If-Match``). The server sweeps from the request path, at most once per
``EVERY_SECONDS`` per process (:func:`sweep_if_due`: a comparison per request, a
worker thread when due), so no timer thread is needed and an idle server costs
nothing; ``wushe accounts sweep`` sweeps on demand. Several workers sweeping the
same tables is harmless: deletes by time are idempotent.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from wushe.platform.http.auth.ratelimit import WINDOW_SECONDS
from wushe.platform.http.context import blocking

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Litestar
    from litestar.connection import ASGIConnection

    from wushe.platform.http.store import ApiStore, Swept

__all__ = ["ANSWER_RETENTION_SECONDS", "EVERY_SECONDS", "Sweeper", "sweep_if_due", "sweeper"]

ANSWER_RETENTION_SECONDS = 24 * 3600  # a client retries within minutes, not days
EVERY_SECONDS = 60.0


class Sweeper:
    """Deletes expired rows of one API store (``clock``: seconds since the epoch)."""

    def __init__(self, store: ApiStore, *, every: float = EVERY_SECONDS,
                 retention: float = ANSWER_RETENTION_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self._store, self._every, self._retention, self._clock = store, every, retention, clock
        self._next = 0.0  # the first request of a process sweeps

    def claim(self) -> bool:
        """Whether a sweep is due; if so, the next one is scheduled (cheap: no I/O).

        Called on the event loop, so of concurrent requests exactly one claims it.
        """
        now = self._clock()
        if now < self._next:
            return False
        self._next = now + self._every
        return True

    def sweep(self) -> Swept:
        """Delete what has expired by now (blocking)."""
        now = self._clock()
        return self._store.sweep(now, now - WINDOW_SECONDS, now - self._retention)


def sweeper(app: Litestar) -> Sweeper:
    """The app's sweeper, made on first use (a test may set ``app.state.api_sweeper``)."""
    made: Sweeper | None = app.state.get("api_sweeper")
    if made is None:
        made = app.state.api_sweeper = Sweeper(app.state.api_store)
    return made


async def sweep_if_due(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Sweep the API store if this process has not for ``EVERY_SECONDS``."""
    found = sweeper(connection.app)
    if found.claim():
        await blocking(found.sweep)
