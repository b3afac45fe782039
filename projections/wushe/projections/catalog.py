"""Which generation of each projection is live, and how far each has read the log.

Blue/green rebuild: a projection's tables are named per generation
(``view_needs_g2_needs``). A rebuild fills a new generation from the start of
the log while the live one keeps serving, then switches ``active`` in one
transaction and drops the old tables. Each generation has its own tracking
position, written in the same transaction as its rows (exactly once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.projections.schema import Column, Table

if TYPE_CHECKING:
    from wushe.projections.projection import Projection
    from wushe.projections.store import ViewStore

__all__ = ["Catalog", "PositionConflictError", "physical_name"]

TRACKING = Table(
    name="wushe_view_tracking",
    columns=(Column("projection"), Column("generation", "integer"),
             Column("position", "integer")),
    key=("projection", "generation"),
)
ACTIVE = Table(
    name="wushe_view_active",
    columns=(Column("projection"), Column("generation", "integer")),
    key=("projection",),
)
SCHEMAS = Table(
    name="wushe_view_schema",
    columns=(Column("projection"), Column("generation", "integer"), Column("fingerprint")),
    key=("projection", "generation"),
)


class PositionConflictError(RuntimeError):
    """Another runner moved this generation's position: the batch was not applied."""


def physical_name(projection: str, generation: int, table: str) -> str:
    """The table name of one generation of a projection's table."""
    return f"view_{projection}_g{generation}_{table}"


class Catalog:
    """Reads and writes tracking positions and the live generation."""

    def __init__(self, store: ViewStore) -> None:
        self.store = store
        for table in (TRACKING, ACTIVE, SCHEMAS):
            store.create_table(table.name, table)

    def active_generation(self, projection: str) -> int | None:
        """The generation queries read, or None before the first build."""
        rows = self.store.fetchall(
            f"SELECT generation FROM {self.store.name(ACTIVE.name)} WHERE projection = ?",
            (projection,))
        return int(rows[0][0]) if rows else None

    def generations(self, projection: str) -> dict[int, int]:
        """Every generation of ``projection`` that exists, with its position."""
        rows = self.store.fetchall(
            f"SELECT generation, position FROM {self.store.name(TRACKING.name)} "
            "WHERE projection = ?", (projection,))
        return {int(g): int(p) for g, p in rows}

    def position(self, projection: str, generation: int) -> int:
        """How far this generation has applied the log (0 = nothing yet)."""
        return self.generations(projection).get(generation, 0)

    def create_generation(self, projection: type[Projection], generation: int) -> None:
        """Create a generation's tables, its tracking row at position 0 and its schema row."""
        with self.store.transaction():
            for table in projection.tables:
                self.store.create_table(physical_name(projection.name, generation, table.name),
                                        table)
            self.store.execute(
                f"INSERT INTO {self.store.name(TRACKING.name)} (projection, generation, position)"
                " VALUES (?, ?, 0) ON CONFLICT (projection, generation) DO NOTHING",
                (projection.name, generation))
            self.store.execute(
                f"INSERT INTO {self.store.name(SCHEMAS.name)} (projection, generation, "
                "fingerprint) VALUES (?, ?, ?) ON CONFLICT (projection, generation) DO NOTHING",
                (projection.name, generation, projection.fingerprint()))

    def is_current(self, projection: type[Projection], generation: int) -> bool:
        """Whether ``generation`` was built by this code's version of the projection
        (a generation from before fingerprints were recorded is not)."""
        rows = self.store.fetchall(
            f"SELECT fingerprint FROM {self.store.name(SCHEMAS.name)} "
            "WHERE projection = ? AND generation = ?", (projection.name, generation))
        return bool(rows) and rows[0][0] == projection.fingerprint()

    def advance(self, projection: str, generation: int, expected: int, position: int) -> None:
        """Move the position from ``expected`` to ``position``, inside the batch's transaction.

        Raises:
            PositionConflictError: the stored position is not ``expected`` (the
                events were applied already, or another runner is at work).
        """
        changed = self.store.execute(
            f"UPDATE {self.store.name(TRACKING.name)} SET position = ? "
            "WHERE projection = ? AND generation = ? AND position = ?",
            (position, projection, generation, expected))
        if changed != 1:
            raise PositionConflictError(
                f"{projection} g{generation}: expected position {expected}")

    def activate(self, projection: type[Projection], generation: int) -> None:
        """Make ``generation`` live and drop every other generation, atomically."""
        with self.store.transaction():
            self.store.execute(
                f"INSERT INTO {self.store.name(ACTIVE.name)} (projection, generation) "
                "VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET generation = "
                "excluded.generation", (projection.name, generation))
            for old in self.generations(projection.name):
                if old != generation:
                    self._drop_generation(projection, old)

    def _drop_generation(self, projection: type[Projection], generation: int) -> None:
        for table in projection.tables:
            self.store.drop_table(physical_name(projection.name, generation, table.name))
        for table in (TRACKING, SCHEMAS):
            self.store.execute(
                f"DELETE FROM {self.store.name(table.name)} "
                "WHERE projection = ? AND generation = ?", (projection.name, generation))
