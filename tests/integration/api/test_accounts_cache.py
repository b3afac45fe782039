"""The guard's account cache: never serves an account older than the log's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from tests.integration.api.conftest import PASSWORD_HASH
from tests.integration.test_commands import found, organisation
from wushe.platform.commands.accounts import account_id_of, disable_account, issue_token
from wushe.platform.domain.account import Account, Roles
from wushe.platform.http.auth.accounts_cache import AccountCache

if TYPE_CHECKING:
    from wushe.platform.application import WusheApplication


def _register(app: WusheApplication, login: str, roles: Roles | None = None) -> None:
    app.create(Account.register(id=account_id_of(login), login=login,
                                password_hash=PASSWORD_HASH,
                                roles=roles or Roles(administrator=True), at=datetime.now(UTC)))


def test_a_cached_account_is_replaced_as_soon_as_the_log_has_a_newer_event(
        app: WusheApplication) -> None:
    _register(app, "admin")
    cache = AccountCache(app)
    first = cache.account(account_id_of("admin"))
    assert first is not None
    assert cache.account(account_id_of("admin")) is first  # unchanged: the same object
    issue_token(app, account_id=account_id_of("admin"), name="ci", at=datetime.now(UTC))
    disable_account(app, account_id=account_id_of("admin"), at=datetime.now(UTC))
    current = cache.account(account_id_of("admin"))
    assert current is not None
    assert current.disabled
    assert len(current.tokens) == 1


def test_unknown_accounts_are_none_and_the_cache_keeps_the_newest(app: WusheApplication) -> None:
    cache = AccountCache(app, size=2)
    assert cache.account(account_id_of("nobody")) is None
    for login in ("aaa", "bbb", "ccc"):
        _register(app, login)
        assert cache.account(account_id_of(login)) is not None
    assert list(cache._accounts) == [account_id_of("bbb"), account_id_of("ccc")]


def test_an_organisations_community_is_remembered(app: WusheApplication) -> None:
    community = found(app)
    organisation_id = organisation(app, community)
    cache = AccountCache(app)
    assert cache.organisation_community(organisation_id) == community
    assert cache.organisation_community(uuid4()) is None
