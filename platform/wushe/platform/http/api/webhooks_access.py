"""Webhook subscriptions for the API: who may do what, the store, and the wire forms.

Who may do what (the same rule as elsewhere: what the principal may not see is 404,
what they see but may not do is 403):

=========================  ==============  ===============  ==================  =========
action                     administrator   coordinator (c)  organisation o (c)  volunteer
=========================  ==============  ===============  ==================  =========
subscribe community c      yes             c                403                 404
subscribe organisation o   yes             403              o itself            404
list                       all             c's (community)  o's                 none
read, log, disable,        all             c's (community)  o's                 404
redeliver
=========================  ==============  ===============  ==================  =========

An organisation's subscriptions are its own business: its community's coordinators
neither see nor manage them (administrators do).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.organisation import Organisation
from wushe.platform.domain.webhook import WebhookSubscription
from wushe.platform.http.api.authz import Action, authorise, can_community
from wushe.platform.http.api.authz_people import Act, can_organisation, refuse_unless
from wushe.platform.http.api.communities import community_not_found
from wushe.platform.http.api.organisations_out import organisation_not_found
from wushe.platform.http.api.schemas.webhooks import (
    AttemptOut,
    DeliveryOut,
    WebhookOut,
)
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from litestar import Request
    from litestar.connection import ASGIConnection

    from wushe.platform.http.auth.principal import Principal
    from wushe.platform.webhooks.rows import AttemptRow, DeliveryRow
    from wushe.platform.webhooks.store import WebhookStore

__all__ = ["can_webhook", "delivery_out", "list_scope", "may_subscribe", "visible_webhook",
           "webhook_not_found", "webhook_out", "webhook_store"]


def webhook_store(connection: ASGIConnection[Any, Any, Any, Any]) -> WebhookStore:
    """The delivery worker's tables (subscriptions index, delivery log)."""
    found: WebhookStore = connection.app.state.webhooks
    return found


def webhook_not_found(subscription_id: UUID) -> NotFoundError:
    """The 404 of a subscription that is missing or not the principal's (the same answer)."""
    return NotFoundError("webhook.not_found", "找不到该记录（webhook）",
                         f"no webhook subscription with id {subscription_id}")


def can_webhook(principal: Principal, subscription: WebhookSubscription) -> bool:
    """Whether the principal may see (and so manage) the subscription."""
    if principal.roles.administrator:
        return True
    if subscription.organisation_id is not None:
        return principal.roles.organisation_id == subscription.organisation_id
    return subscription.community_id in principal.roles.coordinator_of


def list_scope(principal: Principal) -> tuple[str, list[str]] | None:
    """What the list shows: everything (None), or an organisation's and communities'."""
    if principal.roles.administrator:
        return None
    organisation = principal.roles.organisation_id
    return ("" if organisation is None else str(organisation),
            sorted(str(c) for c in principal.roles.coordinator_of))


async def visible_webhook(request: Request[Any, Any, Any], principal: Principal,
                          subscription_id: UUID) -> WebhookSubscription:
    """The subscription, if the principal may see it (else 404)."""
    try:
        subscription = await blocking(application(request).load, WebhookSubscription,
                                      subscription_id)
    except NotFoundError:
        raise webhook_not_found(subscription_id) from None
    if not can_webhook(principal, subscription):
        raise webhook_not_found(subscription_id)
    return subscription


async def may_subscribe(request: Request[Any, Any, Any], principal: Principal,
                        community_id: UUID | None, organisation_id: UUID | None) -> None:
    """Refuse (404 / 403) a subscription of a community or organisation not the principal's.

    A body naming both or neither is left to the command (422).
    """
    app = application(request)
    if organisation_id is not None:
        try:
            organisation = await blocking(app.load, Organisation, organisation_id)
        except NotFoundError:
            raise organisation_not_found(organisation_id) from None
        refuse_unless(lambda act: can_organisation(principal, Act.READ, organisation.id,
                                                   organisation.community_id)
                      if act is Act.READ else principal.roles.administrator
                      or principal.roles.organisation_id == organisation.id,
                      Act.MANAGE, organisation_not_found(organisation_id))
    elif community_id is not None:
        try:
            await blocking(app.load, Community, community_id)
        except NotFoundError:
            raise community_not_found(community_id) from None
        authorise(can_community, principal, Action.WRITE, community_id,
                  community_not_found(community_id))


def webhook_out(subscription: WebhookSubscription) -> WebhookOut:
    """The wire form of a subscription (without its secret)."""
    return WebhookOut(
        id=subscription.id,
        scope="community" if subscription.organisation_id is None else "organisation",
        community_id=subscription.community_id, organisation_id=subscription.organisation_id,
        url=subscription.url, kinds=subscription.kinds, description=subscription.description,
        status=subscription.status, created_by=subscription.subscribed_by,
        created_at=subscription.subscribed_at, disabled_at=subscription.disabled_at,
        version=subscription.version)


def _moment(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _attempt_out(row: AttemptRow) -> AttemptOut:
    return AttemptOut(number=row.number, at=datetime.fromtimestamp(row.at, UTC),
                      duration_ms=row.duration_ms, status_code=row.status_code,
                      error=row.error, next_attempt_at=_moment(row.next_attempt_at))


def delivery_out(row: DeliveryRow, attempts: list[AttemptRow]) -> DeliveryOut:
    """The wire form of a delivery with its attempts."""
    return DeliveryOut(
        id=UUID(row.id), kind=row.kind, aggregate_id=UUID(row.aggregate_id),
        version=row.version, position=row.position,
        occurred_at=datetime.fromisoformat(row.occurred_at), status=row.status,
        next_attempt_at=_moment(row.next_attempt_at),
        created_at=datetime.fromtimestamp(row.created_at, UTC),
        finished_at=_moment(row.finished_at), attempts=tuple(map(_attempt_out, attempts)))
