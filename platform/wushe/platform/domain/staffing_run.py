"""Staffing run: one request to the optimiser for a community's week, and its outcome.

A run is requested (by a coordinator, the weekly schedule, or a decline, no-show or
urgent need that calls for a re-plan), then completes with the solver's figures —
status, objective per tier, proven bound and gap, time — and what it changed:
offers proposed, pending offers kept and withdrawn, teams given projects, and every
place left unfilled with the rule that bound. Or it fails, with the reason. The
assignments themselves are Assignment aggregates proposed with this run's id.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.rules import (
    require_aware,
    require_choice,
    require_date,
    require_optional_uuid,
    require_rule,
    require_state,
    require_struct,
    require_text,
    require_uuid,
)

__all__ = ["RunReason", "RunResult", "RunStatus", "StaffingRun", "UnfilledPlace"]


class RunStatus(StrEnum):
    REQUESTED = "requested"
    COMPLETED = "completed"
    FAILED = "failed"


class RunReason(StrEnum):
    MANUAL = "manual"  # a coordinator asked (or `wushe match`)
    SCHEDULED = "scheduled"  # the weekly run
    DECLINED = "declined"  # re-plan after a volunteer declined
    NO_SHOW = "no_show"  # re-plan after a no-show
    URGENT_NEED = "urgent_need"  # re-plan for a new urgent need


class UnfilledPlace(msgspec.Struct, frozen=True):
    """A shift left short of its required headcount, and the rule that bound."""

    project_id: UUID
    shift_id: UUID
    shortfall: int
    reason: str


class RunResult(msgspec.Struct, frozen=True, kw_only=True):
    """The solver's figures and what the run changed."""

    solver_status: str
    objective: int
    bound: int
    gap: float
    seconds: float
    first_plan_seconds: float
    eligible_pairs: int
    tiers: tuple[int, ...]  # priority shortfall, other shortfall, changes, quality, fairness
    proposed: int  # new offers made
    kept: int  # pending offers the plan kept
    withdrawn: int  # pending offers the plan dropped
    teams_assigned: int
    unfilled: tuple[UnfilledPlace, ...] = ()


class StaffingRun(Aggregate):
    """One optimiser run for one community's week (a Monday, China time)."""

    TOPIC = "wushe.staffing_run"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.staffing_run.created"

    @classmethod
    def request(cls, *, id: UUID, community_id: UUID, week_of: date,  # noqa: A002
                reason: RunReason, at: datetime, trigger_id: UUID | None = None) -> Self:
        """Ask for a run; ``trigger_id`` is the assignment or need that called for it."""
        require_aware(at)
        week_of = require_date(week_of, "week_of")
        require_rule(week_of.weekday() == 0, "staffing_run.not_a_monday",
                     "计划周须从星期一开始", "the week must start on a Monday", field="week_of")
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            week_of=week_of, reason=require_choice(reason, RunReason, "reason"),
            trigger_id=require_optional_uuid(trigger_id, "trigger_id"), at=at)

    @event("Requested", topic="wushe.staffing_run.requested")
    def __init__(self, community_id: UUID, week_of: date, reason: RunReason,
                 trigger_id: UUID | None, at: datetime) -> None:
        self.community_id, self.week_of = community_id, week_of
        self.reason, self.trigger_id = reason, trigger_id
        self.requested_at = self.last_at = at
        self.status = RunStatus.REQUESTED
        self.result: RunResult | None = None
        self.failure: str | None = None

    def complete(self, result: RunResult, at: datetime) -> None:
        """Record the plan's figures and what it changed."""
        require_state(self.status, (RunStatus.REQUESTED,), "complete")
        self._require_time(at)
        self._completed(result=require_struct(result, RunResult, "result"), at=at)

    @event("Completed", topic="wushe.staffing_run.completed")
    def _completed(self, result: RunResult, at: datetime) -> None:
        self.result, self.status, self.last_at = result, RunStatus.COMPLETED, at

    def fail(self, reason: str, at: datetime) -> None:
        """Record that the run could not produce a plan (the store or solver failed)."""
        require_state(self.status, (RunStatus.REQUESTED,), "fail")
        self._require_time(at)
        self._failed(reason=require_text(reason, "reason", max_length=2000), at=at)

    @event("Failed", topic="wushe.staffing_run.failed")
    def _failed(self, reason: str, at: datetime) -> None:
        self.failure, self.status, self.last_at = reason, RunStatus.FAILED, at

    def _require_time(self, at: datetime) -> None:
        require_aware(at)
        require_rule(at >= self.last_at, "staffing_run.time_goes_backwards",
                     "时间早于上一次操作", "this time is earlier than the run's last recorded time",
                     field="at")
