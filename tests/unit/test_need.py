"""Need: the DB35/T 2074-2022 8.6 lifecycle of a resident's request, rule by rule."""

from __future__ import annotations

import itertools
import typing
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.utils import get_topic

from tests.helpers import (
    MONDAY_9AM,
    MemoryKeyStore,
    assert_replays_equal,
    replay,
    state_of,
)
from wushe.infra.mapper import MsgspecMapper
from wushe.platform.domain.calendar import CHINA_TIME, WorkingCalendar
from wushe.platform.domain.errors import (
    DomainRuleError,
    InvalidStateError,
    ValidationError,
    WusheError,
)
from wushe.platform.domain.need import (
    DecisionKind,
    Need,
    NeedSource,
    NeedStatus,
    ReplyChannel,
)
from wushe.platform.domain.values import Urgency, VulnerableGroup

if TYPE_CHECKING:
    from collections.abc import Callable

S = NeedStatus
CALENDAR = WorkingCalendar()
# Tuesday 2026-12-01, China time 09:00: a day after the lifecycle paths below.
TUESDAY_9AM = MONDAY_9AM + timedelta(days=1)
FRIDAY_10AM = MONDAY_9AM + timedelta(days=4, hours=1)
# Staff are referred to by StaffMember id, never by name.
CLERK = UUID("5a1f0000-0000-4000-8000-000000000001")  # 窗口受理岗
GRID_WORKER = UUID("5a1f0000-0000-4000-8000-000000000002")  # 网格员
HANDLER = UUID("5a1f0000-0000-4000-8000-000000000003")  # 社工
OTHER_HANDLER = UUID("5a1f0000-0000-4000-8000-000000000004")  # 另一位社工


def hours(n: float) -> datetime:
    return MONDAY_9AM + timedelta(hours=n)


