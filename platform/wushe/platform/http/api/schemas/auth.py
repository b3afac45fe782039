"""Sign-in, the principal and bearer tokens on the wire."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

__all__ = ["LoginIn", "PasswordChangeIn", "PrincipalOut", "RolesOut", "TokenIn", "TokenInfoOut",
           "TokenOut"]


class LoginIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A login name and password."""

    login: str
    password: str


class RolesOut(msgspec.Struct, frozen=True):
    """The roles of an account and their scopes."""

    administrator: bool
    coordinator_of: tuple[UUID, ...]
    organisation_id: UUID | None
    volunteer_id: UUID | None


class PrincipalOut(msgspec.Struct, frozen=True, omit_defaults=True):
    """Who is signed in, and how; a session's ``csrf_token`` goes in ``X-CSRF-Token``."""

    account_id: UUID
    login: str
    roles: RolesOut
    via: str
    csrf_token: str | None = None


class TokenIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new bearer token: a name to recognise it by, and an optional expiry."""

    name: str
    expires_at: datetime | None = None


class TokenOut(msgspec.Struct, frozen=True):
    """A new bearer token; ``token`` is shown this once and never again."""

    token_id: UUID
    name: str
    token: str
    created_at: datetime
    expires_at: datetime | None


class TokenInfoOut(msgspec.Struct, frozen=True):
    """A bearer token as listed: never its secret nor its digest."""

    token_id: UUID
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class PasswordChangeIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One's own new password, with the current one."""

    current_password: str
    new_password: str
