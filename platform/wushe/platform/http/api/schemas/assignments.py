"""A volunteer's offers and assignments on the wire.

``confirmed_by`` is the account that confirmed the hours (the signed-in coordinator).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from wushe.platform.domain.assignment import AssignmentStatus

__all__ = ["AssignmentOut", "AssignmentRow", "AssignmentsPage", "ConfirmHoursIn", "DeclineIn",
           "ResolveDisputeIn"]

Minutes = Annotated[int, msgspec.Meta(ge=0, le=24 * 60)]


class DeclineIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Why the volunteer turns the offer down."""

    reason: str


class ConfirmHoursIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Confirm the computed hours, or correct them down (with a reason)."""

    credited_minutes: Minutes | None = None
    reason: str | None = None


class ResolveDisputeIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Settle a dispute: the minutes decided and why."""

    credited_minutes: Minutes
    resolution: str


class AssignmentOut(msgspec.Struct, frozen=True, kw_only=True):
    """One assignment as it stands now; ``version`` is its ETag."""

    id: UUID
    community_id: UUID
    project_id: UUID
    shift_id: UUID
    volunteer_id: UUID
    team_id: UUID | None
    staffing_run_id: UUID | None
    start: datetime
    end: datetime
    status: AssignmentStatus
    proposed_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    reason: str | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    service_minutes: int | None
    credited_minutes: int | None
    overrun: bool
    confirmed_by: UUID | None
    confirmed_at: datetime | None
    dispute_reason: str | None
    resolution: str | None
    version: int


class AssignmentRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of a volunteer's assignments (from the roster view)."""

    id: UUID
    project_id: UUID
    shift_id: UUID
    team_id: UUID | None
    start: str
    end: str
    status: AssignmentStatus
    shift_minutes: int
    service_minutes: int | None
    credited_minutes: int | None
    overrun: bool


class AssignmentsPage(msgspec.Struct, frozen=True):
    """A page of assignments, by shift start, and the next page's cursor (None: last)."""

    items: tuple[AssignmentRow, ...]
    next_cursor: str | None
