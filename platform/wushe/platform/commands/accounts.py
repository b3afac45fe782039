"""Commands on accounts: registration, passwords, roles and bearer tokens.

Passwords are hashed here with argon2id (``argon2-cffi``'s defaults, which follow
RFC 9106's second recommendation) and tokens with SHA-256; the
:class:`~wushe.platform.domain.account.Account` aggregate only ever sees hashes.
A presented token reads ``wst_<account id hex>_<secret>``: the account id lets the
server load the one account to compare digests with, and nothing but the digest
of the whole token is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from wushe.platform.application import deterministic_id
from wushe.platform.commands._common import existing
from wushe.platform.domain.account import Account, Roles, Token, normalise_login
from wushe.platform.domain.errors import DomainRuleError, ValidationError
from wushe.platform.domain.rules import require

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from wushe.platform.application import Recorded, WusheApplication

__all__ = [
    "IssuedToken",
    "account_id_of",
    "authenticate_password",
    "authenticate_token",
    "change_password",
    "disable_account",
    "enable_account",
    "issue_token",
    "register_account",
    "require_password",
    "revoke_token",
    "set_roles",
    "token_digest",
]

PASSWORD_LENGTH = (10, 256)
TOKEN_PREFIX = "wst_"  # noqa: S105  (a prefix that names the kind, not a secret)
_TOKEN_BYTES = 32
_HASHER = PasswordHasher()
# Verified against when the login is unknown, so both failures take as long.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def account_id_of(login: str) -> UUID:
    """The id of the account with this login name (whether or not it exists)."""
    return deterministic_id("account", normalise_login(login))


def require_password(password: object, field: str = "password") -> str:
    """The password, if the policy allows it (10–256 characters), else a validation error."""
    low, high = PASSWORD_LENGTH
    require(isinstance(password, str) and low <= len(password) <= high, "account.weak_password",
            f"密码须为 {low}–{high} 个字符", f"a password has {low}–{high} characters",
            field=field)
    assert isinstance(password, str)  # noqa: S101  (checked just above)
    return password


def _hash_password(password: object) -> str:
    return _HASHER.hash(require_password(password))


def register_account(app: WusheApplication, *, login: str, password: str, roles: Roles,
                     at: datetime) -> Recorded:
    """Register an account; its login name must be free.

    Raises:
        DomainRuleError: ``account.login_taken`` when the name is in use.
    """
    account_id = account_id_of(login)
    if existing(app, Account, account_id) is not None:
        raise DomainRuleError("account.login_taken", "该登录名已被使用", "that login is taken",
                              field="login")
    return app.create(Account.register(id=account_id, login=login,
                                       password_hash=_hash_password(password), roles=roles, at=at))


def authenticate_password(app: WusheApplication, *, login: str, password: str) -> Account | None:
    """The enabled account whose login and password these are, else None (no reason given)."""
    try:
        account = existing(app, Account, account_id_of(login))
    except ValidationError:  # a malformed login cannot be anyone's
        account = None
    stored = _DUMMY_HASH if account is None else account.password_hash
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return None if account is None or account.disabled else account


def change_password(app: WusheApplication, *, account_id: UUID, password: str, at: datetime,
                    expected_version: int | None = None) -> Recorded:
    """Replace the account's password."""
    password_hash = _hash_password(password)
    return app.update(Account, account_id, lambda a: a.change_password(password_hash, at),
                      expected_version=expected_version)


def set_roles(app: WusheApplication, *, account_id: UUID, roles: Roles, at: datetime,
              expected_version: int | None = None) -> Recorded:
    """Replace the account's roles."""
    return app.update(Account, account_id, lambda a: a.set_roles(roles, at),
                      expected_version=expected_version)


def disable_account(app: WusheApplication, *, account_id: UUID, at: datetime,
                    expected_version: int | None = None) -> Recorded:
    """Disable the account (its sessions and tokens stop working at once)."""
    return app.update(Account, account_id, lambda a: a.disable(at),
                      expected_version=expected_version)


def enable_account(app: WusheApplication, *, account_id: UUID, at: datetime,
                   expected_version: int | None = None) -> Recorded:
    """Enable a disabled account."""
    return app.update(Account, account_id, lambda a: a.enable(at),
                      expected_version=expected_version)


class IssuedToken:
    """A new token: the secret is shown once and never stored."""

    def __init__(self, recorded: Recorded, token: Token, secret: str) -> None:
        self.recorded, self.token, self.secret = recorded, token, secret


def token_digest(secret: str) -> str:
    """The stored form of a presented token: hex SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(app: WusheApplication, *, account_id: UUID, name: str, at: datetime,
                expires_at: datetime | None = None) -> IssuedToken:
    """Issue a bearer token (random 32 bytes) to the account."""
    secret = f"{TOKEN_PREFIX}{account_id.hex}_{secrets.token_urlsafe(_TOKEN_BYTES)}"
    token = Token(token_id=uuid4(), name=name, digest=token_digest(secret), created_at=at,
                  expires_at=expires_at)
    recorded = app.update(Account, account_id, lambda a: a.issue_token(token))
    return IssuedToken(recorded, token, secret)


def revoke_token(app: WusheApplication, *, account_id: UUID, token_id: UUID,
                 at: datetime) -> Recorded:
    """Revoke one of the account's tokens."""
    return app.update(Account, account_id, lambda a: a.revoke_token(token_id, at))


def authenticate_token(app: WusheApplication, secret: str, now: datetime, *,
                       load: Callable[[UUID], Account | None] | None = None) -> Account | None:
    """The enabled account a presented token belongs to, if the token is live; else None.

    ``load`` finds the current account by id (default: from the log).
    """
    account_id = _account_in(secret)
    if account_id is None:
        return None
    account = existing(app, Account, account_id) if load is None else load(account_id)
    if account is None or account.disabled:
        return None
    digest = token_digest(secret)
    live = any(hmac.compare_digest(t.digest, digest) and t.usable(now) for t in account.tokens)
    return account if live else None


def _account_in(secret: str) -> UUID | None:
    body = secret.removeprefix(TOKEN_PREFIX)
    hex_id, _, rest = body.partition("_")
    if body == secret or not rest:
        return None
    try:
        return UUID(hex=hex_id)
    except ValueError:
        return None
