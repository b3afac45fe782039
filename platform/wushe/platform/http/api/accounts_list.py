"""The accounts list, read from the log: accounts in the order they were registered.

No view keeps accounts: they are few (staff, organisations' members, volunteers
who sign in: thousands at most) and read only by administrators, so the list
walks the log's ``wushe.account.registered`` events (the store selects them by
topic) after the cursor's position, loads each account and keeps those the
filters match, until a page is full. The cursor is the log position of the
page's last registration, bound to the filters. Being the log, the list is
always current (``?wait_for=`` has nothing to wait for). Should accounts grow
to tens of thousands, an ``accounts`` view would replace the walk.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from wushe.platform.domain.account import Account
from wushe.platform.domain.errors import ValidationError
from wushe.platform.http.api.accounts_out import account_summary
from wushe.platform.http.api.reads import decode_cursor, encode_cursor
from wushe.platform.http.api.schemas.accounts import AccountsPage

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.account import Roles

__all__ = ["REGISTERED", "AccountFilters", "AccountRole", "accounts_page"]

REGISTERED = "wushe.account.registered"
_BATCH = 200  # registrations read from the log at a time


class AccountRole(StrEnum):
    """A role to filter the list by."""

    ADMINISTRATOR = "administrator"
    COORDINATOR = "coordinator"
    ORGANISATION = "organisation"
    VOLUNTEER = "volunteer"


def holds(roles: Roles, role: AccountRole) -> bool:
    """Whether ``roles`` include ``role`` (in any scope)."""
    return {AccountRole.ADMINISTRATOR: roles.administrator,
            AccountRole.COORDINATOR: bool(roles.coordinator_of),
            AccountRole.ORGANISATION: roles.organisation_id is not None,
            AccountRole.VOLUNTEER: roles.volunteer_id is not None}[role]


class AccountFilters(msgspec.Struct, frozen=True):
    """What the list keeps: a role, enabled or disabled (None: any)."""

    role: AccountRole | None = None
    disabled: bool | None = None

    def match(self, account: Account) -> bool:
        """Whether the account passes the filters."""
        return ((self.role is None or holds(account.roles, self.role))
                and (self.disabled is None or account.disabled == self.disabled))


def _registrations(app: WusheApplication, after: int) -> Iterator[tuple[int, UUID]]:
    """(log position, account id) of every registration after ``after``, in log order."""
    while True:
        found = app.recorder.select_notifications(start=after + 1, limit=_BATCH,
                                                  topics=[REGISTERED])
        if not found:
            return
        for notification in found:
            yield notification.id, UUID(str(notification.originator_id))
        after = found[-1].id


def _after(scope: object, cursor: str | None) -> int:
    if cursor is None:
        return 0
    (position,) = decode_cursor(scope, cursor, 1)
    if not position.isdecimal():  # a well-formed cursor we never made
        raise ValidationError("query.bad_cursor", "分页游标无效，请从第一页重新查询",
                              "invalid cursor; start again from the first page", field="cursor")
    return int(position)


def accounts_page(app: WusheApplication, filters: AccountFilters, limit: int,
                  cursor: str | None) -> AccountsPage:
    """One page of the accounts the filters keep, in registration order (blocking).

    Raises:
        ValidationError: ``query.bad_cursor`` for a cursor of another list or filters.
    """
    scope = ("accounts", filters.role, filters.disabled)
    picked: list[tuple[int, Account]] = []
    for position, account_id in _registrations(app, _after(scope, cursor)):
        account = app.load(Account, account_id)
        if filters.match(account):
            picked.append((position, account))
            if len(picked) > limit:
                break
    page = picked[:limit]
    more = len(picked) > limit
    next_cursor = encode_cursor(scope, (str(page[-1][0]),)) if more else None
    return AccountsPage(tuple(account_summary(a) for _, a in page), next_cursor)
