"""The delivery worker: follow the log, enqueue deliveries, attempt what is due.

Where it runs: on SQLite inside ``wushe serve`` (a thread of the process that follows
the log, beside the live views: :func:`delivering`); on PostgreSQL as its own process,
``wushe webhooks run``, like ``wushe projections run`` (one or more: workers share the
position and claim deliveries, so a second one takes turns instead of doubling them).

Delivery is at least once: the position moves with the deliveries it enqueued, and a
delivery is marked delivered only after a 2xx answer, so a crash between the answer and
the record sends it again, with the same ``X-Wushe-Delivery`` id.
"""

from __future__ import annotations

import logging
import threading
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from wushe.platform.application import WusheApplication
from wushe.platform.webhooks.dispatcher import Dispatcher
from wushe.platform.webhooks.follower import Follower
from wushe.platform.webhooks.store import WebhookStore
from wushe.projections.catalog import PositionConflictError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from wushe.infra.settings import Settings

__all__ = ["RETRY_SECONDS", "deliver_until_stopped", "delivering", "run_deliveries"]

_log = logging.getLogger("wushe.webhooks")
# After an unexpected failure (the store unreachable, a full disk) the thread tries
# again after this pause rather than dying and leaving deliveries waiting.
RETRY_SECONDS = 5.0
_JOIN_SECONDS = 30.0


def _step(follower: Follower, dispatcher: Dispatcher) -> bool:
    """Enqueue a batch and attempt what is due; whether there was anything to do."""
    try:
        moved = follower.step()
    except PositionConflictError:  # another worker moved on: read again from there
        moved = True
    return dispatcher.step() > 0 or moved


def run_deliveries(settings: Settings, stop: threading.Event,
                   on_step: Callable[[], None] | None = None) -> None:
    """Deliver until ``stop`` is set (the attempts in flight finish first)."""
    with ExitStack() as stack:
        app = WusheApplication(settings)
        stack.callback(app.close)
        store = WebhookStore.open(settings)
        stack.callback(store.close)
        dispatcher = Dispatcher(app, store, settings.webhooks)
        stack.callback(dispatcher.close)
        follower = Follower(app, store, settings.webhooks.batch_size)
        while not stop.is_set():
            busy = _step(follower, dispatcher)
            if on_step is not None:
                on_step()
            if not busy:
                stop.wait(settings.webhooks.poll_seconds)


def deliver_until_stopped(settings: Settings, stop: threading.Event) -> None:
    """:func:`run_deliveries`, started again after a failure (logged) until ``stop`` is set."""
    while not stop.is_set():
        try:
            run_deliveries(settings, stop)
        # Logged with its traceback: a dead thread would leave deliveries waiting.
        except Exception:  # noqa: BLE001
            _log.exception("delivering webhooks failed; retrying in %.0f s", RETRY_SECONDS)
            stop.wait(RETRY_SECONDS)


@contextmanager
def delivering(settings: Settings) -> Iterator[threading.Event]:
    """Deliver webhooks in a background thread while the context is open."""
    stop = threading.Event()
    thread = threading.Thread(target=deliver_until_stopped, args=(settings, stop),
                              name="wushe-webhooks",
                              daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(_JOIN_SECONDS)
