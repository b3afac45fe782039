"""One follower of the log per process, fanning its events out to the open streams.

The follower starts with the first subscription: it reads the log from where it
stood then, decoding each event once (:class:`~.feed.Feed`), and puts each event
into the bounded queue of every subscription of its stream. A subscription too
slow to keep up (its queue full) is dropped rather than allowed to hold up the
others or grow without bound: its queue is emptied and ends with a ``closing``
notice, so its client reconnects with ``Last-Event-ID`` and replays the rest from
the log. Everything but the reads runs on the event loop, so a subscription
starts exactly where the follower stands (:attr:`Subscription.live_from`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

import msgspec

from wushe.platform.http.streams.feed import TOPICS, Feed, Item, Key
from wushe.platform.http.streams.waker import open_waker

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from wushe.platform.application import WusheApplication
    from wushe.platform.http.api.schemas.live import LiveEvent

__all__ = ["Closing", "Hub", "LiveOptions", "Subscription"]

_log = logging.getLogger("wushe.live")
_RETRY_SECONDS = 5.0  # after a failed read (the store away), the follower tries again


class LiveOptions(msgspec.Struct, frozen=True, kw_only=True):
    """How the streams of one process behave (the defaults suit production)."""

    poll_seconds: float | None = None  # None: 0.1 s on SQLite, 1 s beside LISTEN
    min_step_seconds: float = 0.02  # between two reads: coalesces bursts of NOTIFYs
    batch_size: int = 1000  # events per read
    queue_size: int = 1000  # undelivered events a subscription may hold before it is dropped
    replay_limit: int = 5000  # events of the stream's kind a resumption may replay
    keepalive_seconds: float = 15.0  # a comment when nothing else was sent (proxies, dead peers)
    # Then the stream ends and the client reconnects, so it is authorised again
    # (a revoked token or a lost role stops receiving within this time).
    max_stream_seconds: float = 900.0
    retry_ms: int = 3000  # how long a client waits before reconnecting


class Closing(msgspec.Struct, frozen=True):
    """The last item of a subscription: why its stream ends."""

    reason: str  # "overflow", "shutdown" or "reconnect"


class Subscription:
    """One open stream's queue, live from the follower's position when it subscribed."""

    def __init__(self, key: Key, live_from: int, size: int) -> None:
        self.key, self.live_from = key, live_from
        self.queue: asyncio.Queue[LiveEvent | Closing] = asyncio.Queue(size)
        self.ended = False

    def end(self, reason: str) -> None:
        """Drop what is undelivered and queue the closing notice."""
        self.ended = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(Closing(reason))


class Hub:
    """The subscriptions of one process and the follower that feeds them."""

    def __init__(self, application: WusheApplication, options: LiveOptions | None = None) -> None:
        self.application = application
        self.options = options or LiveOptions()
        self.feed = Feed(application.recorder)
        self.position = 0  # every event up to here was handed out
        self._subscriptions: dict[Key, set[Subscription]] = {}
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.on_close: Callable[[], None] = lambda: None  # undoes what opening it set up

    async def subscribe(self, key: Key) -> Subscription:
        """A new subscription to stream ``key``; starts the follower if it was not running."""
        if self._task is None and not self._closing:
            position = await asyncio.to_thread(self.application.log_position)
            if self._task is None:  # another subscription may have started it meanwhile
                self.position = position
                self._task = asyncio.create_task(self._follow(), name="wushe-live-streams")
        subscription = Subscription(key, self.position, self.options.queue_size)
        if self._closing:
            subscription.end("shutdown")
        else:
            self._subscriptions.setdefault(key, set()).add(subscription)
        return subscription

    def subscribers(self, key: Key) -> int:
        """How many streams of ``key`` are open in this process."""
        return len(self._subscriptions.get(key, ()))

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a subscription (its stream ended)."""
        subscribers = self._subscriptions.get(subscription.key)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscriptions[subscription.key]

    async def replay(self, key: Key, after: int, until: int) -> list[LiveEvent] | None:
        """The stream's events after ``after`` up to ``until``, from the log.

        None if there are more than ``replay_limit`` events of the stream's kind to
        look through (the client is too far behind and should reload instead).
        """
        limit = self.options.replay_limit
        read = await asyncio.to_thread(self.feed.read, after, until, limit=limit + 1,
                                       topics=TOPICS[key[0]])
        if read.notifications > limit:
            return None
        return [event for item_key, event in read.items if item_key == key]

    def end_streams(self, reason: str) -> None:
        """End every open stream (the server is shutting down); refuse new ones."""
        self._closing = True
        for subscribers in self._subscriptions.values():
            for subscription in subscribers:
                subscription.end(reason)
        self._subscriptions.clear()

    async def close(self) -> None:
        """Stop the follower and end every open stream."""
        self.on_close()
        self.end_streams("shutdown")
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def publish(self, items: Sequence[Item], position: int) -> None:
        """Hand events out to their streams' subscriptions; the follower is now at ``position``."""
        for key, event in items:
            for subscription in tuple(self._subscriptions.get(key, ())):
                try:
                    subscription.queue.put_nowait(event)
                except asyncio.QueueFull:
                    _log.info("a live stream fell %d events behind; dropped",
                              self.options.queue_size)
                    self.unsubscribe(subscription)
                    subscription.end("overflow")
        self.position = position

    async def _follow(self) -> None:
        waker = open_waker(self.application, self.options.poll_seconds)
        try:
            while True:
                started = time.monotonic()
                try:
                    await self._step()
                except Exception:  # noqa: BLE001  (logged; the streams must outlive a hiccup)
                    _log.exception("following the log for live streams failed; retrying")
                    await asyncio.sleep(_RETRY_SECONDS)
                await asyncio.sleep(max(0.0, started + self.options.min_step_seconds
                                        - time.monotonic()))
                await waker.wait()
        finally:
            await waker.close()

    async def _step(self) -> None:
        end = await asyncio.to_thread(self.application.log_position)
        while self.position < end:
            read = await asyncio.to_thread(self.feed.read, self.position, end,
                                           limit=self.options.batch_size)
            self.publish(read.items, read.reached)