def end_of_day(day: date) -> datetime:
    """24:00 China time at the end of ``day``, as the calendar states deadlines."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), CHINA_TIME)


def new_need(**overrides: Any) -> Need:
    fields: dict[str, Any] = {
        "id": uuid4(), "community_id": uuid4(), "grid": "G03", "source": NeedSource.WINDOW,
        "category": "ELDER", "title": "独居老人助餐", "details": "患糖尿病，需低糖餐",
        "urgency": Urgency.ROUTINE,
        "vulnerable_groups": frozenset({VulnerableGroup.ELDERLY_ALONE}),
        "resident_name": "陈秀英", "resident_phone": "13805917788",
        "resident_address": "鼓楼区南街 12 号 3 单元", "received_by": CLERK, "at": MONDAY_9AM,
    }
    fields.update(overrides)
    return Need.receive(**fields)


# Valid calls of every command, all at the given time.
COMMANDS: dict[str, Callable[[Need, datetime], None]] = {
    "accept": lambda n, at: n.accept(CLERK, at),
    "return_for_materials": lambda n, at: n.return_for_materials(("户口本",), CLERK, at),
    "resubmit": lambda n, at: n.resubmit(at),
    "refer": lambda n, at: n.refer("社区卫生服务站", "已移交病历复印件", CLERK, at),
    "refuse": lambda n, at: n.refuse("不属于社区服务范围", appeal_notice=True, by=CLERK, at=at),
    "start_handling": lambda n, at: n.start_handling(HANDLER, 5, CALENDAR, at),
    "extend": lambda n, at: n.extend(2, "等待街道审批", "您的事项将延期两个工作日", CALENDAR, at),
    "record_progress": lambda n, at: n.record_progress("已联系助餐点", at),
    "reassign": lambda n, _at: n.reassign(OTHER_HANDLER),
    "close": lambda n, at: n.close("已安排每日送餐", at),
    "reply": lambda n, at: n.reply(ReplyChannel.PHONE, "已为您安排送餐", "情况说明", at),
    "object_to_reply": lambda n, at: n.object_to_reply("送餐时间不合适", at, CALENDAR),
    "answer_objection": lambda n, at: n.answer_objection("已调整为中午送达", CLERK, at),
    "evaluate": lambda n, at: n.evaluate(5, "很满意", at),
}

# How to reach each state from RECEIVED, one hour per step on Monday.
PATHS: dict[NeedStatus, tuple[str, ...]] = {
    S.RECEIVED: (),
    S.RETURNED: ("return_for_materials",),
    S.ACCEPTED: ("accept",),
    S.REFERRED: ("refer",),
    S.REFUSED: ("refuse",),
    S.IN_HANDLING: ("accept", "start_handling"),
    S.EXTENDED: ("accept", "start_handling", "extend"),
    S.CLOSED: ("accept", "start_handling", "close"),
    S.REPLIED: ("accept", "start_handling", "close", "reply"),
    S.OBJECTED: ("accept", "start_handling", "close", "reply", "object_to_reply"),
    S.ANSWERED: ("accept", "start_handling", "close", "reply", "object_to_reply",
                 "answer_objection"),
    S.EVALUATED: ("accept", "start_handling", "close", "reply", "evaluate"),
}

# The lifecycle, written out independently of the aggregate: (command, from) -> to.
TRANSITIONS: dict[tuple[str, NeedStatus], NeedStatus] = {
    ("accept", S.RECEIVED): S.ACCEPTED,
    ("return_for_materials", S.RECEIVED): S.RETURNED,
    ("resubmit", S.RETURNED): S.RECEIVED,
    ("refer", S.RECEIVED): S.REFERRED,
    ("refuse", S.RECEIVED): S.REFUSED,
    ("refuse", S.ACCEPTED): S.REFUSED,
    ("refuse", S.IN_HANDLING): S.REFUSED,
    ("refuse", S.EXTENDED): S.REFUSED,
    ("start_handling", S.ACCEPTED): S.IN_HANDLING,
    ("extend", S.IN_HANDLING): S.EXTENDED,
    ("extend", S.EXTENDED): S.EXTENDED,
    ("record_progress", S.IN_HANDLING): S.IN_HANDLING,
    ("record_progress", S.EXTENDED): S.EXTENDED,
    ("reassign", S.IN_HANDLING): S.IN_HANDLING,
    ("reassign", S.EXTENDED): S.EXTENDED,
    ("close", S.IN_HANDLING): S.CLOSED,
    ("close", S.EXTENDED): S.CLOSED,
    ("reply", S.CLOSED): S.REPLIED,
    ("reply", S.REFUSED): S.REPLIED,
    ("reply", S.REFERRED): S.REPLIED,
    ("object_to_reply", S.REPLIED): S.OBJECTED,
    ("answer_objection", S.OBJECTED): S.ANSWERED,
    ("evaluate", S.REPLIED): S.EVALUATED,
    ("evaluate", S.ANSWERED): S.EVALUATED,
}


def need_in(status: NeedStatus, **overrides: Any) -> Need:
    """A need driven to ``status`` along its path, with its events already collected."""
    need = new_need(**overrides)
    for step, name in enumerate(PATHS[status], start=1):
        COMMANDS[name](need, hours(step))
    assert need.status is status
    need.collect_events()
    return need


def handling_need(days: int = 3, at: datetime = MONDAY_9AM,
                  calendar: WorkingCalendar = CALENDAR) -> Need:
    need = new_need(at=at)
    need.accept(CLERK, at)
    need.start_handling(HANDLER, days, calendar, at)
    need.collect_events()
    return need


def assert_rejected(need: Need, command: Callable[[Need], object],
                    error: type[WusheError], code: str) -> WusheError:
    """``command`` raises ``error`` with ``code`` and the need records nothing.

    Events recorded before are collected (dropped) first.
    """
    need.collect_events()
    version = need.version
    with pytest.raises(error) as caught:
        command(need)
    assert caught.value.code == code
    assert need.version == version
    assert need.collect_events() == []
    return caught.value


class TestLifecycleMatrix:
    @pytest.mark.parametrize(("status", "command"), list(itertools.product(S, COMMANDS)))
    def test_every_command_in_every_state(self, status: NeedStatus, command: str) -> None:
        need = need_in(status)
        expected = TRANSITIONS.get((command, status))
        if expected is None:
            error = assert_rejected(need, lambda n: COMMANDS[command](n, TUESDAY_9AM),
                                    InvalidStateError, f"state.{command}")
            assert error.message_zh and error.message_en
            assert need.status is status
        else:
            COMMANDS[command](need, TUESDAY_9AM)
            assert need.status is expected
            assert len(need.collect_events()) == 1

    def test_every_state_is_reachable(self) -> None:
        assert set(PATHS) == set(S)

    def test_evaluated_is_terminal(self) -> None:
        assert not any(origin is S.EVALUATED for _, origin in TRANSITIONS)


class TestReceive:
    def test_a_received_need_holds_the_request(self) -> None:
        need = new_need(source=NeedSource.GRID_WORKER, received_by=GRID_WORKER)
        assert need.status is S.RECEIVED
        assert (need.source, need.grid, need.category) == (NeedSource.GRID_WORKER, "G03", "ELDER")
        assert need.received_by == GRID_WORKER
        assert need.received_at == need.last_at == MONDAY_9AM
        assert need.decisions == ()
        assert need.current_deadline is None

    def test_text_is_stripped_and_optional_contacts_may_be_missing(self) -> None:
        need = new_need(title="  助餐  ", resident_phone=None, resident_address=None)
        assert need.title == "助餐"
        assert need.resident_phone is None
        assert need.resident_address is None

    @pytest.mark.parametrize(("field", "value", "code"), [
        ("category", "elder", "input.bad_code"),
        ("title", "   ", "input.required"),
        ("title", "长" * 101, "input.too_long"),
        ("details", "", "input.required"),
        ("grid", "", "input.required"),
        ("resident_name", " ", "input.required"),
        ("resident_phone", "call me", "input.bad_phone"),
        ("received_by", "网格员-吴刚", "input.bad_id"),  # a name, not a StaffMember id
        ("received_by", str(GRID_WORKER), "input.bad_id"),
        ("source", "carrier_pigeon", "input.bad_choice"),
        ("source", 1, "input.bad_choice"),
        ("source", None, "input.bad_choice"),
        ("urgency", "whenever", "input.bad_choice"),
        ("urgency", True, "input.bad_choice"),
        ("vulnerable_groups", frozenset({"tall"}), "input.bad_choice"),
        ("vulnerable_groups", frozenset({3}), "input.bad_choice"),
        ("vulnerable_groups", "disabled", "input.not_sequence"),  # a string is not a set
        ("vulnerable_groups", None, "input.not_sequence"),
        ("id", "need-1", "input.bad_id"),
        ("community_id", None, "input.bad_id"),
        ("at", "2026-11-30T09:00+08:00", "input.not_datetime"),
        ("at", datetime(2026, 11, 30, 9, 0), "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_malformed_input_is_rejected(self, field: str, value: object, code: str) -> None:
        with pytest.raises(ValidationError) as caught:
            new_need(**{field: value})
        assert caught.value.code == code

    def test_personal_fields_are_encrypted_in_the_log(self) -> None:
        need = new_need()
        stored = MsgspecMapper(MemoryKeyStore()).to_stored_event(need.collect_events()[0])
        for secret in ("陈秀英", "13805917788", "南街", "糖尿病"):
            assert secret.encode() not in stored.state
        assert "独居老人助餐".encode() in stored.state

    @pytest.mark.parametrize(("urgency", "groups", "priority", "home_visit"), [
        (Urgency.ROUTINE, frozenset(), False, False),
        (Urgency.URGENT, frozenset(), True, False),
        (Urgency.ROUTINE, frozenset({VulnerableGroup.LOW_INCOME}), True, False),
        (Urgency.ROUTINE, frozenset({VulnerableGroup.DISABLED}), True, True),
    ])
    def test_priority_and_home_visits(self, urgency: Urgency, groups: frozenset[VulnerableGroup],
                                      priority: bool, home_visit: bool) -> None:
        need = new_need(urgency=urgency, vulnerable_groups=groups)
        assert need.is_priority is priority
        assert need.needs_home_visit is home_visit


class TestAcceptanceRecord:
    @pytest.mark.parametrize(("status", "kind"), [
        (S.ACCEPTED, DecisionKind.ACCEPTED),
        (S.RETURNED, DecisionKind.RETURNED),
        (S.REFERRED, DecisionKind.REFERRED),
        (S.REFUSED, DecisionKind.REFUSED),
    ])
    def test_every_decision_is_recorded(self, status: NeedStatus, kind: DecisionKind) -> None:
        need = need_in(status)
        [decision] = need.decisions
        assert (decision.kind, decision.by, decision.at) == (kind, CLERK, hours(1))

    def test_a_referral_records_the_handover(self) -> None:
        need = need_in(S.REFERRED)
        assert need.referred_to == "社区卫生服务站"
        assert need.referral_note == "已移交病历复印件"

    def test_a_refusal_needs_notice_of_the_right_to_review(self) -> None:
        need = need_in(S.RECEIVED)
        assert_rejected(need, lambda n: n.refuse("不属于社区服务范围", appeal_notice=False,
                                                 by=CLERK, at=hours(1)),
                        DomainRuleError, "need.appeal_notice_required")
        need.refuse("不属于社区服务范围", appeal_notice=True, by=CLERK, at=hours(1))
        assert need.refusal_reasons == "不属于社区服务范围"
        assert need.appeal_notice_given

    def test_a_refusal_gives_reasons(self) -> None:
        assert_rejected(need_in(S.ACCEPTED),
                        lambda n: n.refuse(" ", appeal_notice=True, by=CLERK, at=hours(2)),
                        ValidationError, "input.required")


class TestOneTimeNotification:
    def test_the_list_is_complete_ordered_and_without_repeats(self) -> None:
        need = need_in(S.RECEIVED)
        need.return_for_materials((" 户口本", "低保证明", "户口本"), CLERK, hours(1))
        assert need.missing_materials == ("户口本", "低保证明")
        assert need.returned_at == hours(1)

    @pytest.mark.parametrize(("missing", "code"), [
        ((), "need.nothing_missing"),
        ((" ",), "input.required"),
    ])
    def test_the_list_may_not_be_empty(self, missing: tuple[str, ...], code: str) -> None:
        assert_rejected(need_in(S.RECEIVED),
                        lambda n: n.return_for_materials(missing, CLERK, hours(1)),
                        ValidationError, code)

    def test_resubmitted_materials_bring_it_back_for_a_decision(self) -> None:
        need = need_in(S.RETURNED)
        need.resubmit(hours(5))
        assert_rejected(need, lambda n: n.accept(CLERK, hours(4)), DomainRuleError,
                        "need.time_goes_backwards")
        need.accept(CLERK, hours(5))
        assert need.status is S.ACCEPTED
        assert [d.kind for d in need.decisions] == [DecisionKind.RETURNED, DecisionKind.ACCEPTED]

    def test_a_need_is_returned_only_once(self) -> None:
        need = need_in(S.RETURNED)
        need.resubmit(hours(5))
        error = assert_rejected(
            need, lambda n: n.return_for_materials(("房产证",), CLERK, hours(6)),
            DomainRuleError, "need.second_return")
        assert "一次性告知" in error.message_zh
        assert need.missing_materials == ("户口本",)
        need.refuse("材料仍不齐全", appeal_notice=True, by=CLERK, at=hours(6))  # still open
        assert need.status is S.REFUSED


class TestStartHandling:
    def test_zero_days_means_on_the_spot_by_the_end_of_today(self) -> None:
        need = handling_need(days=0)
        assert need.deadline == end_of_day(date(2026, 11, 30))
        assert need.handler == HANDLER
        assert need.committed_working_days == 0

    def test_the_deadline_counts_working_days_across_the_weekend(self) -> None:
        need = handling_need(days=3, at=FRIDAY_10AM)
        assert need.deadline == end_of_day(date(2026, 12, 9))  # Mon, Tue, Wed

    @pytest.mark.parametrize("days", [-1, 366])
    def test_the_committed_days_are_bounded(self, days: int) -> None:
        assert_rejected(need_in(S.ACCEPTED),
                        lambda n: n.start_handling(HANDLER, days, CALENDAR, hours(2)),
                        ValidationError, "input.out_of_range")

    def test_a_handler_can_be_replaced_but_not_by_the_same_one(self) -> None:
        need = handling_need()
        assert_rejected(need, lambda n: n.reassign(HANDLER), ValidationError,
                        "need.same_handler")
        need.reassign(OTHER_HANDLER)
        assert need.handler == OTHER_HANDLER

    def test_progress_is_recorded_for_the_resident_to_see(self) -> None:
        need = handling_need()
        need.record_progress("已上门了解情况", hours(2))
        need.record_progress("已对接助餐点", hours(3))
        assert [p.note for p in need.progress] == ["已上门了解情况", "已对接助餐点"]
        assert need.progress[0].at == hours(2)


class TestExtend:
    def test_an_extension_before_the_deadline_moves_it(self) -> None:
        need = handling_need(days=3)  # due Thursday 2026-12-03
        need.extend(2, "等待街道审批", "您的事项将延期两个工作日", CALENDAR, hours(30))
        assert need.status is S.EXTENDED
        assert need.deadline == end_of_day(date(2026, 12, 7))  # Fri, then Mon
        [extension] = need.extensions
        assert (extension.extra_working_days, extension.deadline) == (2, need.deadline)
        assert extension.notice_to_resident == "您的事项将延期两个工作日"

    def test_an_extension_can_be_extended_again_before_the_new_deadline(self) -> None:
        need = handling_need(days=0)
        need.extend(1, "等待审批", "延期一天", CALENDAR, hours(10))
        need.extend(1, "仍在审批", "再延期一天", CALENDAR, hours(30))
        assert need.deadline == end_of_day(date(2026, 12, 2))
        assert len(need.extensions) == 2

    def test_extension_days_skip_holidays_and_use_make_up_days(self) -> None:
        calendar = WorkingCalendar(holidays=frozenset({date(2026, 12, 7)}),
                                   makeup_workdays=frozenset({date(2026, 12, 5)}))
        need = handling_need(days=4, calendar=calendar)  # due Friday 2026-12-04
        need.extend(2, "等待审批", "延期两个工作日", calendar, hours(1))
        assert need.deadline == end_of_day(date(2026, 12, 8))  # Sat (make-up), Tue

    @pytest.mark.parametrize("late", [timedelta(0), timedelta(minutes=1), timedelta(days=3)])
    def test_an_extension_at_or_after_the_deadline_is_too_late(self, late: timedelta) -> None:
        need = handling_need(days=0)
        deadline = need.deadline
        assert deadline is not None
        error = assert_rejected(
            need, lambda n: n.extend(1, "等待审批", "延期一天", CALENDAR, deadline + late),
            DomainRuleError, "need.extension_too_late")
        assert error.field == "at"

    @pytest.mark.parametrize(("days", "reason", "notice", "code"), [
        (0, "等待审批", "延期", "input.out_of_range"),
        (1, " ", "延期", "input.required"),
        (1, "等待审批", "", "input.required"),
    ])
    def test_an_extension_needs_days_a_reason_and_a_notice(
        self, days: int, reason: str, notice: str, code: str
    ) -> None:
        assert_rejected(handling_need(), lambda n: n.extend(days, reason, notice, CALENDAR,
                                                            hours(1)),
                        ValidationError, code)


class TestClose:
    def test_closing_on_time(self) -> None:
        need = handling_need(days=0)
        need.close("已办结", hours(8))
        assert (need.status, need.result, need.closed_at) == (S.CLOSED, "已办结", hours(8))
        assert not need.closed_overdue

    def test_closing_after_the_deadline_is_overdue(self) -> None:
        need = handling_need(days=0)
        assert need.deadline is not None
        need.close("已办结", need.deadline)
        assert need.closed_overdue

    def test_overdue_and_days_left_while_handling(self) -> None:
        need = handling_need(days=3)  # due Thursday 2026-12-03, 24:00
        assert need.working_days_left(CALENDAR, MONDAY_9AM) == 3
        assert need.working_days_left(CALENDAR, MONDAY_9AM + timedelta(days=3)) == 0
        assert not need.is_overdue(MONDAY_9AM + timedelta(days=3, hours=14))
        assert need.is_overdue(MONDAY_9AM + timedelta(days=3, hours=15))
        assert need.working_days_left(CALENDAR, MONDAY_9AM + timedelta(days=7)) == -2

    def test_no_limit_runs_once_closed(self) -> None:
        need = need_in(S.CLOSED)
        assert need.current_deadline is None
        assert not need.is_overdue(MONDAY_9AM + timedelta(days=30))
        assert need.working_days_left(CALENDAR, MONDAY_9AM) is None


class TestReply:
    def test_an_on_time_reply_needs_no_explanation(self) -> None:
        need = need_in(S.CLOSED)
        need.reply(ReplyChannel.SMS, "已为您安排送餐", "  ", hours(5), public=True)
        reply = need.reply_record
        assert reply is not None
        assert (reply.channel, reply.content, reply.explanation) == (
            ReplyChannel.SMS, "已为您安排送餐", None)
        assert reply.public
        assert reply.at == hours(5)

    def test_a_referred_need_is_replied_to(self) -> None:
        need = need_in(S.REFERRED)
        need.reply(ReplyChannel.IN_PERSON, "已转社区卫生服务站办理", None, hours(2))
        assert need.status is S.REPLIED

    @pytest.mark.parametrize("explanation", [None, "", "   "])
    def test_a_refused_need_needs_an_explanation(self, explanation: str | None) -> None:
        error = assert_rejected(
            need_in(S.REFUSED),
            lambda n: n.reply(ReplyChannel.LETTER, "不予受理", explanation, hours(2)),
            DomainRuleError, "need.explanation_required")
        assert error.field == "explanation"

    def test_an_overdue_need_needs_an_explanation(self) -> None:
        need = handling_need(days=0)
        need.close("已办结", MONDAY_9AM + timedelta(days=2))
        assert_rejected(need, lambda n: n.reply(ReplyChannel.PHONE, "已办结", None,
                                                MONDAY_9AM + timedelta(days=2)),
                        DomainRuleError, "need.explanation_required")
        need.reply(ReplyChannel.PHONE, "已办结", "因供应商延误超期", MONDAY_9AM + timedelta(days=2))
        assert need.reply_record is not None
        assert need.reply_record.explanation == "因供应商延误超期"

    def test_a_reply_goes_through_a_known_channel(self) -> None:
        assert_rejected(need_in(S.CLOSED),
                        lambda n: n.reply("fax", "已办结", None, hours(5)),  # type: ignore[arg-type]
                        ValidationError, "input.bad_choice")

    def test_a_reply_has_content(self) -> None:
        assert_rejected(need_in(S.CLOSED),
                        lambda n: n.reply(ReplyChannel.EMAIL, " ", None, hours(5)),
                        ValidationError, "input.required")


class TestObjection:
    def test_an_objection_on_friday_is_due_by_the_end_of_monday(self) -> None:
        need = need_in(S.REPLIED)
        need.object_to_reply("送餐时间不合适", FRIDAY_10AM, CALENDAR)
        assert need.status is S.OBJECTED
        assert need.answer_due == end_of_day(date(2026, 12, 7))
        assert (need.objection, need.objected_at) == ("送餐时间不合适", FRIDAY_10AM)
        assert need.current_deadline == need.answer_due
        assert need.working_days_left(CALENDAR, FRIDAY_10AM) == 1

    @pytest.mark.parametrize(("holidays", "makeup", "due"), [
        ({date(2026, 12, 7)}, set(), date(2026, 12, 8)),  # Monday off: Tuesday
        ({date(2026, 12, 7)}, {date(2026, 12, 5)}, date(2026, 12, 5)),  # make-up Saturday
        (set(), {date(2026, 12, 6)}, date(2026, 12, 6)),  # make-up Sunday
    ])
    def test_holidays_and_make_up_days(self, holidays: set[date], makeup: set[date],
                                       due: date) -> None:
        calendar = WorkingCalendar(holidays=frozenset(holidays), makeup_workdays=frozenset(makeup))
        need = need_in(S.REPLIED)
        need.object_to_reply("送餐时间不合适", FRIDAY_10AM, calendar)
        assert need.answer_due == end_of_day(due)

    def test_the_policy_can_allow_more_working_days(self) -> None:
        need = need_in(S.REPLIED)
        need.object_to_reply("送餐时间不合适", FRIDAY_10AM, CALENDAR, working_days=2)
        assert need.answer_due == end_of_day(date(2026, 12, 8))

    @pytest.mark.parametrize("days", [0, -1, 366])
    def test_the_answer_period_must_be_a_sensible_number_of_days(self, days: int) -> None:
        assert_rejected(need_in(S.REPLIED),
                        lambda n: n.object_to_reply("不合适", FRIDAY_10AM, CALENDAR, days),
                        ValidationError, "input.out_of_range")

    @pytest.mark.parametrize(("after", "late"), [
        (timedelta(days=3, hours=13, minutes=59), False),  # Monday 23:59 China time
        (timedelta(days=3, hours=14), True),  # Tuesday 00:00
        (timedelta(days=5), True),
    ])
    def test_a_late_answer_is_flagged(self, after: timedelta, late: bool) -> None:
        need = need_in(S.REPLIED)
        need.object_to_reply("送餐时间不合适", FRIDAY_10AM, CALENDAR)
        assert need.is_overdue(FRIDAY_10AM + after) is late
        need.answer_objection("已调整为中午送达", CLERK, FRIDAY_10AM + after)
        assert need.status is S.ANSWERED
        assert need.answer_late is late
        assert (need.objection_answer, need.answered_by) == ("已调整为中午送达", CLERK)


class TestEvaluate:
    @pytest.mark.parametrize("status", [S.REPLIED, S.ANSWERED])
    def test_the_resident_scores_the_service(self, status: NeedStatus) -> None:
        need = need_in(status)
        need.evaluate(4, " ", TUESDAY_9AM)
        assert (need.status, need.score, need.comment) == (S.EVALUATED, 4, None)
        assert need.evaluated_at == TUESDAY_9AM

    @pytest.mark.parametrize("score", [0, 6, -1])
    def test_the_score_is_one_to_five(self, score: int) -> None:
        assert_rejected(need_in(S.REPLIED), lambda n: n.evaluate(score, None, TUESDAY_9AM),
                        ValidationError, "input.out_of_range")

    # bool is a subclass of int in Python: True must not be recorded as a score of 1.
    @pytest.mark.parametrize("score", [4.5, 4.0, True, False, "4", None])
    def test_the_score_is_a_whole_number(self, score: object) -> None:
        error = assert_rejected(need_in(S.REPLIED),
                                lambda n: n.evaluate(score, None, TUESDAY_9AM),  # type: ignore[arg-type]
                                ValidationError, "input.not_integer")
        assert error.field == "score"


class TestBusinessTime:
    @pytest.mark.parametrize(("command", "status"),
                             [key for key in TRANSITIONS if key[0] != "reassign"])
    def test_time_does_not_go_backwards(self, command: str, status: NeedStatus) -> None:
        need = need_in(status)
        earlier = need.last_at - timedelta(minutes=1)
        error = assert_rejected(need, lambda n: COMMANDS[command](n, earlier),
                                DomainRuleError, "need.time_goes_backwards")
        assert error.field == "at"

    def test_the_same_instant_is_allowed(self) -> None:
        need = need_in(S.RECEIVED)
        need.accept(CLERK, MONDAY_9AM)
        assert need.last_at == MONDAY_9AM

    def test_times_carry_a_time_zone(self) -> None:
        assert_rejected(need_in(S.RECEIVED),
                        lambda n: n.accept(CLERK, datetime(2026, 12, 1, 9, 0)),  # noqa: DTZ001
                        ValidationError, "input.naive_datetime")

    def test_other_time_zones_compare_by_instant(self) -> None:
        need = need_in(S.RECEIVED)
        need.accept(CLERK, MONDAY_9AM.astimezone(CHINA_TIME))
        assert_rejected(need, lambda n: n.start_handling(
            HANDLER, 1, CALENDAR, datetime(2026, 11, 30, 0, 59, tzinfo=UTC)),
            DomainRuleError, "need.time_goes_backwards")


# Each command that names a staff member, called with ``staff`` from a state allowing it.
STAFF_COMMANDS: dict[str, tuple[NeedStatus, Callable[[Need, Any], None]]] = {
    "accept": (S.RECEIVED, lambda n, staff: n.accept(staff, hours(9))),
    "return_for_materials": (S.RECEIVED, lambda n, staff: n.return_for_materials(
        ("户口本",), staff, hours(9))),
    "refer": (S.RECEIVED, lambda n, staff: n.refer("社区卫生服务站", "已移交", staff,
                                                   hours(9))),
    "refuse": (S.ACCEPTED, lambda n, staff: n.refuse("不属于服务范围", appeal_notice=True,
                                                     by=staff, at=hours(9))),
    "start_handling": (S.ACCEPTED, lambda n, staff: n.start_handling(staff, 1, CALENDAR,
                                                                     hours(9))),
    "reassign": (S.IN_HANDLING, lambda n, staff: n.reassign(staff)),
    "answer_objection": (S.OBJECTED, lambda n, staff: n.answer_objection("已调整", staff,
                                                                         hours(9))),
}


class TestStaffIds:
    """Staff are recorded by StaffMember id: their names are personal data held there."""

    @pytest.mark.parametrize("command", sorted(STAFF_COMMANDS))
    @pytest.mark.parametrize("staff", ["林敏", str(CLERK), " ", None, 7])
    def test_a_name_or_anything_but_a_uuid_is_rejected(self, command: str, staff: object) -> None:
        status, run = STAFF_COMMANDS[command]
        error = assert_rejected(need_in(status), lambda n: run(n, staff), ValidationError,
                                "input.bad_id")
        assert error.field in {"by", "handler"}

    @pytest.mark.parametrize("command", sorted(STAFF_COMMANDS))
    def test_the_staff_id_is_recorded(self, command: str) -> None:
        status, run = STAFF_COMMANDS[command]
        need = need_in(status)
        run(need, OTHER_HANDLER)
        [recorded] = need.collect_events()
        staff = getattr(recorded, "handler", None) or getattr(recorded, "by", None)
        assert staff == OTHER_HANDLER
        assert isinstance(staff, UUID)

    def test_who_did_what_is_kept_as_ids(self) -> None:
        need = need_in(S.ANSWERED)
        assert need.received_by == CLERK
        assert [d.by for d in need.decisions] == [CLERK]
        assert (need.handler, need.answered_by) == (HANDLER, CLERK)

    def test_staff_ids_replay_as_uuids(self) -> None:
        need = new_need()
        events = list(need.collect_events())
        need.accept(CLERK, hours(1))
        need.start_handling(HANDLER, 1, CALENDAR, hours(2))
        need.reassign(OTHER_HANDLER)
        events += need.collect_events()
        restored = replay(events)
        assert (restored.received_by, restored.handler) == (CLERK, OTHER_HANDLER)
        assert isinstance(restored.decisions[0].by, UUID)


class TestInputTypes:
    """A wrong type is a ValidationError and records nothing (never a bad event)."""

    @pytest.mark.parametrize("days", [True, False, 1.0, 1.5, "1", None])
    def test_committed_working_days_are_a_whole_number(self, days: object) -> None:
        error = assert_rejected(
            need_in(S.ACCEPTED),
            lambda n: n.start_handling(HANDLER, days, CALENDAR, hours(2)),  # type: ignore[arg-type]
            ValidationError, "input.not_integer")
        assert error.field == "committed_working_days"

    @pytest.mark.parametrize("days", [True, 1.0, "2", None])
    def test_extra_working_days_are_a_whole_number(self, days: object) -> None:
        error = assert_rejected(
            handling_need(),
            lambda n: n.extend(days, "等待审批", "延期", CALENDAR, hours(1)),  # type: ignore[arg-type]
            ValidationError, "input.not_integer")
        assert error.field == "extra_working_days"

    @pytest.mark.parametrize("days", [True, 1.0, "1"])
    def test_the_answer_period_is_a_whole_number(self, days: object) -> None:
        error = assert_rejected(
            need_in(S.REPLIED),
            lambda n: n.object_to_reply("不合适", FRIDAY_10AM, CALENDAR, days),  # type: ignore[arg-type]
            ValidationError, "input.not_integer")
        assert error.field == "working_days"

    @pytest.mark.parametrize("channel", ["fax", "", None, 1, NeedSource.WINDOW])
    def test_an_unknown_channel_is_rejected(self, channel: object) -> None:
        error = assert_rejected(
            need_in(S.CLOSED),
            lambda n: n.reply(channel, "已办结", None, hours(5)),  # type: ignore[arg-type]
            ValidationError, "input.bad_choice")
        assert error.field == "channel"

    def test_a_channel_given_as_its_value_is_recorded_as_the_member(self) -> None:
        need = need_in(S.CLOSED)
        need.reply("sms", "已办结", None, hours(5))  # type: ignore[arg-type]
        assert need.reply_record is not None
        assert need.reply_record.channel is ReplyChannel.SMS

    def test_groups_given_as_values_are_recorded_as_members(self) -> None:
        need = new_need(vulnerable_groups=["disabled", VulnerableGroup.LOW_INCOME])
        assert need.vulnerable_groups == {VulnerableGroup.DISABLED, VulnerableGroup.LOW_INCOME}
        assert all(isinstance(g, VulnerableGroup) for g in need.vulnerable_groups)

    @pytest.mark.parametrize("public", ["yes", 1, None])
    def test_public_is_true_or_false(self, public: object) -> None:
        assert_rejected(
            need_in(S.CLOSED),
            lambda n: n.reply(ReplyChannel.SMS, "已办结", None, hours(5), public=public),  # type: ignore[arg-type]
            ValidationError, "input.not_boolean")

    @pytest.mark.parametrize("notice", ["no", 1])
    def test_the_appeal_notice_is_true_or_false(self, notice: object) -> None:
        assert_rejected(
            need_in(S.RECEIVED),
            lambda n: n.refuse("不属于服务范围", appeal_notice=notice, by=CLERK, at=hours(1)),  # type: ignore[arg-type]
            ValidationError, "input.not_boolean")

    def test_the_missing_list_is_a_list_not_a_string(self) -> None:
        assert_rejected(
            need_in(S.RECEIVED),
            lambda n: n.return_for_materials("户口本", CLERK, hours(1)),  # type: ignore[arg-type]
            ValidationError, "input.not_sequence")


# Distinctive text for every sealed field, to look for in the stored log.
SECRETS = {
    "note": "转办说明-患糖尿病", "reasons": "拒绝理由-家暴庇护", "reason": "延期原因-住院中",
    "notice_to_resident": "延期告知-陈女士", "progress": "进度-已陪同就医",
    "result": "结果-低保已批",
    "content": "回复-陈女士家属", "explanation": "说明-病情加重", "objection": "异议-邻居骚扰",
    "answer": "答复-已联系派出所", "comment": "评价-儿子很感谢",
}


def handled_life(n: Need) -> None:
    n.accept(CLERK, hours(1))
    n.start_handling(HANDLER, 0, CALENDAR, hours(2))
    n.extend(1, SECRETS["reason"], SECRETS["notice_to_resident"], CALENDAR, hours(3))
    n.record_progress(SECRETS["progress"], hours(4))
    n.close(SECRETS["result"], hours(5))
    n.reply(ReplyChannel.PHONE, SECRETS["content"], SECRETS["explanation"], hours(6))
    n.object_to_reply(SECRETS["objection"], hours(7), CALENDAR)
    n.answer_objection(SECRETS["answer"], CLERK, hours(8))
    n.evaluate(3, SECRETS["comment"], hours(9))


def referred_life(n: Need) -> None:
    n.refer("社区卫生服务站", SECRETS["note"], CLERK, hours(1))
    n.reply(ReplyChannel.LETTER, SECRETS["content"], SECRETS["explanation"], hours(2))


def refused_life(n: Need) -> None:
    n.accept(CLERK, hours(1))
    n.start_handling(HANDLER, 3, CALENDAR, hours(2))
    n.record_progress(SECRETS["progress"], hours(3))
    n.refuse(SECRETS["reasons"], appeal_notice=True, by=CLERK, at=hours(4))
    n.reply(ReplyChannel.IN_PERSON, SECRETS["content"], SECRETS["explanation"], hours(5))


LIVES: dict[str, Callable[[Need], None]] = {
    "handled": handled_life, "referred": referred_life, "refused": refused_life,
}


def personal(need: Need) -> dict[str, object]:
    """Every personal value of the need, by the event field that records it."""
    reply = need.reply_record
    return {
        "resident_name": need.resident_name, "resident_phone": need.resident_phone,
        "resident_address": need.resident_address, "details": need.details,
        "note": need.referral_note, "reasons": need.refusal_reasons,
        "reason": tuple(e.reason for e in need.extensions),
        "notice_to_resident": tuple(e.notice_to_resident for e in need.extensions),
        "progress": tuple(p.note for p in need.progress), "result": need.result,
        "content": reply and reply.content, "explanation": reply and reply.explanation,
        "objection": need.objection, "answer": need.objection_answer, "comment": need.comment,
    }


def erased(value: object) -> bool:
    return value is None or (isinstance(value, tuple) and all(v is None for v in value))


def lived(life: str) -> tuple[Need, list[Any]]:
    need = new_need()
    LIVES[life](need)
    return need, list(need.collect_events())


def replay_without_key(need: Need, events: list[Any]) -> Any:
    """Store the events, delete the need's key, and rebuild the need from the log."""
    keys = MemoryKeyStore()
    mapper = MsgspecMapper(keys)
    stored = [mapper.to_stored_event(e) for e in events]
    keys.delete(need.id)
    return replay([mapper.to_domain_event(record) for record in stored], mapper)


