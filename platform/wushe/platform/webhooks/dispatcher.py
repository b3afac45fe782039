"""Attempting the deliveries that are due, and deciding when to try again.

A worker claims a due delivery for a while (a lease) before attempting it, so two
workers never attempt the same one at once; a worker that dies mid-attempt leaves a
lease that runs out, and the delivery is attempted again: at least once, never lost.
A failed attempt is retried after a delay that doubles each time (capped), shortened by
a random fraction (jitter: many deliveries failing at once do not come back at once);
after ``max_attempts`` in a series the delivery is ``failed``. Deliveries of disabled
subscriptions are cancelled.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from uuid import UUID

import httpx

from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.webhook import WebhookStatus, WebhookSubscription
from wushe.platform.webhooks.rows import AttemptRow, DeliveryRow, DeliveryStatus
from wushe.platform.webhooks.sender import USER_AGENT, Outcome, attempt

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.infra.webhook_settings import WebhookSettings
    from wushe.platform.application import WusheApplication
    from wushe.platform.webhooks.store import WebhookStore

__all__ = ["Dispatcher", "backoff"]

_LEASE_MARGIN_SECONDS = 30.0
_CLAIMS_PER_SLOT = 4  # deliveries claimed per step, per attempt in flight


def backoff(settings: WebhookSettings, failures: int, draw: float) -> float:
    """The delay after the ``failures``-th failed attempt of a series (``draw`` in [0, 1))."""
    nominal = settings.backoff_seconds * 2.0 ** min(failures - 1, 60)
    return min(settings.backoff_cap_seconds, nominal) * (1 - settings.jitter * draw)


class Dispatcher:
    """Attempts due deliveries, a few at a time, and records every attempt."""

    def __init__(self, app: WusheApplication, store: WebhookStore, settings: WebhookSettings,
                 clock: Callable[[], float] = time.time) -> None:
        self._app, self._store, self._settings, self._clock = app, store, settings, clock
        self._client = httpx.Client(timeout=settings.timeout_seconds, follow_redirects=False,
                                    trust_env=False, headers={"User-Agent": USER_AGENT})
        self._pool = ThreadPoolExecutor(settings.concurrency, thread_name_prefix="wushe-webhook")
        self._targets: dict[str, tuple[str, str]] = {}  # subscription → (url, secret)
        self._random = random.Random()  # noqa: S311  (jitter, not a secret)

    def close(self) -> None:
        """Wait for attempts in flight, then close the connections."""
        self._pool.shutdown(wait=True)
        self._client.close()

    def step(self) -> int:
        """Attempt what is due now; how many attempts were made."""
        now = self._clock()
        self._store.cancel_disabled(now)
        until = now + self._settings.timeout_seconds * 2 + _LEASE_MARGIN_SECONDS
        due = [d for d in self._store.due(now, self._settings.concurrency * _CLAIMS_PER_SLOT)
               if self._store.claim(d.id, now, until)]
        work = []
        for delivery in due:
            target = self._target(delivery.subscription_id)
            if target is None:
                self._store.cancel(delivery.id, now)
            else:
                work.append((delivery, target))
        outcomes = self._pool.map(lambda item: self._attempt(*item), work)
        for (delivery, _), outcome in zip(work, outcomes, strict=True):
            self._record(delivery, outcome)
        return len(work)

    def _attempt(self, delivery: DeliveryRow, target: tuple[str, str]) -> Outcome:
        url, secret = target
        return attempt(self._client, url, delivery, secret,
                       allow_private=self._settings.allow_private_addresses)

    def _target(self, subscription_id: str) -> tuple[str, str] | None:
        """The URL and secret of an active subscription (None: disabled or gone)."""
        known = self._targets.get(subscription_id)
        if known is not None:
            return known
        try:
            subscription = self._app.load(WebhookSubscription, UUID(subscription_id))
        except NotFoundError:
            return None
        if subscription.status is not WebhookStatus.ACTIVE or subscription.secret is None:
            return None
        found = self._targets[subscription_id] = (subscription.url, subscription.secret)
        return found

    def _record(self, delivery: DeliveryRow, outcome: Outcome) -> None:
        number = delivery.attempts + 1
        failures = number - delivery.series_start
        done = self._clock()
        if outcome.delivered:
            status, next_at, finished = DeliveryStatus.DELIVERED, None, done
        elif failures >= self._settings.max_attempts:
            status, next_at, finished = DeliveryStatus.FAILED, None, done
        else:
            delay = backoff(self._settings, failures, self._random.random())
            status, next_at, finished = DeliveryStatus.PENDING, done + delay, None
        self._store.record(AttemptRow(delivery.id, number, outcome.at, outcome.duration_ms,
                                      outcome.status_code, outcome.error, next_at),
                           status, finished)
