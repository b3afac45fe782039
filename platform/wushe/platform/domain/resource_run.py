"""Resource run: one request to the resource matcher for a community's week, and its outcome.

A run is requested (by a coordinator, ``wushe match``, or a schedule), then completes
with the solver's figures — status, objective per tier, proven bound and gap, time —
and what it changed: allocations made, requests met or partly met, and every request
left short with the rule that bound. Or it fails, with the reason. The allocations
themselves are on the offers and the requests, made with request keys of this run.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.rules import (
    require_aware,
    require_choice,
    require_date,
    require_rule,
    require_state,
    require_struct,
    require_text,
    require_uuid,
)
from wushe.platform.domain.staffing_run import RunReason, RunStatus

__all__ = ["ResourceRun", "ResourceRunResult", "UnmetRequest"]


class UnmetRequest(msgspec.Struct, frozen=True):
    """A request left short after the run, by how much, and the rule that bound."""

    request_id: UUID
    shortfall: int
    reason: str


class ResourceRunResult(msgspec.Struct, frozen=True, kw_only=True):
    """The solver's figures and what the run changed."""

    solver_status: str
    objective: int
    bound: int
    gap: float
    seconds: float
    eligible_pairs: int
    tiers: tuple[int, ...]  # priority shortfall, other shortfall, distance, spread
    requests: int  # open requests of the week the run considered
    allocations: int  # allocations made
    met: int  # requests fully met after the run
    partly_met: int  # requests that got something but not all
    skipped: int = 0  # allocations the log refused (the world moved since the views were read)
    unmet: tuple[UnmetRequest, ...] = ()


class ResourceRun(Aggregate):
    """One resource-matching run for one community's week (a Monday, China time)."""

    TOPIC = "wushe.resource_run"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.resource_run.created"

    @classmethod
    def request(cls, *, id: UUID, community_id: UUID, week_of: date,  # noqa: A002
                reason: RunReason, at: datetime) -> Self:
        """Ask for a run of ``week_of``'s requests."""
        require_aware(at)
        week_of = require_date(week_of, "week_of")
        require_rule(week_of.weekday() == 0, "resource_run.not_a_monday",
                     "计划周须从星期一开始", "the week must start on a Monday", field="week_of")
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            week_of=week_of, reason=require_choice(reason, RunReason, "reason"), at=at)

    @event("Requested", topic="wushe.resource_run.requested")
    def __init__(self, community_id: UUID, week_of: date, reason: RunReason,
                 at: datetime) -> None:
        self.community_id, self.week_of, self.reason = community_id, week_of, reason
        self.requested_at = self.last_at = at
        self.status = RunStatus.REQUESTED
        self.result: ResourceRunResult | None = None
        self.failure: str | None = None

    def complete(self, result: ResourceRunResult, at: datetime) -> None:
        """Record the plan's figures and what it changed."""
        require_state(self.status, (RunStatus.REQUESTED,), "complete")
        self._require_time(at)
        self._completed(result=require_struct(result, ResourceRunResult, "result"), at=at)

    @event("Completed", topic="wushe.resource_run.completed")
    def _completed(self, result: ResourceRunResult, at: datetime) -> None:
        self.result, self.status, self.last_at = result, RunStatus.COMPLETED, at

    def fail(self, reason: str, at: datetime) -> None:
        """Record that the run could not produce a plan (the store or solver failed)."""
        require_state(self.status, (RunStatus.REQUESTED,), "fail")
        self._require_time(at)
        self._failed(reason=require_text(reason, "reason", max_length=2000), at=at)

    @event("Failed", topic="wushe.resource_run.failed")
    def _failed(self, reason: str, at: datetime) -> None:
        self.failure, self.status, self.last_at = reason, RunStatus.FAILED, at

    def _require_time(self, at: datetime) -> None:
        require_aware(at)
        require_rule(at >= self.last_at, "resource_run.time_goes_backwards",
                     "时间早于上一次操作", "this time is earlier than the run's last recorded time",
                     field="at")
