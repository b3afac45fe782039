"""Assignment (志愿服务派单): one volunteer on one shift, from offer to confirmed hours.

《志愿服务条例》 art. 19 and MCA Order 67: the organiser truthfully records the
service. Service hours are actual service time, excluding travel; in common
practice they are credited in 0.5 h steps (a policy, passed in). A correction of
hours is a new event (confirmation with a correction, or a resolved dispute), never
a rewrite of the check-out.

Service time is the time served *within the shift*: from the later of check-in and
the shift's start to the earlier of check-out and the shift's end plus an overrun
allowance (wrapping up, handing over). Checking in early or out late is allowed,
but the extra time is not service; a check-out later than the allowance is
recorded with ``overrun`` so the coordinator sees it. What is credited never
exceeds :data:`MAX_CREDITED_MINUTES`, so confirming the computed figure never fails.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.rules import (
    require_aware,
    require_duration,
    require_int,
    require_optional_uuid,
    require_rule,
    require_state,
    require_text,
    require_uuid,
)
from wushe.platform.domain.values import TimeSpan, require_span

__all__ = [
    "DEFAULT_ROUNDING_MINUTES",
    "EARLY_CHECK_IN_ALLOWANCE",
    "MAX_CREDITED_MINUTES",
    "MAX_ROUNDING_MINUTES",
    "OVERRUN_ALLOWANCE",
    "Assignment",
    "AssignmentStatus",
    "credit",
    "service_minutes",
]

# [assumed, configurable] how long before the shift a volunteer may check in.
EARLY_CHECK_IN_ALLOWANCE = timedelta(minutes=30)
# [assumed, configurable] how long after the shift's end service still counts (wrapping up);
# a later check-out is accepted, credited up to here, and flagged as an overrun.
OVERRUN_ALLOWANCE = timedelta(minutes=60)
# [assumed] the widest allowance, before or after a shift, a policy may choose: one day.
MAX_ALLOWANCE = timedelta(days=1)
# standard.md: hours are credited in 0.5 h steps in common practice [assumed, configurable].
DEFAULT_ROUNDING_MINUTES = 30
# [assumed] the coarsest rounding step a policy may choose: one hour.
MAX_ROUNDING_MINUTES = 60
# [assumed] no single assignment is credited more than a day of service.
MAX_CREDITED_MINUTES = 24 * 60
_REASON_TEXT = 500


class AssignmentStatus(StrEnum):
    """Where an assignment is in its lifecycle."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


def credit(service_minutes: int, rounding_minutes: int) -> int:
    """The minutes credited for ``service_minutes``: rounded down to the policy's step, and
    never more than :data:`MAX_CREDITED_MINUTES`."""
    counted = min(service_minutes, MAX_CREDITED_MINUTES)
    return counted // rounding_minutes * rounding_minutes


