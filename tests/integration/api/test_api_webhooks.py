"""``/api/v1/webhooks``: subscribing (the secret shown once), reading, disabling, the
delivery log and redelivery, on SQLite and PostgreSQL.

The app here allows loopback addresses (as ``WUSHE_WEBHOOKS_ALLOW_PRIVATE=1`` does), so a
real receiver on 127.0.0.1 can be subscribed; the worker's steps are run by hand.
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.api.conftest import etag, uuid_of
from tests.integration.test_commands import need, organisation
from tests.integration.webhook_receiver import FAST, receiving
from wushe.platform.domain.webhook import WebhookSubscription
from wushe.platform.webhooks.dispatcher import Dispatcher
from wushe.platform.webhooks.follower import Follower

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from tests.integration.api.conftest import World
    from wushe.infra.settings import Settings
    from wushe.platform.webhooks.store import WebhookStore

URL = "https://hooks.example.com/wushe"  # never called in these tests (no worker runs)
WEBHOOKS = "/api/v1/webhooks"


@pytest.fixture
def store_settings(store_settings: Settings) -> Settings:
    """The app's settings with loopback allowed and tiny retry delays."""
    return dataclasses.replace(store_settings, webhooks=FAST)


def body(world: World, **changes: Any) -> dict[str, Any]:
    """A valid subscription of c1 to its needs' events."""
    return {"url": URL, "kinds": ["need.*"], "community_id": str(world.c1), **changes}


def subscribed(world: World, role: str = "coord", **changes: Any) -> httpx.Response:
    response = world.call("POST", WEBHOOKS, role, json=body(world, **changes))
    assert response.status_code == 201, response.text
    return response


def store_of(world: World) -> WebhookStore:
    found: WebhookStore = world.client.app.state.webhooks
    return found


def pump(world: World, done: Callable[[], bool]) -> None:
    """The delivery worker's steps, by hand, until ``done()``."""
    store = store_of(world)
    follower, dispatcher = Follower(world.app, store, 500), Dispatcher(world.app, store, FAST)
    deadline = time.monotonic() + 10
    try:
        while not done():
            assert time.monotonic() < deadline
            follower.step()
            if not dispatcher.step():
                time.sleep(0.005)
    finally:
        dispatcher.close()


BAD_BODIES: list[tuple[dict[str, Any], int, str, str]] = [
    ({"url": "ftp://hooks.example.com/"}, 422, "webhook.bad_url", "url"),
    ({"url": "https://user:pw@hooks.example.com/"}, 422, "webhook.bad_url", "url"),
    ({"url": "https://hooks.example.com/#frag"}, 422, "webhook.bad_url", "url"),
    ({"url": "/relative"}, 422, "webhook.bad_url", "url"),
    ({"url": "http://[::1"}, 422, "webhook.bad_url", "url"),
    ({"kinds": ["need.teleported"]}, 422, "webhook.unknown_kind", "kinds"),
    ({"kinds": ["account.*"]}, 422, "webhook.unknown_kind", "kinds"),
    ({"kinds": ["NEED"]}, 422, "webhook.bad_kinds", "kinds"),
    ({"kinds": []}, 422, "input.invalid", "kinds"),
    ({"description": " "}, 422, "input.required", "description"),
    ({"community_id": None}, 422, "webhook.scope", "community_id"),
    ({"colour": "red"}, 422, "input.invalid", "colour"),
    ({"community_id": None, "organisation_id": "00000000-0000-4000-8000-000000000000"}, 404,
     "organisation.not_found", ""),
]


def refused_and_nothing_recorded(world: World) -> None:
    """Bad bodies (422, field-level), and roles or scopes that may not subscribe."""
    start = world.position()
    for changes, status, code, field in BAD_BODIES:
        response = world.call("POST", WEBHOOKS, "admin", json=body(world, **changes))
        assert response.status_code == status, (changes, response.text)
        problem = response.json()
        errors = problem.get("errors", [])
        assert code in {problem["code"], *(e["code"] for e in errors)}, changes
        assert not field or field in [e["field"] for e in errors], changes
    other = organisation(world.app, world.c1)
    start = world.position()
    refused = {
        "org → community": world.call("POST", WEBHOOKS, "org", json=body(world)),
        "coord2 → c1": world.call("POST", WEBHOOKS, "coord2", json=body(world)),
        "vol → c1": world.call("POST", WEBHOOKS, "vol", json=body(world)),
        "coord → organisation": world.call("POST", WEBHOOKS, "coord", json=body(
            world, community_id=None, organisation_id=str(world.organisation))),
        "org → another organisation": world.call("POST", WEBHOOKS, "org", json=body(
            world, community_id=None, organisation_id=str(other))),
    }
    assert {k: v.status_code for k, v in refused.items()} == {
        "org → community": 403, "coord2 → c1": 404, "vol → c1": 404,
        "coord → organisation": 403, "org → another organisation": 404}
    assert world.position() == start


