"""Sign-in, sessions, bearer tokens and the login rate limit, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tests.integration.api.conftest import PASSWORD
from wushe.platform.commands.accounts import account_id_of, disable_account

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


def login(world: World, name: str, password: str, address: str | None = None) -> int:
    headers = {"Accept-Language": "en"}
    if address is not None:  # the test client's peer address is fixed; vary the name instead
        headers["X-Test"] = address
    return world.client.post(LOGIN, json={"login": name, "password": password},
                             headers=headers).status_code


def test_a_session_signs_in_and_out(world: World) -> None:
    response = world.client.post(LOGIN, json={"login": "Coord", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["roles"]["coordinator_of"] == [str(world.c1)]
    cookie = response.cookies["wushe_session"]
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie
    assert world.client.get(ME).json()["via"] == "session"
    assert world.client.post("/api/v1/auth/logout").status_code == 204
    # The old cookie no longer opens anything: the session row is gone.
    world.client.cookies.set("wushe_session", cookie)
    assert world.client.get(ME).status_code == 401


@pytest.mark.parametrize(("name", "password"), [("coord", "wrong password!"),
                                                ("nobody", PASSWORD), ("x", PASSWORD)])
def test_a_failed_login_says_only_wrong_name_or_password(world: World, name: str,
                                                         password: str) -> None:
    response = world.client.post(LOGIN, json={"login": name, "password": password},
                                 headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json()["code"] == "auth.failed"
    assert response.json()["detail"] == "wrong name or password"
    assert "set-cookie" not in response.headers


def test_five_failures_lock_the_login_name_with_retry_after(world: World) -> None:
    assert [login(world, "coord", "wrong password!") for _ in range(5)] == [401] * 5
    locked = world.client.post(LOGIN, json={"login": "coord", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "auth.rate_limited"
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60


def test_five_failures_from_one_address_lock_every_name(world: World) -> None:
    # Five different names from the same client address.
    assert [login(world, f"user{n}", "wrong password!") for n in range(5)] == [401] * 5
    assert login(world, "admin", PASSWORD) == 429


def test_the_limit_holds_across_app_instances(world: World, store_settings: object) -> None:
    from litestar.testing import TestClient  # noqa: PLC0415

    from wushe.platform.http.app import create_app  # noqa: PLC0415

    for _ in range(5):
        login(world, "coord", "wrong password!")
    with TestClient(create_app(store_settings, live=False)) as other:  # type: ignore[arg-type]
        assert other.post(LOGIN, json={"login": "coord", "password": PASSWORD}).status_code == 429


def test_a_bearer_token_is_shown_once_works_and_can_be_revoked(world: World) -> None:
    created = world.call("POST", "/api/v1/auth/tokens", "coord", json={"name": "ci"})
    assert created.status_code == 201
    token = created.json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert world.client.get(ME, headers=bearer).json()["via"] == "token"
    token_id = created.json()["token_id"]
    # Another account cannot revoke it, and cannot learn that it exists.
    assert world.call("DELETE", f"/api/v1/auth/tokens/{token_id}", "coord2").status_code == 404
    assert world.client.delete(f"/api/v1/auth/tokens/{token_id}", headers=bearer).status_code \
        == 204
    assert world.client.get(ME, headers=bearer).status_code == 401


def test_a_disabled_account_loses_its_tokens_at_once(world: World) -> None:
    assert world.call("GET", ME, "org").status_code == 200
    disable_account(world.app, account_id=account_id_of("org"), at=datetime.now(UTC))
    assert world.call("GET", ME, "org").status_code == 401


@pytest.mark.parametrize("bearer", ["", "nonsense", "wst_zz_yy",
                                    "wst_00000000000000000000000000000000_abc"])
def test_a_bad_token_is_401_not_500(world: World, bearer: str) -> None:
    response = world.client.get(ME, headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_token_request_is_validated(world: World) -> None:
    response = world.call("POST", "/api/v1/auth/tokens", "coord",
                          json={"name": "ci", "expires_at": "2000-01-01T00:00:00Z"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_at"
