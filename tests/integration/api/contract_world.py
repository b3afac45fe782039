"""What the schemathesis contract test runs against: a seeded world.

:func:`seed` gives the world's c1 a need, a team, a published project with a shift,
an offer of it to the volunteer and a staffing run, and returns, per path parameter
name of the OpenAPI document, the ids of real objects: schemathesis then draws a
path parameter from these as often as from its own values, so the contract is
checked on the answers about real objects (200, 409, 412…) and not only on 404s.
A new controller's path parameter is added to :func:`seed`'s mapping (and its
object seeded here); an unknown name keeps schemathesis's own values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tests.integration.api.work_world import WEEK, clocked, offer, published
from tests.integration.test_commands import need, team
from wushe.platform.commands.accounts import account_id_of, issue_token
from wushe.projections.service import Projections

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

__all__ = ["seed"]


def seed(world: World) -> dict[str, tuple[str, ...]]:
    """Seed c1 and bring every view up to the log; real values per path parameter name."""
    clocked(world)
    project = published(world)
    assignment = offer(world, project)
    run = world.call("POST", f"/api/v1/communities/{world.c1}/staffing-runs", "coord",
                     json={"week": WEEK, "time_limit_s": 1})
    assert run.status_code == 201, run.text
    # A token of the administrator's that the test does not use: revoking the one it
    # signs in with would turn every later request into a 401.
    spare = issue_token(world.app, account_id=account_id_of("admin"), name="spare",
                        at=datetime.now(UTC)).token.token_id
    values = {"community_id": (world.c1, world.c2), "need_id": (need(world.app, world.c1),),
              "organisation_id": (world.organisation,), "team_id": (team(world.app, world.c1, 2),),
              "volunteer_id": (world.volunteer,), "project_id": (project["id"],),
              "shift_id": (project["shifts"][0]["shift_id"],), "assignment_id": (assignment,),
              "run_id": (run.json()["id"],), "grid_id": ("G01", "G02"), "token_id": (spare,)}
    Projections(world.app, world.views).catch_up()
    return {name: tuple(str(value) for value in ids) for name, ids in values.items()}
