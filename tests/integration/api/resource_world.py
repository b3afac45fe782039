"""What the resource offers, allocations and requests API tests share.

Bodies, an offer made through the API, the view those lists read, and two more
organisations with accounts: ``orgb`` (another organisation of c1) and ``org2``
(an organisation of c2), for "another organisation's" and "another community's".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tests.integration.api.work_world import NOW
from tests.integration.test_commands import organisation
from wushe.platform.domain.account import Roles
from wushe.projections.service import Projections
from wushe.projections.views.resources import ResourceList

if TYPE_CHECKING:
    from uuid import UUID

    from tests.integration.api.conftest import World

__all__ = ["USE_FROM", "catch_up", "iso", "made_offer", "offer_body", "other_organisations",
           "request_body", "span"]

WINDOW_END = NOW + timedelta(days=90)
USE_FROM = NOW + timedelta(days=7)  # allocations and requests are for a week later


def iso(moment: datetime) -> str:
    """An aware time as the API reads it."""
    return moment.isoformat()


def span(start: datetime = USE_FROM, hours: int = 3) -> dict[str, str]:
    """A span of ``hours`` from ``start``."""
    return {"start": iso(start), "end": iso(start + timedelta(hours=hours))}


def catch_up(world: World) -> None:
    """Bring the resource list view up to the log."""
    Projections(world.app, world.views, views=(ResourceList,)).catch_up()


def other_organisations(world: World) -> dict[str, UUID]:
    """Register ``orgb`` (c1) and ``org2`` (c2) with an account each; their ids by role."""
    ids = {"orgb": organisation(world.app, world.c1), "org2": organisation(world.app, world.c2)}
    for role, organisation_id in ids.items():
        world.tokens[role] = world.account(role, Roles(organisation_id=organisation_id))
    return ids


def offer_body(**changes: Any) -> dict[str, Any]:
    """A valid body offering 100 portions of goods, available for 90 days from NOW."""
    return {"resource_type": "goods", "title": "爱心米面油", "description": "每份含米面油各一",
            "quantity": 100, "unit": "份", "window": {"start": iso(NOW), "end": iso(WINDOW_END)},
            **changes}


def made_offer(world: World, organisation_id: UUID | None = None, role: str = "coord",
               **changes: Any) -> dict[str, Any]:
    """An offer of the organisation (default: c1's) made through the API; its body."""
    url = f"/api/v1/organisations/{organisation_id or world.organisation}/offers"
    response = world.call("POST", url, role, json=offer_body(**changes))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def request_body(**changes: Any) -> dict[str, Any]:
    """A valid body requesting 30 portions of goods for a week later in G01 (add an owner)."""
    return {"resource_type": "goods", "unit": "份", "quantity": 30, "span": span(),
            "grid": "G01", **changes}
