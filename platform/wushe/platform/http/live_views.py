"""Keeping the views live, and re-planning, inside ``wushe serve`` on SQLite.

On SQLite there is no separate worker to run, so the server follows the log itself
in a background thread (the same loop as ``wushe projections run``), and re-plans a
week after a decline or no-show in another (the loop of ``wushe match --follow``;
the solves themselves run in a worker process). On PostgreSQL
the views are kept by the projection worker process (``wushe projections run``),
which restarts on its own and does not compete with the API workers for a core, and
``wushe match --follow`` re-plans.
"""

from __future__ import annotations

import logging
import threading
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from wushe.platform.application import WusheApplication
from wushe.platform.domain.policy import Policy
from wushe.platform.staffing.replanner import run_replanner
from wushe.platform.staffing.service import StaffingService
from wushe.platform.webhooks.worker import delivering
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.worker import run_worker

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from wushe.infra.settings import Settings

__all__ = ["followers", "live_views", "replanning"]

_log = logging.getLogger("wushe.views")
# After an unexpected failure (a locked or full disk, a bad deployment) the thread
# retries after this pause instead of dying and leaving the views stale.
RETRY_SECONDS = 5.0
_JOIN_SECONDS = 30.0


@contextmanager
def followers(settings: Settings) -> Iterator[None]:
    """The live views, the re-planner and the webhook deliveries while the context is open."""
    with ExitStack() as stack:
        stack.enter_context(live_views(settings))
        stack.enter_context(replanning(settings))
        stack.enter_context(delivering(settings))  # webhooks (webhooks/worker.py)
        yield


@contextmanager
def live_views(settings: Settings) -> Iterator[threading.Event]:
    """Follow the log in a background thread while the context is open.

    Yields the thread's stop event; leaving the context sets it and lets the
    batch in hand commit before returning.
    """
    with _background("wushe-live-views", _follow, settings) as stop:
        yield stop


@contextmanager
def replanning(settings: Settings) -> Iterator[threading.Event]:
    """Re-plan due weeks in a background thread while the context is open."""
    with _background("wushe-replanner", _replan, settings) as stop:
        yield stop


@contextmanager
def _background(name: str, target: Callable[[Settings, threading.Event], None],
                settings: Settings) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=target, args=(settings, stop), name=name, daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(_JOIN_SECONDS)


def _follow(settings: Settings, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            _follow_once(settings, stop)
        # Logged with its traceback: a dead thread would leave the views stale.
        except Exception:  # noqa: BLE001
            _log.exception("keeping the views live failed; retrying in %.0f s", RETRY_SECONDS)
            stop.wait(RETRY_SECONDS)


def _replan(settings: Settings, stop: threading.Event) -> None:
    application = WusheApplication(settings)
    store = ViewStore.open(settings)
    service = StaffingService(application, store, Policy())
    try:
        run_replanner(service, stop)
    finally:
        service.close()
        store.close()
        application.close()


def _follow_once(settings: Settings, stop: threading.Event) -> None:
    # Its own application and connections: SQLite connections belong to their thread.
    application = WusheApplication(settings)
    store = ViewStore.open(settings)
    try:
        run_worker(Projections(application, store), stop=stop)
    finally:
        store.close()
        application.close()
