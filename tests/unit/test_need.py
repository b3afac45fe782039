"""Need: the DB35/T 2074-2022 8.6 lifecycle of a resident's request, rule by rule."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from eventsourcing.utils import get_topic

from tests.helpers import MONDAY_9AM, MemoryKeyStore, assert_replays_equal, replay
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
        "resident_address": "鼓楼区南街 12 号 3 单元", "received_by": "窗口-林敏", "at": MONDAY_9AM,
    }
    fields.update(overrides)
    return Need.receive(**fields)


# Valid calls of every command, all at the given time.
COMMANDS: dict[str, Callable[[Need, datetime], None]] = {
    "accept": lambda n, at: n.accept("林敏", at),
    "return_for_materials": lambda n, at: n.return_for_materials(("户口本",), "林敏", at),
    "resubmit": lambda n, at: n.resubmit(at),
    "refer": lambda n, at: n.refer("社区卫生服务站", "已移交病历复印件", "林敏", at),
    "refuse": lambda n, at: n.refuse("不属于社区服务范围", appeal_notice=True, by="林敏", at=at),
    "start_handling": lambda n, at: n.start_handling("社工-黄磊", 5, CALENDAR, at),
    "extend": lambda n, at: n.extend(2, "等待街道审批", "您的事项将延期两个工作日", CALENDAR, at),
    "record_progress": lambda n, at: n.record_progress("已联系助餐点", at),
    "reassign": lambda n, _at: n.reassign("社工-郑洁"),
    "close": lambda n, at: n.close("已安排每日送餐", at),
    "reply": lambda n, at: n.reply(ReplyChannel.PHONE, "已为您安排送餐", "情况说明", at),
    "object_to_reply": lambda n, at: n.object_to_reply("送餐时间不合适", at, CALENDAR),
    "answer_objection": lambda n, at: n.answer_objection("已调整为中午送达", "林敏", at),
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
    need.accept("林敏", at)
    need.start_handling("社工-黄磊", days, calendar, at)
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
        need = new_need(source=NeedSource.GRID_WORKER, received_by="网格员-吴刚")
        assert need.status is S.RECEIVED
        assert (need.source, need.grid, need.category) == (NeedSource.GRID_WORKER, "G03", "ELDER")
        assert need.received_by == "网格员-吴刚"
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
        ("received_by", "", "input.required"),
        ("source", "carrier_pigeon", "input.bad_choice"),
        ("urgency", "whenever", "input.bad_choice"),
        ("vulnerable_groups", frozenset({"tall"}), "input.bad_choice"),
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
        assert (decision.kind, decision.by, decision.at) == (kind, "林敏", hours(1))

    def test_a_referral_records_the_handover(self) -> None:
        need = need_in(S.REFERRED)
        assert need.referred_to == "社区卫生服务站"
        assert need.referral_note == "已移交病历复印件"

    def test_a_refusal_needs_notice_of_the_right_to_review(self) -> None:
        need = need_in(S.RECEIVED)
        assert_rejected(need, lambda n: n.refuse("不属于社区服务范围", appeal_notice=False,
                                                 by="林敏", at=hours(1)),
                        DomainRuleError, "need.appeal_notice_required")
        need.refuse("不属于社区服务范围", appeal_notice=True, by="林敏", at=hours(1))
        assert need.refusal_reasons == "不属于社区服务范围"
        assert need.appeal_notice_given

    def test_a_refusal_gives_reasons(self) -> None:
        assert_rejected(need_in(S.ACCEPTED),
                        lambda n: n.refuse(" ", appeal_notice=True, by="林敏", at=hours(2)),
                        ValidationError, "input.required")


class TestOneTimeNotification:
    def test_the_list_is_complete_ordered_and_without_repeats(self) -> None:
        need = need_in(S.RECEIVED)
        need.return_for_materials((" 户口本", "低保证明", "户口本"), "林敏", hours(1))
        assert need.missing_materials == ("户口本", "低保证明")
        assert need.returned_at == hours(1)

    @pytest.mark.parametrize(("missing", "code"), [
        ((), "need.nothing_missing"),
        ((" ",), "input.required"),
    ])
    def test_the_list_may_not_be_empty(self, missing: tuple[str, ...], code: str) -> None:
        assert_rejected(need_in(S.RECEIVED),
                        lambda n: n.return_for_materials(missing, "林敏", hours(1)),
                        ValidationError, code)

    def test_resubmitted_materials_bring_it_back_for_a_decision(self) -> None:
        need = need_in(S.RETURNED)
        need.resubmit(hours(5))
        assert_rejected(need, lambda n: n.accept("林敏", hours(4)), DomainRuleError,
                        "need.time_goes_backwards")
        need.accept("林敏", hours(5))
        assert need.status is S.ACCEPTED
        assert [d.kind for d in need.decisions] == [DecisionKind.RETURNED, DecisionKind.ACCEPTED]

    def test_a_need_is_returned_only_once(self) -> None:
        need = need_in(S.RETURNED)
        need.resubmit(hours(5))
        error = assert_rejected(
            need, lambda n: n.return_for_materials(("房产证",), "林敏", hours(6)),
            DomainRuleError, "need.second_return")
        assert "一次性告知" in error.message_zh
        assert need.missing_materials == ("户口本",)
        need.refuse("材料仍不齐全", appeal_notice=True, by="林敏", at=hours(6))  # still open
        assert need.status is S.REFUSED


class TestStartHandling:
    def test_zero_days_means_on_the_spot_by_the_end_of_today(self) -> None:
        need = handling_need(days=0)
        assert need.deadline == end_of_day(date(2026, 11, 30))
        assert need.handler == "社工-黄磊"
        assert need.committed_working_days == 0

    def test_the_deadline_counts_working_days_across_the_weekend(self) -> None:
        need = handling_need(days=3, at=FRIDAY_10AM)
        assert need.deadline == end_of_day(date(2026, 12, 9))  # Mon, Tue, Wed

    @pytest.mark.parametrize("days", [-1, 366])
    def test_the_committed_days_are_bounded(self, days: int) -> None:
        assert_rejected(need_in(S.ACCEPTED),
                        lambda n: n.start_handling("社工-黄磊", days, CALENDAR, hours(2)),
                        ValidationError, "input.out_of_range")

    def test_a_handler_can_be_replaced_but_not_by_the_same_one(self) -> None:
        need = handling_need()
        assert_rejected(need, lambda n: n.reassign(" 社工-黄磊 "), ValidationError,
                        "need.same_handler")
        need.reassign("社工-郑洁")
        assert need.handler == "社工-郑洁"

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
        need.answer_objection("已调整为中午送达", "林敏", FRIDAY_10AM + after)
        assert need.status is S.ANSWERED
        assert need.answer_late is late
        assert (need.objection_answer, need.answered_by) == ("已调整为中午送达", "林敏")


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

    def test_the_score_is_whole(self) -> None:
        assert_rejected(need_in(S.REPLIED), lambda n: n.evaluate(4.5, None, TUESDAY_9AM),  # type: ignore[arg-type]
                        ValidationError, "input.not_integer")


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
        need.accept("林敏", MONDAY_9AM)
        assert need.last_at == MONDAY_9AM

    def test_times_carry_a_time_zone(self) -> None:
        assert_rejected(need_in(S.RECEIVED),
                        lambda n: n.accept("林敏", datetime(2026, 12, 1, 9, 0)),  # noqa: DTZ001
                        ValidationError, "input.naive_datetime")

    def test_other_time_zones_compare_by_instant(self) -> None:
        need = need_in(S.RECEIVED)
        need.accept("林敏", MONDAY_9AM.astimezone(CHINA_TIME))
        assert_rejected(need, lambda n: n.start_handling(
            "社工-黄磊", 1, CALENDAR, datetime(2026, 11, 30, 0, 59, tzinfo=UTC)),
            DomainRuleError, "need.time_goes_backwards")


class TestForget:
    @pytest.mark.parametrize("status", list(S))
    def test_forget_erases_the_personal_fields_in_any_state(self, status: NeedStatus) -> None:
        need = need_in(status)
        need.forget()
        assert need.forgotten
        assert (need.resident_name, need.resident_phone, need.resident_address,
                need.details) == (None, None, None, None)
        assert need.status is status
        assert need.title == "独居老人助餐"

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

    def test_without_the_key_the_log_yields_no_personal_data(self) -> None:
        need = new_need()
        need.forget()
        keys = MemoryKeyStore()
        mapper = MsgspecMapper(keys)
        stored = [mapper.to_stored_event(e) for e in need.collect_events()]
        keys.delete(need.id)
        restored = replay([mapper.to_domain_event(record) for record in stored], mapper)
        assert isinstance(restored, Need)
        assert (restored.resident_name, restored.resident_phone, restored.details) == (
            None, None, None)
        assert restored.title == "独居老人助餐"


class TestReplay:
    def test_the_whole_lifecycle_replays_to_the_same_state(self) -> None:
        need = new_need()
        events = list(need.collect_events())
        need.return_for_materials(("户口本", "低保证明"), "林敏", hours(1))
        need.resubmit(hours(2))
        need.accept("林敏", hours(2))
        need.start_handling("社工-黄磊", 1, CALENDAR, hours(3))
        need.extend(2, "等待街道审批", "您的事项将延期两个工作日", CALENDAR, hours(4))
        need.record_progress("已对接助餐点", hours(5))
        need.reassign("社工-郑洁")
        need.close("已安排每日送餐", TUESDAY_9AM)
        need.reply(ReplyChannel.PUBLIC_NOTICE, "已安排送餐", None, TUESDAY_9AM, public=True)
        need.object_to_reply("送餐时间不合适", FRIDAY_10AM, CALENDAR)
        need.answer_objection("已调整为中午送达", "林敏", FRIDAY_10AM + timedelta(days=1))
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
