"""``/api/v1/webhooks``: subscriptions to signed notices of events, and their delivery log.

A subscription is an aggregate (created and disabled through the log, ``ETag`` =
version, ``If-Match`` to disable). Its secret is shown in the creation's answer only:
the answer kept for ``Idempotency-Key`` is stored without it, and the secret is read
back from the (sealed) subscription for the first answer and for a retry with the same
key. The delivery log is read from the worker's tables (``X-Views-Position`` = how far
the delivery worker has read the log). Who may do what: :mod:`webhooks_access`.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import webhooks as commands
from wushe.platform.domain.errors import InvalidStateError, NotFoundError
from wushe.platform.domain.webhook import WebhookStatus, WebhookSubscription
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.reads import PageLimit, decode_cursor, encode_cursor, read_response
from wushe.platform.http.api.schemas.webhooks import (
    DeliveriesPage,
    DeliveryOut,
    KindsOut,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
    WebhooksPage,
)
from wushe.platform.http.api.webhooks_access import (
    delivery_out,
    list_scope,
    may_subscribe,
    visible_webhook,
    webhook_out,
    webhook_store,
)
from wushe.platform.http.api.writes import Written, expected_version, idempotent
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking
from wushe.platform.webhooks.kinds import KINDS
from wushe.platform.webhooks.rows import DeliveryStatus, SubscriptionRow

__all__ = ["WebhooksController"]


def _index_row(subscription: WebhookSubscription, position: int) -> SubscriptionRow:
    organisation = subscription.organisation_id
    return SubscriptionRow(str(subscription.id), str(subscription.community_id),
                           None if organisation is None else str(organisation),
                           subscription.url, subscription.kinds, position)


def _delivery_not_found(delivery_id: UUID) -> NotFoundError:
    return NotFoundError("webhook_delivery.not_found", "找不到该记录（webhook_delivery）",
                         f"no delivery with id {delivery_id}")


async def _subscribe(request: Request[Any, Any, Any], principal: Principal, data: WebhookIn,
                     request_key: str | None) -> Written:
    app = application(request)
    recorded = await blocking(
        commands.subscribe_webhook, app, community_id=data.community_id,
        organisation_id=data.organisation_id, url=data.url, kinds=data.kinds,
        description=data.description, by=principal.account_id, at=business_now(request),
        allow_private=app.settings.webhooks.allow_private_addresses, request_key=request_key)
    subscription = await blocking(app.load, WebhookSubscription, recorded.id)
    if recorded.created:  # at once, so the list shows it (the worker would add it too)
        await blocking(webhook_store(request).add_subscription,
                       _index_row(subscription, recorded.position))
    out = WebhookCreatedOut(**msgspec.structs.asdict(webhook_out(subscription)), secret=None)
    return Written(201, out, recorded)


async def _with_secret(request: Request[Any, Any, Any], response: Response[Any]) -> Response[Any]:
    """The creation's answer (first or replayed) with the secret read back from the log."""
    body = msgspec.json.decode(response.content, type=WebhookCreatedOut)
    subscription = await blocking(application(request).load, WebhookSubscription, body.id)
    shown = msgspec.structs.replace(body, secret=subscription.secret)
    return Response(msgspec.json.encode(shown), status_code=response.status_code,
                    media_type="application/json", headers=dict(response.headers))


async def _deliveries(request: Request[Any, Any, Any], subscription_id: UUID,
                      status: DeliveryStatus | None, limit: int,
                      cursor: str | None) -> DeliveriesPage:
    store = webhook_store(request)
    scope = ("webhook-deliveries", str(subscription_id), status)
    before = None if cursor is None else int(decode_cursor(scope, cursor, 1)[0])
    rows = await blocking(store.deliveries, str(subscription_id), status, before, limit + 1)
    page = rows[:limit]
    attempts = await blocking(store.attempts, [r.id for r in page])
    more = len(rows) > limit
    return DeliveriesPage(tuple(delivery_out(r, attempts[r.id]) for r in page),
                          encode_cursor(scope, (str(page[-1].position),)) if more else None)


