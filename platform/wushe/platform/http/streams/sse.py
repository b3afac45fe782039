"""One stream as Server-Sent Events: replay from the log, then live, with keep-alives.

What a client receives, in order:

1. with ``Last-Event-ID`` (or ``?after=``) = a log position: the stream's events
   after it, read from the log, or, if it is too far behind, one ``reset`` (reload
   what you show, then carry on);
2. ``open`` with the position the stream is live from (its id, so a client that
   reconnects before any event arrives resumes from there);
3. the stream's events as they are appended, each with ``id:`` = its log position;
   a ``: keep-alive`` comment when nothing else was sent for a while;
4. at the end, ``closing`` with a reason (``overflow``: too slow to keep up;
   ``shutdown``; ``reconnect``: the stream's time is up); the client reconnects
   with its last event id and misses nothing.

Every event is delivered exactly once across reconnections: replay covers the
positions up to where the subscription went live, the live queue those after.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import msgspec
from litestar.response import ServerSentEvent, ServerSentEventMessage

from wushe.platform.http.api.schemas.live import LiveEvent, StreamOpen
from wushe.platform.http.streams.hub import Closing

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from wushe.platform.http.streams.feed import Key
    from wushe.platform.http.streams.hub import Hub, LiveOptions, Subscription

__all__ = ["event_stream"]

_KEEPALIVE = ServerSentEventMessage(data=None, comment="keep-alive")


def event_stream(hub: Hub, key: Key, after: int | None) -> ServerSentEvent:
    """The response that streams ``key`` to the client, resuming after position ``after``."""
    return ServerSentEvent(_messages(hub, key, after))


async def _messages(hub: Hub, key: Key, after: int | None) -> AsyncIterator[
        ServerSentEventMessage]:
    subscription = await hub.subscribe(key)
    try:
        start = subscription.live_from
        if after is not None and after < start:
            replayed = await hub.replay(key, after, start)
            if replayed is None:
                yield _message("reset", StreamOpen(start), start)
            for event in replayed or ():
                yield _event(event)
        live_from = max(start, after or 0)
        yield _message("open", StreamOpen(live_from), live_from, retry=hub.options.retry_ms)
        async for message in _live(subscription, hub.options, live_from):
            yield message
    finally:
        hub.unsubscribe(subscription)


async def _live(subscription: Subscription, options: LiveOptions,
                after: int) -> AsyncIterator[ServerSentEventMessage]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + options.max_stream_seconds
    while (left := deadline - loop.time()) > 0:
        try:
            async with asyncio.timeout(min(options.keepalive_seconds, left)):
                item = await subscription.queue.get()
        except TimeoutError:
            yield _KEEPALIVE
            continue
        if isinstance(item, Closing):
            yield _message("closing", item, None)
            return
        # Events this process had not reached when a client that resumed from
        # another worker subscribed are behind its last id: already delivered.
        if item.position > after:
            yield _event(item)
    yield _message("closing", Closing("reconnect"), None)


def _event(event: LiveEvent) -> ServerSentEventMessage:
    return _message(event.kind.partition(".")[0], event, event.position)


def _message(name: str, body: msgspec.Struct, position: int | None, *,
             retry: int | None = None) -> ServerSentEventMessage:
    return ServerSentEventMessage(data=msgspec.json.encode(body).decode(), event=name,
                                  id=position, retry=retry)