class TestSealedFields:
    def test_every_resident_text_of_every_event_is_sealed(self) -> None:
        # Only a top-level ``str | None`` field can be sealed: resident text may not
        # hide in a Struct or collection, and the clear text fields are named here.
        in_clear = {"grid", "category", "title", "to_post", "originator_topic"}
        for name, cls in vars(Need).items():
            if not (isinstance(cls, type) and issubclass(cls, Need.Event)) or name == "Event":
                continue
            for field, hint in typing.get_type_hints(cls).items():
                assert not (isinstance(hint, type) and issubclass(hint, msgspec.Struct)), field
                if hint in (str, str | None) and field not in in_clear:
                    assert field in Need.Event.PERSONAL_FIELDS, (name, field)
                if field in Need.Event.PERSONAL_FIELDS:
                    assert hint == str | None, (name, field)

    def test_the_lives_cover_every_sealed_field(self) -> None:
        recorded = set()
        for life in LIVES:
            need, _ = lived(life)
            recorded |= {k for k, v in personal(need).items() if not erased(v)}
        assert recorded == set(personal(new_need()))

    @pytest.mark.parametrize("life", sorted(LIVES))
    def test_no_resident_text_is_stored_in_clear(self, life: str) -> None:
        _, events = lived(life)
        mapper = MsgspecMapper(MemoryKeyStore())
        stored = b"".join(mapper.to_stored_event(e).state for e in events)
        for secret in SECRETS.values():
            assert secret.encode() not in stored
        assert str(CLERK).encode() in stored  # staff ids stay readable for audit


