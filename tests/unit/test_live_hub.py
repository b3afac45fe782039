"""The live streams' hub: fan-out to subscriptions, a slow one dropped, shutdown."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID, uuid4

from wushe.platform.http.api.schemas.live import LiveEvent
from wushe.platform.http.streams.feed import ALL_TOPICS, CREATION_TOPICS, TOPICS, StreamKind
from wushe.platform.http.streams.hub import Closing, Hub, LiveOptions, Subscription

C1, C2 = uuid4(), uuid4()


class _Application:
    """What the hub needs of the application before its follower reads anything."""

    recorder: Any = None

    def log_position(self) -> int:
        return 10


def _hub(**options: Any) -> Hub:
    hub = Hub(_Application(), LiveOptions(**options))  # type: ignore[arg-type]
    hub._task = asyncio.get_running_loop().create_future()  # type: ignore[assignment]
    return hub


def _event(position: int, aggregate: UUID | None = None) -> LiveEvent:
    return LiveEvent("need.received", aggregate or uuid4(), 1, position)


def _queued(subscription: Subscription) -> list[LiveEvent | Closing]:
    items = []
    while not subscription.queue.empty():
        items.append(subscription.queue.get_nowait())
    return items


def test_each_event_goes_to_the_subscriptions_of_its_stream_only() -> None:
    async def scenario() -> None:
        hub = _hub()
        first, second = [await hub.subscribe((StreamKind.NEEDS, C1)) for _ in range(2)]
        other = await hub.subscribe((StreamKind.NEEDS, C2))
        staffing = await hub.subscribe((StreamKind.STAFFING, C1))
        ours, theirs = _event(11), _event(12)
        hub.publish([((StreamKind.NEEDS, C1), ours), ((StreamKind.NEEDS, C2), theirs)], 15)
        assert (_queued(first), _queued(second)) == ([ours], [ours])
        assert (_queued(other), _queued(staffing)) == ([theirs], [])
        assert hub.position == 15
        assert (await hub.subscribe((StreamKind.NEEDS, C1))).live_from == 15

    asyncio.run(scenario())


def test_a_subscription_that_falls_behind_is_dropped_with_a_closing_notice() -> None:
    async def scenario() -> None:
        hub = _hub(queue_size=2)
        slow, quick = [await hub.subscribe((StreamKind.NEEDS, C1)) for _ in range(2)]
        events = [_event(11), _event(12), _event(13)]
        for event in events[:2]:
            hub.publish([((StreamKind.NEEDS, C1), event)], event.position)
        assert _queued(quick) == events[:2]  # the quick one keeps up
        hub.publish([((StreamKind.NEEDS, C1), events[2])], 13)
        assert _queued(quick) == events[2:]
        assert _queued(slow) == [Closing("overflow")]  # the undelivered are replayed later
        hub.publish([((StreamKind.NEEDS, C1), _event(14))], 14)
        assert _queued(slow) == []  # no longer subscribed

    asyncio.run(scenario())


def test_shutdown_ends_every_stream_and_refuses_new_ones() -> None:
    async def scenario() -> None:
        hub = _hub()
        open_one = await hub.subscribe((StreamKind.OFFERS, C1))
        open_one.queue.put_nowait(_event(11))
        hub.end_streams("shutdown")
        assert _queued(open_one) == [Closing("shutdown")]
        late = await hub.subscribe((StreamKind.OFFERS, C1))
        assert _queued(late) == [Closing("shutdown")]
        hub.publish([((StreamKind.OFFERS, C1), _event(12))], 12)
        assert _queued(late) == []

    asyncio.run(scenario())


def test_the_streams_read_the_topics_of_their_aggregates() -> None:
    assert all(t.startswith("wushe.need.") for t in TOPICS[StreamKind.NEEDS])
    assert all(t.startswith("wushe.assignment.") for t in TOPICS[StreamKind.OFFERS])
    assert all(t.startswith("wushe.staffing_run.") for t in TOPICS[StreamKind.STAFFING])
    # The events that name an aggregate's owner are among them.
    assert set(CREATION_TOPICS) <= set(ALL_TOPICS)
    assert {"wushe.need.accepted", "wushe.assignment.accepted",
            "wushe.staffing_run.completed"} <= set(ALL_TOPICS)
