"""Hours, reports and the staffing-runs list × every role × own / other community.

The style of :mod:`tests.integration.api.test_api_authz_matrix`: what a principal may
not see is 404 (never revealing that it exists), what they see but may not read is
403, anonymous is 401. *Own* is c1 (the coordinator's, the organisation's and the
volunteer's community) or c1's volunteer; *other* is c2 or a volunteer of c2. Every
endpoint here reads, so no cell appends anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.integration.test_commands import volunteer

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

ROLES = (None, "admin", "coord", "coord2", "org", "vol")
MANAGED_OWN = (401, 200, 200, 404, 403, 403)  # coordinators; c1's organisation and volunteer 403
MANAGED_OTHER = (401, 200, 404, 200, 404, 404)  # c2: nothing of c1's sees it
# endpoint → expected status per role (anonymous, admin, coord, coord2, org, vol)
MATRIX: dict[str, tuple[int, ...]] = {
    "volunteer hours (own)": (401, 200, 200, 404, 404, 200),
    "volunteer hours (other)": MANAGED_OTHER,
    "community hours (own)": MANAGED_OWN,
    "community hours (other)": MANAGED_OTHER,
    "compliance report (own)": MANAGED_OWN,
    "compliance report (other)": MANAGED_OTHER,
    "participation report (own)": MANAGED_OWN,
    "participation report (other)": MANAGED_OTHER,
    "every community's compliance": (401, 200, 403, 403, 403, 403),
    "list staffing runs (own)": (401, 200, 200, 404, 200, 404),
    "list staffing runs (other)": MANAGED_OTHER,
}


def url_of(world: World, endpoint: str, other_volunteer: object) -> str:
    name, _, scope = endpoint.partition(" (")
    community = world.c2 if scope == "other)" else world.c1
    who = other_volunteer if scope == "other)" else world.volunteer
    return {
        "volunteer hours": f"/api/v1/volunteers/{who}/hours",
        "community hours": f"/api/v1/communities/{community}/hours",
        "compliance report": f"/api/v1/communities/{community}/reports/compliance",
        "participation report": f"/api/v1/communities/{community}/reports/participation",
        "every community's compliance": "/api/v1/reports/compliance",
        "list staffing runs": f"/api/v1/communities/{community}/staffing-runs",
    }[name]


def test_the_reports_authorisation_matrix(world: World) -> None:
    """One world for every cell (its setup is the slow part)."""
    other_volunteer = volunteer(world.app, world.c2)
    world.catch_up()  # the compliance view holds both communities
    start = world.position()
    got = {endpoint: tuple(world.call("GET", url_of(world, endpoint, other_volunteer),
                                      role).status_code for role in ROLES)
           for endpoint in MATRIX}
    assert got == MATRIX
    assert world.position() == start
