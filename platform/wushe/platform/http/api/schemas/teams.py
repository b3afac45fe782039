"""Volunteer teams on the wire. Members appear by id with their masked name."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from wushe.platform.domain.team import TeamStatus

__all__ = ["MemberIn", "MemberOut", "TeamIn", "TeamOut", "TeamsPage"]


class TeamIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A team to form, led by an active volunteer of the community (its first member)."""

    name: str
    leader_id: UUID
    home_grid: str
    organisation_id: UUID | None = None
    skills_focus: tuple[str, ...] = ()


class MemberIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A volunteer to add, or to make leader."""

    volunteer_id: UUID


class MemberOut(msgspec.Struct, frozen=True):
    """A member: id and masked name (None once forgotten)."""

    volunteer_id: UUID
    name: str | None


class TeamOut(msgspec.Struct, frozen=True):
    """A team as it stands now; ``version`` is its ETag (the list's items carry it too)."""

    id: UUID
    community_id: UUID
    name: str
    leader_id: UUID
    organisation_id: UUID | None
    skills_focus: tuple[str, ...]
    home_grid: str
    status: TeamStatus
    formed_at: datetime
    dissolved_at: datetime | None
    members: tuple[MemberOut, ...]
    version: int


class TeamsPage(msgspec.Struct, frozen=True):
    """A page of teams and the cursor of the next one (None: last page)."""

    items: tuple[TeamOut, ...]
    next_cursor: str | None
