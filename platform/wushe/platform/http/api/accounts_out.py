"""Accounts on the wire, roles from the wire, and the checks account administration adds.

The :class:`~wushe.platform.domain.account.Account` aggregate cannot see other
aggregates, so the ids in a role (communities, organisation, volunteer) are
checked here before the command: an id that names nothing is a 422 on its
field, and nothing is appended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from wushe.platform.commands._common import existing
from wushe.platform.domain.account import MAX_COORDINATED, Account, Roles
from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import DomainRuleError, ValidationError
from wushe.platform.domain.organisation import Organisation
from wushe.platform.domain.rules import require
from wushe.platform.domain.volunteer import Volunteer
from wushe.platform.http.api.schemas.accounts import AccountOut, AccountSummary, RolesIn
from wushe.platform.http.auth.controller import roles_out, token_info

if TYPE_CHECKING:
    from eventsourcing.domain import Aggregate

    from wushe.platform.application import WusheApplication

__all__ = ["account_out", "account_summary", "check_references", "not_on_oneself", "roles_in"]


def account_out(account: Account) -> AccountOut:
    """One account in full (its tokens without secrets); ``version`` is its ETag."""
    tokens = tuple(token_info(t) for t in reversed(account.tokens))  # newest first
    return AccountOut(account.id, account.login, roles_out(account.roles), account.disabled,
                      account.registered_at, tokens, account.version)


def account_summary(account: Account) -> AccountSummary:
    """A row of the accounts list."""
    return AccountSummary(account.id, account.login, roles_out(account.roles), account.disabled,
                          account.registered_at)


def roles_in(data: RolesIn) -> Roles:
    """The domain's roles from the wire."""
    return Roles(administrator=data.administrator, coordinator_of=frozenset(data.coordinator_of),
                 organisation_id=data.organisation_id, volunteer_id=data.volunteer_id)


def _require_exists(app: WusheApplication, kind: type[Aggregate], ids: tuple[UUID, ...],
                    field: str) -> None:
    for aggregate_id in ids:
        if existing(app, kind, aggregate_id) is None:
            raise ValidationError("reference.unknown", f"{field} 所指对象不存在：{aggregate_id}",
                                  f"{field} names nothing: {aggregate_id}", field=field)


def check_references(app: WusheApplication, roles: Roles) -> None:
    """Refuse roles naming a community, organisation or volunteer that does not exist.

    Raises:
        ValidationError: ``reference.unknown`` on ``roles.coordinator_of``,
            ``roles.organisation_id`` or ``roles.volunteer_id``; ``input.too_many`` (422).
    """
    # Bounded before anything is loaded (the aggregate checks it again).
    require(len(roles.coordinator_of) <= MAX_COORDINATED, "input.too_many",
            f"协调的社区最多 {MAX_COORDINATED} 个",
            f"at most {MAX_COORDINATED} coordinated communities", field="roles.coordinator_of")
    _require_exists(app, Community, tuple(sorted(roles.coordinator_of, key=str)),
                    "roles.coordinator_of")
    organisation, volunteer = roles.organisation_id, roles.volunteer_id
    _require_exists(app, Organisation, () if organisation is None else (organisation,),
                    "roles.organisation_id")
    _require_exists(app, Volunteer, () if volunteer is None else (volunteer,),
                    "roles.volunteer_id")


def not_on_oneself(account_id: UUID, own_id: UUID, code: str, zh: str, en: str) -> None:
    """Refuse an administrator's action on their own account (409 ``code``).

    An administrator neither disables nor demotes themself (so the last one cannot
    lock everyone out) nor resets their own password without the current one.
    """
    if account_id == own_id:
        raise DomainRuleError(code, zh, en)
