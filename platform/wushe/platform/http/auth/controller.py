"""``/api/v1/auth``: sign in and out (session cookie), who am I, own password, bearer tokens.

Sessions are rows of the API store keyed by the SHA-256 of a random cookie value
(see docs/api.md for why this rather than a signed cookie): logging out deletes
the row, so a copied cookie stops working at once on every worker. Signing in
also answers the session's CSRF token (body and readable ``wushe_csrf`` cookie;
:mod:`~wushe.platform.http.auth.csrf`).
Tokens are not covered by ``Idempotency-Key``: a replay would have to keep the
secret, and only its digest may be kept.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from wushe.platform.commands.accounts import authenticate_password, issue_token, revoke_token
from wushe.platform.domain.account import Account, Roles, Token
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.problems import NotAuthenticatedError, problem_responses
from wushe.platform.http.api.schemas.auth import (
    LoginIn,
    PasswordChangeIn,
    PrincipalOut,
    RolesOut,
    TokenIn,
    TokenInfoOut,
    TokenOut,
)
from wushe.platform.http.auth.csrf import CSRF_COOKIE, csrf_token
from wushe.platform.http.auth.password import change_own_password
from wushe.platform.http.auth.principal import (
    PUBLIC,
    SESSION_COOKIE,
    CurrentPrincipal,
    Principal,
    session_digest,
)
from wushe.platform.http.auth.ratelimit import LoginLimiter
from wushe.platform.http.context import api_store, application, blocking

__all__ = ["AuthController"]

SESSION_SECONDS = 12 * 3600  # one working day; sign in again tomorrow


def roles_out(roles: Roles) -> RolesOut:
    """The wire form of an account's roles."""
    return RolesOut(roles.administrator, tuple(sorted(roles.coordinator_of, key=str)),
                    roles.organisation_id, roles.volunteer_id)


def token_info(token: Token) -> TokenInfoOut:
    """A token as listed: id, name and times, never the secret or its digest."""
    return TokenInfoOut(token.token_id, token.name, token.created_at, token.expires_at,
                        token.revoked_at)


def principal_out(principal: Principal) -> PrincipalOut:
    """The wire form of the principal."""
    return PrincipalOut(principal.account_id, principal.login, roles_out(principal.roles),
                        principal.via)


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client is not None else "unknown"


def _sign_in(request: Request[Any, Any, Any], data: LoginIn) -> tuple[Account, str]:
    limiter = LoginLimiter(api_store(request))
    limiter.check(data.login, _address(request))
    account = authenticate_password(application(request), login=data.login,
                                    password=data.password)
    if account is None:
        limiter.failed(data.login, _address(request))
        raise NotAuthenticatedError("auth.failed", "用户名或密码错误", "wrong name or password")
    limiter.succeeded(data.login)
    cookie = secrets.token_urlsafe(32)
    api_store(request).add_session(session_digest(cookie), account.id,
                                   time.time() + SESSION_SECONDS)
    return account, cookie


class AuthController(Controller):
    """Sign-in, sessions and bearer tokens."""

    path = "/api/v1/auth"
    tags = ["auth"]  # noqa: RUF012  (Litestar's class attribute)

    @post("/login", operation_id="login", opt={PUBLIC: True}, status_code=200,
          responses=problem_responses(429))  # rate-limited (the other problems: app.py)
    async def login(self, request: Request[Any, Any, Any],
                    data: JSONBody[LoginIn]) -> Response[PrincipalOut]:
        """Sign in with a login name and password; sets the session cookie."""
        account, cookie = await blocking(_sign_in, request, data)
        token = csrf_token(cookie)
        body = PrincipalOut(account.id, account.login, roles_out(account.roles), "session",
                            token)
        response = Response(body)
        secure = request.url.scheme == "https"
        response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_SECONDS, httponly=True,
                            samesite="lax", secure=secure, path="/")
        # Readable by our pages' scripts (that is its purpose); worthless without the session.
        response.set_cookie(CSRF_COOKIE, token, max_age=SESSION_SECONDS, httponly=False,
                            samesite="lax", secure=secure, path="/")
        return response

    @post("/logout", operation_id="logout", opt={PUBLIC: True}, status_code=HTTP_204_NO_CONTENT)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[None]:
        """End the session (a request without one is fine)."""
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            await blocking(api_store(request).end_session, session_digest(cookie), time.time())
        response = Response(None, status_code=HTTP_204_NO_CONTENT)
        response.delete_cookie(SESSION_COOKIE, path="/")
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response

    @get("/me", operation_id="getPrincipal")
    async def me(self, request: Request[Any, Any, Any],
                 principal: CurrentPrincipal) -> PrincipalOut:
        """Who is signed in, with which roles (and, in a session, its CSRF token)."""
        out = principal_out(principal)
        cookie = request.cookies.get(SESSION_COOKIE)
        if principal.via == "session" and cookie:
            out = msgspec.structs.replace(out, csrf_token=csrf_token(cookie))
        return out

    @put("/password", operation_id="changeOwnPassword", status_code=HTTP_204_NO_CONTENT)
    async def change_password(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                              data: JSONBody[PasswordChangeIn]) -> Response[None]:
        """Change one's own password (the current one is needed); other sessions end."""
        cookie = request.cookies.get(SESSION_COOKIE)
        session = session_digest(cookie) if principal.via == "session" and cookie else None
        recorded = await blocking(change_own_password, application(request), api_store(request),
                                  principal, data, address=_address(request), session=session,
                                  at=business_now(request))
        return Response(None, status_code=HTTP_204_NO_CONTENT,
                        headers={"X-Log-Position": str(recorded.position)})

    @get("/tokens", operation_id="listOwnTokens")
    async def list_tokens(self, request: Request[Any, Any, Any],
                          principal: CurrentPrincipal) -> list[TokenInfoOut]:
        """The signed-in account's tokens, newest first, revoked ones included (no secrets)."""
        account = await blocking(application(request).load, Account, principal.account_id)
        return [token_info(t) for t in reversed(account.tokens)]

    @post("/tokens", operation_id="createToken", status_code=HTTP_201_CREATED)
    async def create_token(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                           data: JSONBody[TokenIn]) -> TokenOut:
        """Create a bearer token for the signed-in account; the token is shown once."""
        issued = await blocking(issue_token, application(request),
                                account_id=principal.account_id, name=data.name,
                                at=datetime.now(UTC), expires_at=data.expires_at)
        token = issued.token
        return TokenOut(token.token_id, token.name, issued.secret, token.created_at,
                        token.expires_at)

    @delete("/tokens/{token_id:uuid}", operation_id="revokeToken",
            status_code=HTTP_204_NO_CONTENT)
    async def revoke(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     token_id: FromPath[UUID]) -> None:
        """Revoke one of the signed-in account's tokens."""
        app = application(request)
        account = await blocking(app.load, Account, principal.account_id)
        if all(t.token_id != token_id for t in account.tokens):
            raise NotFoundError("token.not_found", "找不到该令牌", "no such token")
        await blocking(revoke_token, app, account_id=principal.account_id, token_id=token_id,
                       at=datetime.now(UTC))
