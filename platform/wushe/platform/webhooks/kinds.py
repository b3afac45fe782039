"""Which event kinds a subscription may ask for, and what a kind pattern matches.

A kind is an event's topic without ``wushe.``: ``need.received``. Subscriptions name
kinds, ``<aggregate>.*`` or ``*``. Accounts' events (sign-in secrets, roles) and the
webhook subscriptions' own events are never delivered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.domain import CanMutateAggregate

from wushe.platform.domain import AGGREGATES
from wushe.platform.domain.account import Account
from wushe.platform.domain.errors import ValidationError
from wushe.platform.domain.webhook import KIND_PATTERN, WebhookSubscription

if TYPE_CHECKING:
    from collections.abc import Iterable

    from eventsourcing.domain import Aggregate

__all__ = ["KINDS", "SUBSCRIPTION_TOPICS", "kind_of", "matches", "require_known_kinds",
           "topics_of"]

_PREFIX = "wushe."
_NEVER = (Account, WebhookSubscription)


def _event_topics(aggregate: type[Aggregate]) -> set[str]:
    # ``Created`` is the base of the creation event, never stored itself.
    return {getattr(value, "TOPIC", "") for name, value in vars(aggregate).items()
            if isinstance(value, type) and issubclass(value, CanMutateAggregate)
            and name not in {"Event", "Created"}}


# Every kind that can be delivered, sorted.
KINDS: tuple[str, ...] = tuple(sorted(
    topic.removeprefix(_PREFIX) for aggregate in AGGREGATES if aggregate not in _NEVER
    for topic in _event_topics(aggregate)))
_KNOWN = frozenset(KINDS)
# The topics the delivery worker always reads: subscriptions appearing and going.
SUBSCRIPTION_TOPICS: tuple[str, ...] = tuple(sorted(_event_topics(WebhookSubscription)))


def kind_of(topic: str) -> str:
    """The kind of an event topic."""
    return topic.removeprefix(_PREFIX)


def matches(patterns: Iterable[str], kind: str) -> bool:
    """Whether any pattern (a kind, ``aggregate.*`` or ``*``) matches a deliverable kind."""
    if kind not in _KNOWN:
        return False
    aggregate = kind.partition(".")[0]
    return any(p in {"*", kind, f"{aggregate}.*"} for p in patterns)


def topics_of(patterns: Iterable[str]) -> set[str]:
    """The topics the patterns match."""
    wanted = tuple(patterns)
    return {_PREFIX + kind for kind in KINDS if matches(wanted, kind)}


def require_known_kinds(patterns: Iterable[str]) -> None:
    """Reject a pattern that matches no deliverable kind.

    Raises:
        ValidationError: ``webhook.unknown_kind`` (field ``kinds``).
    """
    for pattern in patterns:
        # A pattern of the wrong shape is the domain's to refuse (``webhook.bad_kinds``).
        if (isinstance(pattern, str) and KIND_PATTERN.fullmatch(pattern)
                and not topics_of((pattern,))):
            raise ValidationError(
                "webhook.unknown_kind", f"没有这种可订阅的事件：{pattern}",
                f"no event kind {pattern!r} can be subscribed to (see GET /api/v1/webhooks/kinds)",
                field="kinds")