def test_the_secret_is_shown_once_and_each_principal_sees_their_own(world: World) -> None:
    refused_and_nothing_recorded(world)
    response = subscribed(world, description="居家养老平台")
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert (created["scope"], created["status"], created["version"]) == (
        "community", "active", 1)
    assert etag(response) == '"1"'
    assert int(response.headers["x-log-position"]) == world.position()
    got = world.call("GET", f"{WEBHOOKS}/{created['id']}", "coord")
    assert got.status_code == 200 and etag(got) == '"1"'
    assert got.json() == {k: v for k, v in created.items() if k != "secret"}
    theirs = subscribed(world, "org", community_id=None,
                        organisation_id=str(world.organisation)).json()
    assert (theirs["scope"], theirs["community_id"], theirs["organisation_id"]) == (
        "organisation", str(world.c1), str(world.organisation))
    mine = created["id"]
    seen = {role: [w["id"] for w in world.call("GET", WEBHOOKS, role).json()["items"]]
            for role in ("admin", "coord", "coord2", "org", "vol")}
    assert seen == {"admin": sorted([mine, theirs["id"]]), "coord": [mine], "coord2": [],
                    "org": [theirs["id"]], "vol": []}
    first = world.call("GET", f"{WEBHOOKS}?limit=1", "admin").json()
    rest = world.call("GET", f"{WEBHOOKS}?limit=1&cursor={first['next_cursor']}",
                      "admin").json()
    assert [w["id"] for w in first["items"] + rest["items"]] == seen["admin"]
    assert rest["next_cursor"] is None
    kinds = world.call("GET", f"{WEBHOOKS}/kinds", "vol").json()["kinds"]
    assert "need.received" in kinds and "resource.offered" in kinds
    assert not [k for k in kinds if k.startswith(("account.", "webhook."))]


def test_an_idempotent_retry_and_disabling_with_if_match(world: World) -> None:
    first = world.call("POST", WEBHOOKS, "coord", json=body(world), idempotency_key="k-1")
    start = world.position()
    again = world.call("POST", WEBHOOKS, "coord", json=body(world), idempotency_key="k-1")
    assert (again.status_code, again.headers["idempotent-replayed"]) == (201, "true")
    assert again.json() == first.json() and first.json()["secret"].startswith("whsec_")
    assert world.position() == start
    assert first.json()["secret"] not in kept_answer(world, "coord", "k-1")
    other = world.call("POST", WEBHOOKS, "coord", json=body(world, kinds=["*"]),
                       idempotency_key="k-1")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency.mismatch")
    webhook = f"{WEBHOOKS}/{first.json()['id']}"
    assert world.call("POST", f"{webhook}/disable", "coord").status_code == 428
    assert world.call("POST", f"{webhook}/disable", "coord", if_match='"7"').status_code == 412
    assert world.position() == start
    done = world.call("POST", f"{webhook}/disable", "coord", if_match='"1"')
    assert done.status_code == 200 and etag(done) == '"2"'
    assert (done.json()["status"], done.json()["disabled_at"] is not None) == ("disabled", True)
    assert world.app.load(WebhookSubscription, uuid_of(done)).secret is None
    replayed = world.call("POST", WEBHOOKS, "coord", json=body(world), idempotency_key="k-1")
    assert replayed.json()["secret"] is None  # destroyed with the key
    again = world.call("POST", f"{webhook}/disable", "coord", if_match='"2"')
    assert (again.status_code, again.json()["code"]) == (409, "webhook.already_disabled")


def kept_answer(world: World, role: str, key: str) -> str:
    """The answer the API store keeps for an ``Idempotency-Key`` of ``role``'s account."""
    me = world.call("GET", "/api/v1/auth/me", role).json()
    kept = world.client.app.state.api_store.answer(str(me["account_id"]), key)
    assert kept is not None
    return str(kept[1].body)


def test_the_delivery_log_pages_newest_first_and_a_delivery_is_sent_again(
        world: World) -> None:
    with receiving(fail_first=1) as receiver:
        created = subscribed(world, url=receiver.url).json()
        receiver.secret = created["secret"]
        other = subscribed(world, kinds=["*"]).json()
        needs = [str(need(world.app, world.c1)) for _ in range(3)]
        pump(world, lambda: len(receiver.delivered()) == 3)
        log = f"{WEBHOOKS}/{created['id']}/deliveries"
        first = world.call("GET", f"{log}?limit=2", "coord")
        assert first.status_code == 200
        assert int(first.headers["x-views-position"]) == world.position()
        rest = world.call("GET", f"{log}?limit=2&cursor={first.json()['next_cursor']}",
                          "coord").json()
        items = first.json()["items"] + rest["items"]
        assert [d["aggregate_id"] for d in items] == needs[::-1]
        assert rest["next_cursor"] is None
        failed_once = receiver.received[0].body["id"]  # the receiver refused its first request
        assert [[a["status_code"] for a in d["attempts"]] for d in items] == [
            [500, 200] if d["id"] == failed_once else [200] for d in items]
        assert {d["status"] for d in items} == {"delivered"}
        oldest = items[-1]["id"]
        elsewhere = f"{WEBHOOKS}/{other['id']}/deliveries/{oldest}/redeliver"
        assert world.call("POST", elsewhere, "coord").status_code == 404
        again = world.call("POST", f"{log}/{oldest}/redeliver", "coord")
        assert (again.status_code, again.json()["status"]) == (202, "pending")
        pump(world, lambda: len(receiver.delivered()) == 4)
    assert receiver.received[-1].body["id"] == oldest and receiver.received[-1].verified
    latest = world.call("GET", f"{log}?status=delivered", "coord").json()["items"]
    made = len(items[-1]["attempts"])
    assert [a["number"] for a in latest[-1]["attempts"]] == list(range(1, made + 2))
    assert world.call("GET", f"{log}?status=failed", "coord").json()["items"] == []
    bad = world.call("GET", f"{log}?cursor=nonsense", "coord")
    assert (bad.status_code, bad.json()["code"]) == (422, "query.bad_cursor")
    world.call("POST", f"{WEBHOOKS}/{created['id']}/disable", "coord", if_match='"1"')
    refused = world.call("POST", f"{log}/{oldest}/redeliver", "coord")
    assert (refused.status_code, refused.json()["code"]) == (409, "webhook.disabled")