class TestForget:
    @pytest.mark.parametrize("status", list(S))
    def test_forget_erases_the_personal_fields_in_any_state(self, status: NeedStatus) -> None:
        need = need_in(status)
        need.forget()
        assert need.forgotten
        assert (need.resident_name, need.resident_phone, need.resident_address,
                need.details) == (None, None, None, None)
        assert all(erased(v) for v in personal(need).values())
        assert not need.holds_personal_data
        assert need.status is status
        assert need.title == "独居老人助餐"

    @pytest.mark.parametrize("life", sorted(LIVES))
    def test_forget_erases_every_resident_text(self, life: str) -> None:
        need, _ = lived(life)
        decisions, status = need.decisions, need.status
        need.forget()
        assert {k: v for k, v in personal(need).items() if not erased(v)} == {}
        assert need.personal_texts == (None,) * len(need.personal_texts)
        assert (need.decisions, need.status) == (decisions, status)
        assert len(need.extensions) + len(need.progress) > 0 or life == "referred"

    @pytest.mark.parametrize("life", sorted(LIVES))
    def test_without_the_key_the_log_yields_no_resident_text(self, life: str) -> None:
        need, events = lived(life)
        restored = replay_without_key(need, events)
        assert {k: v for k, v in personal(restored).items() if not erased(v)} == {}
        assert (restored.status, restored.decisions, restored.title) == (
            need.status, need.decisions, need.title)

    @pytest.mark.parametrize("life", sorted(LIVES))
    def test_a_forgotten_need_replays_without_the_key_to_its_state(self, life: str) -> None:
        need, events = lived(life)
        need.forget()
        events += need.collect_events()
        assert state_of(replay_without_key(need, events)) == state_of(need)

    def test_forgetting_twice_records_nothing(self) -> None:
        need = need_in(S.RECEIVED)
        need.forget()
        need.collect_events()
        version = need.version
        need.forget()
        assert need.version == version
        assert need.collect_events() == []

    def test_the_request_goes_on_after_forgetting(self) -> None:
        need = need_in(S.IN_HANDLING)
        need.forget()
        need.close("已办结", hours(5))
        assert need.status is S.CLOSED

    def test_text_recorded_after_forgetting_is_erased_by_forgetting_again(self) -> None:
        need = need_in(S.IN_HANDLING)
        need.forget()
        need.close(SECRETS["result"], hours(5))
        assert need.holds_personal_data
        need.collect_events()
        need.forget()
        assert len(need.collect_events()) == 1
        assert need.result is None
        assert not need.holds_personal_data

    def test_without_the_key_the_log_yields_no_personal_data(self) -> None:
        need = new_need()
        need.forget()
        restored = replay_without_key(need, list(need.collect_events()))
        assert isinstance(restored, Need)
        assert (restored.resident_name, restored.resident_phone, restored.details) == (
            None, None, None)
        assert restored.title == "独居老人助餐"


