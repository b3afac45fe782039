"""WebhookSubscription: where an integrator wants to be told of events, and how it is signed.

A subscription belongs to a community (its administrators and coordinators manage it)
or to one organisation of it (managed by the organisation itself); it names the event
kinds it wants (``need.received``, ``need.*``, or ``*``) and the ``http(s)`` URL to
POST them to. It is an aggregate, so creating and disabling one is in the log like any
other change: who did it and when stays auditable.

The secret that signs deliveries is a sealed field (as personal data is: encrypted with
the subscription's own key, kept outside the log), so the log never holds it in clear;
disabling destroys that key (the command does), and the secret with it. Which kinds
exist, and whether an address may be called, are checked by the command layer
(``commands/webhooks.py``); the deliveries themselves are operational state and live in
the API store (``webhooks/store.py``).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Self
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.base import PersonalEvent
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_optional_uuid,
    require_rule,
    require_sequence,
    require_text,
    require_uuid,
)

__all__ = ["KIND_PATTERN", "MAX_KINDS", "MAX_URL", "SECRET_PATTERN", "WebhookStatus",
           "WebhookSubscription", "require_webhook_url"]

# ``*`` (everything), ``need.*`` (everything of an aggregate) or ``need.received``.
KIND_PATTERN = re.compile(r"^(\*|[a-z_]{1,40}\.(\*|[a-z_]{1,60}))$")
SECRET_PATTERN = re.compile(r"^whsec_[A-Za-z0-9_-]{32,128}$")
MAX_KINDS = 50
MAX_URL = 2000
_SCHEMES = frozenset({"http", "https"})


class WebhookStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


def require_webhook_url(url: object) -> str:
    """An absolute ``http``/``https`` URL with a host, no credentials and no fragment."""
    text = require_text(url, "url", max_length=MAX_URL)
    require(_has_host(text) and urlsplit(text).scheme in _SCHEMES, "webhook.bad_url",
            "地址须为 http:// 或 https:// 开头的完整网址",
            "the url must be an absolute http:// or https:// URL", field="url")
    parts = urlsplit(text)
    require(parts.username is None and parts.password is None and not parts.fragment
            and not any(c.isspace() for c in text), "webhook.bad_url",
            "地址不能含用户名、密码、片段（#）或空白", "the url must not hold credentials, a "
            "fragment (#) or white space", field="url")
    return text


def _has_host(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and (parts.port is None or parts.port > 0)
    except ValueError:  # a port that is not a number, a malformed IPv6 literal
        return False


def _require_kinds(kinds: object) -> tuple[str, ...]:
    items = require_sequence(kinds, "kinds")
    require(0 < len(items) <= MAX_KINDS, "webhook.bad_kinds",
            f"须订阅 1–{MAX_KINDS} 种事件", f"subscribe to 1–{MAX_KINDS} event kinds",
            field="kinds")
    for kind in items:
        require(isinstance(kind, str) and bool(KIND_PATTERN.fullmatch(kind)),
                "webhook.bad_kinds", f"事件种类格式不正确：{kind}",
                f"not an event kind: {kind!r} (like need.received, need.* or *)", field="kinds")
    return tuple(sorted({str(k) for k in items}))


class WebhookSubscription(Aggregate):
    """An endpoint that is sent signed notices of a community's or organisation's events."""

    TOPIC = "wushe.webhook"
    id: UUID

    class Event(PersonalEvent):
        PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"secret"})

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.webhook.created"

    @classmethod
    def subscribe(cls, *, id: UUID, community_id: UUID,  # noqa: A002
                  organisation_id: UUID | None, url: str, kinds: tuple[str, ...],
                  secret: str, description: str | None, by: UUID, at: datetime) -> Self:
        """Record a subscription of the community (or of one organisation of it)."""
        require(isinstance(secret, str) and bool(SECRET_PATTERN.fullmatch(secret)),
                "webhook.bad_secret", "签名密钥格式不正确", "not a webhook secret", field="secret")
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            organisation_id=require_optional_uuid(organisation_id, "organisation_id"),
            url=require_webhook_url(url), kinds=_require_kinds(kinds), secret=secret,
            description=None if description is None else require_text(
                description, "description", max_length=200),
            subscribed_by=require_uuid(by, "by"), at=require_aware(at))

    @event("Subscribed", topic="wushe.webhook.subscribed")
    def __init__(self, community_id: UUID, organisation_id: UUID | None, url: str,
                 kinds: tuple[str, ...], secret: str, description: str | None,
                 subscribed_by: UUID, at: datetime) -> None:
        self.community_id, self.organisation_id = community_id, organisation_id
        self.url, self.kinds, self.description = url, kinds, description
        # None once the key is destroyed (the subscription was disabled).
        self.secret: str | None = secret
        self.subscribed_by, self.subscribed_at = subscribed_by, at
        self.status = WebhookStatus.ACTIVE
        self.disabled_by: UUID | None = None
        self.disabled_at: datetime | None = None

    def disable(self, by: UUID, at: datetime) -> None:
        """Stop deliveries for good (a new subscription is needed to start again)."""
        require_rule(self.status is WebhookStatus.ACTIVE, "webhook.already_disabled",
                     "该订阅已停用", "the subscription is already disabled")
        self._disabled(by=require_uuid(by, "by"), at=require_aware(at))

    @event("Disabled", topic="wushe.webhook.disabled")
    def _disabled(self, by: UUID, at: datetime) -> None:
        self.status = WebhookStatus.DISABLED
        self.disabled_by, self.disabled_at = by, at
