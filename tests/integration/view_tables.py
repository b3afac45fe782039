"""One view of one application, caught up on demand: its tables' rows, for the view tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.projections.catalog import physical_name
from wushe.projections.schema import to_db
from wushe.projections.service import Projections

if TYPE_CHECKING:
    from wushe.platform.application import WusheApplication
    from wushe.projections.projection import Projection
    from wushe.projections.store import ViewStore


class ViewTables:
    """The rows of ``projection``'s tables in ``store``, after catching up with the log."""

    def __init__(self, app: WusheApplication, store: ViewStore,
                 projection: type[Projection]) -> None:
        self.app, self.store, self.projection = app, store, projection
        self.projections = Projections(app, store, views=(projection,))

    @property
    def generation(self) -> int:
        """The view's active generation (after catching up)."""
        self.projections.catch_up()
        return self.projections.catalog.active_generation(self.projection.name) or 0

    def rows(self, table: str, where: str = "",
             params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """The table's rows ordered by key; ``where`` is a whole SQL WHERE clause."""
        generation = self.generation
        spec = next(t for t in self.projection.tables if t.name == table)
        names = spec.column_names
        physical = self.store.name(physical_name(self.projection.name, generation, table))
        columns = ", ".join(f'"{n}"' for n in names)
        order = ", ".join(f'"{k}"' for k in spec.key)
        found = self.store.fetchall(
            f"SELECT {columns} FROM {physical} {where} ORDER BY {order}", params)  # noqa: S608
        return [dict(zip(names, row, strict=True)) for row in found]

    def row(self, table: str, **key: Any) -> dict[str, Any]:
        """The one row with this key."""
        condition = " AND ".join(f'"{k}" = ?' for k in key)
        found = self.rows(table, f"WHERE {condition}", tuple(to_db(v) for v in key.values()))
        assert len(found) == 1, found
        return found[0]


def db(**values: Any) -> dict[str, Any]:
    """A row as the view stores it."""
    return {k: to_db(v) for k, v in values.items()}
