"""How webhooks are delivered: timeouts, retries and which addresses may be called.

Read once from ``WUSHE_WEBHOOKS_*`` variables (:meth:`WebhookSettings.from_env`) as part
of :class:`~wushe.infra.settings.Settings`:

- ``WUSHE_WEBHOOKS_ALLOW_PRIVATE``: ``1`` lets subscriptions call loopback, private,
  link-local and other non-public addresses (off by default: a subscription must not
  be a way to reach the server's own network).
- ``WUSHE_WEBHOOKS_MAX_ATTEMPTS``: attempts per delivery before it is ``failed``.
- ``WUSHE_WEBHOOKS_BACKOFF_SECONDS`` / ``WUSHE_WEBHOOKS_BACKOFF_CAP_SECONDS``: the
  first retry's delay (doubling per attempt) and its ceiling.
- ``WUSHE_WEBHOOKS_TIMEOUT_SECONDS``: how long one attempt may take.
- ``WUSHE_WEBHOOKS_POLL_SECONDS``: how often the delivery worker looks for work.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["WebhookSettings"]

_PREFIX = "WUSHE_WEBHOOKS_"


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """Delivery timing and the address policy of outgoing webhook calls."""

    allow_private_addresses: bool = False
    max_attempts: int = 8
    backoff_seconds: float = 1.0  # the delay before the 2nd attempt; doubles each time
    backoff_cap_seconds: float = 3600.0
    jitter: float = 0.25  # each delay is shortened by up to this fraction, at random
    timeout_seconds: float = 5.0
    poll_seconds: float = 0.5
    concurrency: int = 4  # attempts in flight at once per worker
    batch_size: int = 500  # log events read per step

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.concurrency < 1 or self.batch_size < 1:
            raise ValueError("max attempts, concurrency and batch size must be at least 1")
        if min(self.backoff_seconds, self.backoff_cap_seconds, self.timeout_seconds,
               self.poll_seconds) <= 0 or not 0 <= self.jitter < 1:
            raise ValueError("delays and timeouts must be positive, jitter in [0, 1)")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebhookSettings:
        """The settings from ``WUSHE_WEBHOOKS_*`` (default: the process environment).

        Raises:
            ValueError: a variable is not a number, or out of range.
        """
        env = os.environ if environ is None else environ

        def number(name: str, default: float) -> float:
            text = env.get(_PREFIX + name, "").strip()
            return float(text) if text else default

        defaults = cls()
        return cls(
            allow_private_addresses=env.get(_PREFIX + "ALLOW_PRIVATE", "").strip() == "1",
            max_attempts=int(number("MAX_ATTEMPTS", defaults.max_attempts)),
            backoff_seconds=number("BACKOFF_SECONDS", defaults.backoff_seconds),
            backoff_cap_seconds=number("BACKOFF_CAP_SECONDS", defaults.backoff_cap_seconds),
            timeout_seconds=number("TIMEOUT_SECONDS", defaults.timeout_seconds),
            poll_seconds=number("POLL_SECONDS", defaults.poll_seconds),
        )
