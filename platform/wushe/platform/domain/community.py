"""Community (社区): code, population, households, grids and the service venue.

Grids (网格, 8.7.1): the standard says a grid covers 300–500 households, and that
large buildings, parks, markets, schools and hospitals may be *special* grids.
That range is a **compliance indicator** computed by the compliance view, not a
rule enforced here: real communities are mid-way through re-gridding, and
refusing to record a 620-household grid would only hide it. This aggregate only
rejects what cannot be true (no households, duplicate ids).

Venue (6.3): the total area and the service/activity area; the "service area
≥ 80 % of the total" and the population-tiered area are likewise compliance
indicators. Areas are whole square metres.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_int,
    require_sequence,
    require_struct,
    require_text,
    require_uuid,
)

__all__ = ["COMMUNITY_CODE_PATTERN", "Community", "Grid", "Venue"]

# 统计用区划代码: 9 digits name a street/township, 12 digits a community.
COMMUNITY_CODE_PATTERN = re.compile(r"^\d{9}(\d{3})?$")
# Sanity bounds against typing errors, far above any real community.
MAX_POPULATION = 1_000_000
MAX_HOUSEHOLDS = 500_000
MAX_GRID_HOUSEHOLDS = 50_000
MAX_AREA_M2 = 1_000_000
MAX_ROOMS = 100


class Grid(msgspec.Struct, frozen=True):
    """A grid (网格): an area of households served by one grid worker."""

    grid_id: str
    name: str
    households: int
    special: bool = False  # a large building, park, market, school or hospital (8.7.1)
    kind: str | None = None  # what the special place is; required when ``special``


class Venue(msgspec.Struct, frozen=True):
    """The community's service venue (社区服务站) and its named rooms."""

    total_area_m2: int
    service_area_m2: int
    rooms: tuple[str, ...] = ()

    @property
    def service_share(self) -> float:
        """Service and activity area as a share of the total (0–1)."""
        return self.service_area_m2 / self.total_area_m2


