"""Accounts as administrators see them on the wire (never a password hash or token digest)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from wushe.platform.http.api.schemas.auth import RolesOut, TokenInfoOut

__all__ = ["AccountIn", "AccountOut", "AccountSummary", "AccountsPage", "PasswordResetIn",
           "RolesIn"]


class RolesIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Roles to give an account; each id must name an existing community, organisation
    or volunteer."""

    administrator: bool = False
    coordinator_of: tuple[UUID, ...] = ()
    organisation_id: UUID | None = None
    volunteer_id: UUID | None = None


class AccountIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new account: login name (3–64 of a–z 0–9 . _ @ -), initial password (10–256), roles."""

    login: str
    password: str
    roles: RolesIn


class PasswordResetIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A new password set by an administrator."""

    password: str


class AccountSummary(msgspec.Struct, frozen=True):
    """A row of the accounts list."""

    id: UUID
    login: str
    roles: RolesOut
    disabled: bool
    registered_at: datetime


class AccountOut(msgspec.Struct, frozen=True):
    """One account as it stands now; ``version`` is its ETag."""

    id: UUID
    login: str
    roles: RolesOut
    disabled: bool
    registered_at: datetime
    tokens: tuple[TokenInfoOut, ...]
    version: int


class AccountsPage(msgspec.Struct, frozen=True):
    """A page of accounts and the cursor of the next one (None: last page)."""

    items: tuple[AccountSummary, ...]
    next_cursor: str | None
