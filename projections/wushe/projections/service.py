"""Keeping every view up to date, rebuilding one blue/green, and reporting status."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from wushe.projections.catalog import Catalog, PositionConflictError
from wushe.projections.reader import ViewReader
from wushe.projections.runner import BATCH_SIZE, ProjectionRunner, catch_up_together
from wushe.projections.views import VIEWS

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Sequence

    from wushe.platform.application import WusheApplication
    from wushe.projections.projection import Projection
    from wushe.projections.store import ViewStore

__all__ = ["Projections", "UnknownViewError", "ViewStatus"]

# Several followers of one store (the server's thread, a worker, the re-planner) can
# take turns on a view; each conflict means another one advanced it.
_CONFLICT_RETRIES = 20


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
        """Bring every live view up to the end of the log, over one read of it.

        Each batch is read and decoded once for all views, and each view commits it
        in its own transaction. Returns the position every view has reached: the end
        of the log, or less if ``stop`` was set (the batch in hand always commits).
        """
        end = self.app.log_position()
        for _ in range(_CONFLICT_RETRIES):
            try:
                return catch_up_together(self._live_runners(), until=end,
                                         batch_size=batch_size, stop=stop)
            except PositionConflictError:
                # Another follower moved a view (or a rebuild replaced a generation):
                # it made progress, so start over from what the catalog says now.
                self._runners.clear()
        return catch_up_together(self._live_runners(), until=end, batch_size=batch_size,
                                 stop=stop)

    def rebuild(self, *names: str,
                progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        """Build new generations of the named views (all if none) over one read of the
        log, then switch each to its new generation.

        The live generations keep serving until the switch, which happens per view in
        one transaction that also drops the old generation. Returns each view's new
        generation.
        """
        views = [self._view(name) for name in names or self.views]
        runners = [ProjectionRunner(self.app, self.catalog, view(),
                                    max(self.catalog.generations(view.name), default=0) + 1,
                                    cache_limit=None) for view in views]
        end = self.app.log_position()
        catch_up_together(runners, until=end, progress=None if progress is None
                          else lambda position: progress(position, end))
        catch_up_together(runners)  # what arrived while rebuilding
        for view, runner in zip(views, runners, strict=True):
            self.catalog.activate(view, runner.generation)
            runner.writer.trim_cache()
            self._runners[view.name] = runner
        return {view.name: runner.generation for view, runner in zip(views, runners, strict=True)}

    def reader(self, name: str) -> ViewReader:
        """A reader of the live generation of view ``name``.

        Raises:
            UnknownViewError: no view has that name, or it has not been built yet.
        """
        self._view(name)
        generation = self.catalog.active_generation(name)
        if generation is None:
            raise UnknownViewError(f"view {name!r} has not been built yet")
        return ViewReader(self.catalog.store, name, generation)

    def _live_runners(self) -> list[ProjectionRunner]:
        return [self._live_runner(name) for name in self.views]

    def _live_runner(self, name: str) -> ProjectionRunner:
        view = self._view(name)
        generation = self.catalog.active_generation(name)
        runner = self._runners.get(name)
        if runner is not None and runner.generation == generation:
            return runner
        if generation is not None and not self.catalog.is_current(view, generation):
            # Built by another version of the view (new columns, changed handlers):
            # rebuild it, blue/green, before following the log with it.
            self.rebuild(name)
            return self._runners[name]
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
