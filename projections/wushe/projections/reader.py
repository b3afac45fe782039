"""Reading one generation of a view synchronously (the CLI, reports, the optimiser's input).

The async API reads through :mod:`wushe.projections.read`; code that already runs in
a thread with a :class:`ViewStore` uses this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.projections.catalog import physical_name

if TYPE_CHECKING:
    from wushe.projections.schema import Table
    from wushe.projections.store import ViewStore

__all__ = ["ViewReader"]


class ViewReader:
    """Rows of one generation of one view, as dicts by column name."""

    def __init__(self, store: ViewStore, view: str, generation: int) -> None:
        self.store, self.view, self.generation = store, view, generation

    def table(self, table: Table) -> str:
        """The quoted physical name of ``table`` in this generation."""
        return self.store.name(physical_name(self.view, self.generation, table.name))

    def rows(self, table: Table, condition: str, *params: Any) -> tuple[dict[str, Any], ...]:
        """Every row where ``condition`` (SQL with ``?`` placeholders) holds, by key."""
        names = table.column_names
        columns = ", ".join(f'"{n}"' for n in names)
        found = self.store.fetchall(
            f"SELECT {columns} FROM {self.table(table)} WHERE {condition} "
            f"ORDER BY {', '.join(table.key)}", params)
        return tuple(dict(zip(names, row, strict=True)) for row in found)

    def count(self, table: Table, condition: str, *params: Any) -> int:
        """How many rows ``condition`` holds for."""
        found = self.store.fetchall(
            f"SELECT COUNT(*) FROM {self.table(table)} WHERE {condition}", params)
        return int(found[0][0])
