"""What the volunteers, teams and organisations API tests share: bodies and the views they read.

The conftest's :meth:`World.catch_up` builds the needs and compliance views; the
people lists read the roster, resource list and participation views, built here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.platform.domain.account import Roles
from wushe.projections.service import Projections
from wushe.projections.views.participation import OrganisationParticipation
from wushe.projections.views.resources import ResourceList
from wushe.projections.views.roster import Roster

if TYPE_CHECKING:
    from uuid import UUID

    from tests.integration.api.conftest import World

__all__ = ["VALID_ID", "catch_up", "organisation_body", "sign_in_volunteer", "team_body",
           "volunteer_body"]

VALID_ID = "11010519491231002X"  # a resident ID number with a correct check character


def catch_up(world: World) -> None:
    """Bring the roster, resource list and participation views up to the log."""
    Projections(world.app, world.views,
                views=(Roster, ResourceList, OrganisationParticipation)).catch_up()


def sign_in_volunteer(world: World, login: str, volunteer_id: UUID) -> None:
    """Add an account (and token) for another volunteer, as role ``login``."""
    world.tokens[login] = world.account(login, Roles(volunteer_id=volunteer_id))


def volunteer_body(**changes: Any) -> dict[str, Any]:
    """A valid registration body for c1 (grid G01)."""
    return {"name": "周志远", "id_type": "resident_id", "id_number": VALID_ID,
            "phone": "13800591234", "address": "鼓楼区东街 12 号", "health_notes": "无",
            "home_grid": "G01", "consent_version": "2026-01",
            "consented_at": "2026-11-02T09:00:00+08:00", "skills": ["first_aid", "driving"],
            "weekly_hour_cap": 6, **changes}


def team_body(leader: UUID, **changes: Any) -> dict[str, Any]:
    """A valid body forming a team in c1 led by ``leader``."""
    return {"name": "东街银龄服务队", "leader_id": str(leader), "home_grid": "G01",
            "skills_focus": ["first_aid"], **changes}


def organisation_body(**changes: Any) -> dict[str, Any]:
    """A valid body registering an organisation."""
    return {"name": "东街邻里互助会", "kind": "community_social_organisation",
            "registration": "filed", "registration_no": "BA-350102-0007",
            "contact_name": "黄丽华", "contact_phone": "13705911234", **changes}
