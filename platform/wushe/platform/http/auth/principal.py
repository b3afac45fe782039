"""Who is asking: the principal of a request, from its session cookie or bearer token.

A guard on the API router resolves the principal before the handler's body or
parameters are read, so an anonymous request is a 401 whatever else is wrong
with it. Handlers receive it as the ``principal`` dependency. The account is
checked against the log on every request (:mod:`.accounts_cache`), so a disabled
account or a revoked token stops working at once, on every worker.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeAlias
from uuid import UUID

import msgspec
from litestar import Request
from litestar.di import NamedDependency

from wushe.platform.commands.accounts import authenticate_token
from wushe.platform.domain.account import Account, Roles
from wushe.platform.http.api.problems import NotAuthenticatedError
from wushe.platform.http.auth.accounts_cache import AccountCache
from wushe.platform.http.auth.csrf import require_csrf
from wushe.platform.http.context import api_store, application, blocking
from wushe.platform.http.sweep import sweep_if_due

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from wushe.platform.application import WusheApplication
    from wushe.platform.http.store import ApiStore

__all__ = ["SESSION_COOKIE", "CurrentPrincipal", "Principal", "provide_principal",
           "require_principal", "session_digest"]

SESSION_COOKIE = "wushe_session"
PUBLIC = "public"  # a handler opt: no principal needed (login, logout)
_ACCOUNTS = "accounts"  # the app state's AccountCache


class Principal(msgspec.Struct, frozen=True):
    """An authenticated account and what it may do."""

    account_id: UUID
    login: str
    roles: Roles
    via: Literal["session", "token"]
    # The community of the organisation the account belongs to, if any.
    organisation_community: UUID | None = None


# How a handler asks for the principal (Litestar injects it by the parameter's name).
CurrentPrincipal: TypeAlias = NamedDependency[Principal]


def session_digest(cookie: str) -> str:
    """How a session cookie is stored: hex SHA-256 (the cookie itself is never kept)."""
    return hashlib.sha256(cookie.encode()).hexdigest()


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    scheme, _, credentials = connection.headers.get("authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


def _from_session(accounts: AccountCache, store: ApiStore, cookie: str) -> Account | None:
    account_id = store.session_account(session_digest(cookie), time.time())
    account = None if account_id is None else accounts.account(account_id)
    return None if account is None or account.disabled else account


def _principal(accounts: AccountCache, account: Account,
               via: Literal["session", "token"]) -> Principal:
    organisation_id = account.roles.organisation_id
    community = (None if organisation_id is None
                 else accounts.organisation_community(organisation_id))
    return Principal(account.id, account.login, account.roles, via, community)


def resolve(app: WusheApplication, store: ApiStore, bearer: str | None,
            cookie: str | None, accounts: AccountCache | None = None) -> Principal | None:
    """The principal of a bearer token (preferred) or a session cookie, or None."""
    accounts = AccountCache(app) if accounts is None else accounts
    if bearer is not None:
        account = authenticate_token(app, bearer, datetime.now(UTC), load=accounts.account)
        return None if account is None else _principal(accounts, account, "token")
    if cookie:
        account = _from_session(accounts, store, cookie)
        return None if account is None else _principal(accounts, account, "session")
    return None


def _accounts(connection: ASGIConnection[Any, Any, Any, Any]) -> AccountCache:
    state = connection.app.state
    cache: AccountCache | None = state.get(_ACCOUNTS)
    if cache is None:
        cache = state[_ACCOUNTS] = AccountCache(application(connection))
    return cache


async def require_principal(connection: ASGIConnection[Any, Any, Any, Any],
                            handler: BaseRouteHandler) -> None:
    """Guard: resolve the principal, or refuse the request with 401.

    A write signed in by the session cookie must also carry its CSRF token (403
    ``auth.csrf``, see :mod:`~wushe.platform.http.auth.csrf`). The API store's
    expiry sweep rides on the request path, once a minute per process.
    """
    await sweep_if_due(connection)
    if handler.opt.get(PUBLIC):
        return
    cookie = connection.cookies.get(SESSION_COOKIE)
    principal = await blocking(resolve, application(connection), api_store(connection),
                               _bearer(connection), cookie, _accounts(connection))
    if principal is None:
        raise NotAuthenticatedError(
            "auth.required", "请先登录", "sign in first (session cookie or bearer token)",
            headers={"WWW-Authenticate": 'Bearer realm="wushe"'})
    if principal.via == "session" and cookie:
        require_csrf(connection, cookie)
    connection.state.principal = principal


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The principal the guard resolved (dependency ``principal``)."""
    principal: Principal = request.state.principal
    return principal
