"""Helpers for the account, CSRF and sweep tests: cheap argon2id and session sign-in.

argon2id at its defaults takes a third of a second here, and these tests hash and
verify often, so :func:`cheap_argon2` swaps the command layer's hasher for one
with the smallest costs argon2 allows (still argon2id, verified by the same code);
accounts these tests sign in with are recorded with :data:`CHEAP_HASH`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from argon2 import PasswordHasher

from tests.integration.api.conftest import PASSWORD
from wushe.platform.commands import accounts as account_commands
from wushe.platform.commands.accounts import account_id_of
from wushe.platform.domain.account import Account, Roles

if TYPE_CHECKING:
    from uuid import UUID

    import httpx

    from tests.integration.api.conftest import World

__all__ = ["CHEAP_HASH", "LOGIN", "cheap_argon2", "register", "sign_in"]

LOGIN = "/api/v1/auth/login"
_CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
CHEAP_HASH = _CHEAP.hash(PASSWORD)


@pytest.fixture
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash new passwords with the cheapest argon2id parameters."""
    monkeypatch.setattr(account_commands, "_HASHER", _CHEAP)


def register(world: World, login: str, roles: Roles | None = None) -> UUID:
    """Record an account whose password is ``PASSWORD`` (cheap to verify)."""
    world.app.create(Account.register(id=account_id_of(login), login=login,
                                      password_hash=CHEAP_HASH,
                                      roles=roles or Roles(volunteer_id=world.volunteer),
                                      at=datetime.now(UTC)))
    return account_id_of(login)


def sign_in(world: World, login: str, password: str = PASSWORD) -> httpx.Response:
    """Sign in on the world's client (its cookie jar then holds the session)."""
    response = world.client.post(LOGIN, json={"login": login, "password": password},
                                 headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.text
    return response
