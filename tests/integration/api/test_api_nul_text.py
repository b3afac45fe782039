"""No request text holds a NUL: 422 ``input.bad_text`` naming the field, on both stores.

Found by the schemathesis contract test: on PostgreSQL a NUL in a list's filter or
in a login name reached SQL and answered 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from tests.integration.api.conftest import World


def refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "input.bad_text"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, "input.bad_text")]


def test_a_nul_in_a_query_or_path_parameter_is_refused(world: World) -> None:
    needs = f"/api/v1/communities/{world.c1}/needs"
    refused(world.call("GET", f"{needs}?grid=G%0001", "coord"), "grid")
    refused(world.call("GET", f"{needs}?category=ELDER&status=received%00", "coord"), "status")
    refused(world.call("PUT", f"/api/v1/communities/{world.c1}/grids/G%0001", "coord",
                       json={"name": "第一网格", "households": 400}, if_match='"3"'), "grid_id")


def test_a_nul_in_a_login_name_is_refused_and_not_counted(world: World) -> None:
    for _ in range(6):  # counted failures would make the sixth a 429
        response = world.client.post("/api/v1/auth/login", headers={"Accept-Language": "en"},
                                     json={"login": "ad\x00min", "password": "x"})
        refused(response, "login")


def test_a_nul_in_a_body_names_its_field(world: World) -> None:
    url = f"/api/v1/volunteers/{world.volunteer}/availability"
    for body, field in (
            ({"windows": [{"weekday": 0, "start": "08:00:00\x00", "end": "12:00:00"}]},
             "windows[0].start"),
            ({"windows": [], "exceptions": [{"day\x00": "2026-12-01"}]}, "exceptions[0].day\x00")):
        refused(world.call("PUT", url, "coord", json=body, if_match='"1"'), field)


def test_an_escaped_backslash_is_no_nul(world: World) -> None:
    # The text «\u0000» (a backslash, then «u0000») is six characters and no NUL: the
    # request goes on to the handler, whose own checks answer.
    response = world.call("POST", f"/api/v1/communities/{world.c1}/grids", "coord",
                          json={"grid_id": "G03", "name": "\\u0000", "households": 10},
                          if_match='"3"')
    assert response.status_code == 200, response.text
    assert response.json()["grids"][-1]["name"] == "\\u0000"
