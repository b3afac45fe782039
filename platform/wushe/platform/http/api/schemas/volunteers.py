"""Volunteers on the wire: registration, self-service changes, the profile and the list.

Weekly windows are local China times (``"09:00:00"``), ``weekday`` 0 = Monday; a date
exception either takes the day off (``available: false``, no windows) or lists
that day's windows.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal
from uuid import UUID

import msgspec

from wushe.platform.domain.volunteer import IdType, VolunteerStatus

__all__ = ["AvailabilityIn", "AvailabilityOut", "ExceptionIn", "HomeGridIn", "HourCapIn",
           "ReasonIn", "SkillsIn", "VolunteerIn", "VolunteerItem", "VolunteerOut",
           "VolunteersPage", "WindowIn"]


class VolunteerIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A volunteer to register (实名登记); consent to the processing of their data is required.

    ``consent_version`` names the privacy notice they agreed to, ``consented_at`` when.
    """

    name: str
    id_type: IdType
    id_number: str
    phone: str
    home_grid: str
    consent_version: str
    consented_at: datetime
    address: str | None = None
    health_notes: str | None = None
    skills: tuple[str, ...] = ()
    weekly_hour_cap: int = 8


class SkillsIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The declared skills, replacing the old ones (codes like ``first_aid``)."""

    skills: tuple[str, ...]


class WindowIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A weekly window: ``weekday`` 0 = Monday, local times."""

    weekday: int
    start: time
    end: time


class ExceptionIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A date on which the weekly windows do not apply."""

    day: date
    available: bool
    windows: tuple[WindowIn, ...] = ()


class AvailabilityIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The weekly windows and date exceptions, replacing the old ones."""

    windows: tuple[WindowIn, ...]
    exceptions: tuple[ExceptionIn, ...] = ()


class HomeGridIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Another grid of the volunteer's community."""

    home_grid: str


class HourCapIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The most hours a week the volunteer will serve (1–60)."""

    weekly_hour_cap: int


class ReasonIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Why (deactivating, dissolving)."""

    reason: str


class AvailabilityOut(msgspec.Struct, frozen=True):
    """The weekly windows and date exceptions as recorded."""

    windows: tuple[WindowIn, ...]
    exceptions: tuple[ExceptionIn, ...]


class VolunteerOut(msgspec.Struct, frozen=True):
    """One volunteer as it stands now; ``version`` is its ETag.

    ``personal_data`` is ``full`` for the volunteer themself and their community's
    coordinators; otherwise ``masked``: name and phone masked, ID number reduced
    to its last four characters, address and health notes withheld. After
    erasure (``status: forgotten``) every personal field is null.
    """

    id: UUID
    community_id: UUID
    status: VolunteerStatus
    personal_data: Literal["full", "masked"]
    name: str | None
    id_type: IdType
    id_number: str | None
    phone: str | None
    address: str | None
    health_notes: str | None
    consent_version: str
    consented_at: datetime
    home_grid: str
    skills: tuple[str, ...]
    certifications: int
    availability: AvailabilityOut
    weekly_hour_cap: int
    version: int


class VolunteerItem(msgspec.Struct, frozen=True):
    """A row of the volunteers list (from the roster view; the name masked)."""

    id: UUID
    community_id: UUID
    name: str | None
    home_grid: str
    skills: tuple[str, ...]
    certifications: int
    weekly_hour_cap: int
    status: VolunteerStatus
    team_ids: tuple[UUID, ...]
    version: int


class VolunteersPage(msgspec.Struct, frozen=True):
    """A page of volunteers and the cursor of the next one (None: last page)."""

    items: tuple[VolunteerItem, ...]
    next_cursor: str | None
