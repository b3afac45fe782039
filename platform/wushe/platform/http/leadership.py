"""One process of a data directory runs the log's followers: the one holding its lock.

``wushe serve --workers N`` starts N copies of the app. On SQLite the views and the
re-planner follow the log inside the server, and one copy of them is enough (more
would only take turns). Each worker asks for an exclusive ``flock`` on a file in the
data directory; the one that gets it runs the followers, the others try again every
:data:`RETRY_SECONDS`. The kernel drops the lock when its holder exits, however it
exits (a crash, ``SIGKILL``), so another worker takes over within that pause.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path

__all__ = ["LOCK_FILE", "RETRY_SECONDS", "lead"]

LOCK_FILE = "followers.lock"
RETRY_SECONDS = 1.0
_JOIN_SECONDS = 60.0  # the followers themselves wait up to 30 s each for a batch in hand

_log = logging.getLogger("wushe.views")


@contextmanager
def lead(directory: Path, run: Callable[[], AbstractContextManager[object]]) -> Iterator[
        threading.Event]:
    """Keep ``run()`` open while this process holds ``directory``'s lock.

    Yields an event that is set while this process leads. Leaving the context
    closes what ``run()`` opened, then gives the lock up.
    """
    directory.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    leading, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=_stand_by, args=(descriptor, run, leading, stop),
                              name="wushe-leadership", daemon=True)
    try:
        thread.start()
        yield leading
    finally:
        stop.set()
        thread.join(_JOIN_SECONDS)
        os.close(descriptor)  # releases the lock


def _stand_by(descriptor: int, run: Callable[[], AbstractContextManager[object]],
              leading: threading.Event, stop: threading.Event) -> None:
    pause = 0.0  # the first attempt at once, so a single worker leads from its start
    while not stop.wait(pause):
        pause = RETRY_SECONDS
        if _locked(descriptor):
            _follow(descriptor, run, leading, stop)


def _follow(descriptor: int, run: Callable[[], AbstractContextManager[object]],
            leading: threading.Event, stop: threading.Event) -> None:
    _log.info("process %d follows the log (views, re-planning)", os.getpid())
    try:
        with run():
            leading.set()
            stop.wait()
    # Logged and given up, so that another worker (or this one, later) can lead.
    except Exception:  # noqa: BLE001
        _log.exception("following the log failed; giving the lead up")
    finally:
        leading.clear()
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def _locked(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
