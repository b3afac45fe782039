"""Every webhook endpoint × every role: the status each gets.

c1's coordinator subscribed c1 to webhooks, and c1's organisation subscribed itself;
each subscription has one pending delivery. A subscription the principal may not see
is 404 (never revealing that it exists), and so is a community or organisation they
may not see; what they see but may not subscribe is 403; anonymous is 401. Bodies
that reach a command are invalid (an unknown kind) and disabling sends a stale
``If-Match``, so an allowed role gets 422 or 412 and no cell appends to the log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tests.integration.test_commands import AT
from wushe.platform.commands import offer_resource
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.values import TimeSpan
from wushe.platform.webhooks.follower import Follower

if TYPE_CHECKING:
    from tests.integration.api.conftest import World
    from wushe.platform.webhooks.store import WebhookStore

ROLES = (None, "admin", "coord", "coord2", "org", "vol")
URL = "https://hooks.example.com/wushe"
# endpoint → expected status per role (anonymous, admin, coord, coord2, org, vol)
COMMUNITY_OWN = (401, 200, 200, 404, 404, 404)
ORGANISATION_OWN = (401, 200, 404, 404, 200, 404)
MATRIX: dict[str, tuple[int, ...]] = {
    "list webhooks": (401, 200, 200, 200, 200, 200),
    "list kinds": (401, 200, 200, 200, 200, 200),
    "subscribe community": (401, 422, 422, 404, 403, 404),
    "subscribe organisation": (401, 422, 403, 404, 422, 404),
    "get community webhook": COMMUNITY_OWN,
    "get organisation webhook": ORGANISATION_OWN,
    "disable community webhook": (401, 412, 412, 404, 404, 404),
    "disable organisation webhook": (401, 412, 404, 404, 412, 404),
    "community deliveries": COMMUNITY_OWN,
    "organisation deliveries": ORGANISATION_OWN,
    "redeliver community": (401, 202, 202, 404, 404, 404),
    "redeliver organisation": (401, 202, 404, 404, 202, 404),
}


def request(world: World, endpoint: str, ids: dict[str, str]) -> tuple[str, str, Any]:
    hooks = "/api/v1/webhooks"
    community, organisation = f"{hooks}/{ids['community']}", f"{hooks}/{ids['organisation']}"
    bad_kind = {"url": URL, "kinds": ["need.teleported"]}
    return {
        "list webhooks": ("GET", hooks, None),
        "list kinds": ("GET", f"{hooks}/kinds", None),
        "subscribe community": ("POST", hooks, {**bad_kind, "community_id": str(world.c1)}),
        "subscribe organisation": ("POST", hooks, {
            **bad_kind, "organisation_id": str(world.organisation)}),
        "get community webhook": ("GET", community, None),
        "get organisation webhook": ("GET", organisation, None),
        "disable community webhook": ("POST", f"{community}/disable", None),
        "disable organisation webhook": ("POST", f"{organisation}/disable", None),
        "community deliveries": ("GET", f"{community}/deliveries", None),
        "organisation deliveries": ("GET", f"{organisation}/deliveries", None),
        "redeliver community": (
            "POST", f"{community}/deliveries/{ids['community delivery']}/redeliver", None),
        "redeliver organisation": (
            "POST", f"{organisation}/deliveries/{ids['organisation delivery']}/redeliver",
            None),
    }[endpoint]


def webhook_ids(world: World) -> dict[str, str]:
    """A subscription of c1 and one of its organisation, each with a pending delivery."""
    def subscribe(role: str, **scope: str) -> str:
        response = world.call("POST", "/api/v1/webhooks", role,
                              json={"url": URL, "kinds": ["*"], **scope})
        return str(response.json()["id"])

    ids = {"community": subscribe("coord", community_id=str(world.c1)),
           "organisation": subscribe("org", organisation_id=str(world.organisation))}
    offer_resource(world.app, community_id=world.c1, organisation_id=world.organisation,
                   resource_type=ResourceType.GOODS, title="爱心米面油", description="米面油",
                   quantity=10, unit="份", window=TimeSpan(AT, AT + timedelta(days=30)), at=AT)
    store: WebhookStore = world.client.app.state.webhooks
    Follower(world.app, store, 500).step()  # enqueued (no worker runs: they stay pending)
    for scope in ("community", "organisation"):
        [delivery] = store.deliveries(ids[scope], None, None, 10)
        ids[f"{scope} delivery"] = delivery.id
    return ids


def test_the_webhooks_authorisation_matrix(world: World) -> None:
    """One world for every cell; no cell appends to the log."""
    ids = webhook_ids(world)
    got: dict[str, tuple[int, ...]] = {}
    for endpoint in sorted(MATRIX):
        start = world.position()
        method, url, body = request(world, endpoint, ids)
        got[endpoint] = tuple(world.call(method, url, role, json=body,
                                         if_match='"99"').status_code for role in ROLES)
        assert world.position() == start, endpoint
    assert got == MATRIX