class WebhooksController(Controller):
    """Webhook subscriptions (a community's or an organisation's) and their deliveries."""

    path = "/api/v1/webhooks"
    tags = ["webhooks"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/kinds", operation_id="listWebhookKinds")
    async def kinds(self) -> KindsOut:
        """Every event kind a subscription may name."""
        return KindsOut(KINDS)

    @post("/", operation_id="subscribeWebhook", status_code=201)
    async def subscribe(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        data: JSONBody[WebhookIn]) -> Response[WebhookCreatedOut]:
        """Subscribe a URL; the answer holds the signing secret; honours ``Idempotency-Key``."""
        await may_subscribe(request, principal, data.community_id, data.organisation_id)
        response = await idempotent(
            request, principal, lambda key: _subscribe(request, principal, data, key))
        return await _with_secret(request, response)

    @get("/", operation_id="listWebhooks")
    async def list_webhooks(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                            limit: PageLimit = 50,
                            cursor: FromQuery[str | None] = None) -> Response[WebhooksPage]:
        """The subscriptions the principal may see, by id."""
        after = None if cursor is None else decode_cursor(("webhooks",), cursor, 1)[0]
        ids = await blocking(webhook_store(request).subscription_ids, list_scope(principal),
                             after, limit + 1)
        app = application(request)
        items = [webhook_out(await blocking(app.load, WebhookSubscription, UUID(i)))
                 for i in ids[:limit]]
        more = len(ids) > limit
        page = WebhooksPage(tuple(items),
                            encode_cursor(("webhooks",), (ids[limit - 1],)) if more else None)
        return read_response(page, await blocking(app.log_position))

    @get("/{subscription_id:uuid}", operation_id="getWebhook")
    async def get_webhook(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                          subscription_id: FromPath[UUID]) -> Response[WebhookOut]:
        """One subscription (never its secret); ``ETag`` = version."""
        subscription = await visible_webhook(request, principal, subscription_id)
        position = await blocking(application(request).log_position)
        return read_response(webhook_out(subscription), position, subscription.version)

    @post("/{subscription_id:uuid}/disable", operation_id="disableWebhook", status_code=200)
    async def disable(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      subscription_id: FromPath[UUID]) -> Response[WebhookOut]:
        """Stop deliveries for good and destroy the secret; needs ``If-Match``."""
        async def run(_: str | None) -> Written:
            expected = expected_version(request)
            await visible_webhook(request, principal, subscription_id)
            app = application(request)
            recorded = await blocking(commands.disable_webhook, app,
                                      subscription_id=subscription_id, by=principal.account_id,
                                      at=business_now(request), expected_version=expected)
            await blocking(webhook_store(request).mark_disabled, str(subscription_id),
                           recorded.position)
            subscription = await blocking(app.load, WebhookSubscription, subscription_id)
            return Written(200, webhook_out(subscription), recorded)

        return await idempotent(request, principal, run)

    @get("/{subscription_id:uuid}/deliveries", operation_id="listWebhookDeliveries")
    async def deliveries(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         subscription_id: FromPath[UUID], *,
                         status: FromQuery[DeliveryStatus | None] = None, limit: PageLimit = 50,
                         cursor: FromQuery[str | None] = None) -> Response[DeliveriesPage]:
        """The delivery log, newest event first, each delivery with its attempts."""
        await visible_webhook(request, principal, subscription_id)
        page = await _deliveries(request, subscription_id, status, limit, cursor)
        return read_response(page, await blocking(webhook_store(request).position))

    @post("/{subscription_id:uuid}/deliveries/{delivery_id:uuid}/redeliver",
          operation_id="redeliverWebhook", status_code=202)
    async def redeliver(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        subscription_id: FromPath[UUID],
                        delivery_id: FromPath[UUID]) -> Response[DeliveryOut]:
        """Attempt a delivery again now, with a new series of attempts (same delivery id)."""
        subscription = await visible_webhook(request, principal, subscription_id)
        store = webhook_store(request)
        row = await blocking(store.delivery, str(delivery_id))
        if row is None or row.subscription_id != str(subscription_id):
            raise _delivery_not_found(delivery_id)
        if subscription.status is not WebhookStatus.ACTIVE:
            raise InvalidStateError("webhook.disabled", "该订阅已停用，不能重新发送",
                                    "the subscription is disabled; nothing is sent again")
        await blocking(store.redeliver, row.id, time.time())
        row = await blocking(store.delivery, row.id)
        attempts = await blocking(store.attempts, [str(delivery_id)])
        assert row is not None  # noqa: S101  (it was there a moment ago; rows are never deleted)
        return Response(delivery_out(row, attempts[row.id]), status_code=202)
