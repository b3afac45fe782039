"""The read-model interface the async API queries through, and what both stores share.

A query names a view's tables as ``{table}`` in its SQL; :meth:`ReadModel.query`
replaces them with the physical tables of the view's live generation, read from
the catalog (``wushe_view_active``) and cached. A blue/green rebuild switches the
generation and drops the old tables in one transaction, so a query that finds a
table missing refreshes the cache and runs once more on the new generation.

Read-your-writes: a command returns its log position; :meth:`ReadModel.wait_for`
waits until the views have applied the log up to it.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Self

from wushe.projections.catalog import ACTIVE, TRACKING, physical_name
from wushe.projections.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import TracebackType

    from wushe.projections.schema import DbValue

__all__ = ["ReadModel", "ResultRow", "ViewNotBuiltError"]

ResultRow = dict[str, Any]
# Read-your-writes polls the views' positions, backing off between these bounds.
_FIRST_POLL_SECONDS = 0.002
_MAX_POLL_SECONDS = 0.05


class ViewNotBuiltError(LookupError):
    """The view has no live generation yet: no projection has built it."""


class _Tables(dict[str, str]):
    """``{table}`` → the quoted physical name of that table in one generation."""

    def __init__(self, read_model: ReadModel, view: str, generation: int) -> None:
        super().__init__()
        self._read_model, self._view, self._generation = read_model, view, generation

    def __missing__(self, table: str) -> str:
        name = self._read_model.quote(physical_name(self._view, self._generation, table))
        self[table] = name
        return name


class ReadModel(ABC):
    """Async, read-only access to the views (one implementation per store)."""

    def __init__(self, views: Sequence[str] | None = None) -> None:
        self.views: tuple[str, ...] = tuple(v.name for v in VIEWS) if views is None \
            else tuple(views)
        self._generations: dict[str, int] = {}

    # -- what each store provides -------------------------------------------

    @abstractmethod
    async def fetch(self, sql: str, params: Sequence[DbValue] = ()) -> list[ResultRow]:
        """Rows of a query written with ``?`` placeholders, as dicts."""

    @abstractmethod
    async def close(self) -> None:
        """Release every connection."""

    @abstractmethod
    def quote(self, table: str) -> str:
        """The quoted (and, where the store has schemas, qualified) name of a table."""

    @abstractmethod
    def is_missing_table(self, error: Exception) -> bool:
        """Whether ``error`` says a table the query names does not exist."""

    # -- views, generations and positions -----------------------------------

    async def query(self, view: str, sql: str, params: Sequence[DbValue] = ()) -> list[ResultRow]:
        """Run ``sql`` on the live generation of ``view``; ``{table}`` names its tables.

        Raises:
            ViewNotBuiltError: the view has no live generation.
        """
        generation = await self.generation(view)
        try:
            return await self.fetch(sql.format_map(_Tables(self, view, generation)), params)
        except Exception as error:
            if not self.is_missing_table(error):
                raise
        # A rebuild switched generations (and dropped ours) since we looked.
        generation = await self.generation(view, refresh=True)
        return await self.fetch(sql.format_map(_Tables(self, view, generation)), params)

    async def generation(self, view: str, *, refresh: bool = False) -> int:
        """The live generation of ``view`` (cached until ``refresh``).

        Raises:
            ViewNotBuiltError: the view has no live generation.
        """
        if refresh or view not in self._generations:
            rows = await self._catalog(
                f"SELECT generation FROM {self.quote(ACTIVE.name)} WHERE projection = ?",
                (view,))
            if not rows:
                self._generations.pop(view, None)
                raise ViewNotBuiltError(f"view {view!r} has not been built yet "
                                        "(run `wushe projections run` or `rebuild`)")
            self._generations[view] = int(rows[0]["generation"])
        return self._generations[view]

    async def position(self, view: str) -> int:
        """How far the live generation of ``view`` has applied the log (0: not built)."""
        return (await self.positions((view,)))[view]

    async def positions(self, views: Sequence[str] | None = None) -> dict[str, int]:
        """The position of each view (default: every view), 0 for one not built."""
        names = self.views if views is None else tuple(views)
        marks = ", ".join("?" for _ in names)
        rows = await self._catalog(
            f"SELECT a.projection AS projection, t.position AS position "
            f"FROM {self.quote(ACTIVE.name)} a JOIN {self.quote(TRACKING.name)} t "
            "ON t.projection = a.projection AND t.generation = a.generation "
            f"WHERE a.projection IN ({marks})", names) if names else []
        found: Mapping[str, int] = {str(r["projection"]): int(r["position"]) for r in rows}
        return {name: found.get(name, 0) for name in names}

    async def wait_for(self, position: int, views: Sequence[str] | None = None,
                       timeout: float = 5.0) -> bool:  # noqa: ASYNC109  (a deadline, not a cancel)
        """Wait until every view (default: all) has reached ``position``; False on timeout."""
        deadline = time.monotonic() + timeout
        pause = _FIRST_POLL_SECONDS
        while True:
            if min((await self.positions(views)).values(), default=position) >= position:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, _MAX_POLL_SECONDS)

    async def _catalog(self, sql: str, params: Sequence[DbValue]) -> list[ResultRow]:
        """A catalog query; before any view exists the catalog tables do not either."""
        try:
            return await self.fetch(sql, params)
        except ViewNotBuiltError:
            return []
        except Exception as error:
            if self.is_missing_table(error):
                return []
            raise

    # -- async context manager ----------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.close()
