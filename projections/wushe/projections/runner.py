"""Catch-up: read the log from a generation's position and apply it in batches.

Pull-based, so it works on SQLite (no subscriptions) and serves live updates,
rebuilds and tests alike. Each batch is one transaction per projection: its
rows and its new position commit together, so a crash at any point loses and
duplicates nothing; the next run resumes from the stored position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.projections.catalog import Catalog, physical_name
from wushe.projections.writer import ViewWriter

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from eventsourcing.persistence import Notification

    from wushe.platform.application import WusheApplication
    from wushe.projections.projection import Projection

__all__ = ["BATCH_SIZE", "ProjectionRunner"]

BATCH_SIZE = 2000


class ProjectionRunner:
    """Keeps one generation of one projection up to date with the log."""

    def __init__(self, app: WusheApplication, catalog: Catalog, projection: Projection,
                 generation: int, *, cache_limit: int | None = 200_000) -> None:
        self.app = app
        self.catalog = catalog
        self.projection = projection
        self.generation = generation
        kind = type(projection)
        catalog.create_generation(kind, generation)
        tables = {t.name: (physical_name(kind.name, generation, t.name), t) for t in kind.tables}
        self.writer = ViewWriter(catalog.store, tables, cache_limit=cache_limit)
        self.position = catalog.position(kind.name, generation)
        self._topics = list(kind.topics())

    def catch_up(self, *, until: int | None = None, batch_size: int = BATCH_SIZE,
                 progress: Callable[[int], None] | None = None) -> int:
        """Apply the log up to ``until`` (default: its end); return the new position."""
        end = self.app.log_position() if until is None else until
        while self.position < end:
            stop = min(end, self.position + batch_size)
            notifications = self.app.recorder.select_notifications(
                start=self.position + 1, limit=batch_size, stop=stop, topics=self._topics)
            self.apply_batch(notifications, stop)
            if progress is not None:
                progress(self.position)
        return self.position

    def apply_batch(self, notifications: Sequence[Notification], position: int) -> None:
        """Apply notifications and move to ``position``, in one transaction.

        Raises:
            PositionConflictError: the stored position moved under us; nothing applied.
        """
        store = self.catalog.store
        try:
            with store.transaction():
                for notification in notifications:
                    self._apply(notification)
                self.writer.flush()
                self.catalog.advance(type(self.projection).name, self.generation,
                                     self.position, position)
        except BaseException:
            self.writer.forget_cache()
            self.position = self.catalog.position(type(self.projection).name, self.generation)
            raise
        self.position = position
        self.writer.trim_cache()

    def _apply(self, notification: Notification) -> None:
        event: Any = self.app.mapper.to_domain_event(notification)
        self.projection.apply(notification.topic, event, self.writer)


