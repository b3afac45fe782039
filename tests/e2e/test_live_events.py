"""Live updates over Server-Sent Events, from a real server on loopback.

Writes go through the API (or the commands) and must come out of the right
streams only: a community's needs and staffing runs, a volunteer's offers; a
client that reconnects with ``Last-Event-ID`` gets what it missed exactly once.
"""

from __future__ import annotations

import time
from datetime import time as clock_time
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.live_support import (
    Event,
    LiveServer,
    needs_of,
    offers_of,
    postgres_schema,
    serve,
    staffing_of,
)
from tests.integration.api.conftest import etag, need_body
from tests.integration.api.work_world import WEEK, offer, published
from tests.integration.test_commands import volunteer
from wushe.infra.settings import Settings
from wushe.platform.application import WusheApplication
from wushe.platform.domain.values import WeeklyWindow
from wushe.platform.domain.volunteer import Volunteer
from wushe.platform.http.streams.feed import StreamKind

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from uuid import UUID


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server on SQLite for the module's tests (each works on its own new events)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("live"))
    application = WusheApplication(settings)
    try:
        yield from serve(settings, application)
    finally:
        application.close()


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[LiveServer]:
    """One server on PostgreSQL for the module's tests, in a throw-away schema."""
    with postgres_schema() as settings:
        application = WusheApplication(settings)
        try:
            yield from serve(settings, application)
        finally:
            application.close()


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own on SQLite (a staffing run plans every published project)."""
    settings = Settings(data_dir=tmp_path)
    application = WusheApplication(settings)
    try:
        yield from serve(settings, application)
    finally:
        application.close()


@pytest.fixture
def live_sqlite(sqlite_server: LiveServer) -> Iterator[LiveServer]:
    """The SQLite server, its streams' options as a test starts them."""
    yield from sqlite_server.session()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The server on SQLite and on PostgreSQL."""
    server: LiveServer = request.getfixturevalue(f"{request.param}_server")
    yield from server.session()


def receive(live: LiveServer, community: UUID | None = None) -> dict[str, Any]:
    """Receive a need through the API (c1 by default); its body and log position."""
    world = live.world
    c2 = community == world.c2
    body = need_body(world, received_by=str(world.staff2 if c2 else world.staff1))
    response = world.call("POST", f"/api/v1/communities/{community or world.c1}/needs",
                          "coord2" if c2 else "coord", json=body)
    assert response.status_code == 201, response.text
    return {**response.json(), "etag": etag(response),
            "position": int(response.headers["x-log-position"])}


def need_event(kind: str, need: dict[str, Any], version: int, position: int) -> Event:
    return Event("need", {"kind": kind, "id": need["id"], "version": version,
                          "position": position}, position)


def test_a_need_reaches_its_communitys_streams_and_no_other(live: LiveServer) -> None:
    world = live.world
    coordinator, opened = live.live(needs_of(world.c1), "coord")
    organisation, _ = live.live(needs_of(world.c1), "org")
    elsewhere, _ = live.live(needs_of(world.c2), "coord2")

    need = receive(live)
    expected = need_event("need.received", need, 1, need["position"])
    assert need["position"] > (opened.id or 0)
    assert (coordinator.next(), organisation.next()) == (expected, expected)
    accepted = world.call("POST", f"/api/v1/needs/{need['id']}/accept", "coord",
                          json={"by": str(world.staff1)}, if_match=need["etag"])
    assert accepted.status_code == 200, accepted.text
    expected = need_event("need.accepted", need, 2, int(accepted.headers["x-log-position"]))
    assert (coordinator.next(), organisation.next()) == (expected, expected)

    theirs = receive(live, world.c2)
    assert elsewhere.next() == need_event("need.received", theirs, 1, theirs["position"])
    ours = receive(live)  # c1's streams skipped c2's need: this comes next
    assert coordinator.next().data["id"] == ours["id"]
    assert organisation.next().data["id"] == ours["id"]
    assert coordinator.kept_alive()  # keep-alives while waiting for the next event


def test_last_event_id_replays_what_was_missed_exactly_once(live: LiveServer) -> None:
    world = live.world
    first_stream, opened = live.live(needs_of(world.c1), "coord")
    first = receive(live)
    seen = first_stream.next()
    assert seen.id == first["position"]
    first_stream.close()
    missed = [receive(live), receive(live, world.c2), receive(live)]

    resumed = live.stream(needs_of(world.c1), "coord", last_event_id=str(seen.id))
    replayed = [resumed.next(), resumed.next()]
    assert replayed == [need_event("need.received", n, 1, n["position"])
                        for n in (missed[0], missed[2])]
    now_live = resumed.next()
    assert (now_live.event, now_live.id) == ("open", world.position())
    later = receive(live)
    assert resumed.next().data["id"] == later["id"]

    # A first connection resumes from a list's position with ?after= (no header).
    again = live.stream(f"{needs_of(world.c1)}?after={opened.id}", "coord")
    ids = [again.next().data.get("id") for _ in range(5)]
    assert ids == [n["id"] for n in (first, missed[0], missed[2], later)] + [None]  # then open


def test_an_offer_and_its_answer_reach_the_volunteers_stream(live_sqlite: LiveServer) -> None:
    world = live_sqlite.world
    own, _ = live_sqlite.live(offers_of(world.volunteer), "vol")
    coordinator, _ = live_sqlite.live(offers_of(world.volunteer), "coord")
    project = published(world)
    other = volunteer(world.app, world.c1)
    offer(world, project, other)  # another volunteer's offer: not in these streams
    assignment = offer(world, project)

    proposed = own.next()
    assert (proposed.event, proposed.data["kind"], proposed.data["id"],
            proposed.data["version"]) == ("assignment", "assignment.proposed",
                                          str(assignment), 1)
    assert coordinator.next() == proposed
    got = world.call("GET", f"/api/v1/assignments/{assignment}", "vol")
    answered = world.call("POST", f"/api/v1/assignments/{assignment}/accept", "vol",
                          if_match=etag(got))
    assert answered.status_code == 200, answered.text
    accepted = own.next()
    assert (accepted.data["kind"], accepted.id) == ("assignment.accepted",
                                                    int(answered.headers["x-log-position"]))
    assert coordinator.next() == accepted


@pytest.mark.slow
def test_a_staffing_run_reaches_the_staffing_and_offers_streams(
        fresh_sqlite: LiveServer) -> None:
    live_sqlite = fresh_sqlite
    world = live_sqlite.world
    monday = WeeklyWindow(0, clock_time(8), clock_time(18))  # covers the shift
    world.app.update(Volunteer, world.volunteer, lambda v: v.set_availability((monday,)))
    published(world)
    runs, _ = live_sqlite.live(staffing_of(world.c1), "org")
    offers, _ = live_sqlite.live(offers_of(world.volunteer), "vol")
    elsewhere, _ = live_sqlite.live(staffing_of(world.c2), "coord2")
    ran = world.call("POST", f"/api/v1/communities/{world.c1}/staffing-runs", "coord",
                     json={"week": WEEK, "time_limit_s": 5})
    assert ran.status_code == 201, ran.text
    run_id = ran.json()["id"]
    assert [(e.event, e.data["kind"], e.data["id"]) for e in (runs.next(), runs.next())] == [
        ("staffing_run", "staffing_run.requested", run_id),
        ("staffing_run", "staffing_run.completed", run_id)]
    assert offers.next().data["kind"] == "assignment.proposed"
    elsewhere.close()
    assert elsewhere.comments > 0
    assert elsewhere.ended(timeout=1)  # nothing but keep-alives came


def test_a_client_that_leaves_is_unsubscribed(live_sqlite: LiveServer) -> None:
    key = (StreamKind.NEEDS, live_sqlite.world.c1)
    hub = live_sqlite.app.state.live
    before = hub.subscribers(key)
    reader, _ = live_sqlite.live(needs_of(live_sqlite.world.c1), "coord")
    assert hub.subscribers(key) == before + 1
    reader.close()
    deadline = time.monotonic() + 5
    while hub.subscribers(key) > before:
        assert time.monotonic() < deadline, "the stream's subscription outlived its client"
        time.sleep(0.05)


def test_a_client_too_far_behind_is_told_to_reload(live_sqlite: LiveServer) -> None:
    live_sqlite.options(replay_limit=2)
    world = live_sqlite.world
    start = world.position()
    for _ in range(3):
        receive(live_sqlite)
    reader = live_sqlite.stream(needs_of(world.c1), "coord", last_event_id=str(start))
    reset, opened = reader.next(), reader.next()
    assert (reset.event, reset.id, reset.data) == ("reset", world.position(),
                                                   {"position": world.position()})
    assert (opened.event, opened.id) == ("open", world.position())


def test_a_stream_ends_when_its_time_is_up(live_sqlite: LiveServer) -> None:
    live_sqlite.options(max_stream_seconds=0.5)
    reader, _ = live_sqlite.live(needs_of(live_sqlite.world.c1), "coord")
    closing = reader.next()
    assert (closing.event, closing.data, closing.id) == ("closing", {"reason": "reconnect"},
                                                         None)
    assert reader.ended()


# Who may not open a stream: anonymous 401; anyone who may not read what it follows
# gets the 404 of a missing community or volunteer.
REFUSED = [(None, "needs", 401), (None, "staffing", 401), (None, "offers", 401),
           ("coord2", "needs", 404), ("coord2", "staffing", 404), ("coord2", "offers", 404),
           ("vol", "needs", 404), ("vol", "staffing", 404), ("org", "offers", 404),
           ("admin", "missing community", 404), ("admin", "missing volunteer", 404)]


def test_who_may_not_read_gets_401_or_404_and_bad_positions_422(
        live_sqlite: LiveServer) -> None:
    world = live_sqlite.world
    paths = {"needs": needs_of(world.c1), "staffing": staffing_of(world.c1),
             "offers": offers_of(world.volunteer), "missing community": needs_of(world.staff1),
             "missing volunteer": offers_of(world.staff1)}
    for role, stream, status in REFUSED:  # one server for every case: each is one request
        response = world.call("GET", paths[stream], role)
        assert (role, stream, response.status_code) == (role, stream, status), response.text
        assert response.headers["content-type"] == "application/problem+json"
    for header, value in (("last_event_id", "soon"), ("last_event_id", "-1")):
        response = world.call("GET", needs_of(world.c1), "coord", **{header: value})
        assert response.status_code in {400, 422}, response.text
        assert response.json()["errors"][0]["field"] == "Last-Event-ID", response.text
    response = world.call("GET", f"{needs_of(world.c1)}?after=-5", "coord")
    assert response.json()["errors"][0]["field"] == "after", response.text
