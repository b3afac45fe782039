"""Accounts for the guard, kept between requests and checked against the log on each.

Resolving a principal used to load the account from the log on every request:
a thread hand-off, a query and the decoding of every event of the account (one
per token issued). Here each API process keeps the accounts it has loaded; before
one is used, one indexed query asks whether the log holds a newer event of it
(``originator_version > cached``, normally no rows, nothing to decode). So a
disabled account, a new password or a revoked token still takes effect on the
very next request, on every worker. An organisation's community never changes, so
it is remembered outright.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, TypeVar

from wushe.platform.commands._common import existing
from wushe.platform.domain.account import Account
from wushe.platform.domain.organisation import Organisation

if TYPE_CHECKING:
    from uuid import UUID

    from wushe.platform.application import WusheApplication

__all__ = ["AccountCache"]

K = TypeVar("K")
V = TypeVar("V")

MAX_ACCOUNTS = 10_000  # per process; the oldest entry goes first


class AccountCache:
    """Current accounts and organisations' communities of one app."""

    def __init__(self, app: WusheApplication, size: int = MAX_ACCOUNTS) -> None:
        self._app, self._size = app, size
        self._accounts: dict[UUID, Account] = {}
        self._communities: dict[UUID, UUID | None] = {}
        self._lock = threading.Lock()

    def account(self, account_id: UUID) -> Account | None:
        """The account as the log has it now, or None if there is none."""
        cached = self._accounts.get(account_id)
        if cached is not None and not self._app.recorder.select_events(
                account_id, gt=cached.version, limit=1):
            return cached
        account = existing(self._app, Account, account_id)
        if account is not None:
            self._keep(self._accounts, account_id, account)
        return account

    def organisation_community(self, organisation_id: UUID) -> UUID | None:
        """The community of an organisation (None if there is no such organisation)."""
        if organisation_id in self._communities:
            return self._communities[organisation_id]
        organisation = existing(self._app, Organisation, organisation_id)
        community = None if organisation is None else organisation.community_id
        if organisation is not None:  # one registered later must not be hidden
            self._keep(self._communities, organisation_id, community)
        return community

    def _keep(self, entries: dict[K, V], key: K, value: V) -> None:
        with self._lock:
            entries.pop(key, None)
            entries[key] = value
            while len(entries) > self._size:
                del entries[next(iter(entries))]
