"""Service projects and their shifts on the wire.

Times carry a time zone (a naive time is a field error). Shifts report
``required`` (the minimum headcount), ``filled`` (places held) and ``proposed``
(offers not yet answered); the counts come from the project list view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from wushe.platform.domain.project import ProjectStatus

__all__ = ["CancelIn", "PlanIn", "PlanOut", "ProjectIn", "ProjectOut", "ProjectRow",
           "ProjectsPage", "ServeNeedIn", "ShiftIn", "ShiftOut", "SpanIn", "SpanOut"]

AwareTime = Annotated[datetime, msgspec.Meta(tz=True)]
Headcount = Annotated[int, msgspec.Meta(ge=1, le=200)]


class SpanIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A half-open period ``[start, end)``."""

    start: AwareTime
    end: AwareTime


class ProjectIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A project to draft: a policy category, what it is, who undertakes it."""

    category: str
    title: str
    description: str
    government_purchased: bool = False
    undertaking_organisation_id: UUID | None = None
    requires_team: bool = False
    span: SpanIn | None = None


class PlanIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The activity plan (8.8): goals, content, methods and safety measures."""

    goals: str
    content: str
    methods: str
    safety_measures: tuple[str, ...]


class ShiftIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A shift: when, where, which skills and how many people (its id is the server's)."""

    start: AwareTime
    end: AwareTime
    grid: str
    place: str
    min_headcount: Headcount
    max_headcount: Headcount
    required_skills: tuple[str, ...] = ()
    home_visit: bool = False
    team_only: bool = False
    resident_ref: str | None = None


class CancelIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Why the project is called off."""

    reason: str


class ServeNeedIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A need of the project's community that the project serves."""

    need_id: UUID


class SpanOut(msgspec.Struct, frozen=True):
    """A half-open period."""

    start: datetime
    end: datetime


class PlanOut(msgspec.Struct, frozen=True):
    """The activity plan."""

    goals: str
    content: str
    methods: str
    safety_measures: tuple[str, ...]


class ShiftOut(msgspec.Struct, frozen=True, kw_only=True):
    """One shift and its staffing; ``resident_ref`` is withheld from volunteers."""

    shift_id: UUID
    start: datetime
    end: datetime
    grid: str
    place: str
    required_skills: tuple[str, ...]
    required: int
    max_headcount: int
    filled: int
    proposed: int
    home_visit: bool
    team_only: bool
    resident_ref: str | None


class ProjectOut(msgspec.Struct, frozen=True, kw_only=True):
    """A project as it stands now; ``version`` is its ETag."""

    id: UUID
    community_id: UUID
    category: str
    title: str
    description: str
    status: ProjectStatus
    government_purchased: bool
    undertaking_organisation_id: UUID | None
    requires_team: bool
    team_id: UUID | None
    span: SpanOut | None
    plan: PlanOut | None
    shifts: tuple[ShiftOut, ...]
    needs: tuple[UUID, ...]
    participant_organisations: tuple[UUID, ...]
    cancellation_reason: str | None
    drafted_at: datetime
    published_at: datetime | None
    version: int


class ProjectRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row of the projects list (from the views) with its staffing counts."""

    id: UUID
    community_id: UUID
    category: str
    title: str
    status: ProjectStatus
    undertaking_organisation_id: UUID | None
    team_id: UUID | None
    span_start: str | None
    span_end: str | None
    shifts: int
    required: int
    capacity: int
    filled: int
    proposed: int
    needs_served: int
    drafted_at: str


class ProjectsPage(msgspec.Struct, frozen=True):
    """A page of projects and the cursor of the next one (None: last page)."""

    items: tuple[ProjectRow, ...]
    next_cursor: str | None
