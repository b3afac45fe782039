"""``/api/v1/communities``: list, get, found, grids — every refusal appends nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

FOUND = {"code": "350102001009", "name": "西湖社区", "district": "福州市鼓楼区",
         "permanent_population": 8000, "households": 2800}
GRID = {"grid_id": "G09", "name": "第九网格", "households": 420}


def test_an_administrator_founds_a_community_once_per_idempotency_key(world: World) -> None:
    first = world.call("POST", "/api/v1/communities", "admin", json=FOUND, idempotency_key="k-1")
    assert first.status_code == 201
    assert etag(first) == '"1"'
    assert int(first.headers["x-log-position"]) == world.position()
    end = world.position()
    retry = world.call("POST", "/api/v1/communities", "admin", json=FOUND, idempotency_key="k-1")
    assert (retry.status_code, retry.content, etag(retry)) == (201, first.content, '"1"')
    assert world.position() == end
    other = world.call("POST", "/api/v1/communities", "admin",
                       json={**FOUND, "name": "另一个"}, idempotency_key="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency.mismatch"
    assert world.position() == end


@pytest.mark.parametrize(("body", "status", "field", "code"), [
    ({**FOUND, "households": "many"}, 422, "households", "input.bad_type"),
    ({k: v for k, v in FOUND.items() if k != "name"}, 422, "name", "input.required"),
    ({**FOUND, "colour": "red"}, 422, "colour", "input.unknown_field"),
    ({**FOUND, "code": "12"}, 422, "code", "community.bad_code"),
    ({**FOUND, "households": -1}, 422, "households", "input.out_of_range"),
    ([1, 2], 400, None, "input.malformed"),
])
def test_a_bad_community_is_a_field_level_problem(world: World, body: Any, status: int,
                                                  field: str | None, code: str) -> None:
    start = world.position()
    response = world.call("POST", "/api/v1/communities", "admin", json=body)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("https://")
    if field is None:
        assert problem["code"] == code
    else:
        assert {"field": field, "code": code} == {k: problem["errors"][0][k]
                                                  for k in ("field", "code")}
    assert world.position() == start


def test_malformed_json_is_400_in_the_callers_language(world: World) -> None:
    response = world.client.post("/api/v1/communities", content=b'{"code": ',
                                 headers={**world.headers("admin"), "Accept-Language": "zh-CN",
                                          "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["code"] == "input.malformed"
    assert "JSON" in response.json()["detail"]
    assert "请求" in response.json()["detail"]


@pytest.mark.parametrize("role", ["coord", "org", "vol"])
def test_only_an_administrator_founds(world: World, role: str) -> None:
    start = world.position()
    assert world.call("POST", "/api/v1/communities", role, json=FOUND).status_code == 403
    assert world.position() == start


def test_a_grid_needs_if_match_and_the_current_version(world: World) -> None:
    url = f"/api/v1/communities/{world.c1}/grids"
    current = etag(world.call("GET", f"/api/v1/communities/{world.c1}", "coord"))
    start = world.position()
    missing = world.call("POST", url, "coord", json=GRID)
    assert (missing.status_code, missing.json()["code"]) == (428, "version.if_match_required")
    stale = world.call("POST", url, "coord", json=GRID, if_match='"1"')
    assert (stale.status_code, stale.json()["code"]) == (412, "version.stale")
    assert world.position() == start
    added = world.call("POST", url, "coord", json=GRID, if_match=current)
    assert added.status_code == 200
    assert int(etag(added).strip('"')) == int(current.strip('"')) + 1
    assert [g["grid_id"] for g in added.json()["grids"]] == ["G01", "G02", "G09"]
    changed = world.call("PUT", f"{url}/G09", "coord", json={"name": "九", "households": 430},
                         if_match=etag(added))
    assert changed.status_code == 200
    assert changed.json()["grids"][2] == {"grid_id": "G09", "name": "九", "households": 430,
                                          "special": False, "kind": None}


def test_a_duplicate_grid_is_a_conflict(world: World) -> None:
    current = etag(world.call("GET", f"/api/v1/communities/{world.c1}", "coord"))
    response = world.call("POST", f"/api/v1/communities/{world.c1}/grids", "coord",
                          json={**GRID, "grid_id": "G01"}, if_match=current)
    assert (response.status_code, response.json()["code"]) == (409, "community.duplicate_grid")


def test_the_list_shows_each_principal_its_own_communities_a_page_at_a_time(
        world: World) -> None:
    world.catch_up()
    def ids(role: str, query: str = "") -> list[str]:
        response = world.call("GET", f"/api/v1/communities{query}", role)
        assert response.status_code == 200
        assert int(response.headers["x-views-position"]) == world.position()
        return [item["id"] for item in response.json()["items"]]
    assert sorted(ids("admin")) == sorted([str(world.c1), str(world.c2)])
    assert ids("coord") == [str(world.c1)]
    assert ids("coord2") == [str(world.c2)]
    assert ids("org") == [str(world.c1)]
    assert ids("vol") == []
    first = world.call("GET", "/api/v1/communities?limit=1", "admin").json()
    second = world.call("GET", f"/api/v1/communities?limit=1&cursor={first['next_cursor']}",
                        "admin").json()
    assert second["next_cursor"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {str(world.c1), str(world.c2)}
    # A cursor is bound to the principal's scope.
    bad = world.call("GET", f"/api/v1/communities?cursor={first['next_cursor']}", "coord")
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "cursor")


def test_another_communitys_page_is_404_like_a_missing_one(world: World) -> None:
    other = world.call("GET", f"/api/v1/communities/{world.c2}", "coord")
    assert other.status_code == 404
    missing = world.call("GET", "/api/v1/communities/00000000-0000-0000-0000-000000000000",
                         "coord")
    assert other.json()["code"] == missing.json()["code"] == "community.not_found"
    assert world.call("GET", f"/api/v1/communities/{world.c1}", "org").status_code == 200
    assert world.call("GET", f"/api/v1/communities/{world.c1}", "vol").status_code == 404
