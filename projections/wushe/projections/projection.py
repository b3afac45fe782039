"""A projection: a read model's tables and how each event changes them.

Subclasses declare ``name``, ``tables`` and handler methods decorated with
:func:`handles`; the runner feeds them events in log order through a
:class:`~wushe.projections.writer.ViewWriter`, which writes the rows and the
tracking position in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import msgspec

if TYPE_CHECKING:
    from wushe.projections.schema import Table
    from wushe.projections.writer import ViewWriter

__all__ = ["Projection", "handles"]

Handler = Callable[[Any, Any, "ViewWriter"], None]
H = TypeVar("H", bound=Callable[..., None])


def handles(*topics: str) -> Callable[[H], H]:
    """Mark a method as the handler of events with these topics."""

    def mark(method: H) -> H:
        method.__wushe_topics__ = topics  # type: ignore[attr-defined]
        return method

    return mark


class Projection:
    """Base of every read model."""

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    handlers: ClassVar[dict[str, Handler]]
    # Raise when a handler's meaning changes without its tables changing: the stored
    # rows are then outdated and the view is rebuilt (see :meth:`fingerprint`).
    revision: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = {}
        for value in vars(cls).values():
            for topic in getattr(value, "__wushe_topics__", ()):
                cls.handlers[topic] = value

    @classmethod
    def topics(cls) -> frozenset[str]:
        """The event topics this projection reads."""
        return frozenset(cls.handlers)

    @classmethod
    def fingerprint(cls) -> str:
        """What the stored rows depend on: tables, topics read and revision.

        A generation built by code with another fingerprint is outdated; the
        service rebuilds it (blue/green) before following the log with it.
        """
        shape = msgspec.json.encode([cls.tables, sorted(cls.handlers), cls.revision])
        return hashlib.sha256(shape).hexdigest()[:16]

    def apply(self, topic: str, event: Any, view: ViewWriter) -> None:
        """Apply one event; events of topics this projection does not read are ignored."""
        handler = self.handlers.get(topic)
        if handler is not None:
            handler(self, event, view)
