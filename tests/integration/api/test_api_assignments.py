"""``/api/v1`` assignments: a volunteer's list, answering, attendance, hours — and who may."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from tests.integration.api.conftest import etag
from tests.integration.api.work_world import (
    SHIFT_START,
    WEEK,
    Clock,
    catch_up,
    clocked,
    offer,
    published,
)
from tests.integration.test_commands import volunteer
from wushe.platform.domain.account import Roles
from wushe.platform.domain.assignment import Assignment

if TYPE_CHECKING:
    import httpx

    from tests.integration.api.conftest import World


@pytest.fixture
def clock(world: World) -> Clock:
    return clocked(world)


@pytest.fixture
def offered(world: World, clock: Clock) -> str:
    """An offer to the world's volunteer; a second volunteer ``vol2`` of c1 signs in too."""
    del clock
    world.tokens["vol2"] = world.account("vol2", Roles(volunteer_id=volunteer(world.app,
                                                                              world.c1)))
    return str(offer(world, published(world)))


def step(world: World, assignment: str, action: str, role: str = "vol", *,
         json: Any = None, **headers: str) -> httpx.Response:
    return world.call("POST", f"/api/v1/assignments/{assignment}/{action}", role, json=json,
                      **headers)


def test_a_volunteer_lists_their_offers(world: World, offered: str) -> None:
    catch_up(world)
    url = f"/api/v1/volunteers/{world.volunteer}/assignments"
    for query in ("", "?status=proposed", f"?week={WEEK}"):
        page = world.call("GET", url + query, "vol").json()
        assert [(i["id"], i["status"]) for i in page["items"]] == [(offered, "proposed")]
    assert world.call("GET", f"{url}?status=accepted", "vol").json()["items"] == []
    assert world.call("GET", url, "coord").status_code == 200
    for role in ("coord2", "org", "vol2"):
        response = world.call("GET", url, role)
        assert (response.status_code, response.json()["code"]) == (404, "volunteer.not_found")
    one = world.call("GET", f"/api/v1/assignments/{offered}", "vol")
    assert (one.status_code, etag(one), one.json()["volunteer_id"]) == \
        (200, '"1"', str(world.volunteer))
    assert world.call("GET", f"/api/v1/assignments/{offered}", "vol2").status_code == 404


@pytest.mark.parametrize(("query", "field"), [
    ("status=lost", "status"), ("week=2026-12-01", "week"), ("cursor=abc", "cursor"),
    ("limit=500", "limit"),
])
def test_a_bad_list_query_is_422_with_the_field(world: World, query: str, field: str) -> None:
    response = world.call("GET", f"/api/v1/volunteers/{world.volunteer}/assignments?{query}",
                          "vol")
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_only_the_volunteer_accepts_and_with_if_match(world: World, offered: str) -> None:
    start = world.position()
    assert step(world, offered, "accept").status_code == 428
    stale = step(world, offered, "accept", if_match='"5"')
    assert (stale.status_code, stale.json()["code"]) == (412, "version.stale")
    assert step(world, offered, "accept", "vol2", if_match='"1"').status_code == 404
    assert step(world, offered, "accept", "coord", if_match='"1"').status_code == 403
    assert step(world, offered, "accept", "coord2", if_match='"1"').status_code == 404
    assert world.position() == start
    accepted = step(world, offered, "accept", if_match='"1"', idempotency_key="a-1")
    assert (accepted.status_code, accepted.json()["status"], etag(accepted)) == \
        (200, "accepted", '"2"')
    end = world.position()
    retry = step(world, offered, "accept", if_match='"1"', idempotency_key="a-1")
    assert (retry.status_code, retry.content) == (200, accepted.content)
    again = step(world, offered, "accept", if_match='"2"')
    assert (again.status_code, again.json()["code"]) == (409, "state.accept")
    assert world.position() == end


