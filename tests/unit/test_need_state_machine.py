"""Need under random command sequences: invariants hold and the log replays exactly.

Two kinds of step drive the need: ``any_command`` runs any command with arguments
that may be malformed, in any state and sometimes at a time already past;
``progress`` takes one of the transitions the current state allows, with sound
arguments, so runs also reach the late states (reply, objection, evaluation).
A rejected command must raise a :class:`WusheError` and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.helpers import MONDAY_9AM, MemoryKeyStore, assert_replays_equal, replay, state_of
from wushe.infra.mapper import MsgspecMapper
from wushe.platform.domain.calendar import WorkingCalendar
from wushe.platform.domain.errors import WusheError
from wushe.platform.domain.need import (
    MAX_SCORE,
    MIN_SCORE,
    DecisionKind,
    Need,
    NeedSource,
    NeedStatus,
    ReplyChannel,
)
from wushe.platform.domain.values import Urgency, VulnerableGroup

if TYPE_CHECKING:
    from eventsourcing.domain import DomainEventProtocol

S = NeedStatus
# A week with a holiday (Wednesday) and a make-up working Saturday.
CALENDAR = WorkingCalendar(holidays=frozenset({date(2026, 12, 2)}),
                           makeup_workdays=frozenset({date(2026, 12, 5)}))
HANDLING = {S.IN_HANDLING, S.EXTENDED}
AFTER_REPLY = {S.REPLIED, S.OBJECTED, S.ANSWERED, S.EVALUATED}
# StaffMember ids: staff are recorded by id, never by name.
STAFF = [UUID(f"5a1f0000-0000-4000-8000-00000000000{n}") for n in (1, 2, 3)]
GRID_WORKER = UUID("5a1f0000-0000-4000-8000-000000000009")
# Values of the wrong type where a whole number is expected (bool is an int in Python).
NOT_WHOLE = [True, False, 1.0, "1"]

Draw = Callable[[st.SearchStrategy[Any]], Any]
Command = Callable[[Need, Draw, datetime, bool], None]


def pick(sound: bool, good: list[Any], bad: list[Any]) -> st.SearchStrategy[Any]:
    """Sound arguments only, or sound and malformed ones mixed."""
    return st.sampled_from(good if sound else good + bad)


def staff(sound: bool) -> st.SearchStrategy[Any]:
    return pick(sound, STAFF, ["林敏", str(STAFF[0])])  # names and id strings are refused


def text(sound: bool) -> st.SearchStrategy[Any]:
    return pick(sound, ["已电话联系居民", "等待街道审批"], ["", "   "])


def _accept(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    n.accept(draw(staff(sound)), at)


def _return(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    items = pick(sound, ["户口本", "低保证明", "身份证复印件"], [" "])
    missing = draw(st.lists(items, min_size=1 if sound else 0, max_size=3))
    n.return_for_materials(tuple(missing), draw(staff(sound)), at)


def _resubmit(n: Need, _draw: Draw, at: datetime, _sound: bool) -> None:
    n.resubmit(at)


def _refer(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    n.refer(draw(pick(sound, ["社区卫生服务站", "街道司法所"], [""])), draw(text(sound)),
            draw(staff(sound)), at)


def _refuse(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    notice = True if sound else draw(st.booleans())
    n.refuse(draw(text(sound)), appeal_notice=notice, by=draw(staff(sound)), at=at)


def _start(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    days = draw(st.integers(0, 5) if sound else st.integers(-1, 5) | st.sampled_from(NOT_WHOLE))
    n.start_handling(draw(staff(sound)), days, CALENDAR, at)


def _extend(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    days = draw(st.integers(1, 3) if sound else st.integers(0, 3) | st.sampled_from(NOT_WHOLE))
    n.extend(days, draw(text(sound)), draw(text(sound)), CALENDAR, at)


def _progress(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    n.record_progress(draw(text(sound)), at)


def _reassign(n: Need, draw: Draw, _at: datetime, sound: bool) -> None:
    n.reassign(draw(staff(sound)))


def _close(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    n.close(draw(text(sound)), at)


def _reply(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    explanation = draw(pick(sound, ["因审批延误，特此说明"], [None, "", " "]))
    channel = draw(pick(sound, list(ReplyChannel), ["fax", None]))
    n.reply(channel, draw(text(sound)), explanation, at, public=draw(st.booleans()))


def _object(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    days = draw(st.just(1) if sound else st.sampled_from([1, 1, 0, *NOT_WHOLE]))
    n.object_to_reply(draw(text(sound)), at, CALENDAR, days)


def _answer(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    n.answer_objection(draw(text(sound)), draw(staff(sound)), at)


def _evaluate(n: Need, draw: Draw, at: datetime, sound: bool) -> None:
    score = draw(st.integers(MIN_SCORE, MAX_SCORE) if sound
                 else st.integers(-1, 7) | st.sampled_from([*NOT_WHOLE, 4.5]))
    n.evaluate(score, draw(st.sampled_from([None, "很满意", " "])), at)


COMMANDS: dict[str, Command] = {
    "accept": _accept, "return_for_materials": _return, "resubmit": _resubmit,
    "refer": _refer, "refuse": _refuse, "start_handling": _start, "extend": _extend,
    "record_progress": _progress, "reassign": _reassign, "close": _close, "reply": _reply,
    "object_to_reply": _object, "answer_objection": _answer, "evaluate": _evaluate,
}

# Which commands each state allows (the lifecycle of standard.md 8.6).
ALLOWED: dict[NeedStatus, tuple[str, ...]] = {
    S.RECEIVED: ("accept", "return_for_materials", "refer", "refuse"),
    S.RETURNED: ("resubmit",),
    S.ACCEPTED: ("start_handling", "refuse"),
    S.IN_HANDLING: ("extend", "record_progress", "reassign", "close", "refuse"),
    S.EXTENDED: ("extend", "record_progress", "reassign", "close", "refuse"),
    S.CLOSED: ("reply",),
    S.REFUSED: ("reply",),
    S.REFERRED: ("reply",),
    S.REPLIED: ("object_to_reply", "evaluate"),
    S.OBJECTED: ("answer_objection",),
    S.ANSWERED: ("evaluate",),
    S.EVALUATED: (),
}

# The allowed commands again, weighted towards the main path so runs get deep.
FORWARD: dict[NeedStatus, tuple[str, ...]] = {
    **ALLOWED,
    S.RECEIVED: ("accept", "accept", "return_for_materials", "return_for_materials", "refer",
                 "refuse"),
    S.RETURNED: ("resubmit",),
    S.ACCEPTED: ("start_handling", "start_handling", "start_handling", "refuse"),
    S.IN_HANDLING: ("extend", "extend", "extend", "record_progress", "reassign", "close",
                    "close", "refuse"),
    S.EXTENDED: ("extend", "record_progress", "reassign", "close", "close", "close", "refuse"),
}
assert all(set(FORWARD[s]) == set(ALLOWED[s]) for s in S)


class NeedMachine(RuleBasedStateMachine):
    """Random lifecycles of one need, every step checked against the log."""

    need: Need

    def __init__(self) -> None:
        super().__init__()
        self.now = MONDAY_9AM
        self.events: list[DomainEventProtocol[UUID]] = []

    @initialize(source=st.sampled_from(NeedSource), urgency=st.sampled_from(Urgency),
                groups=st.frozensets(st.sampled_from(VulnerableGroup), max_size=2))
    def receive(self, source: NeedSource, urgency: Urgency,
                groups: frozenset[VulnerableGroup]) -> None:
        self.need = Need.receive(
            id=uuid4(), community_id=uuid4(), grid="G07", source=source, category="ELDER",
            title="独居老人助餐", details="患糖尿病，需低糖餐", urgency=urgency,
            vulnerable_groups=groups, resident_name="陈秀英", resident_phone="13805917788",
            resident_address="鼓楼区南街 12 号", received_by=GRID_WORKER, at=self.now,
        )
        self.events.extend(self.need.collect_events())

    @rule(minutes=st.sampled_from([0, 30, 4 * 60, 24 * 60, 3 * 24 * 60]))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(data=st.data(), name=st.sampled_from(sorted(COMMANDS)),
          lag=st.sampled_from([0, 0, 0, 120]))
    def any_command(self, data: st.DataObject, name: str, lag: int) -> None:
        self._run(name, data.draw, self.now - timedelta(minutes=lag), sound=False)

    @rule(data=st.data(), steps=st.integers(1, 3))
    def progress(self, data: st.DataObject, steps: int) -> None:
        for _ in range(steps):
            options = FORWARD[self.need.status]
            if options:
                self._run(data.draw(st.sampled_from(options)), data.draw, self.now, sound=True)

    @rule()
    def forget(self) -> None:
        self.need.forget()
        self.events.extend(self.need.collect_events())
        assert self.need.forgotten
        assert not self.need.holds_personal_data

    def _run(self, name: str, draw: Draw, at: datetime, *, sound: bool) -> None:
        before, status, version = state_of(self.need), self.need.status, self.need.version
        deadline = self.need.deadline
        code: str | None = None
        try:
            COMMANDS[name](self.need, draw, at, sound)
        except WusheError as error:
            code = error.code
        if code is not None:
            assert state_of(self.need) == before
            assert self.need.collect_events() == []
            assert name in ALLOWED[status] or code == f"state.{name}"
            event(f"rejected in {status}")
            return
        event(f"reached {self.need.status}")
        assert name in ALLOWED[status]
        assert self.need.version == version + 1
        assert self.need.last_at == (before["last_at"] if name == "reassign" else at)
        if name == "extend":
            assert deadline is not None
            assert self.need.deadline is not None
            assert self.need.extensions[-1].at < deadline < self.need.deadline
        self.events.extend(self.need.collect_events())

    # -- invariants --------------------------------------------------------

    @invariant()
    def replays_to_the_same_state(self) -> None:
        assert self.need.version == len(self.events)
        assert_replays_equal(self.need, self.events)

    @invariant()
    def business_time_only_moves_forward(self) -> None:
        n = self.need
        times = [n.received_at, *(d.at for d in n.decisions), *(p.at for p in n.progress),
                 *(e.at for e in n.extensions)]
        times += [t for t in (n.closed_at, n.objected_at, n.answered_at, n.evaluated_at) if t]
        assert all(t <= n.last_at for t in times)
        assert [d.at for d in n.decisions] == sorted(d.at for d in n.decisions)
        assert n.last_at <= self.now

    @invariant()
    def returned_at_most_once_with_a_complete_list(self) -> None:
        n = self.need
        returns = [d for d in n.decisions if d.kind is DecisionKind.RETURNED]
        assert len(returns) <= 1
        assert bool(n.missing_materials) == (n.returned_at is not None) == bool(returns)
        assert n.status is not S.RETURNED or n.missing_materials

    @invariant()
    def handling_has_a_handler_and_a_deadline(self) -> None:
        n = self.need
        if n.status in HANDLING or n.status is S.CLOSED:
            assert n.handler is not None
            assert n.deadline is not None
            assert n.committed_working_days is not None
        assert n.status is not S.EXTENDED or n.extensions
        deadlines = [e.deadline for e in n.extensions]
        assert deadlines == sorted(set(deadlines))
        assert not deadlines or deadlines[-1] == n.deadline

    @invariant()
    def closing_records_whether_it_was_late(self) -> None:
        n = self.need
        if n.closed_at is not None:
            assert n.deadline is not None
            assert n.closed_overdue == (n.closed_at >= n.deadline)
        else:
            assert not n.closed_overdue

    @invariant()
    def refusals_carry_reasons_and_the_review_notice(self) -> None:
        n = self.need
        refused = any(d.kind is DecisionKind.REFUSED for d in n.decisions)
        assert refused == n.appeal_notice_given
        # The reasons are personal: erased by forget, unless recorded after it.
        assert (n.refusal_reasons is not None) == refused or n.forgotten
        assert n.status is not S.REFUSED or refused

    @invariant()
    def replies_explain_overdue_and_refused_items(self) -> None:
        n = self.need
        assert (n.reply_record is not None) == (n.status in AFTER_REPLY)
        if n.reply_record is not None and (n.closed_overdue or n.appeal_notice_given):
            assert n.reply_record.explanation or n.forgotten  # personal: erased by forget

    @invariant()
    def objections_are_due_within_one_working_day(self) -> None:
        n = self.need
        assert (n.answer_due is not None) == (n.objected_at is not None)
        if n.objected_at is not None and n.answer_due is not None:
            assert n.answer_due == CALENDAR.deadline_after(n.objected_at, 1)
        if n.answered_at is not None:
            assert n.answer_due is not None
            assert n.answer_late == (n.answered_at >= n.answer_due)

    @invariant()
    def evaluation_is_the_end(self) -> None:
        n = self.need
        assert (n.score is not None) == (n.status is S.EVALUATED)
        assert n.score is None or MIN_SCORE <= n.score <= MAX_SCORE

    @invariant()
    def forgetting_erases_the_resident(self) -> None:
        n = self.need
        personal = (n.resident_name, n.resident_phone, n.resident_address, n.details)
        if n.forgotten:
            assert personal == (None, None, None, None)
        else:
            assert None not in personal
            assert n.holds_personal_data

    @invariant()
    def staff_are_recorded_by_id(self) -> None:
        n = self.need
        staff = [n.received_by, n.handler, n.answered_by, *(d.by for d in n.decisions)]
        assert all(s is None or isinstance(s, UUID) for s in staff)

    @invariant()
    def a_lost_key_leaves_only_what_is_not_personal(self) -> None:
        keys = MemoryKeyStore()
        mapper = MsgspecMapper(keys)
        stored = [mapper.to_stored_event(e) for e in self.events]
        keys.delete(self.need.id)
        restored = replay([mapper.to_domain_event(record) for record in stored], mapper)
        assert not restored.holds_personal_data
        assert (restored.status, restored.decisions, restored.deadline, restored.version) == (
            self.need.status, self.need.decisions, self.need.deadline, self.need.version)

    @invariant()
    def overdue_agrees_with_working_days_left(self) -> None:
        n = self.need
        left = n.working_days_left(CALENDAR, self.now)
        assert (left is None) == (n.current_deadline is None)
        if left is not None and left > 0:
            assert not n.is_overdue(self.now)
        if n.is_overdue(self.now):
            assert left is not None
            assert left <= 0


NeedMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None, database=None,
)
TestNeedStateMachine = NeedMachine.TestCase
