"""Catch-up: read the log from a generation's position and apply it in batches.

Pull-based, so it works on SQLite (no subscriptions) and serves live updates,
rebuilds and tests alike. Each batch is one transaction per projection: its
rows and its new position commit together, so a crash at any point loses and
duplicates nothing; the next run resumes from the stored position.

:func:`catch_up_together` runs several projections over one read of the log,
decoding each event once for all of them (reading and decoding is most of the
cost of a rebuild).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from wushe.projections.catalog import Catalog, physical_name
from wushe.projections.writer import ViewWriter

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from eventsourcing.persistence import Notification

    from wushe.platform.application import WusheApplication
    from wushe.projections.projection import Handler, Projection

__all__ = ["ANALYZE_AFTER", "BATCH_SIZE", "ProjectionRunner", "catch_up_together"]

# Events per transaction when catching up: large enough that the per-batch costs
# (a query, a commit) vanish, small enough to bound a batch's memory and work lost
# to a crash.
BATCH_SIZE = 5000
# The planner statistics of a runner's tables are refreshed when its position
# first passes this, and again each time the position doubles: tables filled in
# bulk (a rebuild, a first build) get statistics at once, while a live view
# leaves them to autovacuum.
ANALYZE_AFTER = 10_000

Decoded = tuple[int, str, Any]  # notification id, topic, domain event


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch.

    A batch allocates hundreds of thousands of short-lived objects (rows read,
    events decoded) while the caches hold many long-lived ones, so the collector
    would run hundreds of times per batch and rescan those caches: a third of a
    rebuild's time. Events and rows form no reference cycles; the collector
    runs again between batches.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ProjectionRunner:
    """Keeps one generation of one projection up to date with the log."""

    def __init__(self, app: WusheApplication, catalog: Catalog, projection: Projection,
                 generation: int, *, cache_limit: int | None = 200_000) -> None:
        self.app = app
        self.catalog = catalog
        self.projection = projection
        self.generation = generation
        kind = type(projection)
        self._name = kind.name
        catalog.create_generation(kind, generation)
        tables = {t.name: (physical_name(kind.name, generation, t.name), t) for t in kind.tables}
        self.position = catalog.position(kind.name, generation)
        # Position 0: nothing was ever applied, so the tables are empty.
        self.writer = ViewWriter(catalog.store, tables, cache_limit=cache_limit,
                                 empty=self.position == 0)
        self._analyze_at = _next_analysis(self.position)
        self._topics = sorted(kind.topics())
        self._handlers: dict[str, Handler] = dict(kind.handlers)

    @property
    def topics(self) -> list[str]:
        """The topics this runner's projection reads."""
        return self._topics

    def catch_up(self, *, until: int | None = None, batch_size: int = BATCH_SIZE,
                 progress: Callable[[int], None] | None = None) -> int:
        """Apply the log up to ``until`` (default: its end); return the new position."""
        end = self.app.log_position() if until is None else until
        while self.position < end:
            stop = min(end, self.position + batch_size)
            with _collector_paused():
                notifications = self.app.recorder.select_notifications(
                    start=self.position + 1, limit=batch_size, stop=stop, topics=self._topics)
                self.apply_batch(notifications, stop)
            if progress is not None:
                progress(self.position)
        self.analyze_if_grown()
        return self.position

    def analyze_if_grown(self) -> None:
        """Refresh the planner statistics once the position has doubled since last time."""
        if self.position >= self._analyze_at:
            for physical, _ in self.writer.tables():
                self.catalog.store.analyze(physical)
            self._analyze_at = _next_analysis(self.position)

    def apply_batch(self, notifications: Sequence[Notification], position: int) -> None:
        """Apply notifications and move to ``position``, in one transaction.

        Raises:
            PositionConflictError: the stored position moved under us; nothing applied.
        """
        to_domain_event = self.app.mapper.to_domain_event
        # Decoded lazily, inside the transaction (as the worker's test hook expects).
        self.apply_decoded(((n.id, n.topic, to_domain_event(n)) for n in notifications
                            if n.topic in self._handlers), position)

    def apply_decoded(self, events: Iterable[Decoded], position: int) -> None:
        """Apply decoded events (in log order) and move to ``position``, in one transaction.

        Events at or before the current position, or of topics the projection
        does not read, are skipped.

        Raises:
            PositionConflictError: the stored position moved under us; nothing applied.
        """
        store = self.catalog.store
        handlers, projection, writer, after = (self._handlers, self.projection, self.writer,
                                               self.position)
        try:
            with store.transaction():
                for ident, topic, event in events:
                    handler = handlers.get(topic)
                    if handler is not None and ident > after:
                        handler(projection, event, writer)
                writer.flush()
                self.catalog.advance(self._name, self.generation, after, position)
        except BaseException:
            writer.forget_cache()
            self.position = self.catalog.position(self._name, self.generation)
            raise
        self.position = position
        writer.trim_cache()


def catch_up_together(runners: Sequence[ProjectionRunner], *, until: int | None = None,
                      batch_size: int = BATCH_SIZE,
                      progress: Callable[[int], None] | None = None,
                      stop: threading.Event | None = None) -> int:
    """Bring several runners (of one application) to ``until`` over one read of the log.

    Each batch of the log is read and decoded once and applied to every runner
    that has not passed it, each in its own transaction (as :meth:`catch_up`).
    Returns the position every runner reached: ``until``, or less if ``stop`` was
    set (checked between batches).

    Raises:
        PositionConflictError: another runner moved one of these positions.
    """
    if not runners:
        return 0
    app = runners[0].app
    end = app.log_position() if until is None else until
    to_domain_event = app.mapper.to_domain_event
    while True:
        start = min(r.position for r in runners)
        if start >= end or (stop is not None and stop.is_set()):
            for runner in runners:
                runner.analyze_if_grown()
            return min(start, end)
        upto = min(end, start + batch_size)
        behind = [r for r in runners if r.position < upto]
        topics = sorted({t for r in behind for t in r.topics})
        with _collector_paused():
            notifications = app.recorder.select_notifications(
                start=start + 1, limit=batch_size, stop=upto, topics=topics)
            events = [(n.id, n.topic, to_domain_event(n)) for n in notifications]
            for runner in behind:
                runner.apply_decoded(events, upto)
            del notifications, events
        if progress is not None:
            progress(upto)


def _next_analysis(position: int) -> int:
    return max(ANALYZE_AFTER, 2 * position)
