"""CSRF: writes signed in by the session cookie need ``X-CSRF-Token``; bearer tokens do not."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from tests.integration.api.accounts_world import cheap_argon2, register, sign_in  # noqa: F401

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

pytestmark = pytest.mark.usefixtures("cheap_argon2")
TOKENS = "/api/v1/auth/tokens"
ME = "/api/v1/auth/me"
EN = {"Accept-Language": "en"}


def test_sign_in_answers_a_readable_csrf_token_bound_to_the_session(world: World) -> None:
    register(world, "pat")
    response = sign_in(world, "pat")
    token = response.json()["csrf_token"]
    assert response.cookies["wushe_csrf"] == token
    csrf_cookie = next(c for c in response.headers.get_list("set-cookie")
                       if c.startswith("wushe_csrf="))
    assert "httponly" not in csrf_cookie.lower()
    assert "samesite=lax" in csrf_cookie.lower()
    assert token != response.cookies["wushe_session"]
    assert world.client.get(ME).json()["csrf_token"] == token  # a page reloaded finds it again
    assert "csrf_token" not in world.call("GET", ME, "vol").json()  # none for a bearer token
    # Reads need no token; writes do, and a refused write appends nothing.
    start = world.position()
    for headers in ({}, {"X-CSRF-Token": "0" * 64}, {"X-CSRF-Token": ""}):
        refused = world.client.post(TOKENS, json={"name": "ci"}, headers={**EN, **headers})
        assert refused.status_code == 403
        assert refused.json()["code"] == "auth.csrf"
    assert world.position() == start
    created = world.client.post(TOKENS, json={"name": "ci"},
                                headers={**EN, "X-CSRF-Token": token})
    assert created.status_code == 201
    # A new session has a new token: the old one no longer passes.
    fresh = sign_in(world, "pat").json()["csrf_token"]
    assert fresh != token
    stale = world.client.post(TOKENS, json={"name": "ci"}, headers={"X-CSRF-Token": token})
    assert stale.status_code == 403
    assert world.client.post(TOKENS, json={"name": "ci"},
                             headers={"X-CSRF-Token": fresh}).status_code == 201


def test_every_unsafe_method_is_checked_but_bearer_login_and_logout_are_exempt(
        world: World) -> None:
    register(world, "pat")
    sign_in(world, "pat")  # the client now carries the session cookie
    # Checked in the guard: before the body is read, whatever the route.
    writes: tuple[tuple[str, str, object], ...] = (
        ("DELETE", f"{TOKENS}/{uuid4()}", None),
        ("PUT", "/api/v1/auth/password", {"current_password": "x", "new_password": "y"}),
        ("POST", "/api/v1/communities", {}))
    for method, path, body in writes:
        response = world.client.request(method, path, json=body, headers=EN)
        assert (response.status_code, response.json()["code"]) == (403, "auth.csrf"), method
    assert world.call("POST", TOKENS, "vol", json={"name": "ci"}).status_code == 201
    assert world.client.post("/api/v1/auth/logout").status_code == 204
    assert "wushe_csrf" not in world.client.cookies
    assert "wushe_session" not in world.client.cookies
    assert world.client.get(ME).status_code == 401
