"""Commands on webhook subscriptions: subscribe (with a new secret) and disable.

The secret is made here (the domain is deterministic) and recorded sealed; the caller
reads it back from the aggregate to show it once. Disabling destroys the
subscription's key, so the secret can never be read again, in any copy of the log.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wushe.platform.commands._common import create, require_active
from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import InvalidStateError, ValidationError
from wushe.platform.domain.organisation import Organisation, OrganisationStatus
from wushe.platform.domain.webhook import WebhookSubscription, require_webhook_url
from wushe.platform.webhooks.addresses import require_callable_host
from wushe.platform.webhooks.kinds import require_known_kinds

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from uuid import UUID

    from wushe.platform.application import Recorded, WusheApplication

__all__ = ["disable_webhook", "new_secret", "subscribe_webhook"]

_SECRET_BYTES = 32


def new_secret() -> str:
    """A new signing secret: ``whsec_`` and 43 URL-safe characters (256 random bits)."""
    return "whsec_" + secrets.token_urlsafe(_SECRET_BYTES)


def _scope(app: WusheApplication, community_id: UUID | None,
           organisation_id: UUID | None) -> UUID:
    """The subscription's community: the one named, or the (active) organisation's."""
    if community_id is not None and organisation_id is None:
        return app.load(Community, community_id).id
    if organisation_id is not None and community_id is None:
        organisation = app.load(Organisation, organisation_id)
        require_active(organisation.status, OrganisationStatus.ACTIVE, "organisation_id")
        return organisation.community_id
    raise ValidationError("webhook.scope", "须且只能指定社区或组织之一",
                          "name exactly one of community_id and organisation_id",
                          field="community_id")


def subscribe_webhook(
    app: WusheApplication, *, community_id: UUID | None, organisation_id: UUID | None,
    url: str, kinds: Sequence[str], description: str | None, by: UUID, at: datetime,
    allow_private: bool = False, request_key: str | None = None,
) -> Recorded:
    """Record a subscription of a community, or of an (active) organisation of one."""
    def build(subscription_id: UUID) -> WebhookSubscription:
        community = _scope(app, community_id, organisation_id)
        checked = require_webhook_url(url)
        require_callable_host(urlsplit(checked).hostname or "", allow_private=allow_private)
        require_known_kinds(kinds)
        return WebhookSubscription.subscribe(
            id=subscription_id, community_id=community, organisation_id=organisation_id,
            url=checked, kinds=tuple(kinds), secret=new_secret(), description=description,
            by=by, at=at)
    return create(app, WebhookSubscription, "webhook", request_key, build)


def disable_webhook(
    app: WusheApplication, *, subscription_id: UUID, by: UUID, at: datetime,
    expected_version: int | None = None,
) -> Recorded:
    """Disable a subscription and destroy its secret (a retry destroys it again)."""
    try:
        recorded = app.update(WebhookSubscription, subscription_id,
                              lambda s: s.disable(by, at), expected_version=expected_version)
    except InvalidStateError:
        app.keys.delete(subscription_id)  # a first attempt may have stopped before this
        raise
    app.keys.delete(subscription_id)
    return recorded