def test_declining_needs_a_reason(world: World, offered: str) -> None:
    start = world.position()
    missing = step(world, offered, "decline", json={}, if_match='"1"')
    assert (missing.status_code, missing.json()["errors"][0]["field"]) == (422, "reason")
    blank = step(world, offered, "decline", json={"reason": " "}, if_match='"1"')
    assert (blank.status_code, blank.json()["errors"][0]["field"]) == (422, "reason")
    assert world.position() == start
    declined = step(world, offered, "decline", json={"reason": "那天要出差"}, if_match='"1"')
    assert (declined.json()["status"], declined.json()["reason"]) == ("declined", "那天要出差")


def test_check_in_out_and_confirm_hours(world: World, offered: str, clock: Clock) -> None:
    accepted = step(world, offered, "accept", if_match='"1"')
    clock.now = SHIFT_START - timedelta(minutes=10)
    checked_in = step(world, offered, "check-in", if_match=etag(accepted))
    assert checked_in.json()["status"] == "checked_in"
    clock.now = SHIFT_START + timedelta(hours=2, minutes=50)
    out = step(world, offered, "check-out", if_match=etag(checked_in))
    assert (out.json()["service_minutes"], out.json()["credited_minutes"]) == (170, 150)
    start = world.position()
    own = step(world, offered, "confirm-hours", json={}, if_match=etag(out))
    assert (own.status_code, own.json()["code"]) == (403, "auth.forbidden")
    bad = step(world, offered, "confirm-hours", "coord", json={"credited_minutes": "x"},
               if_match=etag(out))
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "credited_minutes")
    unexplained = step(world, offered, "confirm-hours", "coord", json={"credited_minutes": 120},
                       if_match=etag(out))
    assert unexplained.json()["errors"][0]["code"] == "assignment.correction_needs_reason"
    assert world.position() == start
    confirmed = step(world, offered, "confirm-hours", "coord", json={}, if_match=etag(out))
    assert (confirmed.json()["status"], confirmed.json()["credited_minutes"]) == \
        ("confirmed", 150)
    assert confirmed.json()["confirmed_by"] is not None


def test_a_dispute_is_resolved_by_a_coordinator(world: World, offered: str,
                                                clock: Clock) -> None:
    accepted = step(world, offered, "accept", if_match='"1"')
    clock.now = SHIFT_START
    checked_in = step(world, offered, "check-in", if_match=etag(accepted))
    clock.now = SHIFT_START + timedelta(hours=3)
    step(world, offered, "check-out", if_match=etag(checked_in))
    recorded = world.app.update(Assignment, UUID(offered), lambda a: a.dispute(
        "少记了一小时", world.volunteer, SHIFT_START + timedelta(hours=3)))
    current = f'"{recorded.version}"'
    start = world.position()
    body = {"credited_minutes": 240, "resolution": "核实无误"}
    assert step(world, offered, "resolve-dispute", "vol", json=body,
                if_match=current).status_code == 403
    too_many = step(world, offered, "resolve-dispute", "coord",
                    json={**body, "credited_minutes": 99999}, if_match=current)
    assert (too_many.status_code, too_many.json()["errors"][0]["code"]) == \
        (422, "input.out_of_range")
    assert world.position() == start
    resolved = step(world, offered, "resolve-dispute", "coord", json=body, if_match=current)
    assert (resolved.json()["status"], resolved.json()["resolution"]) == ("confirmed", "核实无误")


def test_a_no_show_is_marked_after_the_shift_starts(world: World, offered: str,
                                                    clock: Clock) -> None:
    accepted = step(world, offered, "accept", if_match='"1"')
    early = step(world, offered, "no-show", "coord", if_match=etag(accepted))
    assert (early.status_code, early.json()["code"]) == (409, "assignment.shift_not_started")
    assert step(world, offered, "no-show", "vol", if_match=etag(accepted)).status_code == 403
    clock.now = SHIFT_START + timedelta(hours=1)
    marked = step(world, offered, "no-show", "coord", if_match=etag(accepted))
    assert marked.json()["status"] == "no_show"
