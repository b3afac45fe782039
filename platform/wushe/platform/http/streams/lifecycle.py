"""The hub's life in the app: opened by the lifespan, its streams ended on SIGTERM.

uvicorn stops accepting, then waits for open responses to finish before it tells
the app to shut down (the lifespan); an event stream never finishes by itself, so
each would hold the shutdown for the whole graceful timeout (``wushe serve``: 20 s)
and then be cut without its ``closing`` notice. So the server's own handlers of
the exit signals are wrapped: the streams end first, then the server's handler
runs as before. uvicorn puts its original handlers back when it stops, which
removes this wrapper too; :meth:`Hub.close` does the same when the app stops under
another server.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from typing import TYPE_CHECKING

from wushe.platform.http.streams.hub import Hub

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType

    from wushe.platform.application import WusheApplication

__all__ = ["EXIT_SIGNALS", "end_streams_on_exit", "open_hub"]

EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def open_hub(application: WusheApplication) -> Hub:
    """The process's hub (its follower starts with the first stream); close it at the end."""
    hub = Hub(application)
    hub.on_close = end_streams_on_exit(hub)
    return hub


def end_streams_on_exit(hub: Hub) -> Callable[[], None]:
    """Wrap the exit signals' Python handlers (main thread only); return the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # a server in a thread (tests): signals go to the main thread
    loop = asyncio.get_running_loop()
    previous = {sig: signal.getsignal(sig) for sig in EXIT_SIGNALS}

    def handler(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is already closed: nothing to end
            loop.call_soon_threadsafe(hub.end_streams, "shutdown")
        chained = previous[signal.Signals(signum)]
        if callable(chained):
            chained(signum, frame)

    # Only a handler in Python is wrapped: the default action (terminate) stays as it is.
    wrapped = [sig for sig, before in previous.items() if callable(before)]
    for sig in wrapped:
        signal.signal(sig, handler)

    def undo() -> None:
        for sig in wrapped:
            if signal.getsignal(sig) is handler:
                signal.signal(sig, previous[sig])

    return undo
