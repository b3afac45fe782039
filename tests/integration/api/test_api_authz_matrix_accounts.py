"""Account endpoints × every role: the status each gets (as test_api_authz_matrix.py).

Account administration is the administrators' alone: every other signed-in role
gets 403 before the target or the body is read (so nothing about any account,
theirs included, is revealed), anonymous 401. Writes send a stale ``If-Match``
or an invalid body, so an allowed role stops at the version check (412) or the
validation (422) and no cell appends anything. The own-account endpoints under
``/auth`` are everyone's who is signed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.accounts_world import cheap_argon2  # noqa: F401  (a fixture)
from wushe.platform.commands.accounts import account_id_of

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

pytestmark = pytest.mark.usefixtures("cheap_argon2")
ROLES = (None, "admin", "coord", "coord2", "org", "vol")
ADMIN_READ = (401, 200, 403, 403, 403, 403)
ADMIN_WRITE = (401, 412, 403, 403, 403, 403)
MATRIX: dict[str, tuple[int, ...]] = {
    "list accounts": ADMIN_READ,
    "get account": ADMIN_READ,
    "create account": (401, 422, 403, 403, 403, 403),
    "set roles": ADMIN_WRITE,
    "disable account": ADMIN_WRITE,
    "enable account": ADMIN_WRITE,
    "reset password": ADMIN_WRITE,
    "change own password": (401, 422, 422, 422, 422, 422),
    "list own tokens": (401, 200, 200, 200, 200, 200),
}


def request(world: World, endpoint: str) -> tuple[str, str, Any]:
    # The target is the volunteer's account (so the volunteer's own row is covered too).
    accounts, target = "/api/v1/accounts", f"/api/v1/accounts/{account_id_of('vol')}"
    return {
        "list accounts": ("GET", accounts, None),
        "get account": ("GET", target, None),
        "create account": ("POST", accounts, {"login": "new.user", "password": "short",
                                              "roles": {}}),
        "set roles": ("PUT", f"{target}/roles", {"coordinator_of": [str(world.c1)]}),
        "disable account": ("POST", f"{target}/disable", None),
        "enable account": ("POST", f"{target}/enable", None),
        "reset password": ("POST", f"{target}/password", {"password": "a long passphrase"}),
        "change own password": ("PUT", "/api/v1/auth/password",
                                {"current_password": "whatever it is", "new_password": "short"}),
        "list own tokens": ("GET", "/api/v1/auth/tokens", None),
    }[endpoint]


def test_the_accounts_authorisation_matrix(world: World) -> None:
    """One world for every cell; each endpoint appends nothing."""
    got: dict[str, tuple[int, ...]] = {}
    for endpoint in sorted(MATRIX):
        start = world.position()
        method, url, body = request(world, endpoint)
        got[endpoint] = tuple(world.call(method, url, role, json=body,
                                         if_match='"99"').status_code for role in ROLES)
        assert world.position() == start, endpoint
    assert got == MATRIX
