"""Account: who may sign in to the API, with which roles, and their bearer tokens.

The aggregate never sees a password or a token: the command layer hashes the
password with argon2id and a token with SHA-256, and the account stores only
those hashes. Its id is derived from the login name (``deterministic_id``), so a
login finds its account without an index; a login name therefore never changes.

Roles (docs/api.md): ``administrator`` (everything), ``coordinator`` of a set of
communities, member of one ``organisation``, and one ``volunteer``; a person may
hold several at once.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_rule,
    require_struct,
    require_text,
    require_uuid,
)

__all__ = ["LOGIN_PATTERN", "Account", "Roles", "Token", "normalise_login"]

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
_HASH_PREFIX = "$argon2id$"
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
MAX_TOKENS = 50  # live tokens per account: integrations, not one per request
MAX_COORDINATED = 500  # communities of one coordinator: a whole district at most


def normalise_login(login: object) -> str:
    """The canonical form of a login name (trimmed, case-folded), or a validation error."""
    text = require_text(login, "login", max_length=64).casefold()
    require(bool(LOGIN_PATTERN.fullmatch(text)), "account.bad_login",
            "登录名须为 3–64 个小写字母、数字或 . _ @ -，以字母或数字开头",
            "a login is 3–64 lower-case letters, digits or . _ @ -, starting with a letter "
            "or digit", field="login")
    return text


class Roles(msgspec.Struct, frozen=True, kw_only=True):
    """What an account may do, and where (empty: nothing)."""

    administrator: bool = False
    coordinator_of: frozenset[UUID] = frozenset()
    organisation_id: UUID | None = None
    volunteer_id: UUID | None = None

    @property
    def empty(self) -> bool:
        """Whether the account holds no role at all."""
        return self == Roles()


class Token(msgspec.Struct, frozen=True):
    """A bearer token: only the SHA-256 digest of the secret is kept."""

    token_id: UUID
    name: str
    digest: str  # hex SHA-256 of the presented token
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        """Whether the token may be used at ``now`` (not revoked, not expired)."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class Account(Aggregate):
    """A login with a password hash, roles, an enabled flag and bearer tokens."""

    TOPIC = "wushe.account"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.account.created"

    @classmethod
    def register(cls, *, id: UUID, login: str, password_hash: str,  # noqa: A002
                 roles: Roles, at: datetime) -> Self:
        """Record a new account with an argon2id password hash and its roles."""
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), login=normalise_login(login),
            password_hash=_require_hash(password_hash), roles=_require_roles(roles),
            registered_at=require_aware(at),
        )

    @event("Registered", topic="wushe.account.registered")
    def __init__(self, login: str, password_hash: str, roles: Roles,
                 registered_at: datetime) -> None:
        self.login, self.password_hash, self.roles = login, password_hash, roles
        self.registered_at = registered_at
        self.disabled = False
        self.tokens: tuple[Token, ...] = ()

    # -- password and roles -------------------------------------------------

    def change_password(self, password_hash: str, at: datetime) -> None:
        """Replace the password hash (the caller has hashed the new password)."""
        self._password_changed(password_hash=_require_hash(password_hash), at=require_aware(at))

    @event("PasswordChanged", topic="wushe.account.password_changed")
    def _password_changed(self, password_hash: str, at: datetime) -> None:
        self.password_hash = password_hash

    def set_roles(self, roles: Roles, at: datetime) -> None:
        """Replace the account's roles."""
        roles = _require_roles(roles)
        require_rule(roles != self.roles, "account.roles_unchanged", "角色没有变化",
                     "the roles are unchanged", field="roles")
        self._roles_set(roles=roles, at=require_aware(at))

    @event("RolesSet", topic="wushe.account.roles_set")
    def _roles_set(self, roles: Roles, at: datetime) -> None:
        self.roles = roles

    # -- enabled / disabled -------------------------------------------------

    def disable(self, at: datetime) -> None:
        """Stop the account from signing in or using its tokens."""
        require_rule(not self.disabled, "account.already_disabled", "账号已停用",
                     "the account is already disabled")
        self._disabled(at=require_aware(at))

    @event("Disabled", topic="wushe.account.disabled")
    def _disabled(self, at: datetime) -> None:
        self.disabled = True

    def enable(self, at: datetime) -> None:
        """Let a disabled account sign in again."""
        require_rule(self.disabled, "account.already_enabled", "账号已启用",
                     "the account is already enabled")
        self._enabled(at=require_aware(at))

    @event("Enabled", topic="wushe.account.enabled")
    def _enabled(self, at: datetime) -> None:
        self.disabled = False

    # -- bearer tokens ------------------------------------------------------

    def issue_token(self, token: Token) -> None:
        """Record a new bearer token (its digest only)."""
        token = _require_token(token)
        require_rule(not self.disabled, "account.disabled", "账号已停用", "the account is disabled")
        require_rule(all(t.token_id != token.token_id for t in self.tokens),
                     "account.duplicate_token", "令牌编号已存在", "the token id already exists")
        live = sum(t.usable(token.created_at) for t in self.tokens)
        require_rule(live < MAX_TOKENS, "account.too_many_tokens",
                     f"有效令牌最多 {MAX_TOKENS} 个，请先吊销不用的令牌",
                     f"at most {MAX_TOKENS} live tokens; revoke unused ones first")
        self._token_issued(token=token)

    @event("TokenIssued", topic="wushe.account.token_issued")
    def _token_issued(self, token: Token) -> None:
        self.tokens = (*self.tokens, token)

    def revoke_token(self, token_id: UUID, at: datetime) -> None:
        """Revoke a token; a revoked token never works again."""
        token = self.token(require_uuid(token_id, "token_id"))
        require_rule(token.revoked_at is None, "account.token_revoked", "令牌已吊销",
                     "the token is already revoked", field="token_id")
        self._token_revoked(token_id=token.token_id, at=require_aware(at))

    @event("TokenRevoked", topic="wushe.account.token_revoked")
    def _token_revoked(self, token_id: UUID, at: datetime) -> None:
        self.tokens = tuple(msgspec.structs.replace(t, revoked_at=at)
                            if t.token_id == token_id else t for t in self.tokens)

    def token(self, token_id: UUID) -> Token:
        """The token with this id.

        Raises:
            DomainRuleError: ``account.unknown_token`` if the account has none.
        """
        for token in self.tokens:
            if token.token_id == token_id:
                return token
        raise DomainRuleError("account.unknown_token", "找不到该令牌", "no such token",
                              field="token_id")


