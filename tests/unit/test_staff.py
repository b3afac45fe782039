"""Staff member: appointment, trainings, certificate, window post, leaving, erasure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.helpers import MONDAY_9AM, assert_replays_equal, replay
from wushe.platform.domain.errors import (
    DomainRuleError,
    InvalidStateError,
    ValidationError,
    WusheError,
)
from wushe.platform.domain.staff import (
    StaffMember,
    StaffRole,
    StaffStatus,
    Training,
    TrainingKind,
)

APPOINTED_ON = date(2026, 11, 30)


def appoint(**overrides: Any) -> StaffMember:
    fields: dict[str, Any] = {
        "id": uuid4(), "community_id": uuid4(), "name": "林晓", "role": StaffRole.COMMUNITY_WORKER,
        "certified_social_worker": False, "window_staff": True, "at": MONDAY_9AM,
    }
    fields.update(overrides)
    return StaffMember.appoint(**fields)


def fresh(**overrides: Any) -> StaffMember:
    member = appoint(**overrides)
    member.collect_events()
    return member


def left() -> StaffMember:
    member = fresh()
    member.leave(date(2027, 3, 1))
    member.collect_events()
    return member


def assert_rejected(member: StaffMember, error: type[WusheError], code: str,
                    command: Any) -> None:
    version = member.version
    with pytest.raises(error) as raised:
        command()
    assert raised.value.code == code
    assert member.version == version
    assert member.collect_events() == []


class TestAppoint:
    def test_records_the_member(self) -> None:
        member = appoint(name=" 林晓 ", role=StaffRole.SOCIAL_WORKER,
                         certified_social_worker=True)
        assert member.name == "林晓"
        assert member.role is StaffRole.SOCIAL_WORKER
        assert member.certified_social_worker
        assert member.certificate_no is None
        assert member.window_staff
        assert member.status is StaffStatus.ACTIVE
        assert member.trainings == ()
        assert not member.has_passed_pre_job()
        assert len(member.collect_events()) == 1

    @pytest.mark.parametrize(("overrides", "code"), [
        ({"name": " "}, "input.required"),
        ({"name": "名" * 51}, "input.too_long"),
        ({"at": datetime(2026, 11, 30, 9)}, "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_rejects_bad_input(self, overrides: dict[str, Any], code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            appoint(**overrides)
        assert raised.value.code == code


class TestTraining:
    def test_records_trainings_in_date_order(self) -> None:
        member = fresh()
        member.record_training(TrainingKind.ANNUAL, date(2027, 5, 1), 8)
        member.record_training(TrainingKind.PRE_JOB, date(2026, 11, 20), 16, passed_assessment=True)
        assert member.trainings == (
            Training(TrainingKind.PRE_JOB, date(2026, 11, 20), 16, passed_assessment=True),
            Training(TrainingKind.ANNUAL, date(2027, 5, 1), 8),
        )
        assert member.has_passed_pre_job()
        assert len(member.collect_events()) == 2

    def test_a_failed_pre_job_assessment_does_not_count(self) -> None:
        member = fresh()
        member.record_training(TrainingKind.PRE_JOB, date(2026, 11, 20), 16,
                               passed_assessment=False)
        assert not member.has_passed_pre_job()
        member.record_training(TrainingKind.PRE_JOB, date(2026, 12, 20), 16,
                               passed_assessment=True)
        assert member.has_passed_pre_job()

    def test_an_annual_training_with_assessment_is_not_pre_job(self) -> None:
        member = fresh()
        member.record_training(TrainingKind.ANNUAL, date(2026, 12, 1), 4, passed_assessment=True)
        assert not member.has_passed_pre_job()

    @pytest.mark.parametrize(("kind", "hours", "passed", "error", "code"), [
        (TrainingKind.ANNUAL, 0, None, ValidationError, "input.out_of_range"),
        (TrainingKind.ANNUAL, 201, None, ValidationError, "input.out_of_range"),
        (TrainingKind.PRE_JOB, 8, None, ValidationError, "staff.pre_job_assessment"),
        (TrainingKind.ANNUAL, 8, None, DomainRuleError, "staff.duplicate_training"),
    ])
    def test_rejects(self, kind: TrainingKind, hours: int, passed: bool | None,
                     error: type[WusheError], code: str) -> None:
        member = fresh()
        member.record_training(TrainingKind.ANNUAL, date(2027, 1, 5), 8)
        member.collect_events()
        assert_rejected(member, error, code,
                        lambda: member.record_training(kind, date(2027, 1, 5), hours, passed))

    def test_rejected_after_leaving(self) -> None:
        member = left()
        assert_rejected(member, InvalidStateError, "state.record_training",
                        lambda: member.record_training(TrainingKind.ANNUAL, date(2027, 1, 5), 8))


class TestCertify:
    def test_records_the_certificate(self) -> None:
        member = fresh()
        member.certify_social_worker(" SW2026001 ", date(2026, 12, 1))
        assert member.certified_social_worker
        assert (member.certificate_no, member.certified_on) == ("SW2026001", date(2026, 12, 1))
        assert len(member.collect_events()) == 1

    def test_a_member_appointed_certified_may_add_the_number(self) -> None:
        member = fresh(certified_social_worker=True)
        member.certify_social_worker("SW1", date(2026, 12, 1))
        assert member.certificate_no == "SW1"

    def test_rejects_a_second_certificate(self) -> None:
        member = fresh()
        member.certify_social_worker("SW1", date(2026, 12, 1))
        member.collect_events()
        assert_rejected(member, DomainRuleError, "staff.already_certified",
                        lambda: member.certify_social_worker("SW2", date(2026, 12, 2)))

    def test_rejects_an_empty_number(self) -> None:
        member = fresh()
        assert_rejected(member, ValidationError, "input.required",
                        lambda: member.certify_social_worker("  ", date(2026, 12, 1)))

    def test_rejected_after_leaving(self) -> None:
        member = left()
        assert_rejected(member, InvalidStateError, "state.certify_social_worker",
                        lambda: member.certify_social_worker("SW1", date(2027, 3, 2)))


class TestWindowStaff:
    @pytest.mark.parametrize("start", [True, False])
    def test_toggles(self, start: bool) -> None:
        member = fresh(window_staff=start)
        member.set_window_staff(not start)
        assert member.window_staff is (not start)
        assert len(member.collect_events()) == 1

    def test_rejects_no_change(self) -> None:
        member = fresh(window_staff=True)
        assert_rejected(member, DomainRuleError, "staff.window_staff_unchanged",
                        lambda: member.set_window_staff(True))

    def test_rejected_after_leaving(self) -> None:
        member = left()
        assert_rejected(member, InvalidStateError, "state.set_window_staff",
                        lambda: member.set_window_staff(False))


class TestLeave:
    @pytest.mark.parametrize("on", [APPOINTED_ON, date(2028, 1, 1)])
    def test_leaves(self, on: date) -> None:
        member = fresh()
        member.leave(on)
        assert member.status is StaffStatus.LEFT
        assert member.left_on == on
        assert len(member.collect_events()) == 1

    def test_rejects_leaving_before_appointment(self) -> None:
        member = fresh()
        assert_rejected(member, ValidationError, "staff.left_before_appointed",
                        lambda: member.leave(date(2026, 11, 29)))

    def test_rejects_leaving_twice(self) -> None:
        member = left()
        assert_rejected(member, InvalidStateError, "state.leave",
                        lambda: member.leave(date(2027, 4, 1)))


class TestForget:
    @pytest.mark.parametrize("make", [fresh, left])
    def test_erases_name_and_certificate(self, make: Any) -> None:
        member = make()
        if member.status is StaffStatus.ACTIVE:
            member.certify_social_worker("SW1", date(2026, 12, 1))
            member.collect_events()
        member.forget()
        assert (member.name, member.certificate_no) == (None, None)
        assert member.status is StaffStatus.FORGOTTEN
        assert len(member.collect_events()) == 1

    def test_keeps_the_leaving_date_and_trainings(self) -> None:
        member = fresh()
        member.record_training(TrainingKind.ANNUAL, date(2027, 1, 5), 8)
        member.leave(date(2027, 3, 1))
        member.forget()
        assert member.left_on == date(2027, 3, 1)
        assert len(member.trainings) == 1

    def test_rejects_forgetting_twice(self) -> None:
        member = fresh()
        member.forget()
        member.collect_events()
        assert_rejected(member, InvalidStateError, "state.forget", member.forget)
        assert_rejected(member, InvalidStateError, "state.leave",
                        lambda: member.leave(date(2027, 1, 1)))

    def test_erased_data_is_not_in_the_replayed_state(self) -> None:
        member = appoint()
        member.certify_social_worker("SW1", date(2026, 12, 1))
        member.forget()
        restored = replay(member.collect_events())
        assert (restored.name, restored.certificate_no) == (None, None)


def test_replay_gives_the_same_state() -> None:
    member = appoint()
    member.record_training(TrainingKind.PRE_JOB, date(2026, 11, 20), 16, passed_assessment=True)
    member.record_training(TrainingKind.WINDOW_HALF_YEARLY, date(2027, 2, 1), 4)
    member.certify_social_worker("SW1", date(2026, 12, 1))
    member.set_window_staff(False)
    member.leave(date(2027, 6, 30))
    assert_replays_equal(member, member.collect_events())


DAYS = st.dates(min_value=date(2026, 11, 1), max_value=date(2027, 12, 31))


class StaffLifecycle(RuleBasedStateMachine):
    """Random commands never break the record's rules, and replay reproduces it."""

    def __init__(self) -> None:
        super().__init__()
        self.member = appoint()
        self.events = list(self.member.collect_events())

    def _run(self, command: Any) -> None:
        version = self.member.version
        try:
            command()
        except WusheError:
            assert self.member.version == version
            assert self.member.collect_events() == []
        else:
            self.events.extend(self.member.collect_events())

    @rule(kind=st.sampled_from(TrainingKind), on=DAYS, hours=st.integers(-1, 20),
          passed=st.none() | st.booleans())
    def train(self, kind: TrainingKind, on: date, hours: int, passed: bool | None) -> None:
        self._run(lambda: self.member.record_training(kind, on, hours, passed))

    @rule(number=st.sampled_from(["SW1", "SW2", " "]), on=DAYS)
    def certify(self, number: str, on: date) -> None:
        self._run(lambda: self.member.certify_social_worker(number, on))

    @rule(flag=st.booleans())
    def window(self, flag: bool) -> None:
        self._run(lambda: self.member.set_window_staff(flag))

    @rule(on=DAYS)
    def leave(self, on: date) -> None:
        self._run(lambda: self.member.leave(on))

    @rule()
    def forget(self) -> None:
        self._run(self.member.forget)

    @invariant()
    def left_exactly_when_a_leaving_date_is_set(self) -> None:
        if self.member.status is StaffStatus.LEFT:
            assert self.member.left_on is not None
        if self.member.status is StaffStatus.ACTIVE:
            assert self.member.left_on is None

    @invariant()
    def forgotten_exactly_when_the_name_is_gone(self) -> None:
        assert (self.member.name is None) == (self.member.status is StaffStatus.FORGOTTEN)

    @invariant()
    def pre_job_trainings_carry_an_assessment(self) -> None:
        assert all(t.passed_assessment is not None for t in self.member.trainings
                   if t.kind is TrainingKind.PRE_JOB)
        assert self.member.trainings == tuple(sorted(self.member.trainings,
                                                     key=lambda t: (t.on, t.kind, t.hours)))

    @invariant()
    def replays_equal(self) -> None:
        assert_replays_equal(self.member, self.events)


