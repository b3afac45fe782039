"""What a handler reaches through the app's state, opened once per process by the lifespan.

Blocking calls (commands, the event store, the API store) run in a worker thread
(:func:`blocking`), so one slow write never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.connection import ASGIConnection

    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.policy import Policy
    from wushe.platform.http.store import ApiStore
    from wushe.projections.read import ReadModel

__all__ = ["api_store", "application", "blocking", "policy", "read_model", "use_blocking_threads"]

P = ParamSpec("P")
R = TypeVar("R")


def application(connection: ASGIConnection[Any, Any, Any, Any]) -> WusheApplication:
    """The event log and its command path."""
    found: WusheApplication = connection.app.state.wushe
    return found


def read_model(connection: ASGIConnection[Any, Any, Any, Any]) -> ReadModel:
    """The views, read asynchronously."""
    found: ReadModel = connection.app.state.reads
    return found


def api_store(connection: ASGIConnection[Any, Any, Any, Any]) -> ApiStore:
    """Sessions, failed logins and idempotency keys."""
    found: ApiStore = connection.app.state.api_store
    return found


def policy(connection: ASGIConnection[Any, Any, Any, Any]) -> Policy:
    """The policy commands and queries run under."""
    found: Policy = connection.app.state.policy
    return found


# Threads for blocking calls per process. asyncio's default (cores + 4) queued a
# request's quick loads behind writes waiting for the event store's table lock.
BLOCKING_THREADS = 16


def use_blocking_threads() -> None:
    """Give the running loop's default executor :data:`BLOCKING_THREADS` threads."""
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(BLOCKING_THREADS, thread_name_prefix="wushe-blocking"))


async def blocking(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a blocking call in a worker thread."""
    return await asyncio.to_thread(functools.partial(function, *args, **kwargs))