def _require_hash(password_hash: object) -> str:
    text = require_text(password_hash, "password_hash", max_length=512)
    require(text.startswith(_HASH_PREFIX), "account.bad_hash", "密码须以 argon2id 散列保存",
            "the password must be stored as an argon2id hash", field="password_hash")
    return text


def _require_roles(roles: object) -> Roles:
    checked = require_struct(roles, Roles, "roles")
    require(len(checked.coordinator_of) <= MAX_COORDINATED, "input.too_many",
            f"协调的社区最多 {MAX_COORDINATED} 个",
            f"at most {MAX_COORDINATED} coordinated communities", field="roles.coordinator_of")
    return checked


def _require_token(token: object) -> Token:
    checked = require_struct(token, Token, "token")
    require_text(checked.name, "name", max_length=100)
    require(bool(_DIGEST.fullmatch(checked.digest)), "account.bad_digest",
            "令牌须以 SHA-256 摘要保存", "a token is stored as its SHA-256 digest", field="digest")
    require_aware(checked.created_at, "created_at")
    if checked.expires_at is not None:
        require(require_aware(checked.expires_at, "expires_at") > checked.created_at,
                "account.token_expiry", "令牌有效期须晚于创建时间",
                "a token must expire after it is created", field="expires_at")
    require(checked.revoked_at is None, "input.bad_type", "新令牌不能已吊销",
            "a new token cannot be revoked already", field="revoked_at")
    return msgspec.structs.replace(checked, name=checked.name.strip())