StaffLifecycle.TestCase.settings = settings(max_examples=60, stateful_step_count=25,
                                            deadline=None)
TestStaffLifecycle = StaffLifecycle.TestCase


# -- wrongly typed input ----------------------------------------------------------

NOT_UUID: tuple[object, ...] = ("not-an-id", 5, None)
NOT_DATETIME: tuple[object, ...] = ("2026-12-01T09:00:00+08:00", date(2026, 12, 1), 5)
NOT_DATE: tuple[object, ...] = ("2026-12-01", datetime(2026, 12, 1, 9, tzinfo=MONDAY_9AM.tzinfo),
                                20261201, None)
NOT_INT: tuple[object, ...] = (4.5, 8.0, "8", True)
NOT_BOOL: tuple[object, ...] = (1, 0, "true", None)
NOT_TEXT: tuple[object, ...] = (5, b"x", None)


class TestWrongTypes:
    """A wrongly typed argument is a ValidationError, and nothing is recorded."""

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [(f, v, "input.bad_id") for f in ("id", "community_id") for v in NOT_UUID]
        + [("name", v, "input.not_text") for v in NOT_TEXT]
        + [("role", v, "input.bad_choice")
           for v in ("boss", "COMMUNITY_WORKER", 1, None, TrainingKind.ANNUAL)]
        + [(f, v, "input.not_boolean")
           for f in ("certified_social_worker", "window_staff") for v in NOT_BOOL]
        + [("at", v, "input.not_datetime") for v in NOT_DATETIME],
    )
    def test_appoint(self, field: str, value: object, code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            appoint(**{field: value})
        assert (raised.value.code, raised.value.field) == (code, field)

    def test_role_may_be_given_by_its_value(self) -> None:
        assert appoint(role="social_worker").role is StaffRole.SOCIAL_WORKER

    @pytest.mark.parametrize(
        ("command", "value", "code"),
        [("kind", v, "input.bad_choice") for v in ("exam", 1, None)]
        + [("on", v, "input.not_date") for v in NOT_DATE]
        + [("hours", v, "input.not_integer") for v in NOT_INT]
        + [("passed_assessment", v, "input.not_boolean") for v in (1, "yes")]
        + [("certificate_no", v, "input.not_text") for v in NOT_TEXT]
        + [("certified_on", v, "input.not_date") for v in NOT_DATE]
        + [("window_staff", v, "input.not_boolean") for v in NOT_BOOL]
        + [("left_on", v, "input.not_date") for v in NOT_DATE],
    )
    def test_commands(self, command: str, value: Any, code: str) -> None:
        member = fresh(window_staff=False)
        calls: dict[str, Any] = {
            "kind": lambda: member.record_training(value, APPOINTED_ON, 8,
                                                   passed_assessment=True),
            "on": lambda: member.record_training(TrainingKind.ANNUAL, value, 8),
            "hours": lambda: member.record_training(TrainingKind.ANNUAL, APPOINTED_ON, value),
            "passed_assessment": lambda: member.record_training(
                TrainingKind.PRE_JOB, APPOINTED_ON, 8, value),
            "certificate_no": lambda: member.certify_social_worker(value, APPOINTED_ON),
            "certified_on": lambda: member.certify_social_worker("SW-1", value),
            "window_staff": lambda: member.set_window_staff(value),
            "left_on": lambda: member.leave(value),
        }
        assert_rejected(member, ValidationError, code, calls[command])

    def test_a_training_kind_may_be_given_by_its_value(self) -> None:
        member = appoint()
        member.record_training("annual", APPOINTED_ON, 8)  # type: ignore[arg-type]
        assert member.trainings[0].kind is TrainingKind.ANNUAL
        assert_replays_equal(member, member.collect_events())
