"""Keeping every view up to date, rebuilding one blue/green, and reporting status."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from wushe.projections.catalog import Catalog, PositionConflictError
from wushe.projections.runner import BATCH_SIZE, ProjectionRunner
from wushe.projections.views import VIEWS

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Sequence

    from wushe.platform.application import WusheApplication
    from wushe.projections.projection import Projection
    from wushe.projections.store import ViewStore

__all__ = ["Projections", "UnknownViewError", "ViewStatus"]


class UnknownViewError(LookupError):
    """No view has that name."""


class ViewStatus(msgspec.Struct, frozen=True):
    """Where one view stands."""

    name: str
    generation: int | None
    position: int
    log_position: int

    @property
    def lag(self) -> int:
        """Events in the log not yet in the view."""
        return self.log_position - self.position


class Projections:
    """The views of one application, over one view store."""

    def __init__(self, app: WusheApplication, store: ViewStore,
                 views: Sequence[type[Projection]] = VIEWS) -> None:
        self.app = app
        self.catalog = Catalog(store)
        self.views = {view.name: view for view in views}
        self._runners: dict[str, ProjectionRunner] = {}

    def status(self) -> list[ViewStatus]:
        """Position and lag of every view's live generation."""
        end = self.app.log_position()
        rows = []
        for name in self.views:
            generation = self.catalog.active_generation(name)
            position = 0 if generation is None else self.catalog.position(name, generation)
            rows.append(ViewStatus(name, generation, position, end))
        return rows

    def catch_up(self, *, batch_size: int = BATCH_SIZE,
                 stop: threading.Event | None = None) -> int:
        """Bring every live view up to the end of the log, one batch per view at a time.

        Returns the position every view has reached: the end of the log, or less
        if ``stop`` was set (the batch in hand always commits first).
        """
        end = self.app.log_position()
        reached = min((s.position for s in self.status()), default=end)
        while True:  # at least once, which also creates views never built
            reached = min(end, reached + batch_size)
            for name in self.views:
                self._catch_up_view(name, reached, batch_size)
            if reached >= end or (stop is not None and stop.is_set()):
                return reached

    def rebuild(self, name: str, progress: Callable[[int, int], None] | None = None) -> int:
        """Build a new generation of ``name`` from the whole log, then switch to it.

        The live generation keeps serving until the switch, which happens in one
        transaction that also drops the old generation. Returns the new generation.
        """
        view = self._view(name)
        generation = max(self.catalog.generations(name), default=0) + 1
        runner = ProjectionRunner(self.app, self.catalog, view(), generation, cache_limit=None)
        end = self.app.log_position()
        runner.catch_up(until=end, progress=None if progress is None
                        else lambda position: progress(position, end))
        runner.catch_up()  # what arrived while rebuilding
        self.catalog.activate(view, generation)
        runner.writer.trim_cache()
        self._runners[name] = runner
        return generation

    def _catch_up_view(self, name: str, end: int, batch_size: int) -> None:
        runner = self._live_runner(name)
        try:
            runner.catch_up(until=end, batch_size=batch_size)
        except PositionConflictError:
            # Another process moved it (or a rebuild replaced the generation):
            # start over from what the catalog says now.
            self._runners.pop(name, None)
            self._live_runner(name).catch_up(until=end, batch_size=batch_size)

    def _live_runner(self, name: str) -> ProjectionRunner:
        view = self._view(name)
        generation = self.catalog.active_generation(name)
        runner = self._runners.get(name)
        if runner is not None and runner.generation == generation:
            return runner
        if generation is None:
            generation = max(self.catalog.generations(name), default=0) + 1
            self.catalog.create_generation(view, generation)
            self.catalog.activate(view, generation)
        runner = ProjectionRunner(self.app, self.catalog, view(), generation)
        self._runners[name] = runner
        return runner

    def _view(self, name: str) -> type[Projection]:
        try:
            return self.views[name]
        except KeyError:
            known = ", ".join(self.views)
            raise UnknownViewError(f"no view named {name!r} (views: {known})") from None
