"""Assignment: the offer, attendance, and service hours with their corrections."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.persistence import StoredEvent

from tests.helpers import MONDAY_9AM, MemoryKeyStore, assert_replays_equal, replay, state_of
from wushe.infra.mapper import MsgspecMapper
from wushe.platform.domain.assignment import (
    EARLY_CHECK_IN_ALLOWANCE,
    MAX_ALLOWANCE,
    MAX_CREDITED_MINUTES,
    OVERRUN_ALLOWANCE,
    Assignment,
    AssignmentStatus,
    credit,
)
from wushe.platform.domain.errors import DomainRuleError, InvalidStateError, ValidationError
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.platform.domain.errors import WusheError

MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
# The offer is made at 09:00, expires at 12:00; the shift runs 14:00–17:00.
PROPOSED_AT = MONDAY_9AM
EXPIRES_AT = MONDAY_9AM + timedelta(hours=3)
SHIFT = TimeSpan(MONDAY_9AM + timedelta(hours=5), MONDAY_9AM + timedelta(hours=8))
COORDINATOR = UUID("00000000-0000-4000-8000-00000000c00d")  # fixed: test ids must not vary (xdist)
LATER = SHIFT.end + timedelta(days=1)


def proposed(**overrides: Any) -> Assignment:
    fields: dict[str, Any] = {
        "id": uuid4(), "project_id": uuid4(), "shift_id": uuid4(), "volunteer_id": uuid4(),
        "team_id": None, "span": SHIFT, "staffing_run_id": uuid4(), "expires_at": EXPIRES_AT,
        "at": PROPOSED_AT,
    }
    return Assignment.propose(**(fields | overrides))


def at_status(status: AssignmentStatus) -> Assignment:
    """An assignment driven to ``status`` along the normal path."""
    assignment = proposed()
    steps: dict[AssignmentStatus, Callable[[], None]] = {
        AssignmentStatus.ACCEPTED: lambda: assignment.accept(PROPOSED_AT + MINUTE),
        AssignmentStatus.DECLINED: lambda: assignment.decline("没空", PROPOSED_AT + MINUTE),
        AssignmentStatus.EXPIRED: lambda: assignment.expire(EXPIRES_AT),
        AssignmentStatus.CANCELLED: lambda: assignment.cancel("调整", PROPOSED_AT + MINUTE),
        AssignmentStatus.NO_SHOW: lambda: assignment.mark_no_show(SHIFT.start + 30 * MINUTE),
        AssignmentStatus.CHECKED_IN: lambda: assignment.check_in(SHIFT.start),
        AssignmentStatus.CHECKED_OUT: lambda: assignment.check_out(SHIFT.start + 100 * MINUTE),
        AssignmentStatus.CONFIRMED: lambda: assignment.confirm_hours(COORDINATOR, SHIFT.end),
        AssignmentStatus.DISPUTED: lambda: assignment.dispute("少算了", uuid4(), SHIFT.end),
    }
    for step in _PATHS[status]:
        steps[step]()
    return assignment


_S = AssignmentStatus
_ATTENDED = (_S.ACCEPTED, _S.CHECKED_IN, _S.CHECKED_OUT)
_PATHS: dict[AssignmentStatus, tuple[AssignmentStatus, ...]] = {
    _S.PROPOSED: (),
    _S.ACCEPTED: (_S.ACCEPTED,),
    _S.DECLINED: (_S.DECLINED,),
    _S.EXPIRED: (_S.EXPIRED,),
    _S.CANCELLED: (_S.CANCELLED,),
    _S.NO_SHOW: (_S.ACCEPTED, _S.NO_SHOW),
    _S.CHECKED_IN: _ATTENDED[:2],
    _S.CHECKED_OUT: _ATTENDED,
    _S.CONFIRMED: (*_ATTENDED, _S.CONFIRMED),
    _S.DISPUTED: (*_ATTENDED, _S.DISPUTED),
}


def checked_in(at: datetime = SHIFT.start) -> Assignment:
    assignment = at_status(AssignmentStatus.ACCEPTED)
    assignment.check_in(at)
    return assignment


def assert_rejected(
    assignment: Assignment, command: Callable[[], object], error: type[WusheError], code: str
) -> WusheError:
    """The command raises ``error`` with ``code`` and records nothing."""
    assignment.collect_events()
    before, version = state_of(assignment), assignment.version
    with pytest.raises(error) as info:
        command()
    assert info.value.code == code
    assert len(assignment.collect_events()) == 0
    assert assignment.version == version
    assert state_of(assignment) == before
    return info.value


class TestPropose:
    def test_records_the_offer(self) -> None:
        team = uuid4()
        assignment = proposed(team_id=team)
        assert assignment.status is AssignmentStatus.PROPOSED
        assert assignment.team_id == team
        assert assignment.span == SHIFT
        assert assignment.expires_at == EXPIRES_AT
        assert assignment.proposed_at == assignment.last_at == PROPOSED_AT
        assert assignment.credited_minutes is None

    def test_may_expire_exactly_when_the_shift_starts(self) -> None:
        assert proposed(expires_at=SHIFT.start).expires_at == SHIFT.start

    @pytest.mark.parametrize(
        ("overrides", "error", "code"),
        [
            ({"expires_at": PROPOSED_AT}, DomainRuleError, "assignment.expiry_not_after_proposal"),
            ({"expires_at": SHIFT.start + SECOND}, DomainRuleError,
             "assignment.expiry_after_shift_start"),
            ({"at": datetime(2026, 12, 1, 9)}, ValidationError,  # noqa: DTZ001
             "input.naive_datetime"),
            ({"expires_at": datetime(2026, 12, 1, 9)}, ValidationError,  # noqa: DTZ001
             "input.naive_datetime"),
            ({"span": TimeSpan(SHIFT.end, SHIFT.start)}, ValidationError, "input.empty_window"),
        ],
    )
    def test_rejects(self, overrides: dict[str, Any], error: type[WusheError], code: str) -> None:
        with pytest.raises(error) as info:
            proposed(**overrides)
        assert info.value.code == code


class TestAnswer:
    def test_accept(self) -> None:
        assignment = proposed()
        assignment.accept(EXPIRES_AT - SECOND)
        assert assignment.status is AssignmentStatus.ACCEPTED
        assert assignment.answered_at == EXPIRES_AT - SECOND

    def test_cannot_accept_once_expired(self) -> None:
        assignment = proposed()
        assert_rejected(assignment, lambda: assignment.accept(EXPIRES_AT), DomainRuleError,
                        "assignment.offer_expired")

    def test_decline(self) -> None:
        assignment = proposed()
        assignment.decline(" 那天要上班 ", PROPOSED_AT + MINUTE)
        assert assignment.status is AssignmentStatus.DECLINED
        assert assignment.reason == "那天要上班"

    def test_decline_needs_a_reason(self) -> None:
        assignment = proposed()
        assert_rejected(assignment, lambda: assignment.decline("", PROPOSED_AT), ValidationError,
                        "input.required")

    def test_expire_at_the_deadline(self) -> None:
        assignment = proposed()
        assignment.expire(EXPIRES_AT)
        assert assignment.status is AssignmentStatus.EXPIRED

    def test_cannot_expire_early(self) -> None:
        assignment = proposed()
        assert_rejected(assignment, lambda: assignment.expire(EXPIRES_AT - SECOND),
                        DomainRuleError, "assignment.not_yet_expired")

    @pytest.mark.parametrize("status", [AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED])
    def test_coordinator_cancels(self, status: AssignmentStatus) -> None:
        assignment = at_status(status)
        assignment.cancel("项目调整", EXPIRES_AT)
        assert assignment.status is AssignmentStatus.CANCELLED
        assert assignment.reason == "项目调整"


class TestNoShow:
    def test_after_the_shift_starts(self) -> None:
        assignment = at_status(AssignmentStatus.ACCEPTED)
        assignment.mark_no_show(SHIFT.start)
        assert assignment.status is AssignmentStatus.NO_SHOW

    def test_not_before(self) -> None:
        assignment = at_status(AssignmentStatus.ACCEPTED)
        assert_rejected(assignment, lambda: assignment.mark_no_show(SHIFT.start - SECOND),
                        DomainRuleError, "assignment.shift_not_started")


class TestCheckIn:
    def test_at_the_earliest_allowed_moment(self) -> None:
        assignment = checked_in(SHIFT.start - EARLY_CHECK_IN_ALLOWANCE)
        assert assignment.status is AssignmentStatus.CHECKED_IN
        assert assignment.checked_in_at == SHIFT.start - EARLY_CHECK_IN_ALLOWANCE

    def test_too_early(self) -> None:
        assignment = at_status(AssignmentStatus.ACCEPTED)
        moment = SHIFT.start - EARLY_CHECK_IN_ALLOWANCE - SECOND
        assert_rejected(assignment, lambda: assignment.check_in(moment), DomainRuleError,
                        "assignment.check_in_too_early")

    @pytest.mark.parametrize(("allowance", "ok"), [(0, False), (60, True), (59, False)])
    def test_configurable_allowance(self, allowance: int, ok: bool) -> None:
        assignment = at_status(AssignmentStatus.ACCEPTED)
        moment, early = SHIFT.start - 60 * MINUTE, allowance * MINUTE
        if ok:
            assignment.check_in(moment, early_allowance=early)
            assert assignment.status is AssignmentStatus.CHECKED_IN
        else:
            assert_rejected(assignment, lambda: assignment.check_in(moment, early), DomainRuleError,
                            "assignment.check_in_too_early")

    def test_negative_allowance(self) -> None:
        assignment = at_status(AssignmentStatus.ACCEPTED)
        assert_rejected(assignment, lambda: assignment.check_in(SHIFT.start, -MINUTE),
                        ValidationError, "input.out_of_range")

    def test_late_but_during_the_shift(self) -> None:
        assert checked_in(SHIFT.end - SECOND).status is AssignmentStatus.CHECKED_IN

    def test_not_after_the_shift(self) -> None:
        assignment = at_status(AssignmentStatus.ACCEPTED)
        assert_rejected(assignment, lambda: assignment.check_in(SHIFT.end), DomainRuleError,
                        "assignment.shift_over")


class TestCheckOut:
    @pytest.mark.parametrize(
        ("served", "step", "credited"),
        [
            (89 * MINUTE, 30, 60),
            (90 * MINUTE, 30, 90),
            (29 * MINUTE, 30, 0),
            (30 * MINUTE, 30, 30),
            (119 * MINUTE + 59 * SECOND, 30, 90),
            (89 * MINUTE, 15, 75),
            (89 * MINUTE, 60, 60),
            (89 * MINUTE, 1, 89),
        ],
    )
    def test_credits_rounded_down(self, served: timedelta, step: int, credited: int) -> None:
        assignment = checked_in()
        assignment.check_out(SHIFT.start + served, rounding_minutes=step)
        assert assignment.status is AssignmentStatus.CHECKED_OUT
        assert assignment.service_minutes == int(served.total_seconds() // 60)
        assert assignment.credited_minutes == credited
        assert assignment.rounding_minutes == step

    def test_default_step_is_half_an_hour(self) -> None:
        assignment = checked_in()
        assignment.check_out(SHIFT.start + 89 * MINUTE)
        assert (assignment.service_minutes, assignment.credited_minutes) == (89, 60)

    def test_time_before_the_shift_is_not_service(self) -> None:
        assignment = checked_in(SHIFT.start - 20 * MINUTE)
        assignment.check_out(SHIFT.end + 10 * MINUTE)
        assert assignment.service_minutes == 190
        assert assignment.overrun is False

    @pytest.mark.parametrize("offset", [timedelta(0), -SECOND, -timedelta(hours=1)])
    def test_not_before_check_in(self, offset: timedelta) -> None:
        assignment = checked_in()
        assert_rejected(assignment, lambda: assignment.check_out(SHIFT.start + offset),
                        DomainRuleError, "assignment.check_out_before_check_in")

    @pytest.mark.parametrize("step", [0, -30, 61])
    def test_rounding_policy_range(self, step: int) -> None:
        assignment = checked_in()
        assert_rejected(assignment, lambda: assignment.check_out(SHIFT.end, step),
                        ValidationError, "input.out_of_range")

    def test_credit_helper(self) -> None:
        assert [credit(m, 30) for m in (0, 29, 30, 59, 60, 89, 90)] == [0, 0, 30, 30, 60, 60, 90]


class TestServiceTime:
    """Service is credited within the shift, plus the overrun allowance after its end."""

    @pytest.mark.parametrize(
        ("check_in", "check_out", "service", "overrun"),
        [
            # Early check-in: service starts with the shift.
            (SHIFT.start - 30 * MINUTE, SHIFT.start + 90 * MINUTE, 90, False),
            # Checked in early and left before the shift began: nothing served.
            (SHIFT.start - 30 * MINUTE, SHIFT.start - 10 * MINUTE, 0, False),
            (SHIFT.start - 30 * MINUTE, SHIFT.start, 0, False),
            # Late check-in: service starts at the check-in.
            (SHIFT.start + 20 * MINUTE, SHIFT.start + 80 * MINUTE, 60, False),
            (SHIFT.start, SHIFT.end, 180, False),
            # Wrapping up after the end counts, up to the allowance.
            (SHIFT.start, SHIFT.end + OVERRUN_ALLOWANCE - SECOND, 239, False),
            (SHIFT.start, SHIFT.end + OVERRUN_ALLOWANCE, 240, False),
            # Later still: accepted, capped at the allowance, and flagged.
            (SHIFT.start, SHIFT.end + OVERRUN_ALLOWANCE + SECOND, 240, True),
            (SHIFT.start, SHIFT.end + timedelta(days=3), 240, True),
        ],
    )
    def test_boundaries(self, check_in: datetime, check_out: datetime, service: int,
                        overrun: bool) -> None:
        assignment = at_status(AssignmentStatus.ACCEPTED)
        assignment.check_in(check_in)
        assignment.check_out(check_out)
        assert (assignment.service_minutes, assignment.overrun) == (service, overrun)
        assert assignment.credited_minutes == credit(service, 30)
        assert assignment.status is AssignmentStatus.CHECKED_OUT
        assert_replays_equal(assignment, assignment.collect_events())

    @pytest.mark.parametrize(
        ("allowance", "check_out", "service", "overrun"),
        [
            (timedelta(0), SHIFT.end, 180, False),
            (timedelta(0), SHIFT.end + SECOND, 180, True),
            (2 * OVERRUN_ALLOWANCE, SHIFT.end + 2 * OVERRUN_ALLOWANCE, 300, False),
            (MAX_ALLOWANCE, SHIFT.end + MAX_ALLOWANCE, 180 + 24 * 60, False),
        ],
    )
    def test_the_allowance_is_a_policy(self, allowance: timedelta, check_out: datetime,
                                       service: int, overrun: bool) -> None:
        assignment = checked_in()
        assignment.check_out(check_out, overrun_allowance=allowance)
        assert (assignment.service_minutes, assignment.overrun) == (service, overrun)

    @pytest.mark.parametrize("allowance", [-SECOND, MAX_ALLOWANCE + SECOND])
    def test_allowance_range(self, allowance: timedelta) -> None:
        assignment = checked_in()
        assert_rejected(assignment, lambda: assignment.check_out(SHIFT.end, 30, allowance),
                        ValidationError, "input.out_of_range")

    def test_a_very_long_service_is_capped_so_confirming_never_fails(self) -> None:
        span = TimeSpan(SHIFT.start, SHIFT.start + timedelta(days=3))
        assignment = proposed(span=span)
        assignment.accept(PROPOSED_AT + MINUTE)
        assignment.check_in(span.start)
        assignment.check_out(span.end, rounding_minutes=7)
        assert assignment.service_minutes == 3 * 24 * 60
        assert assignment.credited_minutes == credit(MAX_CREDITED_MINUTES, 7) == 1435
        assignment.confirm_hours(COORDINATOR, LATER + timedelta(days=3))
        assert assignment.status is AssignmentStatus.CONFIRMED
        assert assignment.credited_minutes == 1435
        assert_replays_equal(assignment, assignment.collect_events())

    def test_credit_never_exceeds_the_maximum(self) -> None:
        assert credit(MAX_CREDITED_MINUTES + 500, 30) == MAX_CREDITED_MINUTES
        assert credit(MAX_CREDITED_MINUTES - 1, 30) == MAX_CREDITED_MINUTES - 30

    def test_a_check_out_stored_before_the_overrun_flag_loads_as_no_overrun(self) -> None:
        assignment = checked_in()
        assignment.check_out(SHIFT.end + 3 * OVERRUN_ALLOWANCE)
        events = assignment.collect_events()
        mapper = MsgspecMapper(MemoryKeyStore())
        stored = mapper.to_stored_event(events[-1])
        state = msgspec.json.decode(stored.state)
        assert state.pop("class_version") == 2
        assert state.pop("overrun") is True
        old = StoredEvent(originator_id=stored.originator_id,
                          originator_version=stored.originator_version,
                          topic=stored.topic, state=msgspec.json.encode(state))
        restored = replay([*events[:-1], mapper.to_domain_event(old)], mapper)
        assert restored.overrun is False
        assert restored.service_minutes == assignment.service_minutes


def checked_out(minutes: int = 100) -> Assignment:
    assignment = checked_in()
    assignment.check_out(SHIFT.start + minutes * MINUTE)
    return assignment


class TestConfirmHours:
    def test_confirms_the_computed_credit(self) -> None:
        assignment = checked_out(100)
        assignment.confirm_hours(COORDINATOR, LATER)
        assert assignment.status is AssignmentStatus.CONFIRMED
        assert assignment.credited_minutes == 90
        assert (assignment.confirmed_by, assignment.confirmed_at) == (COORDINATOR, LATER)

    def test_the_same_figure_needs_no_reason(self) -> None:
        assignment = checked_out(100)
        assignment.confirm_hours(COORDINATOR, LATER, credited_minutes=90)
        assert assignment.credited_minutes == 90

    def test_a_correction_with_a_reason(self) -> None:
        assignment = checked_out(100)
        assignment.confirm_hours(COORDINATOR, LATER, credited_minutes=60, reason="途中离开半小时")
        assert assignment.credited_minutes == 60
        assert assignment.service_minutes == 100  # the check-out is never rewritten

    def test_up_to_the_service_time(self) -> None:
        assignment = checked_out(100)
        assignment.confirm_hours(COORDINATOR, LATER, credited_minutes=100, reason="按实际")
        assert assignment.credited_minutes == 100

    def test_a_correction_needs_a_reason(self) -> None:
        assignment = checked_out(100)
        assert_rejected(assignment, lambda: assignment.confirm_hours(COORDINATOR, LATER, 60),
                        DomainRuleError, "assignment.correction_needs_reason")

    def test_not_more_than_the_service_time(self) -> None:
        assignment = checked_out(100)
        assert_rejected(assignment, lambda: assignment.confirm_hours(
            COORDINATOR, LATER, 101, "多算"), DomainRuleError, "assignment.credit_exceeds_service")

    @pytest.mark.parametrize("minutes", [-1, MAX_CREDITED_MINUTES + 1])
    def test_range(self, minutes: int) -> None:
        assignment = checked_out(100)
        assert_rejected(assignment, lambda: assignment.confirm_hours(
            COORDINATOR, LATER, minutes, "x"), ValidationError, "input.out_of_range")

    def test_empty_reason(self) -> None:
        assignment = checked_out(100)
        assert_rejected(assignment, lambda: assignment.confirm_hours(
            COORDINATOR, LATER, 60, "  "), ValidationError, "input.required")


class TestDispute:
    @pytest.mark.parametrize(
        "status", [AssignmentStatus.CHECKED_OUT, AssignmentStatus.CONFIRMED]
    )
    def test_dispute(self, status: AssignmentStatus) -> None:
        assignment, volunteer = at_status(status), uuid4()
        assignment.dispute("签到失败，实际服务三小时", volunteer, LATER)
        assert assignment.status is AssignmentStatus.DISPUTED
        assert (assignment.dispute_reason, assignment.disputed_by) == (
            "签到失败，实际服务三小时", volunteer)

    def test_resolve_may_credit_more_than_recorded(self) -> None:
        assignment = at_status(AssignmentStatus.DISPUTED)
        assignment.resolve_dispute(180, "核实监控后更正", COORDINATOR, LATER)
        assert assignment.status is AssignmentStatus.CONFIRMED
        assert assignment.credited_minutes == 180
        assert assignment.service_minutes == 100
        assert assignment.resolved_by_dispute
        assert assignment.resolution == "核实监控后更正"

    def test_a_resolved_dispute_can_be_disputed_again(self) -> None:
        assignment = at_status(AssignmentStatus.DISPUTED)
        assignment.resolve_dispute(90, "维持", COORDINATOR, LATER)
        assignment.dispute("仍有异议", uuid4(), LATER)
        assignment.resolve_dispute(120, "复核更正", COORDINATOR, LATER + MINUTE)
        assert assignment.credited_minutes == 120

    @pytest.mark.parametrize(
        ("minutes", "resolution", "code"),
        [(-1, "x", "input.out_of_range"), (MAX_CREDITED_MINUTES + 1, "x", "input.out_of_range"),
         (60, " ", "input.required")],
    )
    def test_resolve_rejects(self, minutes: int, resolution: str, code: str) -> None:
        assignment = at_status(AssignmentStatus.DISPUTED)
        assert_rejected(assignment, lambda: assignment.resolve_dispute(
            minutes, resolution, COORDINATOR, LATER), ValidationError, code)

    def test_dispute_needs_a_reason(self) -> None:
        assignment = at_status(AssignmentStatus.CONFIRMED)
        assert_rejected(assignment, lambda: assignment.dispute("", uuid4(), LATER),
                        ValidationError, "input.required")


class TestTime:
    @pytest.mark.parametrize(
        ("status", "command"),
        [
            (AssignmentStatus.ACCEPTED, lambda a: a.cancel("r", PROPOSED_AT)),
            (AssignmentStatus.PROPOSED, lambda a: a.accept(PROPOSED_AT - SECOND)),
            (AssignmentStatus.PROPOSED, lambda a: a.decline("r", PROPOSED_AT - SECOND)),
            (AssignmentStatus.CHECKED_OUT, lambda a: a.confirm_hours(COORDINATOR, SHIFT.start)),
            (AssignmentStatus.CONFIRMED, lambda a: a.dispute("r", COORDINATOR, SHIFT.start)),
            (AssignmentStatus.DISPUTED,
             lambda a: a.resolve_dispute(60, "r", COORDINATOR, SHIFT.start)),
        ],
    )
    def test_time_goes_forwards(
        self, status: AssignmentStatus, command: Callable[[Assignment], None]
    ) -> None:
        assignment = at_status(status)
        assert_rejected(assignment, lambda: command(assignment), DomainRuleError,
                        "assignment.time_goes_backwards")

    def test_naive_time(self) -> None:
        assignment = proposed()
        assert_rejected(assignment, lambda: assignment.accept(datetime(2026, 12, 1)),  # noqa: DTZ001
                        ValidationError, "input.naive_datetime")


_COMMANDS: dict[str, tuple[Callable[[Assignment], None], set[AssignmentStatus]]] = {
    "accept": (lambda a: a.accept(PROPOSED_AT + 2 * MINUTE), {_S.PROPOSED}),
    "decline": (lambda a: a.decline("r", LATER), {_S.PROPOSED}),
    "expire": (lambda a: a.expire(LATER), {_S.PROPOSED}),
    "cancel": (lambda a: a.cancel("r", LATER), {_S.PROPOSED, _S.ACCEPTED}),
    "mark_no_show": (lambda a: a.mark_no_show(LATER), {_S.ACCEPTED}),
    "check_in": (lambda a: a.check_in(SHIFT.start), {_S.ACCEPTED}),
    "check_out": (lambda a: a.check_out(LATER), {_S.CHECKED_IN}),
    "confirm_hours": (lambda a: a.confirm_hours(COORDINATOR, LATER), {_S.CHECKED_OUT}),
    "dispute": (lambda a: a.dispute("r", COORDINATOR, LATER), {_S.CHECKED_OUT, _S.CONFIRMED}),
    "resolve_dispute": (lambda a: a.resolve_dispute(60, "r", COORDINATOR, LATER),
                        {_S.DISPUTED}),
}
_INVALID = [
    pytest.param(name, status, id=f"{name}-{status}")
    for name, (_, allowed) in _COMMANDS.items()
    for status in AssignmentStatus
    if status not in allowed
]
_VALID = [
    pytest.param(name, status, id=f"{name}-{status}")
    for name, (_, allowed) in _COMMANDS.items()
    for status in sorted(allowed)
]


class TestTransitions:
    @pytest.mark.parametrize(("name", "status"), _INVALID)
    def test_invalid_is_rejected_and_records_nothing(
        self, name: str, status: AssignmentStatus
    ) -> None:
        assignment = at_status(status)
        command, _ = _COMMANDS[name]
        assert_rejected(assignment, lambda: command(assignment), InvalidStateError,
                        f"state.{name}")

    @pytest.mark.parametrize(("name", "status"), _VALID)
    def test_valid_records_one_event(self, name: str, status: AssignmentStatus) -> None:
        assignment = at_status(status)
        assignment.collect_events()
        command, _ = _COMMANDS[name]
        command(assignment)
        assert len(assignment.collect_events()) == 1


class TestReplay:
    @pytest.mark.parametrize("status", list(AssignmentStatus))
    def test_replaying_the_events_gives_the_same_assignment(
        self, status: AssignmentStatus
    ) -> None:
        assignment = at_status(status)
        assert assignment.status is status
        assert_replays_equal(assignment, assignment.collect_events())

    def test_after_corrections(self) -> None:
        assignment = checked_out(100)
        assignment.confirm_hours(COORDINATOR, LATER, 60, "早退")
        assignment.dispute("不同意", uuid4(), LATER)
        assignment.resolve_dispute(95, "折中", COORDINATOR, LATER)
        assert_replays_equal(assignment, assignment.collect_events())


# -- wrongly typed input ----------------------------------------------------------

NOT_UUID: tuple[object, ...] = ("not-an-id", str(COORDINATOR), 5, None)
NOT_DATETIME: tuple[object, ...] = ("2026-12-01T09:00:00+08:00", date(2026, 12, 1), 5)
NOT_INT: tuple[object, ...] = (4.5, 30.0, "30", True, False)
NOT_TEXT: tuple[object, ...] = (5, b"reason", ("reason",), None)
NOT_DURATION: tuple[object, ...] = (30, 30.0, "PT30M")

_WRONG: list[tuple[str, AssignmentStatus, Callable[[Assignment, Any], object],
                   tuple[object, ...], str]] = [
    ("accept.at", _S.PROPOSED, lambda a, v: a.accept(v), NOT_DATETIME, "input.not_datetime"),
    ("decline.reason", _S.PROPOSED, lambda a, v: a.decline(v, LATER), NOT_TEXT,
     "input.not_text"),
    ("decline.at", _S.PROPOSED, lambda a, v: a.decline("r", v), NOT_DATETIME,
     "input.not_datetime"),
    ("expire.at", _S.PROPOSED, lambda a, v: a.expire(v), NOT_DATETIME, "input.not_datetime"),
    ("cancel.reason", _S.ACCEPTED, lambda a, v: a.cancel(v, LATER), NOT_TEXT,
     "input.not_text"),
    ("cancel.at", _S.ACCEPTED, lambda a, v: a.cancel("r", v), NOT_DATETIME,
     "input.not_datetime"),
    ("mark_no_show.at", _S.ACCEPTED, lambda a, v: a.mark_no_show(v), NOT_DATETIME,
     "input.not_datetime"),
    ("check_in.at", _S.ACCEPTED, lambda a, v: a.check_in(v), NOT_DATETIME,
     "input.not_datetime"),
    ("check_in.early_allowance", _S.ACCEPTED, lambda a, v: a.check_in(SHIFT.start, v),
     NOT_DURATION, "input.not_duration"),
    ("check_out.at", _S.CHECKED_IN, lambda a, v: a.check_out(v), NOT_DATETIME,
     "input.not_datetime"),
    ("check_out.rounding_minutes", _S.CHECKED_IN, lambda a, v: a.check_out(LATER, v), NOT_INT,
     "input.not_integer"),
    ("check_out.overrun_allowance", _S.CHECKED_IN, lambda a, v: a.check_out(LATER, 30, v),
     NOT_DURATION, "input.not_duration"),
    ("confirm_hours.by", _S.CHECKED_OUT, lambda a, v: a.confirm_hours(v, LATER), NOT_UUID,
     "input.bad_id"),
    ("confirm_hours.at", _S.CHECKED_OUT, lambda a, v: a.confirm_hours(COORDINATOR, v),
     NOT_DATETIME, "input.not_datetime"),
    ("confirm_hours.credited_minutes", _S.CHECKED_OUT,
     lambda a, v: a.confirm_hours(COORDINATOR, LATER, v, "r"), NOT_INT, "input.not_integer"),
    ("confirm_hours.reason", _S.CHECKED_OUT,
     lambda a, v: a.confirm_hours(COORDINATOR, LATER, 60, v), NOT_TEXT[:-1], "input.not_text"),
    ("dispute.reason", _S.CHECKED_OUT, lambda a, v: a.dispute(v, COORDINATOR, LATER), NOT_TEXT,
     "input.not_text"),
    ("dispute.by", _S.CHECKED_OUT, lambda a, v: a.dispute("r", v, LATER), NOT_UUID,
     "input.bad_id"),
    ("dispute.at", _S.CHECKED_OUT, lambda a, v: a.dispute("r", COORDINATOR, v), NOT_DATETIME,
     "input.not_datetime"),
    ("resolve_dispute.credited_minutes", _S.DISPUTED,
     lambda a, v: a.resolve_dispute(v, "r", COORDINATOR, LATER), NOT_INT, "input.not_integer"),
    ("resolve_dispute.resolution", _S.DISPUTED,
     lambda a, v: a.resolve_dispute(60, v, COORDINATOR, LATER), NOT_TEXT, "input.not_text"),
    ("resolve_dispute.by", _S.DISPUTED, lambda a, v: a.resolve_dispute(60, "r", v, LATER),
     NOT_UUID, "input.bad_id"),
    ("resolve_dispute.at", _S.DISPUTED,
     lambda a, v: a.resolve_dispute(60, "r", COORDINATOR, v), NOT_DATETIME,
     "input.not_datetime"),
]


class TestWrongTypes:
    """A wrongly typed argument is a ValidationError, and nothing is recorded."""

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [(field, value, "input.bad_id")
         for field in ("id", "project_id", "shift_id", "volunteer_id")
         for value in NOT_UUID]
        + [(field, value, "input.bad_id")
           for field in ("team_id", "staffing_run_id") for value in NOT_UUID[:-1]]
        + [(field, value, "input.not_datetime")
           for field in ("at", "expires_at") for value in NOT_DATETIME]
        + [
            ("span", (SHIFT.start, SHIFT.end), "input.bad_type"),
            ("span", None, "input.bad_type"),
            ("span", TimeSpan(SHIFT.start.isoformat(), SHIFT.end), "input.not_datetime"),  # type: ignore[arg-type]
            ("span", TimeSpan(SHIFT.start, date(2026, 12, 1)), "input.not_datetime"),  # type: ignore[arg-type]
        ],
    )
    def test_propose(self, field: str, value: object, code: str) -> None:
        with pytest.raises(ValidationError) as info:
            proposed(**{field: value})
        assert info.value.code == code

    @pytest.mark.parametrize(
        ("status", "command", "value", "code"),
        [pytest.param(status, command, value, code, id=f"{name}-{value!r}")
         for name, status, command, values, code in _WRONG for value in values],
    )
    def test_commands(self, status: AssignmentStatus, command: Callable[[Assignment, Any], object],
                      value: object, code: str) -> None:
        assignment = at_status(status)
        assert_rejected(assignment, lambda: command(assignment, value), ValidationError, code)
