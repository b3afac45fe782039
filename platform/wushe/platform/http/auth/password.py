"""Changing one's own password: the current one first, then the account's other sessions end.

A wrong current password is a 422 on ``current_password`` and counts as a failed
sign-in of the login name and the client address (the rate limit of
:mod:`~wushe.platform.http.auth.ratelimit`), so a stolen session cannot be
used to guess the password. The session the change is made in stays signed in;
bearer tokens are untouched (revoke them one by one, or have the account
disabled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.platform.commands.accounts import (
    authenticate_password,
    change_password,
    require_password,
)
from wushe.platform.domain.errors import ValidationError
from wushe.platform.http.auth.ratelimit import LoginLimiter

if TYPE_CHECKING:
    from datetime import datetime

    from wushe.platform.application import Recorded, WusheApplication
    from wushe.platform.http.api.schemas.auth import PasswordChangeIn
    from wushe.platform.http.auth.principal import Principal
    from wushe.platform.http.store import ApiStore

__all__ = ["change_own_password"]


def change_own_password(app: WusheApplication, store: ApiStore, principal: Principal,
                        data: PasswordChangeIn, *, address: str, session: str | None,
                        at: datetime) -> Recorded:
    """Check the current password, set the new one, end every other session (blocking).

    ``session``: the digest of the session the request came in (kept), if any.

    Raises:
        ValidationError: ``account.weak_password`` on ``new_password``,
            ``auth.wrong_password`` on ``current_password`` (422).
        RateLimitedError: too many failures (429).
    """
    require_password(data.new_password, "new_password")
    limiter = LoginLimiter(store)
    limiter.check(principal.login, address)
    if authenticate_password(app, login=principal.login, password=data.current_password) is None:
        limiter.failed(principal.login, address)
        raise ValidationError("auth.wrong_password", "当前密码不正确",
                              "the current password is wrong", field="current_password")
    limiter.succeeded(principal.login)
    recorded = change_password(app, account_id=principal.account_id,
                               password=data.new_password, at=at)
    store.end_sessions(principal.account_id, keep=session)
    return recorded
