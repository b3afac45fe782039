"""``/api/v1`` resource offers: offer, read, withdraw, and the resource list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag
from tests.integration.api.resource_world import (
    catch_up,
    iso,
    made_offer,
    offer_body,
    other_organisations,
)
from tests.integration.api.work_world import NOW, clocked
from wushe.platform.domain.organisation import Organisation

if TYPE_CHECKING:
    from tests.integration.api.conftest import World


@pytest.fixture(autouse=True)
def _clock(world: World) -> None:
    clocked(world)


def offers_of(world: World) -> str:
    return f"/api/v1/organisations/{world.organisation}/offers"


def test_offering_is_idempotent_per_key_and_for_the_organisation(world: World) -> None:
    ids = other_organisations(world)
    start = world.position()
    for role, status in (("orgb", 404), ("org2", 404), ("vol", 404), ("coord2", 404),
                         (None, 401)):
        response = world.call("POST", offers_of(world), role, json=offer_body())
        assert response.status_code == status, role
    assert world.call("POST", f"/api/v1/organisations/{ids['org2']}/offers", "org",
                      json=offer_body()).json()["code"] == "organisation.not_found"
    assert world.position() == start
    first = world.call("POST", offers_of(world), "org", json=offer_body(), idempotency_key="k")
    assert (first.status_code, etag(first)) == (201, '"1"'), first.text
    body = first.json()
    assert (body["organisation_id"], body["community_id"], body["status"]) == \
        (str(world.organisation), str(world.c1), "open")
    assert (body["quantity"], body["allocated"], body["remaining"], body["offered_at"]) == \
        (100, 0, 100, iso(NOW).replace("+00:00", "Z"))
    end = world.position()
    assert int(first.headers["x-log-position"]) == end
    retry = world.call("POST", offers_of(world), "org", json=offer_body(), idempotency_key="k")
    assert (retry.status_code, retry.content) == (201, first.content)
    other = world.call("POST", offers_of(world), "org", json=offer_body(quantity=5),
                       idempotency_key="k")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency.mismatch")
    assert world.position() == end
    for role in ("coord", "admin"):  # the community's staff record an offer for it
        assert world.call("POST", offers_of(world), role, json=offer_body()).status_code == 201
    world.app.update(Organisation, world.organisation, lambda o: o.deactivate("停止活动"))
    end = world.position()
    inactive = world.call("POST", offers_of(world), "org", json=offer_body())
    assert (inactive.status_code, inactive.json()["code"]) == (409, "reference.inactive")
    assert world.position() == end


BAD_OFFERS: list[tuple[dict[str, Any], str, str]] = [
    ({"resource_type": "gold"}, "resource_type", "input.bad_choice"),
    ({"quantity": 0}, "quantity", "input.out_of_range"),
    ({"quantity": "many"}, "quantity", "input.bad_type"),
    ({"title": " "}, "title", "input.required"),
    ({"unit": "份" * 11}, "unit", "input.too_long"),
    ({"conditions": "须\u0000"}, "conditions", "input.bad_text"),
    ({"window": {"start": iso(NOW), "end": iso(NOW)}}, "window", "input.empty_window"),
    ({"window": {"start": "2026-12-01T09:00:00", "end": iso(NOW)}}, "window.start",
     "input.bad_type"),
    ({"colour": "red"}, "colour", "input.unknown_field"),
]


def test_a_bad_offer_is_a_field_level_problem(world: World) -> None:
    start = world.position()
    for changes, field, code in BAD_OFFERS:
        response = world.call("POST", offers_of(world), "org", json=offer_body(**changes))
        assert response.status_code == 422, (changes, response.text)
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code), changes
    missing = world.call("POST", offers_of(world), "org", json={"title": "米"})
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (422, "input.required")
    assert world.position() == start


def test_an_offer_is_read_by_its_organisation_and_coordinators_only(world: World) -> None:
    other_organisations(world)
    offer = made_offer(world)
    url = f"/api/v1/offers/{offer['id']}"
    for role in ("org", "coord", "admin"):
        response = world.call("GET", url, role)
        assert (response.status_code, etag(response)) == (200, '"1"'), role
        assert response.json() == offer
    for role in ("orgb", "org2", "coord2", "vol"):
        response = world.call("GET", url, role)
        assert (response.status_code, response.json()["code"]) == (404, "resource.not_found")
    assert world.call("GET", url, None).status_code == 401
    missing = world.call("GET", f"/api/v1/offers/{world.c1}", "admin")  # a community's id
    assert (missing.status_code, missing.json()["code"]) == (404, "resource.not_found")


def test_withdrawing_needs_if_match_and_the_offer_to_be_theirs(world: World) -> None:
    other_organisations(world)
    url = f"/api/v1/offers/{made_offer(world)['id']}/withdraw"
    reason = {"reason": "物资已另作他用"}
    start = world.position()
    missing = world.call("POST", url, "org", json=reason)
    assert (missing.status_code, missing.json()["code"]) == (428, "version.if_match_required")
    stale = world.call("POST", url, "org", json=reason, if_match='"4"')
    assert (stale.status_code, stale.json()["code"]) == (412, "version.stale")
    for body, field in (({}, "reason"), ({"reason": ""}, "reason"), ({"why": "x"}, "why")):
        bad = world.call("POST", url, "org", json=body, if_match='"1"')
        assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, field), body
    for role in ("orgb", "org2", "coord2", "vol"):
        assert world.call("POST", url, role, json=reason, if_match='"1"').status_code == 404
    assert world.position() == start
    done = world.call("POST", url, "org", json=reason, if_match='"1"', idempotency_key="w")
    assert (done.status_code, etag(done)) == (200, '"2"'), done.text
    assert (done.json()["status"], done.json()["remaining"]) == ("withdrawn", 0)
    end = world.position()
    retry = world.call("POST", url, "org", json=reason, if_match='"1"', idempotency_key="w")
    assert (retry.status_code, retry.content) == (200, done.content)
    again = world.call("POST", url, "coord", json=reason, if_match='"2"')
    assert (again.status_code, again.json()["code"]) == (409, "state.withdraw")
    assert world.position() == end


BAD_QUERIES = (
    ("resource_type=gold", "resource_type"), ("status=lost", "status"),
    ("party_kind=club", "party_kind"), ("organisation=7", "organisation"),
    ("available=perhaps", "available"), ("available_from=soon", "available_from"),
    ("available_to=9999-12-31", "available_to"), ("available_from=0001-01-01", "available_from"),
    ("limit=0", "limit"), ("cursor=%%%", "cursor"), ("wait_for=-1", "wait_for"),
)


def test_the_resource_list_filters_pages_and_scopes(world: World) -> None:
    ids = other_organisations(world)
    goods = made_offer(world)["id"]
    venue = made_offer(world, resource_type="venue", unit="间", quantity=1,
                       window={"start": iso(NOW), "end": "2027-06-01T00:00:00+08:00"})["id"]
    theirs = made_offer(world, ids["orgb"], role="orgb", resource_type="funds", unit="元")["id"]
    made_offer(world, ids["org2"], role="coord2")
    world.call("POST", f"/api/v1/offers/{theirs}/withdraw", "orgb", json={"reason": "停"},
               if_match='"1"')
    catch_up(world)
    url = f"/api/v1/communities/{world.c1}/offers"

    def listed(query: str = "", role: str = "coord") -> set[str]:
        response = world.call("GET", f"{url}?{query}", role)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert listed() == {goods, venue, theirs}
    assert listed(role="org") == {goods, venue}
    assert listed(role="orgb") == {theirs}
    assert listed(f"organisation={ids['orgb']}", "org") == set()
    assert listed("resource_type=venue") == {venue}
    assert listed("status=withdrawn&status=exhausted", "admin") == {theirs}
    assert listed("available=false") == {theirs}
    assert listed("party_kind=social_organisation&available=true") == {goods, venue}
    assert listed("available_from=2027-03-01") == {venue}
    assert listed("available_to=2026-11-22") == set()
    assert listed("available_from=2026-11-23&available_to=2026-11-23") == {goods, venue, theirs}
    item = world.call("GET", f"{url}?resource_type=goods", "coord").json()["items"][0]
    assert (item["organisation_name"], item["remaining"], item["window"]["start"]) == \
        ("东街社工服务中心", 100, iso(NOW).replace("+00:00", "Z"))
    first = world.call("GET", f"{url}?limit=2", "coord").json()
    second = world.call("GET", f"{url}?limit=2&cursor={first['next_cursor']}", "coord").json()
    assert len({i["id"] for i in first["items"] + second["items"]}) == 3
    assert second["next_cursor"] is None
    wrong = world.call("GET", f"{url}?limit=2&available=true&cursor={first['next_cursor']}",
                       "coord")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "query.bad_cursor")
    for role, status in (("vol", 403), ("coord2", 404), ("org2", 404), (None, 401)):
        assert world.call("GET", url, role).status_code == status, role
    for query, field in BAD_QUERIES:
        response = world.call("GET", f"{url}?{query}", "coord")
        assert response.status_code == 422, (query, response.text)
        assert response.json()["errors"][0]["field"] == field, query
