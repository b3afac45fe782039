"""Webhook subscriptions and their delivery log on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from wushe.platform.domain.webhook import MAX_KINDS, MAX_URL, WebhookStatus
from wushe.platform.webhooks.rows import DeliveryStatus

__all__ = ["AttemptOut", "DeliveriesPage", "DeliveryOut", "KindsOut", "WebhookCreatedOut",
           "WebhookIn", "WebhookOut", "WebhooksPage"]


class WebhookIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Subscribe ``url`` to event ``kinds`` of a community or of an organisation (one of the two).

    ``kinds``: ``need.received``, ``need.*`` (all of an aggregate) or ``*`` (see
    ``GET /api/v1/webhooks/kinds``).
    """

    url: Annotated[str, msgspec.Meta(max_length=MAX_URL)]
    kinds: Annotated[tuple[str, ...], msgspec.Meta(min_length=1, max_length=MAX_KINDS)]
    community_id: UUID | None = None
    organisation_id: UUID | None = None
    description: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class WebhookOut(msgspec.Struct, frozen=True, kw_only=True):
    """A subscription (never its secret)."""

    id: UUID
    scope: Literal["community", "organisation"]
    community_id: UUID
    organisation_id: UUID | None
    url: str
    kinds: tuple[str, ...]
    description: str | None
    status: WebhookStatus
    created_by: UUID  # the account
    created_at: datetime
    disabled_at: datetime | None
    version: int


class WebhookCreatedOut(WebhookOut, frozen=True, kw_only=True):
    """A new subscription with its signing secret: shown in this answer only (and to a
    retry with the same ``Idempotency-Key``); null once the subscription is disabled."""

    secret: str | None


class WebhooksPage(msgspec.Struct, frozen=True):
    """A page of subscriptions by id, and the next page's cursor (None: last page)."""

    items: tuple[WebhookOut, ...]
    next_cursor: str | None


class AttemptOut(msgspec.Struct, frozen=True, kw_only=True):
    """One attempt: the receiver's HTTP status, or the error that prevented one."""

    number: int
    at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None
    next_attempt_at: datetime | None  # when it is tried again (None: delivered, or no more)


class DeliveryOut(msgspec.Struct, frozen=True, kw_only=True):
    """One event for the subscription, and every attempt to deliver it."""

    id: UUID  # sent as X-Wushe-Delivery
    kind: str
    aggregate_id: UUID
    version: int
    position: int
    occurred_at: datetime
    status: DeliveryStatus
    next_attempt_at: datetime | None
    created_at: datetime
    finished_at: datetime | None
    attempts: tuple[AttemptOut, ...]


class DeliveriesPage(msgspec.Struct, frozen=True):
    """A page of the delivery log, newest event first, and the next page's cursor."""

    items: tuple[DeliveryOut, ...]
    next_cursor: str | None


class KindsOut(msgspec.Struct, frozen=True):
    """Every event kind a subscription may name (and ``aggregate.*`` or ``*``)."""

    kinds: tuple[str, ...]
