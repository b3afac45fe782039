"""Failed logins, counted per login name and per client address in the API store.

A sliding window: after ``LIMIT`` failures within ``WINDOW_SECONDS`` for either
the name or the address, further attempts are refused with 429 and a
``Retry-After`` of when the oldest counted failure leaves the window. Counting
in the store (not in memory) makes the limit hold across API workers. The
address is the peer's: behind a reverse proxy, give the proxy the limit too.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from wushe.platform.http.api.problems import RateLimitedError

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.platform.http.store import ApiStore

__all__ = ["LIMIT", "WINDOW_SECONDS", "LoginLimiter"]

LIMIT = 5
WINDOW_SECONDS = 15 * 60
_MAX_SCOPE = 100  # a login name is at most 64 characters; anything longer is cut


class LoginLimiter:
    """Checks and records failed logins (blocking: call from a worker thread)."""

    def __init__(self, store: ApiStore, clock: Callable[[], float] = time.time) -> None:
        self._store, self._clock = store, clock

    @staticmethod
    def scopes(login: str, address: str) -> tuple[str, str]:
        """The two counters a login attempt touches."""
        return (f"login:{login.strip().casefold()}"[:_MAX_SCOPE],
                f"address:{address}"[:_MAX_SCOPE])

    def check(self, login: str, address: str) -> None:
        """Refuse the attempt if either counter is full.

        Raises:
            RateLimitedError: too many failures; ``Retry-After`` is set.
        """
        now = self._clock()
        waits = [self._wait(scope, now) for scope in self.scopes(login, address)]
        if max(waits) > 0:
            raise RateLimitedError(
                "auth.rate_limited", "登录失败次数过多，请稍后再试",
                "too many failed sign-ins; try again later",
                headers={"Retry-After": str(max(waits))})

    def _wait(self, scope: str, now: float) -> int:
        failures = self._store.failures(scope, now - WINDOW_SECONDS)
        if len(failures) < LIMIT:
            return 0
        return max(1, math.ceil(failures[-LIMIT] + WINDOW_SECONDS - now))

    def failed(self, login: str, address: str) -> None:
        """Count a failed attempt against both counters."""
        now = self._clock()
        self._store.add_failure(self.scopes(login, address), now, now - WINDOW_SECONDS)

    def succeeded(self, login: str) -> None:
        """Reset the login name's counter (the address keeps its count)."""
        self._store.clear_failures(self.scopes(login, "")[0])
