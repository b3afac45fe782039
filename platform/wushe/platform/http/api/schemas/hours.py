"""Service hours (志愿服务时长) on the wire: a volunteer's ledger and a community's totals.

Minutes are confirmed minutes (a disputed record counts nothing until resolved);
``period`` is a year (``"2026"``, China time, of the shift's start) or ``"all"``.
Star levels (0–5) come from the all-time total under the policy in force.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

import msgspec

__all__ = ["CommunityHoursPage", "HoursRecord", "HoursStatus", "HoursTotal",
           "VolunteerHoursItem", "VolunteerHoursPage"]


class HoursStatus(StrEnum):
    """Where a record of the ledger stands."""

    PENDING = "pending"  # served or to be served, not confirmed yet
    CONFIRMED = "confirmed"  # the minutes count
    DISPUTED = "disputed"  # counts nothing until the dispute is resolved


class HoursRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One assignment in the volunteer's ledger."""

    assignment_id: UUID
    project_id: UUID
    team_id: UUID | None
    organisation_id: UUID | None  # the project's undertaking organisation
    community_id: UUID | None
    year: int
    status: HoursStatus
    credited_minutes: int
    confirmed_at: str | None


class HoursTotal(msgspec.Struct, frozen=True):
    """Confirmed minutes and assignments of one period."""

    period: str
    minutes: int
    assignments: int


class VolunteerHoursPage(msgspec.Struct, frozen=True, kw_only=True):
    """A volunteer's totals and star level, and a page of their ledger records.

    ``totals``: every period with confirmed hours (each year, then ``all``);
    ``next_star_hours``: the hours the next star needs (None at the top level).
    Records come newest confirmation first; the totals repeat on every page.
    """

    volunteer_id: UUID
    total_minutes: int
    star_level: int
    next_star_hours: int | None
    totals: tuple[HoursTotal, ...]
    items: tuple[HoursRecord, ...]
    next_cursor: str | None


class VolunteerHoursItem(msgspec.Struct, frozen=True, kw_only=True):
    """A volunteer's confirmed hours in the period (the name masked)."""

    volunteer_id: UUID
    name: str | None
    minutes: int
    assignments: int
    star_level: int  # from the all-time total


class CommunityHoursPage(msgspec.Struct, frozen=True, kw_only=True):
    """The community's total for the period and a page of its volunteers, most hours first."""

    community_id: UUID
    period: str
    minutes: int
    assignments: int
    items: tuple[VolunteerHoursItem, ...]
    next_cursor: str | None
