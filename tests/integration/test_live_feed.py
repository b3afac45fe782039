"""The live streams' reading of the log: owners and partial decoding, on both stores."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import msgspec

from tests.integration.test_commands import AT, found, need, staff_member
from wushe.platform.commands.needs import accept_need
from wushe.platform.http.streams.feed import TOPICS, Feed, StreamKind

if TYPE_CHECKING:
    from wushe.platform.application import WusheApplication


def test_each_event_is_an_item_of_its_owners_stream(app: WusheApplication) -> None:
    community, other = found(app), found(app, code="350102001002")
    start = app.log_position()
    ours, theirs = need(app, community), need(app, other)
    read = Feed(app.recorder).read(start, app.log_position(), limit=100)
    assert [(key, event.kind, event.id, event.version) for key, event in read.items] == [
        ((StreamKind.NEEDS, community), "need.received", ours, 1),
        ((StreamKind.NEEDS, other), "need.received", theirs, 1)]
    assert read.reached == app.log_position()
    # Ids and numbers only: the resident's name never reaches a stream.
    assert "王秀英" not in msgspec.json.encode([event for _, event in read.items]).decode()


def test_an_event_of_an_older_aggregate_finds_its_owner_in_the_first_event(
        app: WusheApplication) -> None:
    community = found(app)
    need_id = need(app, community)
    by = staff_member(app, community)
    before = app.log_position()
    accepted = accept_need(app, need_id=need_id, by=by, at=AT + timedelta(hours=1))
    feed = Feed(app.recorder)  # knows no owner yet: it reads only the acceptance
    read = feed.read(before, accepted.position, limit=100, topics=TOPICS[StreamKind.NEEDS])
    assert [(key, event.kind, event.position) for key, event in read.items] == [
        ((StreamKind.NEEDS, community), "need.accepted", accepted.position)]
    assert feed.owners.of(need_id, StreamKind.NEEDS) == community


def test_a_read_stops_at_its_limit_and_says_how_far_it_got(app: WusheApplication) -> None:
    community = found(app)
    start = app.log_position()
    first, _ = need(app, community), need(app, community)
    read = Feed(app.recorder).read(start, app.log_position(), limit=1,
                                   topics=TOPICS[StreamKind.NEEDS])
    assert (read.notifications, [e.id for _, e in read.items]) == (1, [first])
    assert read.reached == read.items[0][1].position < app.log_position()
