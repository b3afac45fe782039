"""Live updates on the wire: what one Server-Sent Event of a stream carries."""

from __future__ import annotations

from uuid import UUID

import msgspec

__all__ = ["LiveEvent", "StreamOpen"]


class LiveEvent(msgspec.Struct, frozen=True):
    """Something happened to a need, an assignment or a staffing run.

    Only ids and numbers, never the changed fields: read the object (or the list)
    again with ``?wait_for=<position>`` to see it as the views show it.
    """

    kind: str  # the event's kind, e.g. "need.accepted", "assignment.proposed"
    id: UUID  # the need, assignment or staffing run
    version: int  # its version after the event (its ETag)
    position: int  # the event's log position: the SSE id, and ``?wait_for=`` on reads


class StreamOpen(msgspec.Struct, frozen=True):
    """The stream is live from ``position`` (after any replayed events)."""

    position: int
