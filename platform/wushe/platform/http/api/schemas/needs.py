"""Residents' needs on the wire.

Staff appear by their ``StaffMember`` id (``received_by``, ``by``, ``handler``):
the commands check that the id is an active staff member of the need's community.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from wushe.platform.domain.need import NeedSource, NeedStatus
from wushe.platform.domain.values import Urgency, VulnerableGroup

__all__ = ["AcceptIn", "CloseIn", "NeedIn", "NeedOut", "StartHandlingIn"]


class NeedIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A resident's request as received at the window, by phone, from a grid worker or online.

    The title is shown unmasked in lists: it must not hold personal data.
    """

    grid: str
    source: NeedSource
    category: str
    title: str
    details: str
    urgency: Urgency
    resident_name: str
    received_by: UUID
    vulnerable_groups: frozenset[VulnerableGroup] = frozenset()
    resident_phone: str | None = None
    resident_address: str | None = None


class AcceptIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Accept on the spot (当场受理); ``by`` is the accepting staff member."""

    by: UUID


class StartHandlingIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Commit to a deadline in working days (0: handled on the spot) and start."""

    handler: UUID
    committed_working_days: int


class CloseIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Close the request (办结) with what was done."""

    result: str


class NeedOut(msgspec.Struct, frozen=True):
    """One need as it stands now; ``version`` is its ETag.

    ``personal_data`` says whether the resident's fields are ``full`` (a
    coordinator of the need's community) or ``masked`` (name and phone masked,
    address and details withheld).
    """

    id: UUID
    community_id: UUID
    grid: str
    source: NeedSource
    category: str
    title: str
    urgency: Urgency
    vulnerable_groups: tuple[VulnerableGroup, ...]
    status: NeedStatus
    personal_data: Literal["full", "masked"]
    resident_name: str | None
    resident_phone: str | None
    resident_address: str | None
    details: str | None
    received_by: UUID
    received_at: datetime
    handler: UUID | None
    committed_working_days: int | None
    deadline: datetime | None
    closed_at: datetime | None
    closed_overdue: bool
    forgotten: bool
    version: int
