"""``/api/v1/accounts``: account administration, for administrators only.

Follows :mod:`wushe.platform.http.api.communities`, with one difference: the
whole controller is an administrator's (a guard answers 403 to anyone else
before the body or the target is read, so nothing about any account is
revealed). Coordinators do not administer accounts, not even their volunteers':
setting or resetting a password would let them sign in as the volunteer and
answer offers, which the volunteer alone may do. An administrator neither
disables nor demotes themself (409 ``account.self_lockout``: the last one could
lock everyone out) nor resets their own password here (409
``account.own_password``: ``PUT /api/v1/auth/password`` asks for the current
one). Disabling ends the account's sessions (its tokens stop working with the
account itself); a reset password ends them too. Creation honours
``Idempotency-Key``; the password reset does not (its body, a password, is not
to be kept even as a hash: ``If-Match`` makes a retry safe).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import accounts as commands
from wushe.platform.domain.account import Account
from wushe.platform.http.api.accounts_list import AccountFilters, AccountRole, accounts_page
from wushe.platform.http.api.accounts_out import (
    account_out,
    check_references,
    not_on_oneself,
    roles_in,
)
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.problems import PermissionDeniedError
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response
from wushe.platform.http.api.schemas.accounts import (
    AccountIn,
    AccountOut,
    AccountsPage,
    PasswordResetIn,
    RolesIn,
)
from wushe.platform.http.api.writes import Written, expected_version, idempotent, written
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import api_store, application, blocking

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from wushe.platform.application import Recorded, WusheApplication

__all__ = ["AccountsController", "require_administrator"]


async def require_administrator(connection: ASGIConnection[Any, Any, Any, Any],
                                _: BaseRouteHandler) -> None:
    """Guard (after the principal's): administrators only, else 403."""
    principal: Principal = connection.state.principal
    if not principal.roles.administrator:
        raise PermissionDeniedError("auth.forbidden", "只有管理员可以管理账号",
                                    "only an administrator administers accounts")


def _register(app: WusheApplication, data: AccountIn, at: Any) -> Recorded:  # noqa: ANN401
    commands.require_password(data.password)
    roles = roles_in(data.roles)
    check_references(app, roles)
    return commands.register_account(app, login=data.login, password=data.password,
                                     roles=roles, at=at)


async def _changed(request: Request[Any, Any, Any], account_id: UUID,
                   command: Callable[[WusheApplication, int], Recorded], *,
                   end_sessions: bool = False) -> Written:
    """If-Match, the account (404), ``command(app, expected)``; the account as written."""
    expected = expected_version(request)
    app = application(request)
    await blocking(app.load, Account, account_id)
    recorded = await blocking(command, app, expected)
    if end_sessions:
        await blocking(api_store(request).end_sessions, account_id)
    account = await blocking(app.load, Account, account_id)
    return Written(200, account_out(account), recorded)


class AccountsController(Controller):
    """Accounts: list, read, create, roles, disable and enable, password reset."""

    path = "/api/v1/accounts"
    tags = ["accounts"]  # noqa: RUF012  (Litestar's class attribute)
    guards = [require_administrator]  # noqa: RUF012

    @get("/", operation_id="listAccounts")
    async def list_accounts(
        self, request: Request[Any, Any, Any], *, role: FromQuery[AccountRole | None] = None,
        disabled: FromQuery[bool | None] = None, limit: PageLimit = 50,
        cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,  # noqa: ARG002
    ) -> Response[AccountsPage]:
        """Accounts in registration order, by role and enabled or disabled (from the log)."""
        app = application(request)
        page = await blocking(accounts_page, app, AccountFilters(role, disabled), limit, cursor)
        return read_response(page, await blocking(app.log_position))

    @get("/{account_id:uuid}", operation_id="getAccount")
    async def get_account(
        self, request: Request[Any, Any, Any], account_id: FromPath[UUID],
        wait_for: WaitFor = None,  # noqa: ARG002  (the log is always current)
    ) -> Response[AccountOut]:
        """One account with its tokens (never a secret); the ETag is its version."""
        app = application(request)
        account = await blocking(app.load, Account, account_id)
        return read_response(account_out(account), await blocking(app.log_position),
                             account.version)

    @post("/", operation_id="createAccount", status_code=201)
    async def create_account(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                             data: JSONBody[AccountIn]) -> Response[AccountOut]:
        """Create an account with an initial password; honours ``Idempotency-Key``."""
        async def run(_: str | None) -> Written:
            app = application(request)
            recorded = await blocking(_register, app, data, business_now(request))
            account = await blocking(app.load, Account, recorded.id)
            return Written(201, account_out(account), recorded)

        without_password = msgspec.json.encode(msgspec.structs.replace(data, password=""))
        return await idempotent(request, principal, run, fingerprint=without_password)

    @put("/{account_id:uuid}/roles", operation_id="setAccountRoles")
    async def set_roles(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        account_id: FromPath[UUID],
                        data: JSONBody[RolesIn]) -> Response[AccountOut]:
        """Replace the account's roles; needs ``If-Match``."""
        roles, at = roles_in(data), business_now(request)
        if not roles.administrator:
            not_on_oneself(account_id, principal.account_id, "account.self_lockout",
                           "不能撤销自己的管理员角色",
                           "you cannot remove your own administrator role")

        def command(app: WusheApplication, expected: int) -> Recorded:
            check_references(app, roles)
            return commands.set_roles(app, account_id=account_id, roles=roles, at=at,
                                      expected_version=expected)

        return written(await _changed(request, account_id, command))

    @post("/{account_id:uuid}/disable", operation_id="disableAccount", status_code=200)
    async def disable(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      account_id: FromPath[UUID]) -> Response[AccountOut]:
        """Disable the account: its sessions end and its tokens stop working; ``If-Match``."""
        not_on_oneself(account_id, principal.account_id, "account.self_lockout",
                       "不能停用自己的账号", "you cannot disable your own account")
        at = business_now(request)

        async def run(_: str | None) -> Written:
            return await _changed(request, account_id, lambda app, expected: (
                commands.disable_account(app, account_id=account_id, at=at,
                                         expected_version=expected)), end_sessions=True)

        return await idempotent(request, principal, run)

    @post("/{account_id:uuid}/enable", operation_id="enableAccount", status_code=200)
    async def enable(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     account_id: FromPath[UUID]) -> Response[AccountOut]:
        """Let a disabled account sign in again; needs ``If-Match``."""
        at = business_now(request)

        async def run(_: str | None) -> Written:
            return await _changed(request, account_id, lambda app, expected: (
                commands.enable_account(app, account_id=account_id, at=at,
                                        expected_version=expected)))

        return await idempotent(request, principal, run)

    @post("/{account_id:uuid}/password", operation_id="resetAccountPassword", status_code=200)
    async def reset_password(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                             account_id: FromPath[UUID],
                             data: JSONBody[PasswordResetIn]) -> Response[AccountOut]:
        """Set a new password (ends the account's sessions); needs ``If-Match``."""
        not_on_oneself(account_id, principal.account_id, "account.own_password",
                       "请用 PUT /api/v1/auth/password 修改自己的密码",
                       "change your own password with PUT /api/v1/auth/password")
        commands.require_password(data.password)
        at = business_now(request)
        return written(await _changed(request, account_id, lambda app, expected: (
            commands.change_password(app, account_id=account_id, password=data.password,
                                     at=at, expected_version=expected)), end_sessions=True))
