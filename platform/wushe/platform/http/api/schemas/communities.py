"""Communities and their grids on the wire."""

from __future__ import annotations

from uuid import UUID

import msgspec

__all__ = ["CommunitiesPage", "CommunityIn", "CommunityOut", "CommunitySummary", "GridChangeIn",
           "GridIn", "GridOut"]


class CommunityIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A community to found: statistical code (9 or 12 digits), names, population."""

    code: str
    name: str
    district: str
    permanent_population: int
    households: int


class GridIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new grid of the community."""

    grid_id: str
    name: str
    households: int
    special: bool = False
    kind: str | None = None


class GridChangeIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A grid's new name, size and kind (its id is in the path)."""

    name: str
    households: int
    special: bool = False
    kind: str | None = None


class GridOut(msgspec.Struct, frozen=True):
    """One grid."""

    grid_id: str
    name: str
    households: int
    special: bool
    kind: str | None


class CommunityOut(msgspec.Struct, frozen=True):
    """A community as it stands now; ``version`` is its ETag."""

    id: UUID
    code: str
    name: str
    district: str
    permanent_population: int
    households: int
    grids: tuple[GridOut, ...]
    version: int


class CommunitySummary(msgspec.Struct, frozen=True):
    """A row of the communities list (from the views)."""

    id: UUID
    code: str
    name: str
    district: str
    permanent_population: int
    households: int


class CommunitiesPage(msgspec.Struct, frozen=True):
    """A page of communities and the cursor of the next one (None: last page)."""

    items: tuple[CommunitySummary, ...]
    next_cursor: str | None