class TestReplay:
    def test_the_whole_lifecycle_replays_to_the_same_state(self) -> None:
        need = new_need()
        events = list(need.collect_events())
        need.return_for_materials(("户口本", "低保证明"), CLERK, hours(1))
        need.resubmit(hours(2))
        need.accept(CLERK, hours(2))
        need.start_handling(HANDLER, 1, CALENDAR, hours(3))
        need.extend(2, "等待街道审批", "您的事项将延期两个工作日", CALENDAR, hours(4))
        need.record_progress("已对接助餐点", hours(5))
        need.reassign(OTHER_HANDLER)
        need.close("已安排每日送餐", TUESDAY_9AM)
        need.reply(ReplyChannel.PUBLIC_NOTICE, "已安排送餐", None, TUESDAY_9AM, public=True)
        need.object_to_reply("送餐时间不合适", FRIDAY_10AM, CALENDAR)
        need.answer_objection("已调整为中午送达", CLERK, FRIDAY_10AM + timedelta(days=1))
        need.evaluate(5, "很满意", FRIDAY_10AM + timedelta(days=2))
        need.forget()
        events += need.collect_events()
        assert len(events) == 14
        assert_replays_equal(need, events)
        assert replay(events).status is S.EVALUATED

    def test_every_event_has_a_stable_topic(self) -> None:
        need = need_in(S.RECEIVED)
        COMMANDS["accept"](need, hours(1))
        for event in need.collect_events():
            assert get_topic(type(event)) == "wushe.need.accepted"
