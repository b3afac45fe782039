"""CSRF protection for writes authenticated by the session cookie.

``SameSite=Lax`` keeps the cookie off most cross-site writes, but not off every
one (a same-site sub-domain, an older browser), so a state-changing request
(POST, PUT, PATCH, DELETE) signed in by the cookie must also carry
``X-CSRF-Token``: a value a page of ours can read and another site cannot.

The token is derived from the session cookie (SHA-256 of a fixed prefix and the
cookie), the pattern of a token "generated as a hash of the session cookie": it
is bound to the session, needs no table and no server secret shared by the
workers, and dies with the session. Login answers it in the body and in the
readable cookie ``wushe_csrf``; the check compares the header with the value
derived from the session cookie, never with that readable cookie, so a cookie
planted by another (sub-)domain proves nothing. Bearer tokens are exempt (a
browser never adds an ``Authorization`` header by itself), and so are the
public handlers, login and logout. Litestar's ``CSRFConfig`` does not fit: its
middleware checks every request, bearer ones included, and needs a secret.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from wushe.platform.http.api.problems import PermissionDeniedError

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

__all__ = ["CSRF_COOKIE", "CSRF_HEADER", "SAFE_METHODS", "csrf_token", "require_csrf"]

CSRF_COOKIE = "wushe_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PREFIX = b"wushe.csrf\x00"  # keeps the token apart from the session's stored digest


def csrf_token(session_cookie: str) -> str:
    """The CSRF token of a session (hex; not the digest the store keeps)."""
    return hashlib.sha256(_PREFIX + session_cookie.encode()).hexdigest()


def require_csrf(connection: ASGIConnection[Any, Any, Any, Any], session_cookie: str) -> None:
    """Refuse an unsafe request whose ``X-CSRF-Token`` is not the session's token.

    Raises:
        PermissionDeniedError: ``auth.csrf`` (403).
    """
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    given = connection.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(given.encode(), csrf_token(session_cookie).encode()):
        raise PermissionDeniedError(
            "auth.csrf", "缺少或错误的 X-CSRF-Token（登录时返回，也在 wushe_csrf Cookie 中）",
            "missing or wrong X-CSRF-Token (answered at sign-in, and in the wushe_csrf cookie)")
