"""The Account aggregate: only hashes are kept; roles, disabling and tokens; replay."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from tests.helpers import MONDAY_9AM, assert_replays_equal
from wushe.platform.commands.accounts import _account_in, token_digest
from wushe.platform.domain.account import Account, Roles, Token, normalise_login
from wushe.platform.domain.errors import DomainRuleError, ValidationError

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
AT = MONDAY_9AM


def account(**roles: object) -> Account:
    return Account.register(id=uuid4(), login=" Li.Ming ", password_hash=HASH,
                            roles=Roles(**roles), at=AT)  # type: ignore[arg-type]


def token(**changes: object) -> Token:
    fields: dict[str, object] = {"token_id": uuid4(), "name": " ci ", "digest": "a" * 64,
                                 "created_at": AT, **changes}
    return Token(**fields)  # type: ignore[arg-type]


def test_an_account_keeps_its_normalised_login_hash_and_roles_and_replays() -> None:
    community = uuid4()
    acc = account(coordinator_of=frozenset({community}))
    acc.set_roles(Roles(administrator=True), AT)
    acc.issue_token(token())
    acc.disable(AT)
    acc.enable(AT)
    acc.revoke_token(acc.tokens[0].token_id, AT)
    assert acc.login == "li.ming"
    assert acc.roles == Roles(administrator=True)
    assert acc.tokens[0].name == "ci"
    assert not acc.tokens[0].usable(AT)
    assert_replays_equal(acc, acc.collect_events())


@pytest.mark.parametrize("login", ["ab", "-x-y", "名字名字", "a" * 65, "", 5])
def test_a_bad_login_is_refused(login: object) -> None:
    with pytest.raises(ValidationError) as error:
        normalise_login(login)
    assert error.value.field == "login"


@pytest.mark.parametrize("password_hash", ["plain text", "$2b$12$bcrypt", ""])
def test_only_an_argon2id_hash_is_stored(password_hash: str) -> None:
    with pytest.raises(ValidationError):
        Account.register(id=uuid4(), login="admin", password_hash=password_hash, roles=Roles(),
                         at=AT)


@pytest.mark.parametrize(("changes", "field"), [
    ({"digest": "secret-token"}, "digest"),
    ({"expires_at": AT - timedelta(seconds=1)}, "expires_at"),
    ({"name": ""}, "name"),
    ({"revoked_at": AT}, "revoked_at"),
])
def test_a_bad_token_is_refused(changes: dict[str, object], field: str) -> None:
    acc = account()
    with pytest.raises(ValidationError) as error:
        acc.issue_token(token(**changes))
    assert error.value.field == field
    assert acc.tokens == ()


def test_rules_on_state() -> None:
    acc = account()
    with pytest.raises(DomainRuleError):
        acc.enable(AT)
    with pytest.raises(DomainRuleError):
        acc.set_roles(Roles(), AT)
    with pytest.raises(DomainRuleError):
        acc.revoke_token(uuid4(), AT)
    acc.disable(AT)
    with pytest.raises(DomainRuleError):
        acc.issue_token(token())


def test_a_token_expires() -> None:
    live = token(expires_at=AT + timedelta(hours=1))
    assert live.usable(AT)
    assert not live.usable(AT + timedelta(hours=1))


def test_a_presented_token_names_its_account_and_is_stored_as_sha256() -> None:
    account_id = uuid4()
    assert _account_in(f"wst_{account_id.hex}_secret") == account_id
    assert _account_in("wst_nothex_secret") is None
    assert _account_in("no prefix") is None
    assert len(token_digest("wst_x_y")) == 64
