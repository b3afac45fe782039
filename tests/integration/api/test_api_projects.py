"""``/api/v1`` projects: draft, plan, shifts, publish, cancel, serve a need, read and list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag, need_body
from tests.integration.api.work_world import (
    PLAN,
    WEEK,
    catch_up,
    clocked,
    draft,
    project_body,
    published,
    shift_body,
)

if TYPE_CHECKING:
    from tests.integration.api.conftest import World


@pytest.fixture(autouse=True)
def _clock(world: World) -> None:
    clocked(world)


def url_of(world: World) -> str:
    return f"/api/v1/communities/{world.c1}/projects"


def test_drafting_is_idempotent_per_key(world: World) -> None:
    first = world.call("POST", url_of(world), "coord", json=project_body(), idempotency_key="p-1")
    assert (first.status_code, etag(first), first.json()["status"]) == (201, '"1"', "draft")
    end = world.position()
    assert int(first.headers["x-log-position"]) == end
    retry = world.call("POST", url_of(world), "coord", json=project_body(), idempotency_key="p-1")
    assert (retry.status_code, retry.content) == (201, first.content)
    other = world.call("POST", url_of(world), "coord", json=project_body(title="另一个"),
                       idempotency_key="p-1")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency.mismatch")
    assert world.position() == end


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"category": "NOPE"}, "category", "policy.unknown_category"),
    ({"title": None}, "title", "input.bad_type"),
    ({"colour": "red"}, "colour", "input.unknown_field"),
    ({"government_purchased": True}, "undertaking_organisation_id",
     "project.undertaker_required"),
    ({"span": {"start": "2026-12-01T09:00:00", "end": "2026-12-02T09:00:00"}}, "span.start",
     "input.bad_type"),
    ({"undertaking_organisation_id": "nope"}, "undertaking_organisation_id", "input.bad_type"),
])
def test_a_bad_draft_is_a_field_level_problem(world: World, changes: dict[str, Any], field: str,
                                              code: str) -> None:
    start = world.position()
    response = world.call("POST", url_of(world), "coord", json=project_body(**changes))
    assert response.status_code in {409, 422}, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert world.position() == start


@pytest.mark.parametrize(("role", "status"), [("org", 403), ("vol", 403), ("coord2", 404)])
def test_only_coordinators_draft(world: World, role: str, status: int) -> None:
    start = world.position()
    assert world.call("POST", url_of(world), role, json=project_body()).status_code == status
    assert world.position() == start


def test_plan_shifts_and_publish_need_if_match(world: World) -> None:
    project = draft(world, undertaking_organisation_id=str(world.organisation))
    url = f"/api/v1/projects/{project['id']}"
    start = world.position()
    missing = world.call("PUT", f"{url}/plan", "coord", json=PLAN)
    assert (missing.status_code, missing.json()["code"]) == (428, "version.if_match_required")
    stale = world.call("PUT", f"{url}/plan", "coord", json=PLAN, if_match='"9"')
    assert (stale.status_code, stale.json()["code"]) == (412, "version.stale")
    early = world.call("POST", f"{url}/publish", "coord", if_match='"1"')
    assert (early.status_code, early.json()["code"]) == (409, "project.no_safety_measures")
    assert world.call("POST", f"{url}/shifts", "org", json=shift_body(),
                      if_match='"1"').status_code == 403
    assert world.position() == start
    planned = world.call("PUT", f"{url}/plan", "coord", json=PLAN, if_match='"1"')
    assert planned.json()["plan"]["safety_measures"] == ["食品留样"]
    added = world.call("POST", f"{url}/shifts", "coord", json=shift_body(),
                       if_match=etag(planned))
    shift = added.json()["shifts"][0]
    assert (shift["required"], shift["filled"], shift["proposed"]) == (1, 0, 0)
    changed = world.call("PUT", f"{url}/shifts/{shift['shift_id']}", "coord",
                         json=shift_body(min_headcount=2, max_headcount=3), if_match=etag(added))
    assert changed.json()["shifts"][0]["required"] == 2
    done = world.call("POST", f"{url}/publish", "coord", if_match=etag(changed))
    assert (done.status_code, done.json()["status"], etag(done)) == (200, "published", '"5"')
    last = world.call("DELETE", f"{url}/shifts/{shift['shift_id']}", "coord", if_match=etag(done))
    assert (last.status_code, last.json()["code"]) == (409, "project.last_shift")


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"grid": "G77"}, "grid", "reference.unknown_grid"),
    ({"min_headcount": 3, "max_headcount": 2}, "min_headcount", "input.out_of_range"),
    ({"max_headcount": 0}, "max_headcount", "input.out_of_range"),
    ({"home_visit": True}, "min_headcount", "project.home_visit_needs_two"),
    ({"start": "soon"}, "start", "input.bad_type"),
    ({"team_only": True}, "team_only", "project.team_only_without_team"),
])
def test_a_bad_shift_is_a_field_level_problem(world: World, changes: dict[str, Any], field: str,
                                              code: str) -> None:
    project = draft(world)
    start = world.position()
    response = world.call("POST", f"/api/v1/projects/{project['id']}/shifts", "coord",
                          json=shift_body(**changes), if_match='"1"')
    assert response.status_code in {409, 422}, response.text
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert world.position() == start


def test_a_shift_added_again_with_its_key_is_one_shift(world: World) -> None:
    project = draft(world)
    url = f"/api/v1/projects/{project['id']}/shifts"
    first = world.call("POST", url, "coord", json=shift_body(), if_match='"1"',
                       idempotency_key="s-1")
    end = world.position()
    retry = world.call("POST", url, "coord", json=shift_body(), if_match='"1"',
                       idempotency_key="s-1")
    assert (retry.status_code, retry.content) == (200, first.content)
    assert world.position() == end
    assert len(first.json()["shifts"]) == 1


def test_serving_a_need_and_cancelling(world: World) -> None:
    project = draft(world)
    url = f"/api/v1/projects/{project['id']}"
    mine = world.call("POST", f"/api/v1/communities/{world.c1}/needs", "coord",
                      json=need_body(world)).json()["id"]
    theirs = world.call("POST", f"/api/v1/communities/{world.c2}/needs", "coord2",
                        json=need_body(world, received_by=str(world.staff2))).json()["id"]
    start = world.position()
    other = world.call("POST", f"{url}/needs", "coord", json={"need_id": theirs}, if_match='"1"')
    assert (other.status_code, other.json()["code"]) == (409, "reference.other_community")
    bad = world.call("POST", f"{url}/needs", "coord", json={"need_id": 3}, if_match='"1"')
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "need_id")
    assert world.position() == start
    served = world.call("POST", f"{url}/needs", "coord", json={"need_id": mine}, if_match='"1"')
    assert served.json()["needs"] == [mine]
    assert world.call("POST", f"{url}/cancel", "coord", json={},
                      if_match=etag(served)).status_code == 422
    cancelled = world.call("POST", f"{url}/cancel", "coord", json={"reason": "场地不可用"},
                           if_match=etag(served))
    assert (cancelled.json()["status"], cancelled.json()["cancellation_reason"]) == \
        ("cancelled", "场地不可用")


def test_who_sees_which_project(world: World) -> None:
    undertaken = draft(world, undertaking_organisation_id=str(world.organisation))
    hidden = draft(world)
    public = published(world)
    catch_up(world)

    def listed(role: str, query: str = "") -> list[str]:
        response = world.call("GET", f"{url_of(world)}{query}", role)
        assert response.status_code == 200, response.text
        return sorted(item["id"] for item in response.json()["items"])

    assert listed("coord") == sorted([undertaken["id"], hidden["id"], public["id"]])
    assert listed("org") == [undertaken["id"]]
    assert listed("vol") == [public["id"]]
    assert world.call("GET", url_of(world), "coord2").status_code == 404
    for role, project, status in (("org", hidden, 404), ("org", undertaken, 200),
                                  ("vol", hidden, 404), ("coord2", public, 404),
                                  ("vol", public, 200)):
        response = world.call("GET", f"/api/v1/projects/{project['id']}", role)
        assert response.status_code == status, (role, response.text)
    seen = world.call("GET", f"/api/v1/projects/{public['id']}", "vol")
    assert seen.json()["shifts"][0]["resident_ref"] is None
    assert etag(seen) == '"4"'


def test_the_list_filters_pages_and_counts(world: World) -> None:
    public = published(world)
    draft(world, category="HEALTH")
    draft(world)
    catch_up(world)
    assert [i["id"] for i in world.call("GET", f"{url_of(world)}?status=published", "coord")
            .json()["items"]] == [public["id"]]
    assert len(world.call("GET", f"{url_of(world)}?category=HEALTH", "coord")
               .json()["items"]) == 1
    week = world.call("GET", f"{url_of(world)}?week={WEEK}", "coord").json()["items"]
    assert [(i["id"], i["required"], i["filled"], i["shifts"]) for i in week] == \
        [(public["id"], 1, 0, 1)]
    seen: list[str] = []
    first = world.call("GET", f"{url_of(world)}?limit=2", "coord").json()
    second = world.call("GET", f"{url_of(world)}?limit=2&cursor={first['next_cursor']}",
                        "coord").json()
    seen = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(seen)) == 3
    assert second["next_cursor"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("status=lost", "status"), ("week=2026-12-01", "week"), ("week=soon", "week"),
    ("week=9999-12-27", "week"),
    ("cursor=abc", "cursor"), ("limit=0", "limit"),
])
def test_a_bad_list_query_is_422_with_the_field(world: World, query: str, field: str) -> None:
    response = world.call("GET", f"{url_of(world)}?{query}", "coord")
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
