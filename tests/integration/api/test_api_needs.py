"""``/api/v1`` needs: receive, read (full or masked), list, and the first lifecycle steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag, need_body

if TYPE_CHECKING:
    from tests.integration.api.conftest import World


def receive(world: World, role: str = "coord", **changes: Any) -> str:
    response = world.call("POST", f"/api/v1/communities/{world.c1}/needs", role,
                          json=need_body(world, **changes))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_receiving_a_need_is_idempotent_per_key(world: World) -> None:
    url = f"/api/v1/communities/{world.c1}/needs"
    first = world.call("POST", url, "coord", json=need_body(world), idempotency_key="n-1")
    assert first.status_code == 201
    assert first.json()["status"] == "received"
    assert first.json()["personal_data"] == "full"
    end = world.position()
    assert int(first.headers["x-log-position"]) == end
    retry = world.call("POST", url, "coord", json=need_body(world), idempotency_key="n-1")
    assert (retry.status_code, retry.content) == (201, first.content)
    assert world.position() == end
    changed = world.call("POST", url, "coord", json=need_body(world, title="另一件事"),
                         idempotency_key="n-1")
    assert (changed.status_code, changed.json()["code"]) == (422, "idempotency.mismatch")
    # The key is the principal's: another coordinator's same key is another request.
    assert world.position() == end


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"grid": "G77"}, "grid", "reference.unknown_grid"),
    ({"source": "pigeon"}, "source", "input.bad_choice"),
    ({"urgency": 3}, "urgency", "input.bad_type"),
    ({"vulnerable_groups": ["dragons"]}, "vulnerable_groups[0]", "input.bad_choice"),
    ({"received_by": "not-an-id"}, "received_by", "input.bad_type"),
    ({"resident_phone": "12"}, "resident_phone", "input.bad_phone"),
    ({"category": "NOPE"}, "category", "policy.unknown_category"),
])
def test_a_bad_need_is_a_field_level_problem(world: World, changes: dict[str, Any], field: str,
                                             code: str) -> None:
    start = world.position()
    response = world.call("POST", f"/api/v1/communities/{world.c1}/needs", "coord",
                          json=need_body(world, **changes))
    assert response.status_code in {409, 422}, response.text
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"]
    assert world.position() == start


def test_staff_of_another_community_cannot_receive(world: World) -> None:
    response = world.call("POST", f"/api/v1/communities/{world.c1}/needs", "coord",
                          json=need_body(world, received_by=str(world.staff2)))
    assert (response.status_code, response.json()["code"]) == (409, "reference.other_community")


def test_one_need_is_full_for_its_coordinator_and_masked_for_its_organisation(
        world: World) -> None:
    need_id = receive(world)
    full = world.call("GET", f"/api/v1/needs/{need_id}", "coord").json()
    assert (full["resident_name"], full["resident_phone"]) == ("王秀英", "13905912345")
    assert full["details"] == "每日午餐送餐上门"
    masked = world.call("GET", f"/api/v1/needs/{need_id}", "org")
    assert masked.status_code == 200
    assert etag(masked) == '"1"'
    body = masked.json()
    assert (body["personal_data"], body["resident_name"]) == ("masked", "王**")
    assert body["resident_phone"] == "139****2345"
    assert body["details"] is None
    assert body["resident_address"] is None
    assert world.call("GET", f"/api/v1/needs/{need_id}", "admin").json()["personal_data"] == \
        "masked"
    for role in ("coord2", "vol"):
        assert world.call("GET", f"/api/v1/needs/{need_id}", role).status_code == 404


def test_accept_start_and_close_with_if_match(world: World) -> None:
    need_id = receive(world)
    url = f"/api/v1/needs/{need_id}"
    start = world.position()
    assert world.call("POST", f"{url}/accept", "coord", json={"by": str(world.staff1)}) \
        .status_code == 428
    stale = world.call("POST", f"{url}/accept", "coord", json={"by": str(world.staff1)},
                       if_match='"7"')
    assert (stale.status_code, stale.json()["code"]) == (412, "version.stale")
    assert world.call("POST", f"{url}/accept", "org", json={"by": str(world.staff1)},
                      if_match='"1"').status_code == 403
    assert world.call("POST", f"{url}/accept", "coord2", json={"by": str(world.staff2)},
                      if_match='"1"').status_code == 404
    assert world.position() == start
    accepted = world.call("POST", f"{url}/accept", "coord", json={"by": str(world.staff1)},
                          if_match='"1"')
    assert (accepted.status_code, accepted.json()["status"], etag(accepted)) == \
        (200, "accepted", '"2"')
    handling = world.call("POST", f"{url}/start-handling", "coord",
                          json={"handler": str(world.staff1), "committed_working_days": 3},
                          if_match=etag(accepted))
    assert handling.json()["status"] == "in_handling"
    assert handling.json()["deadline"] is not None
    closed = world.call("POST", f"{url}/close", "coord", json={"result": "已送餐上门"},
                        if_match=etag(handling))
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    # Closing again is a state conflict, and appends nothing.
    end = world.position()
    again = world.call("POST", f"{url}/close", "coord", json={"result": "再次"},
                       if_match=etag(closed))
    assert (again.status_code, again.json()["code"]) == (409, "state.close")
    assert world.position() == end


def test_an_action_retried_with_its_key_is_answered_again(world: World) -> None:
    need_id = receive(world)
    body = {"by": str(world.staff1)}
    first = world.call("POST", f"/api/v1/needs/{need_id}/accept", "coord", json=body,
                       if_match='"1"', idempotency_key="acc-1")
    end = world.position()
    retry = world.call("POST", f"/api/v1/needs/{need_id}/accept", "coord", json=body,
                       if_match='"1"', idempotency_key="acc-1")
    assert (retry.status_code, retry.content) == (200, first.content)
    assert retry.headers["idempotent-replayed"] == "true"
    assert world.position() == end


def test_the_list_filters_pages_and_masks(world: World) -> None:
    urgent = receive(world, urgency="urgent", title="紧急送药")
    receive(world, grid="G02", title="修理路灯", category="ENV")
    receive(world, title="陪同就医", category="HEALTH")
    world.catch_up()
    url = f"/api/v1/communities/{world.c1}/needs"
    page = world.call("GET", f"{url}?urgency=urgent", "coord").json()
    assert [item["need_id"] for item in page["items"]] == [urgent]
    assert page["items"][0]["resident"] == "王**"
    assert len(world.call("GET", f"{url}?grid=G02", "org").json()["items"]) == 1
    assert len(world.call("GET", f"{url}?status=received&status=closed", "admin")
               .json()["items"]) == 3
    seen: list[str] = []
    query = f"{url}?limit=2&sort=deadline_asc"
    first = world.call("GET", query, "coord").json()
    seen += [item["title"] for item in first["items"]]
    second = world.call("GET", f"{query}&cursor={first['next_cursor']}", "coord").json()
    seen += [item["title"] for item in second["items"]]
    assert second["next_cursor"] is None
    assert sorted(seen) == sorted(["紧急送药", "修理路灯", "陪同就医"])


@pytest.mark.parametrize(("query", "field"), [
    ("status=lost", "status"), ("limit=0", "limit"), ("limit=x", "limit"),
    ("received_from=yesterday", "received_from"), ("cursor=abc", "cursor"),
    ("sort=random", "sort"), ("wait_for=-1", "wait_for"),
    ("received_to=9999-12-31", "received_to"), ("received_from=0001-01-01", "received_from"),
])
def test_a_bad_list_query_is_422_with_the_field(world: World, query: str, field: str) -> None:
    response = world.call("GET", f"/api/v1/communities/{world.c1}/needs?{query}", "coord")
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_the_list_of_another_community_is_404(world: World) -> None:
    for role in ("coord2", "vol"):
        response = world.call("GET", f"/api/v1/communities/{world.c1}/needs", role)
        assert (response.status_code, response.json()["code"]) == (404, "community.not_found")
