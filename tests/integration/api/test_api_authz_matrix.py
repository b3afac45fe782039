"""Every endpoint × every role × own / other community: the status each gets.

Reads and writes of something the principal may not see are 404 (never revealing
that it exists); what they see but may not change is 403; anonymous is 401.
Writes here send a stale ``If-Match`` where one is needed, so an allowed role
reaches the version check (412) and nothing is appended by any cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import need_body

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

ROLES = (None, "admin", "coord", "coord2", "org", "vol")
# endpoint → expected status per role (anonymous, admin, coord, coord2, org, vol)
MATRIX: dict[str, tuple[int, ...]] = {
    "list communities": (401, 200, 200, 200, 200, 200),
    "get community": (401, 200, 200, 404, 200, 404),
    "found community": (401, 422, 403, 403, 403, 403),
    "add grid": (401, 412, 412, 404, 403, 404),
    "change grid": (401, 412, 412, 404, 403, 404),
    "list needs": (401, 200, 200, 404, 200, 404),
    "get need": (401, 200, 200, 404, 200, 404),
    "receive need": (401, 422, 422, 404, 403, 404),
    "accept need": (401, 412, 412, 404, 403, 404),
    "start handling": (401, 412, 412, 404, 403, 404),
    "close need": (401, 412, 412, 404, 403, 404),
}


FOUND_BAD_CODE = {"code": "1", "name": "西湖社区", "district": "鼓楼区", "permanent_population": 1,
                  "households": 1}


def request(world: World, endpoint: str, need_id: str) -> tuple[str, str, Any]:
    c1, needs = f"/api/v1/communities/{world.c1}", f"/api/v1/needs/{need_id}"
    return {
        "list communities": ("GET", "/api/v1/communities", None),
        "get community": ("GET", c1, None),
        "found community": ("POST", "/api/v1/communities", FOUND_BAD_CODE),
        "add grid": ("POST", f"{c1}/grids", {"grid_id": "G9", "name": "九", "households": 400}),
        "change grid": ("PUT", f"{c1}/grids/G01", {"name": "一", "households": 401}),
        "list needs": ("GET", f"{c1}/needs", None),
        "get need": ("GET", needs, None),
        "receive need": ("POST", f"{c1}/needs", need_body(world, grid="G99")),
        "accept need": ("POST", f"{needs}/accept", {"by": str(world.staff1)}),
        "start handling": ("POST", f"{needs}/start-handling",
                           {"handler": str(world.staff1), "committed_working_days": 1}),
        "close need": ("POST", f"{needs}/close", {"result": "done"}),
    }[endpoint]


@pytest.fixture
def need_id(world: World) -> str:
    response = world.call("POST", f"/api/v1/communities/{world.c1}/needs", "coord",
                          json=need_body(world))
    world.catch_up()
    return str(response.json()["id"])


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_the_authorisation_matrix(world: World, need_id: str, endpoint: str) -> None:
    start = world.position()
    method, url, body = request(world, endpoint, need_id)
    got = tuple(world.call(method, url, role, json=body, if_match='"99"').status_code
                for role in ROLES)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, MATRIX[endpoint], strict=True))
    assert world.position() == start
