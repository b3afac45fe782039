"""What the schemathesis contract test runs against: a seeded world, and its ids by name.

:func:`seed` gives the world's c1 a need, a team, a published project with a shift,
an offer of it to the volunteer, a staffing run and a resource offer, and returns
the values of real objects by the name a path parameter or a body field has in the
OpenAPI document. The test draws a parameter or field of that name from these as
often as from schemathesis's own values, so the contract is checked on answers about
real objects (200, 409, 412…) and not only on 404s and 422s.

To extend it for a new controller: seed its object here and add its path parameter
(``offer_id``…) to ``path`` and any body field that names one to ``body``; a name not
listed keeps schemathesis's own values (the endpoint is still tested, mostly on 404s).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tests.integration.api.work_world import WEEK, clocked, offer, published
from tests.integration.test_commands import need, team
from tests.integration.test_commands import offer as resource_offer
from wushe.platform.commands.accounts import account_id_of, issue_token
from wushe.projections.service import Projections

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

__all__ = ["Seeded", "seed"]

Values = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Seeded:
    """Real values by path parameter name and by (top-level) body field name."""

    path: Values
    body: Values


def seed(world: World) -> Seeded:
    """Seed c1 and bring every view up to the log."""
    clocked(world)
    project = published(world)
    assignment = offer(world, project)
    run = world.call("POST", f"/api/v1/communities/{world.c1}/staffing-runs", "coord",
                     json={"week": WEEK, "time_limit_s": 1})
    assert run.status_code == 201, run.text
    # Tokens and accounts the test does not sign in with: revoking or disabling those
    # would turn every later request into a 401.
    spare = issue_token(world.app, account_id=account_id_of("admin"), name="spare",
                        at=datetime.now(UTC)).token.token_id
    ids = {"community_id": (world.c1, world.c2), "need_id": (need(world.app, world.c1),),
           "organisation_id": (world.organisation,), "volunteer_id": (world.volunteer,),
           "project_id": (project["id"],), "grid": ("G01", "G02")}
    path = {**ids, "team_id": (team(world.app, world.c1, 2),), "assignment_id": (assignment,),
            "shift_id": (project["shifts"][0]["shift_id"],), "run_id": (run.json()["id"],),
            "grid_id": ids["grid"], "token_id": (spare,),
            "offer_id": (resource_offer(world.app, world.c1),),
            "account_id": (account_id_of("vol"), account_id_of("coord2"))}
    staff = (world.staff1,)
    body = {**ids, "home_grid": ids["grid"], "by": staff, "handler": staff,
            "received_by": staff, "leader_id": ids["volunteer_id"], "to_need": ids["need_id"],
            "undertaking_organisation_id": ids["organisation_id"],
            "to_project": ids["project_id"], "offer_id": path["offer_id"], "week": (WEEK,)}
    Projections(world.app, world.views).catch_up()
    return Seeded(_text(path), _text(body))


def _text(values: dict[str, tuple[object, ...]]) -> Values:
    return {name: tuple(str(value) for value in each) for name, each in values.items()}
