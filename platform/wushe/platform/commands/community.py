"""Commands on communities, their grids and their staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.platform.commands._common import create
from wushe.platform.domain.community import Community
from wushe.platform.domain.staff import StaffMember

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from wushe.platform.application import Recorded, WusheApplication
    from wushe.platform.domain.community import Grid
    from wushe.platform.domain.staff import StaffRole

__all__ = ["add_grid", "appoint_staff", "change_grid", "found_community", "remove_grid"]


def found_community(
    app: WusheApplication, *, code: str, name: str, district: str, permanent_population: int,
    households: int, at: datetime, request_key: str | None = None,
) -> Recorded:
    """Record a new community."""
    return create(app, Community, "community", request_key, lambda community_id: Community.found(
        id=community_id, code=code, name=name, district=district,
        permanent_population=permanent_population, households=households, at=at,
    ))


def add_grid(
    app: WusheApplication, *, community_id: UUID, grid: Grid, expected_version: int | None = None,
) -> Recorded:
    """Add a grid to the community."""
    return app.update(Community, community_id, lambda c: c.add_grid(grid),
                      expected_version=expected_version)


def change_grid(
    app: WusheApplication, *, community_id: UUID, grid: Grid, expected_version: int | None = None,
) -> Recorded:
    """Replace the community's grid that has the same id."""
    return app.update(Community, community_id, lambda c: c.change_grid(grid),
                      expected_version=expected_version)


def remove_grid(
    app: WusheApplication, *, community_id: UUID, grid_id: str,
    expected_version: int | None = None,
) -> Recorded:
    """Remove a grid (volunteers, teams and needs keep the id they recorded)."""
    return app.update(Community, community_id, lambda c: c.remove_grid(grid_id),
                      expected_version=expected_version)


def appoint_staff(
    app: WusheApplication, *, community_id: UUID, name: str, role: StaffRole,
    certified_social_worker: bool, window_staff: bool, at: datetime,
    request_key: str | None = None,
) -> Recorded:
    """Appoint a staff member to an existing community."""
    def build(staff_id: UUID) -> StaffMember:
        app.load(Community, community_id)
        return StaffMember.appoint(
            id=staff_id, community_id=community_id, name=name, role=role,
            certified_social_worker=certified_social_worker, window_staff=window_staff, at=at,
        )
    return create(app, StaffMember, "staff", request_key, build)
