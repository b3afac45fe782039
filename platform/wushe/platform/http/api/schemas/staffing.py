"""Staffing runs on the wire."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec

from wushe.platform.domain.staffing_run import RunReason, RunStatus

__all__ = ["RunResultOut", "RunsSort", "StaffingRunIn", "StaffingRunOut", "StaffingRunsPage",
           "UnfilledOut"]

MAX_TIME_LIMIT_S = 60.0


class StaffingRunIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Plan a week (a Monday, China time) within a time limit (≤ 60 s) and relative gap."""

    week: date
    time_limit_s: Annotated[float, msgspec.Meta(ge=0.1, le=MAX_TIME_LIMIT_S)] = 10.0
    gap: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.01


class RunsSort(StrEnum):
    """The orders of the runs list."""

    REQUESTED_ASC = "requested_asc"  # oldest first
    REQUESTED_DESC = "requested_desc"  # newest first


class UnfilledOut(msgspec.Struct, frozen=True):
    """A shift left short of its required headcount, and the rule that bound."""

    project_id: UUID
    shift_id: UUID
    shortfall: int
    reason: str


class RunResultOut(msgspec.Struct, frozen=True, kw_only=True):
    """The solver's figures and what the run changed."""

    solver_status: str
    objective: int
    bound: int
    gap: float
    seconds: float
    first_plan_seconds: float
    eligible_pairs: int
    tiers: tuple[int, ...]
    proposed: int
    kept: int
    withdrawn: int
    teams_assigned: int
    unfilled: tuple[UnfilledOut, ...]


class StaffingRunOut(msgspec.Struct, frozen=True, kw_only=True):
    """One staffing run; ``result`` once completed, ``failure`` if it failed.

    ``finished_at``: when it completed or failed (None while requested).
    """

    id: UUID
    community_id: UUID
    week_of: date
    reason: RunReason
    trigger_id: UUID | None
    status: RunStatus
    requested_at: datetime
    finished_at: datetime | None
    result: RunResultOut | None
    failure: str | None
    version: int


class StaffingRunsPage(msgspec.Struct, frozen=True):
    """A page of runs in the list's order, and the next page's cursor (None: last page)."""

    items: tuple[StaffingRunOut, ...]
    next_cursor: str | None
