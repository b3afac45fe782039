"""Account administration (administrators only): create, list, read, roles, disable and
enable, password reset; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from tests.integration.api.accounts_world import (  # noqa: F401  (a fixture)
    LOGIN,
    cheap_argon2,
    register,
    sign_in,
)
from tests.integration.api.conftest import PASSWORD, etag
from wushe.platform.commands.accounts import account_id_of
from wushe.platform.domain.account import Roles

if TYPE_CHECKING:
    from uuid import UUID

    import httpx

    from tests.integration.api.conftest import World

pytestmark = pytest.mark.usefixtures("cheap_argon2")
ACCOUNTS = "/api/v1/accounts"
NEW_PASSWORD = "a brand new passphrase"  # noqa: S105  (a test password)


def new_account(world: World, **changes: Any) -> dict[str, Any]:
    return {"login": "Wang.Fang", "password": PASSWORD,
            "roles": {"coordinator_of": [str(world.c1)]}, **changes}


def problem(response: httpx.Response, status: int) -> tuple[str, str | None]:
    assert response.status_code == status, response.text
    errors = response.json().get("errors") or [{"field": None}]
    return response.json()["code"], errors[0]["field"]


def test_an_administrator_creates_an_account_that_can_sign_in(world: World) -> None:
    created = world.call("POST", ACCOUNTS, "admin", json=new_account(world),
                         idempotency_key="wang-1")
    assert created.status_code == 201
    body = created.json()
    assert (body["login"], body["disabled"], body["tokens"]) == ("wang.fang", False, [])
    assert body["roles"]["coordinator_of"] == [str(world.c1)]
    assert "password" not in created.text
    assert etag(created) == '"1"'
    assert int(created.headers["x-log-position"]) == world.position()
    # A retry with the key answers the same and appends nothing; another body is refused.
    start = world.position()
    again = world.call("POST", ACCOUNTS, "admin", json=new_account(world),
                       idempotency_key="wang-1")
    assert (again.status_code, again.json()) == (201, body)
    assert again.headers["idempotent-replayed"] == "true"
    # The password is left out of what a retry is compared by (no hash of it is kept).
    other_password = {**new_account(world), "password": "another long passphrase"}
    replayed = world.call("POST", ACCOUNTS, "admin", json=other_password,
                          idempotency_key="wang-1")
    assert (replayed.status_code, replayed.json()) == (201, body)
    other = world.call("POST", ACCOUNTS, "admin", json=new_account(world, login="li"),
                       idempotency_key="wang-1")
    assert problem(other, 422) == ("idempotency.mismatch", "Idempotency-Key")
    # The login is taken now, whatever its case.
    taken = world.call("POST", ACCOUNTS, "admin", json=new_account(world, login="WANG.fang"))
    assert problem(taken, 409) == ("account.login_taken", "login")
    assert world.position() == start
    assert sign_in(world, "wang.fang").json()["roles"]["coordinator_of"] == [str(world.c1)]
    read = world.call("GET", f"{ACCOUNTS}/{body['id']}", "admin")
    assert (read.status_code, etag(read), read.json()) == (200, '"1"', body)


BAD_ACCOUNTS: tuple[tuple[dict[str, Any], str, str], ...] = (
    ({"password": "too short"}, "account.weak_password", "password"),
    ({"login": "王芳"}, "account.bad_login", "login"),
    ({"roles": {"coordinator_of": [str(uuid4())]}}, "reference.unknown", "roles.coordinator_of"),
    ({"roles": {"organisation_id": str(uuid4())}}, "reference.unknown", "roles.organisation_id"),
    ({"roles": {"volunteer_id": str(uuid4())}}, "reference.unknown", "roles.volunteer_id"),
    ({"roles": {"volunteer_id": "nope"}}, "input.invalid", "roles.volunteer_id"),
    ({"roles": {"superuser": True}}, "input.invalid", "roles"),  # an unknown field in roles
    ({"password": None}, "input.invalid", "password"),
)


def test_a_bad_account_is_refused_field_by_field(world: World) -> None:
    start = world.position()
    got = [problem(world.call("POST", ACCOUNTS, "admin", json=new_account(world, **changes)),
                   422) for changes, _, _ in BAD_ACCOUNTS]
    assert got == [(code, field) for _, code, field in BAD_ACCOUNTS]
    assert world.position() == start


def test_the_list_pages_and_filters_in_registration_order(world: World) -> None:
    disabled = register(world, "gone")
    world.call("POST", f"{ACCOUNTS}/{disabled}/disable", "admin", if_match='"1"')

    def logins(query: str) -> list[str]:
        page = world.call("GET", f"{ACCOUNTS}?{query}", "admin")
        assert page.status_code == 200, page.text
        return [a["login"] for a in page.json()["items"]]

    assert logins("") == ["admin", "coord", "coord2", "org", "vol", "gone"]
    assert logins("role=coordinator") == ["coord", "coord2"]
    assert logins("role=volunteer&disabled=false") == ["vol"]
    assert logins("disabled=true") == ["gone"]
    first = world.call("GET", f"{ACCOUNTS}?role=coordinator&limit=1", "admin").json()
    assert [a["login"] for a in first["items"]] == ["coord"]
    second = world.call("GET", f"{ACCOUNTS}?role=coordinator&limit=1&cursor={first['next_cursor']}",
                        "admin").json()
    assert ([a["login"] for a in second["items"]], second["next_cursor"]) == (["coord2"], None)
    # A cursor belongs to its filters; a bad filter is a field error.
    moved = world.call("GET", f"{ACCOUNTS}?limit=1&cursor={first['next_cursor']}", "admin")
    assert problem(moved, 422) == ("query.bad_cursor", "cursor")
    assert problem(world.call("GET", f"{ACCOUNTS}?role=king", "admin"), 422)[1] == "role"


def test_roles_change_with_if_match(world: World) -> None:
    url = f"{ACCOUNTS}/{account_id_of('coord')}/roles"
    roles = {"coordinator_of": [str(world.c1), str(world.c2)]}
    assert problem(world.call("PUT", url, "admin", json=roles), 428)[0] == \
        "version.if_match_required"
    assert problem(world.call("PUT", url, "admin", json=roles, if_match='"9"'), 412)[0] == \
        "version.stale"
    bad = {"organisation_id": str(uuid4())}
    assert problem(world.call("PUT", url, "admin", json=bad, if_match='"2"'), 422) == \
        ("reference.unknown", "roles.organisation_id")
    changed = world.call("PUT", url, "admin", json=roles, if_match='"2"')
    assert (changed.status_code, etag(changed)) == (200, '"3"')
    assert world.call("GET", f"/api/v1/communities/{world.c2}", "coord").status_code == 200
    same = world.call("PUT", url, "admin", json=roles, if_match='"3"')
    assert problem(same, 409)[0] == "account.roles_unchanged"
    mine = f"{ACCOUNTS}/{account_id_of('admin')}/roles"
    demoted = world.call("PUT", mine, "admin", json={}, if_match='"2"')
    assert problem(demoted, 409)[0] == "account.self_lockout"
    missing = world.call("PUT", f"{ACCOUNTS}/{uuid4()}/roles", "admin", json={}, if_match='"1"')
    assert problem(missing, 404)[0] == "account.not_found"


def _session(world: World, login: str) -> str:
    world.client.cookies.clear()
    sign_in(world, login)
    return world.client.cookies["wushe_session"]


def _me(world: World, cookie: str) -> int:
    world.client.cookies.clear()
    world.client.cookies.set("wushe_session", cookie)
    return world.client.get("/api/v1/auth/me").status_code


def test_disabling_ends_sessions_and_tokens_at_once_and_enabling_restores(world: World) -> None:
    pat = register(world, "pat", Roles(volunteer_id=world.volunteer))
    cookie = _session(world, "pat")
    disabled = world.call("POST", f"{ACCOUNTS}/{pat}/disable", "admin", if_match='"1"')
    assert (disabled.status_code, disabled.json()["disabled"], etag(disabled)) == \
        (200, True, '"2"')
    assert _me(world, cookie) == 401
    again = world.call("POST", f"{ACCOUNTS}/{pat}/disable", "admin", if_match='"2"')
    assert problem(again, 409)[0] == "account.already_disabled"
    refused = world.client.post(LOGIN, json={"login": "pat", "password": PASSWORD})
    assert refused.status_code == 401
    enabled = world.call("POST", f"{ACCOUNTS}/{pat}/enable", "admin", if_match='"2"')
    assert (enabled.status_code, enabled.json()["disabled"]) == (200, False)
    assert _me(world, _session(world, "pat")) == 200
    # The volunteer's token stops with its account.
    vol = account_id_of("vol")
    assert world.call("POST", f"{ACCOUNTS}/{vol}/disable", "admin", if_match='"2"') \
        .status_code == 200
    assert world.call("GET", "/api/v1/auth/me", "vol").status_code == 401
    me = account_id_of("admin")
    own = world.call("POST", f"{ACCOUNTS}/{me}/disable", "admin", if_match='"2"')
    assert problem(own, 409)[0] == "account.self_lockout"


def test_an_administrator_resets_a_password_and_ends_its_sessions(world: World) -> None:
    pat: UUID = register(world, "pat")
    cookie = _session(world, "pat")
    url = f"{ACCOUNTS}/{pat}/password"
    assert problem(world.call("POST", url, "admin", json={"password": NEW_PASSWORD}), 428)[0] \
        == "version.if_match_required"
    weak = world.call("POST", url, "admin", json={"password": "short"}, if_match='"1"')
    assert problem(weak, 422) == ("account.weak_password", "password")
    reset = world.call("POST", url, "admin", json={"password": NEW_PASSWORD}, if_match='"1"')
    assert (reset.status_code, etag(reset)) == (200, '"2"')
    assert _me(world, cookie) == 401
    old = world.client.post(LOGIN, json={"login": "pat", "password": PASSWORD})
    assert old.status_code == 401
    sign_in(world, "pat", NEW_PASSWORD)
    own = world.call("POST", f"{ACCOUNTS}/{account_id_of('admin')}/password", "admin",
                     json={"password": NEW_PASSWORD}, if_match='"2"')
    assert problem(own, 409)[0] == "account.own_password"