def service_minutes(span: TimeSpan, checked_in_at: datetime, checked_out_at: datetime,
                    overrun_allowance: timedelta) -> int:
    """Whole minutes served within ``span`` (extended by ``overrun_allowance``), never negative."""
    start = max(checked_in_at, span.start)
    end = min(checked_out_at, span.end + overrun_allowance)
    return max(0, int((end - start).total_seconds() // 60))


class Assignment(Aggregate):
    """A volunteer on a shift: offer, answer, attendance and service hours."""

    TOPIC = "wushe.assignment"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.assignment.created"

    @classmethod
    def propose(
        cls,
        *,
        id: UUID,  # noqa: A002
        project_id: UUID,
        shift_id: UUID,
        volunteer_id: UUID,
        team_id: UUID | None,
        span: TimeSpan,
        staffing_run_id: UUID | None,
        expires_at: datetime,
        at: datetime,
    ) -> Self:
        """Offer the shift to a volunteer; the offer must be answered before ``expires_at``."""
        span = require_span(span, "span")
        require_aware(at, "at")
        require_aware(expires_at, "expires_at")
        require_rule(at < expires_at, "assignment.expiry_not_after_proposal",
                     "答复期限必须晚于派单时间", "the offer must expire after it is made",
                     field="expires_at")
        require_rule(expires_at <= span.start, "assignment.expiry_after_shift_start",
                     "答复期限不能晚于班次开始",
                     "the offer must expire by the time the shift starts", field="expires_at")
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), project_id=require_uuid(project_id, "project_id"),
            shift_id=require_uuid(shift_id, "shift_id"),
            volunteer_id=require_uuid(volunteer_id, "volunteer_id"),
            team_id=require_optional_uuid(team_id, "team_id"), span=span,
            staffing_run_id=require_optional_uuid(staffing_run_id, "staffing_run_id"),
            expires_at=expires_at, at=at,
        )

    @event("Proposed", topic="wushe.assignment.proposed")
    def __init__(
        self, project_id: UUID, shift_id: UUID, volunteer_id: UUID, team_id: UUID | None,
        span: TimeSpan, staffing_run_id: UUID | None, expires_at: datetime, at: datetime,
    ) -> None:
        self.project_id, self.shift_id = project_id, shift_id
        self.volunteer_id, self.team_id = volunteer_id, team_id
        self.span, self.staffing_run_id = span, staffing_run_id
        self.expires_at = expires_at
        self.status = AssignmentStatus.PROPOSED
        self.proposed_at = self.last_at = at
        self.answered_at: datetime | None = None
        self.reason: str | None = None  # why it was declined or cancelled
        self.checked_in_at: datetime | None = None
        self.checked_out_at: datetime | None = None
        self.service_minutes: int | None = None
        self.overrun = False
        self.rounding_minutes: int | None = None
        self.credited_minutes: int | None = None
        self.confirmed_by: UUID | None = None
        self.confirmed_at: datetime | None = None
        self.dispute_reason: str | None = None
        self.disputed_by: UUID | None = None
        self.resolution: str | None = None
        self.resolved_by_dispute = False

    # -- the offer ---------------------------------------------------------

    def accept(self, at: datetime) -> None:
        """The volunteer takes the shift (before the offer expires)."""
        require_state(self.status, (AssignmentStatus.PROPOSED,), "accept")
        self._require_time(at)
        require_rule(at < self.expires_at, "assignment.offer_expired", "派单已过答复期限",
                     "the offer has expired", field="at")
        self._accepted(at=at)

    @event("Accepted", topic="wushe.assignment.accepted")
    def _accepted(self, at: datetime) -> None:
        self.status = AssignmentStatus.ACCEPTED
        self.answered_at = self.last_at = at

    def decline(self, reason: str, at: datetime) -> None:
        """The volunteer turns the shift down."""
        require_state(self.status, (AssignmentStatus.PROPOSED,), "decline")
        self._require_time(at)
        self._declined(reason=require_text(reason, "reason", max_length=_REASON_TEXT), at=at)

    @event("Declined", topic="wushe.assignment.declined")
    def _declined(self, reason: str, at: datetime) -> None:
        self.status = AssignmentStatus.DECLINED
        self.reason = reason
        self.answered_at = self.last_at = at

    def expire(self, at: datetime) -> None:
        """Close an offer nobody answered in time."""
        require_state(self.status, (AssignmentStatus.PROPOSED,), "expire")
        self._require_time(at)
        require_rule(at >= self.expires_at, "assignment.not_yet_expired", "尚未到答复期限",
                     "the offer has not expired yet", field="at")
        self._expired(at=at)

    @event("Expired", topic="wushe.assignment.expired")
    def _expired(self, at: datetime) -> None:
        self.status = AssignmentStatus.EXPIRED
        self.last_at = at

    def cancel(self, reason: str, at: datetime) -> None:
        """The coordinator withdraws the offer or the accepted assignment."""
        require_state(self.status, (AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED),
                      "cancel")
        self._require_time(at)
        self._cancelled(reason=require_text(reason, "reason", max_length=_REASON_TEXT), at=at)

    @event("Cancelled", topic="wushe.assignment.cancelled")
    def _cancelled(self, reason: str, at: datetime) -> None:
        self.status = AssignmentStatus.CANCELLED
        self.reason = reason
        self.last_at = at

    # -- attendance -------------------------------------------------------------

    def mark_no_show(self, at: datetime) -> None:
        """The volunteer accepted but did not come (only once the shift has started)."""
        require_state(self.status, (AssignmentStatus.ACCEPTED,), "mark_no_show")
        self._require_time(at)
        require_rule(at >= self.span.start, "assignment.shift_not_started", "班次尚未开始",
                     "the shift has not started yet", field="at")
        self._marked_no_show(at=at)

    @event("MarkedNoShow", topic="wushe.assignment.marked_no_show")
    def _marked_no_show(self, at: datetime) -> None:
        self.status = AssignmentStatus.NO_SHOW
        self.last_at = at

    def check_in(self, at: datetime, early_allowance: timedelta = EARLY_CHECK_IN_ALLOWANCE) -> None:
        """The volunteer arrives: no earlier than ``early_allowance`` before the shift."""
        require_state(self.status, (AssignmentStatus.ACCEPTED,), "check_in")
        self._require_time(at)
        require_duration(early_allowance, "early_allowance", timedelta(0), MAX_ALLOWANCE)
        require_rule(at >= self.span.start - early_allowance, "assignment.check_in_too_early",
                     "签到过早", "too early to check in for this shift", field="at")
        require_rule(at < self.span.end, "assignment.shift_over", "班次已结束",
                     "the shift is already over", field="at")
        self._checked_in(at=at)

    @event("CheckedIn", topic="wushe.assignment.checked_in")
    def _checked_in(self, at: datetime) -> None:
        self.status = AssignmentStatus.CHECKED_IN
        self.checked_in_at = self.last_at = at

    def check_out(
        self, at: datetime, rounding_minutes: int = DEFAULT_ROUNDING_MINUTES,
        overrun_allowance: timedelta = OVERRUN_ALLOWANCE,
    ) -> None:
        """The volunteer leaves; the service time within the shift (plus ``overrun_allowance``)
        and the credited minutes are recorded, and a later check-out is flagged as an overrun."""
        require_state(self.status, (AssignmentStatus.CHECKED_IN,), "check_out")
        checked_in_at = self._checked_in_time()
        require_aware(at, "at")
        require_rule(at > checked_in_at, "assignment.check_out_before_check_in",
                     "签退时间必须晚于签到时间", "check-out must come after check-in", field="at")
        self._require_time(at)
        rounding = require_int(rounding_minutes, "rounding_minutes", 1, MAX_ROUNDING_MINUTES)
        allowance = require_duration(overrun_allowance, "overrun_allowance", timedelta(0),
                                     MAX_ALLOWANCE)
        service = service_minutes(self.span, checked_in_at, at, allowance)
        self._checked_out(at=at, service_minutes=service, rounding_minutes=rounding,
                          credited_minutes=credit(service, rounding),
                          overrun=at > self.span.end + allowance)

    class CheckedOut(Event):
        """The volunteer left. v2 added ``overrun``; a v1 check-out was never flagged."""

        TOPIC = "wushe.assignment.checked_out"
        class_version = 2
        at: datetime
        service_minutes: int
        rounding_minutes: int
        credited_minutes: int
        overrun: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """A v1 check-out recorded no overrun flag."""
            state["overrun"] = False

    @event(CheckedOut)
    def _checked_out(
        self, at: datetime, service_minutes: int, rounding_minutes: int, credited_minutes: int,
        overrun: bool,
    ) -> None:
        self.status = AssignmentStatus.CHECKED_OUT
        self.checked_out_at = self.last_at = at
        self.service_minutes, self.rounding_minutes = service_minutes, rounding_minutes
        self.credited_minutes = credited_minutes
        self.overrun = overrun

    # -- hours ------------------------------------------------------------------

    def confirm_hours(
        self, by: UUID, at: datetime, credited_minutes: int | None = None,
        reason: str | None = None,
    ) -> None:
        """The coordinator confirms the hours, optionally correcting them down with a reason."""
        require_state(self.status, (AssignmentStatus.CHECKED_OUT,), "confirm_hours")
        self._require_time(at)
        by = require_uuid(by, "by")
        computed = self._credited()
        credited = computed if credited_minutes is None else require_int(
            credited_minutes, "credited_minutes", 0, MAX_CREDITED_MINUTES)
        require_rule(credited <= self._service(), "assignment.credit_exceeds_service",
                     "认定时长不能超过实际服务时长（如有异议请走申诉）",
                     "credited time cannot exceed the service time (raise a dispute instead)",
                     field="credited_minutes")
        require_rule(credited == computed or reason is not None,
                     "assignment.correction_needs_reason", "更正时长必须说明理由",
                     "a correction needs a reason", field="reason")
        self._hours_confirmed(
            by=by, at=at, credited_minutes=credited,
            reason=None if reason is None else require_text(reason, "reason",
                                                            max_length=_REASON_TEXT),
        )

    @event("HoursConfirmed", topic="wushe.assignment.hours_confirmed")
    def _hours_confirmed(
        self, by: UUID, at: datetime, credited_minutes: int, reason: str | None
    ) -> None:
        self.status = AssignmentStatus.CONFIRMED
        self.credited_minutes = credited_minutes
        self.confirmed_by = by
        self.confirmed_at = self.last_at = at

    def dispute(self, reason: str, by: UUID, at: datetime) -> None:
        """Object to the recorded or confirmed hours."""
        require_state(self.status, (AssignmentStatus.CHECKED_OUT, AssignmentStatus.CONFIRMED),
                      "dispute")
        self._require_time(at)
        by = require_uuid(by, "by")
        self._disputed(reason=require_text(reason, "reason", max_length=_REASON_TEXT), by=by,
                       at=at)

    @event("Disputed", topic="wushe.assignment.disputed")
    def _disputed(self, reason: str, by: UUID, at: datetime) -> None:
        self.status = AssignmentStatus.DISPUTED
        self.dispute_reason, self.disputed_by = reason, by
        self.last_at = at

    def resolve_dispute(
        self, credited_minutes: int, resolution: str, by: UUID, at: datetime
    ) -> None:
        """Settle a dispute: the hours it decides are the confirmed hours."""
        require_state(self.status, (AssignmentStatus.DISPUTED,), "resolve_dispute")
        self._require_time(at)
        self._dispute_resolved(
            credited_minutes=require_int(credited_minutes, "credited_minutes", 0,
                                         MAX_CREDITED_MINUTES),
            by=require_uuid(by, "by"), at=at,
            resolution=require_text(resolution, "resolution", max_length=_REASON_TEXT),
        )

    @event("DisputeResolved", topic="wushe.assignment.dispute_resolved")
    def _dispute_resolved(
        self, credited_minutes: int, resolution: str, by: UUID, at: datetime
    ) -> None:
        self.status = AssignmentStatus.CONFIRMED
        self.credited_minutes = credited_minutes
        self.resolution = resolution
        self.resolved_by_dispute = True
        self.confirmed_by = by
        self.confirmed_at = self.last_at = at

    # -- helpers ----------------------------------------------------------------

    def _require_time(self, at: datetime) -> None:
        require_aware(at, "at")
        require_rule(at >= self.last_at, "assignment.time_goes_backwards", "时间早于上一次操作",
                     "this time is earlier than the assignment's last recorded time", field="at")

    def _checked_in_time(self) -> datetime:
        if self.checked_in_at is None:  # pragma: no cover  (set by every path to CHECKED_IN)
            raise AssertionError("checked in without a check-in time")
        return self.checked_in_at

    def _service(self) -> int:
        if self.service_minutes is None:  # pragma: no cover  (set by check-out)
            raise AssertionError("checked out without service minutes")
        return self.service_minutes

    def _credited(self) -> int:
        if self.credited_minutes is None:  # pragma: no cover  (set by check-out)
            raise AssertionError("checked out without credited minutes")
        return self.credited_minutes

