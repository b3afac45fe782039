"""Resource offers, allocations and requests: every endpoint × role × scope, the status each gets.

Scopes: ``own`` — c1 and its organisation (the ``org`` role's); ``sibling`` — c1 and
another organisation of it (``orgb``: its offers are not ``org``'s); ``other`` — c2 and
its organisation. As in :mod:`test_api_authz_matrix`, what the principal may not see
is 404, what they see but may not change is 403, anonymous is 401, and writes send a
stale ``If-Match`` (creations an invalid body), so an allowed role reaches the
version check (412) or the domain's validation (422) and no cell appends anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.resource_world import (
    made_offer,
    offer_body,
    other_organisations,
    request_body,
)
from tests.integration.api.work_world import clocked
from tests.integration.test_commands import need, project

if TYPE_CHECKING:
    from uuid import UUID

    from tests.integration.api.conftest import World

ROLES = (None, "admin", "coord", "coord2", "org", "vol")
SCOPES = ("own", "sibling", "other")
# (anonymous, admin, coord, coord2, org, vol) per scope: own, sibling, other
READ_OFFER = ((401, 200, 200, 404, 200, 404), (401, 200, 200, 404, 404, 404),
              (401, 200, 404, 200, 404, 404))
WRITE_OFFER = ((401, 412, 412, 404, 412, 404), (401, 412, 412, 404, 404, 404),
               (401, 412, 404, 412, 404, 404))
LIST_IN_COMMUNITY = ((401, 200, 200, 404, 200, 403),) * 2 + ((401, 200, 404, 200, 404, 404),)
MATRIX: dict[str, tuple[tuple[int, ...], ...]] = {
    "list offers": LIST_IN_COMMUNITY,
    "get offer": READ_OFFER,
    "offer resource": ((401, 422, 422, 404, 422, 404), (401, 422, 422, 404, 404, 404),
                       (401, 422, 404, 422, 404, 404)),
    "withdraw offer": WRITE_OFFER,
    "list offer allocations": READ_OFFER,
    "list organisation allocations": READ_OFFER,
    "get allocation": READ_OFFER,
    "allocate offer": WRITE_OFFER,
    "record use": WRITE_OFFER,
    "release allocation": WRITE_OFFER,
    "list requests": LIST_IN_COMMUNITY,
    "get request": ((401, 200, 200, 404, 200, 404),) * 2 + ((401, 200, 404, 200, 404, 404),),
    "request resource": ((401, 422, 422, 404, 403, 403),) * 2
    + ((401, 422, 404, 422, 404, 404),),
    "withdraw request": ((401, 412, 412, 404, 403, 404),) * 2
    + ((401, 412, 404, 412, 404, 404),),
    "allocate for request": WRITE_OFFER,  # with the scope's offer
}


def resource_request(ids: dict[str, str], endpoint: str) -> tuple[str, str, Any]:
    """The request of ``endpoint`` on the scope's ``ids``."""
    community, organisation = f"/api/v1/communities/{ids['community']}", \
        f"/api/v1/organisations/{ids['organisation']}"
    offer, wanted = f"/api/v1/offers/{ids['offer']}", f"/api/v1/resource-requests/{ids['request']}"
    allocation = f"{offer}/allocations/{ids['allocation']}"
    return {
        "list offers": ("GET", f"{community}/offers", None),
        "get offer": ("GET", offer, None),
        "offer resource": ("POST", f"{organisation}/offers", offer_body(title=" ")),
        "withdraw offer": ("POST", f"{offer}/withdraw", {"reason": "停"}),
        "list offer allocations": ("GET", f"{offer}/allocations", None),
        "list organisation allocations": ("GET", f"{organisation}/allocations", None),
        "get allocation": ("GET", allocation, None),
        "allocate offer": ("POST", f"{offer}/allocations", {"quantity": 1,
                                                            "to_need": ids["need"]}),
        "record use": ("POST", f"{allocation}/use", {"used_quantity": 1}),
        "release allocation": ("POST", f"{allocation}/release", None),
        "list requests": ("GET", f"{community}/resource-requests", None),
        "get request": ("GET", wanted, None),
        "request resource": ("POST", f"{community}/resource-requests",
                             request_body(project_id=ids["project"], grid="G99")),
        "withdraw request": ("POST", f"{wanted}/withdraw", {"reason": "改期"}),
        "allocate for request": ("POST", f"{wanted}/allocations",
                                 {"offer_id": ids["offer"], "quantity": 1}),
    }[endpoint]


def _scope(world: World, community: UUID, organisation: UUID, role: str) -> dict[str, str]:
    """An offer of ``organisation`` allocated to a need, and a request of a project."""
    need_id, project_id = need(world.app, community), project(world.app, community)
    offer = made_offer(world, organisation, role=role)
    allocated = world.call("POST", f"/api/v1/offers/{offer['id']}/allocations", role,
                           json={"quantity": 5, "to_need": str(need_id)}, if_match='"1"')
    wanted = world.call("POST", f"/api/v1/communities/{community}/resource-requests",
                        "admin", json=request_body(project_id=str(project_id)))
    assert (allocated.status_code, wanted.status_code) == (201, 201)
    return {"community": str(community), "organisation": str(organisation),
            "offer": offer["id"], "allocation": allocated.json()["allocation_id"],
            "need": str(need_id), "project": str(project_id), "request": wanted.json()["id"]}


@pytest.fixture
def scopes(world: World) -> dict[str, dict[str, str]]:
    clocked(world)
    others = other_organisations(world)
    own = _scope(world, world.c1, world.organisation, "org")
    sibling = _scope(world, world.c1, others["orgb"], "orgb")
    sibling["request"] = own["request"]  # c1's request, answered with orgb's offer
    return {"own": own, "sibling": sibling,
            "other": _scope(world, world.c2, others["org2"], "coord2")}


def test_the_resources_authorisation_matrix(world: World,
                                            scopes: dict[str, dict[str, str]]) -> None:
    """One world for every cell (its setup is the slow part); each endpoint appends nothing."""
    got: dict[str, tuple[tuple[int, ...], ...]] = {}
    for endpoint in sorted(MATRIX):
        start = world.position()
        statuses = []
        for scope in SCOPES:
            method, url, body = resource_request(scopes[scope], endpoint)
            statuses.append(tuple(world.call(method, url, role, json=body,
                                             if_match='"99"').status_code for role in ROLES))
        got[endpoint] = tuple(statuses)
        assert world.position() == start, endpoint
    assert got == MATRIX
