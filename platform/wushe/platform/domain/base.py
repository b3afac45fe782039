"""What every wushe aggregate shares.

Conventions (see docs/architecture.md):

* Every aggregate and every event class has an explicit, stable ``TOPIC``
  (``wushe.<aggregate>.<event>``), so code can move without breaking the log.
* Ids are chosen by the application (random, or deterministic for idempotent
  creation) and passed as ``id=``.
* A public command method validates its input and the current state, *then*
  calls a private ``@event`` method whose body only applies the change; so
  replaying the log never re-runs a rule, and a rejected command records nothing.
* Business time (``at``) is a command argument, never read from a clock, so the
  domain stays pure and deterministic.
* Fields named in ``Event.PERSONAL_FIELDS`` are personal data: the event mapper
  encrypts them with the aggregate's own key, and once that key is deleted
  (``forget``) they load as ``None``.
"""

from __future__ import annotations

from typing import ClassVar

from eventsourcing.domain import Aggregate

__all__ = ["PersonalEvent"]


class PersonalEvent(Aggregate.Event):
    """Base for events of aggregates that hold personal data."""

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()
