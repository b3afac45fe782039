"""Every signed-in user: their own password (``PUT /auth/password``) and tokens (``GET``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tests.integration.api.accounts_world import (  # noqa: F401  (a fixture)
    LOGIN,
    cheap_argon2,
    register,
    sign_in,
)
from tests.integration.api.conftest import PASSWORD
from wushe.platform.commands.accounts import issue_token

if TYPE_CHECKING:
    import httpx

    from tests.integration.api.conftest import World

pytestmark = pytest.mark.usefixtures("cheap_argon2")
CHANGE_URL = "/api/v1/auth/password"
NEW_PASSWORD = "a brand new passphrase"  # noqa: S105  (a test password)


def change(world: World, current: str, new: str, csrf: str) -> httpx.Response:
    return world.client.put(CHANGE_URL, json={"current_password": current,
                                                "new_password": new},
                            headers={"X-CSRF-Token": csrf, "Accept-Language": "en"})


def test_a_password_change_needs_the_current_one_and_ends_the_other_sessions(
        world: World) -> None:
    register(world, "pat")
    sign_in(world, "pat")
    other = world.client.cookies["wushe_session"]
    csrf = sign_in(world, "pat").json()["csrf_token"]
    this = world.client.cookies["wushe_session"]
    start = world.position()
    weak = change(world, PASSWORD, "short", csrf)
    assert (weak.status_code, weak.json()["errors"][0]["field"]) == (422, "new_password")
    wrong = change(world, "not my password", NEW_PASSWORD, csrf)
    assert wrong.status_code == 422
    assert (wrong.json()["code"], wrong.json()["errors"][0]["field"]) == \
        ("auth.wrong_password", "current_password")
    assert world.position() == start
    done = change(world, PASSWORD, NEW_PASSWORD, csrf)
    assert done.status_code == 204
    assert int(done.headers["x-log-position"]) == world.position()
    assert world.client.get("/api/v1/auth/me").status_code == 200  # this session goes on
    world.client.cookies.set("wushe_session", other)
    assert world.client.get("/api/v1/auth/me").status_code == 401  # the other one ended
    assert world.client.post(LOGIN, json={"login": "pat", "password": PASSWORD}).status_code \
        == 401
    sign_in(world, "pat", NEW_PASSWORD)
    assert this != other


def test_wrong_current_passwords_count_towards_the_sign_in_limit(world: World) -> None:
    # With a bearer token: no session, no CSRF token; the limit is the login name's.
    pat = register(world, "pat")
    world.tokens["pat"] = issue_token(world.app, account_id=pat, name="t",
                                      at=datetime.now(UTC)).secret
    body = {"current_password": "not my password", "new_password": NEW_PASSWORD}
    codes = [world.call("PUT", CHANGE_URL, "pat", json=body).status_code for _ in range(6)]
    assert codes == [422] * 5 + [429]
    assert world.client.post(LOGIN, json={"login": "pat", "password": PASSWORD}).status_code \
        == 429


def test_own_tokens_are_listed_newest_first_without_secrets(world: World) -> None:
    tokens = "/api/v1/auth/tokens"
    first = world.call("POST", tokens, "org", json={"name": "first"}).json()
    world.call("POST", tokens, "org", json={"name": "second"})
    world.call("DELETE", f"{tokens}/{first['token_id']}", "org")
    listed = world.call("GET", tokens, "org")
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["second", "first", "tests"]
    assert [t["revoked_at"] is None for t in listed.json()] == [True, False, True]
    assert first["token"] not in listed.text
    assert all(set(t) == {"token_id", "name", "created_at", "expires_at", "revoked_at"}
               for t in listed.json())
    assert [t["name"] for t in world.call("GET", tokens, "coord").json()] == ["tests"]