class Community(Aggregate):
    """A city community: the unit every list, report and indicator is scoped to."""

    TOPIC = "wushe.community"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.community.created"

    @classmethod
    def found(
        cls,
        *,
        id: UUID,  # noqa: A002
        code: str,
        name: str,
        district: str,
        permanent_population: int,
        households: int,
        at: datetime,
    ) -> Self:
        """Record a community with its statistical code and population."""
        text = code.strip() if isinstance(code, str) else ""
        require(bool(COMMUNITY_CODE_PATTERN.fullmatch(text)), "community.bad_code",
                "社区代码应为 9 位或 12 位数字", "a community code is 9 or 12 digits",
                field="code")
        population, households = _require_population(permanent_population, households)
        require_aware(at)
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), code=text,
            name=require_text(name, "name", max_length=100),
            district=require_text(district, "district", max_length=100),
            permanent_population=population, households=households, founded_at=at,
        )

    @event("Founded", topic="wushe.community.founded")
    def __init__(
        self, code: str, name: str, district: str, permanent_population: int, households: int,
        founded_at: datetime,
    ) -> None:
        self.code, self.name, self.district = code, name, district
        self.permanent_population, self.households = permanent_population, households
        self.founded_at = founded_at
        self.grids: tuple[Grid, ...] = ()
        self.venue: Venue | None = None

    # -- population -------------------------------------------------------

    def set_population(self, permanent_population: int, households: int) -> None:
        """Replace the permanent population (常住人口) and household count."""
        population, households = _require_population(permanent_population, households)
        self._population_set(permanent_population=population, households=households)

    @event("PopulationSet", topic="wushe.community.population_set")
    def _population_set(self, permanent_population: int, households: int) -> None:
        self.permanent_population, self.households = permanent_population, households

    # -- grids ------------------------------------------------------------

    def has_grid(self, grid_id: str) -> bool:
        """Whether the community has a grid with this id."""
        return any(g.grid_id == grid_id for g in self.grids)

    def grid(self, grid_id: str) -> Grid:
        """The grid with this id.

        Raises:
            DomainRuleError: ``community.unknown_grid`` if there is none.
        """
        for grid in self.grids:
            if grid.grid_id == grid_id:
                return grid
        raise DomainRuleError("community.unknown_grid", f"本社区没有网格 {grid_id}",
                              f"this community has no grid {grid_id!r}", field="grid_id")

    def add_grid(self, grid: Grid) -> None:
        """Add a grid; its id must be new in this community."""
        clean = _clean_grid(grid)
        if self.has_grid(clean.grid_id):
            raise DomainRuleError("community.duplicate_grid", f"网格编号 {clean.grid_id} 已存在",
                                  f"grid {clean.grid_id!r} already exists", field="grid_id")
        self._grid_added(grid=clean)

    @event("GridAdded", topic="wushe.community.grid_added")
    def _grid_added(self, grid: Grid) -> None:
        self.grids = tuple(sorted((*self.grids, grid), key=_grid_key))

    def change_grid(self, grid: Grid) -> None:
        """Replace the grid that has the same id."""
        clean = _clean_grid(grid)
        if self.grid(clean.grid_id) == clean:
            raise DomainRuleError("community.grid_unchanged", "网格信息没有变化",
                                  "the grid is unchanged", field="grid")
        self._grid_changed(grid=clean)

    @event("GridChanged", topic="wushe.community.grid_changed")
    def _grid_changed(self, grid: Grid) -> None:
        self.grids = tuple(grid if g.grid_id == grid.grid_id else g for g in self.grids)

    def remove_grid(self, grid_id: str) -> None:
        """Remove a grid (volunteers and needs keep the id they recorded)."""
        grid_id = self.grid(require_text(grid_id, "grid_id", max_length=40)).grid_id
        self._grid_removed(grid_id=grid_id)

    @event("GridRemoved", topic="wushe.community.grid_removed")
    def _grid_removed(self, grid_id: str) -> None:
        self.grids = tuple(g for g in self.grids if g.grid_id != grid_id)

    @property
    def grid_households(self) -> int:
        """Households over all grids (may differ from ``households`` while re-gridding)."""
        return sum(g.households for g in self.grids)

    # -- venue ------------------------------------------------------------

    def set_venue(self, total_area_m2: int, service_area_m2: int, rooms: tuple[str, ...]) -> None:
        """Record the venue areas (m²) and its named rooms."""
        total_area_m2 = require_int(total_area_m2, "total_area_m2", 1, MAX_AREA_M2)
        service_area_m2 = require_int(service_area_m2, "service_area_m2", 0, MAX_AREA_M2)
        require(service_area_m2 <= total_area_m2, "community.service_area_too_large",
                "服务和活动用房面积不能超过总面积",
                "the service area cannot exceed the total area", field="service_area_m2")
        given = require_sequence(rooms, "rooms")
        require(len(given) <= MAX_ROOMS, "input.too_many", f"房间最多 {MAX_ROOMS} 个",
                f"at most {MAX_ROOMS} rooms", field="rooms")
        names = tuple(sorted({require_text(r, "rooms", max_length=50) for r in given}))
        self._venue_set(venue=Venue(total_area_m2, service_area_m2, names))

    @event("VenueSet", topic="wushe.community.venue_set")
    def _venue_set(self, venue: Venue) -> None:
        self.venue = venue


def _grid_key(grid: Grid) -> str:
    return grid.grid_id


def _clean_grid(given: object) -> Grid:
    grid = require_struct(given, Grid, "grid")
    require_int(grid.households, "households", 1, MAX_GRID_HOUSEHOLDS)
    kind = None if grid.kind is None else require_text(grid.kind, "kind", max_length=40)
    require(not grid.special or kind is not None, "community.special_grid_kind",
            "专属网格需注明类型（楼宇、园区、市场、学校、医院等）",
            "a special grid must say what it is (building, park, market, school, hospital …)",
            field="kind")
    return Grid(
        grid_id=require_text(grid.grid_id, "grid_id", max_length=40),
        name=require_text(grid.name, "name", max_length=100),
        households=grid.households, special=grid.special, kind=kind,
    )


def _require_population(permanent_population: object, households: object) -> tuple[int, int]:
    return (require_int(permanent_population, "permanent_population", 0, MAX_POPULATION),
            require_int(households, "households", 0, MAX_HOUSEHOLDS))
