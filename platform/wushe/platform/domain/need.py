"""Need (需求): a resident's request, from receipt to the resident's evaluation.

DB35/T 2074-2022 8.6 (window service) and 8.7 (grid service). A request comes in
at the window, by phone, online or through a grid worker (8.7.2: classified by
category, graded by urgency, then reviewed). It is accepted on the spot, returned
*once* with the complete list of what is missing (一次性告知, 8.4.1, 8.6.1 b),
referred to another post, or refused with reasons and notice of the right to
administrative review or litigation; every decision is recorded (8.6.1.4).
Accepted items are handled within a committed deadline in working days and
extended only with notice before it passes (限时办结, 8.6.2). Closed, refused and
referred items are replied to, with an explanation when overdue or refused, and an
objection to a reply is answered within one working day (8.6.3). The resident's
satisfaction score (clause 9, assumed 1-5) ends the loop.

Personal data (PIPL) is sealed with the need's own key and erased by ``forget``
in any state: the resident's name, phone and address, the request's details
(which may describe health), and every free text written by or about the
resident while the request runs: the referral note, refusal reasons, extension
reason and notice, progress notes, closing result, reply content and
explanation, objection, objection answer and evaluation comment
(``Need.Event.PERSONAL_FIELDS``). Text recorded after ``forget`` is sealed under
a new key generation; ``forget`` again erases it. Left in clear, so keep them
free of personal data: the title (lists show it unmasked), the post a request is
referred to, and the list of missing materials (name document types only).

Staff are referred to by their :class:`~wushe.platform.domain.staff.StaffMember`
id, never by name: a name is personal data of that aggregate and must be
forgettable there, not copied into every need they touched.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar, Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.base import PersonalEvent
from wushe.platform.domain.calendar import MAX_DEADLINE_WORKING_DAYS, WorkingCalendar, local_date
from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_bool,
    require_choice,
    require_int,
    require_phone,
    require_sequence,
    require_state,
    require_text,
    require_uuid,
)
from wushe.platform.domain.values import (
    CATEGORY_PATTERN,
    Urgency,
    VulnerableGroup,
    require_code,
)

__all__ = [
    "HOME_VISIT_GROUPS",
    "MAX_SCORE",
    "MIN_SCORE",
    "OBJECTION_ANSWER_WORKING_DAYS",
    "Decision",
    "DecisionKind",
    "Extension",
    "Need",
    "NeedSource",
    "NeedStatus",
    "ProgressNote",
    "Reply",
    "ReplyChannel",
]

# 8.6.3: "an objection to a reply is answered within one working day".
OBJECTION_ANSWER_WORKING_DAYS = 1
# Clause 9 is lost; a 1-5 satisfaction score is the assumed policy (standard.md).
MIN_SCORE, MAX_SCORE = 1, 5
# Text limits: storage hygiene, not rules of the standard.
GRID_MAX, NAME_MAX, TITLE_MAX = 40, 50, 100
ITEM_MAX, ADDRESS_MAX, NOTE_MAX, DETAILS_MAX = 200, 200, 1000, 2000
# A deadline is the instant 24:00 China time ends its last day; one day earlier
# is still on that day.
_ONE_DAY = timedelta(days=1)


class NeedStatus(StrEnum):
    RECEIVED = "received"  # 已登记，待受理
    RETURNED = "returned"  # 一次性告知，待补齐材料
    ACCEPTED = "accepted"  # 已受理
    REFERRED = "referred"  # 已转办
    REFUSED = "refused"  # 不予受理 / 不予办理
    IN_HANDLING = "in_handling"  # 办理中
    EXTENDED = "extended"  # 已延期
    CLOSED = "closed"  # 已办结
    REPLIED = "replied"  # 已回复
    OBJECTED = "objected"  # 对回复有异议
    ANSWERED = "answered"  # 异议已答复
    EVALUATED = "evaluated"  # 已评价


class NeedSource(StrEnum):
    WINDOW = "window"  # 窗口
    PHONE = "phone"  # 电话
    GRID_WORKER = "grid_worker"  # 网格员 (8.7.2)
    ONLINE = "online"  # 线上


class ReplyChannel(StrEnum):
    IN_PERSON = "in_person"  # 当面
    LETTER = "letter"  # 书面
    PHONE = "phone"  # 电话
    SMS = "sms"  # 短信
    EMAIL = "email"  # 电子邮件
    INSTANT_MESSAGE = "instant_message"  # 即时通讯
    PUBLIC_NOTICE = "public_notice"  # 公开答复


class DecisionKind(StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"
    REFERRED = "referred"
    REFUSED = "refused"


# 8.7.6: residents who get home visits (入户服务).
HOME_VISIT_GROUPS = frozenset({
    VulnerableGroup.ELDERLY_LIMITED_MOBILITY, VulnerableGroup.DISABLED,
    VulnerableGroup.SERIOUSLY_ILL, VulnerableGroup.HOME_ISOLATED,
})
_HANDLING = (NeedStatus.IN_HANDLING, NeedStatus.EXTENDED)


class Decision(msgspec.Struct, frozen=True):
    """One acceptance decision, the staff member who took it and when (受理记录, 8.6.1.4)."""

    kind: DecisionKind
    by: UUID
    at: datetime


class Extension(msgspec.Struct, frozen=True):
    """A deadline extension announced to the resident in advance (8.6.2).

    ``reason`` and ``notice_to_resident`` are personal data: None once forgotten.
    """

    at: datetime
    extra_working_days: int
    reason: str | None
    notice_to_resident: str | None
    deadline: datetime


class ProgressNote(msgspec.Struct, frozen=True):
    """A step of the handling, shown to the resident (办理进度, 8.6.2); ``note`` is personal."""

    at: datetime
    note: str | None


class Reply(msgspec.Struct, frozen=True):
    """The reply to the resident (回复, 8.6.3); ``content`` and ``explanation`` are personal."""

    channel: ReplyChannel
    content: str | None
    explanation: str | None
    public: bool
    at: datetime


class Need(Aggregate):
    """A resident's request through acceptance, handling, reply, objection and evaluation."""

    TOPIC = "wushe.need"
    id: UUID

    class Event(PersonalEvent):
        # Sealed by field name in every Need event: the mapper can only seal
        # top-level ``str | None`` fields, so the events that carry resident text
        # (Extended, Replied) keep it in top-level fields, not in a Struct.
        PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({
            "resident_name", "resident_phone", "resident_address", "details",  # Received
            "note",  # Referred, ProgressRecorded
            "reasons",  # Refused
            "reason", "notice_to_resident",  # Extended
            "result",  # Closed
            "content", "explanation",  # Replied
            "objection",  # Objected
            "answer",  # ObjectionAnswered
            "comment",  # Evaluated
        })

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.need.created"

    # -- receipt ------------------------------------------------------------

    @classmethod
    def receive(
        cls,
        *,
        id: UUID,  # noqa: A002
        community_id: UUID,
        grid: str,
        source: NeedSource,
        category: str,
        title: str,
        details: str,
        urgency: Urgency,
        vulnerable_groups: frozenset[VulnerableGroup] = frozenset(),
        resident_name: str,
        resident_phone: str | None = None,
        resident_address: str | None = None,
        received_by: UUID,
        at: datetime,
    ) -> Self:
        """Register a request as received (登记), before the acceptance decision.

        ``received_by`` is the receiving staff member's id; the title must not
        hold personal data (lists show it unmasked).
        """
        require_aware(at)
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            grid=require_text(grid, "grid", max_length=GRID_MAX),
            source=require_choice(source, NeedSource, "source"),
            category=require_code(category, "category", CATEGORY_PATTERN),
            title=require_text(title, "title", max_length=TITLE_MAX),
            details=require_text(details, "details", max_length=DETAILS_MAX),
            urgency=require_choice(urgency, Urgency, "urgency"),
            vulnerable_groups=_groups(vulnerable_groups),
            resident_name=require_text(resident_name, "resident_name", max_length=NAME_MAX),
            resident_phone=_optional_phone(resident_phone),
            resident_address=_optional_text(resident_address, "resident_address", ADDRESS_MAX),
            received_by=require_uuid(received_by, "received_by"), received_at=at,
        )

    @event("Received", topic="wushe.need.received")
    def __init__(
        self, community_id: UUID, grid: str, source: NeedSource, category: str, title: str,
        details: str | None, urgency: Urgency, vulnerable_groups: frozenset[VulnerableGroup],
        resident_name: str | None, resident_phone: str | None, resident_address: str | None,
        received_by: UUID, received_at: datetime,
    ) -> None:
        self.community_id, self.grid, self.source = community_id, grid, source
        self.category, self.title, self.details = category, title, details
        self.urgency, self.vulnerable_groups = urgency, vulnerable_groups
        self.resident_name, self.resident_phone = resident_name, resident_phone
        self.resident_address = resident_address
        self.received_by, self.received_at = received_by, received_at
        self.status = NeedStatus.RECEIVED
        self.last_at = received_at
        self.forgotten = False
        self._start_lifecycle()

    def _start_lifecycle(self) -> None:
        self.decisions: tuple[Decision, ...] = ()
        self.missing_materials: tuple[str, ...] = ()
        self.returned_at: datetime | None = None
        self.referred_to: str | None = None
        self.referral_note: str | None = None
        self.refusal_reasons: str | None = None
        self.appeal_notice_given = False
        self.handler: UUID | None = None
        self.committed_working_days: int | None = None
        self.deadline: datetime | None = None
        self.extensions: tuple[Extension, ...] = ()
        self.progress: tuple[ProgressNote, ...] = ()
        self.result: str | None = None
        self.closed_at: datetime | None = None
        self.closed_overdue = False
        self._start_aftercare()

    def _start_aftercare(self) -> None:
        self.reply_record: Reply | None = None
        self.objection: str | None = None
        self.objected_at: datetime | None = None
        self.answer_due: datetime | None = None
        self.objection_answer: str | None = None
        self.answered_by: UUID | None = None
        self.answered_at: datetime | None = None
        self.answer_late = False
        self.score: int | None = None
        self.comment: str | None = None
        self.evaluated_at: datetime | None = None

    # -- acceptance (受理, 8.6.1) ----------------------------------------------

    def accept(self, by: UUID, at: datetime) -> None:
        """Accept the request on the spot (当场受理, 8.6.1 a); ``by`` is a staff member id."""
        self._require(NeedStatus.RECEIVED, action="accept", at=at)
        self._accepted(by=require_uuid(by, "by"), at=at)

    @event("Accepted", topic="wushe.need.accepted")
    def _accepted(self, by: UUID, at: datetime) -> None:
        self.status = NeedStatus.ACCEPTED
        self._decide(DecisionKind.ACCEPTED, by, at)

    def return_for_materials(self, missing: tuple[str, ...], by: UUID, at: datetime) -> None:
        """Return the request with the one complete list of what is missing (一次性告知)."""
        self._require(NeedStatus.RECEIVED, action="return_for_materials", at=at)
        if self.returned_at is not None:
            raise DomainRuleError(
                "need.second_return",
                "一次性告知：已告知过所需材料，不能再次退回补正",
                "one-time notification: the resident was already told everything missing; "
                "the request cannot be returned again",
            )
        self._returned(missing=_missing_list(missing), by=require_uuid(by, "by"), at=at)

    @event("Returned", topic="wushe.need.returned")
    def _returned(self, missing: tuple[str, ...], by: UUID, at: datetime) -> None:
        self.status = NeedStatus.RETURNED
        self.missing_materials, self.returned_at = missing, at
        self._decide(DecisionKind.RETURNED, by, at)

    def resubmit(self, at: datetime) -> None:
        """The resident brings the missing materials; the request awaits a decision again."""
        self._require(NeedStatus.RETURNED, action="resubmit", at=at)
        self._resubmitted(at=at)

    @event("Resubmitted", topic="wushe.need.resubmitted")
    def _resubmitted(self, at: datetime) -> None:
        self.status = NeedStatus.RECEIVED
        self.last_at = at

    def refer(self, to_post: str, note: str, by: UUID, at: datetime) -> None:
        """Refer the request to the responsible post, department or organisation (转办).

        ``to_post`` names a post, not a person, and is not sealed; ``note`` is.
        """
        self._require(NeedStatus.RECEIVED, action="refer", at=at)
        self._referred(
            to_post=require_text(to_post, "to_post", max_length=ITEM_MAX),
            note=require_text(note, "note", max_length=NOTE_MAX), by=require_uuid(by, "by"), at=at,
        )

    @event("Referred", topic="wushe.need.referred")
    def _referred(self, to_post: str, note: str | None, by: UUID, at: datetime) -> None:
        self.status = NeedStatus.REFERRED
        self.referred_to, self.referral_note = to_post, note
        self._decide(DecisionKind.REFERRED, by, at)

    def refuse(self, reasons: str, appeal_notice: bool, by: UUID, at: datetime) -> None:
        """Refuse with reasons, telling the resident of the right to review or litigation."""
        self._require(NeedStatus.RECEIVED, NeedStatus.ACCEPTED, *_HANDLING,
                      action="refuse", at=at)
        text = require_text(reasons, "reasons", max_length=NOTE_MAX)
        if not require_bool(appeal_notice, "appeal_notice"):
            raise DomainRuleError(
                "need.appeal_notice_required",
                "不予受理或办理时，须告知居民申请行政复议或提起行政诉讼的权利",
                "a refusal must tell the resident of the right to administrative review "
                "or litigation",
                field="appeal_notice",
            )
        self._refused(reasons=text, appeal_notice=appeal_notice, by=require_uuid(by, "by"), at=at)

    @event("Refused", topic="wushe.need.refused")
    def _refused(self, reasons: str | None, appeal_notice: bool, by: UUID, at: datetime) -> None:
        self.status = NeedStatus.REFUSED
        self.refusal_reasons, self.appeal_notice_given = reasons, appeal_notice
        self._decide(DecisionKind.REFUSED, by, at)

    def _decide(self, kind: DecisionKind, by: UUID, at: datetime) -> None:
        self.decisions = (*self.decisions, Decision(kind=kind, by=by, at=at))
        self.last_at = at

    # -- handling (办理, 8.6.2) ------------------------------------------------

    def start_handling(
        self, handler: UUID, committed_working_days: int, calendar: WorkingCalendar, at: datetime
    ) -> None:
        """Commit to a deadline in working days (0 = handled on the spot) and start.

        ``handler`` is the handling staff member's id.
        """
        self._require(NeedStatus.ACCEPTED, action="start_handling", at=at)
        days = require_int(committed_working_days, "committed_working_days", 0,
                           MAX_DEADLINE_WORKING_DAYS)
        self._handling_started(
            handler=require_uuid(handler, "handler"), committed_working_days=days,
            deadline=calendar.deadline_after(at, days), at=at,
        )

    @event("HandlingStarted", topic="wushe.need.handling_started")
    def _handling_started(
        self, handler: UUID, committed_working_days: int, deadline: datetime, at: datetime
    ) -> None:
        self.status = NeedStatus.IN_HANDLING
        self.handler, self.committed_working_days = handler, committed_working_days
        self.deadline, self.last_at = deadline, at

    def extend(
        self, extra_working_days: int, reason: str, notice_to_resident: str,
        calendar: WorkingCalendar, at: datetime,
    ) -> None:
        """Extend the deadline, announced to the resident before it passes (8.6.2)."""
        deadline = self._require_deadline("extend", at)
        if at >= deadline:
            raise DomainRuleError(
                "need.extension_too_late", "办理期限已过，延期须在期限届满前告知居民",
                "the deadline has passed; an extension must be announced before it",
                field="at",
            )
        days = require_int(extra_working_days, "extra_working_days", 1,
                           MAX_DEADLINE_WORKING_DAYS)
        self._extended(
            at=at, extra_working_days=days,
            reason=require_text(reason, "reason", max_length=NOTE_MAX),
            notice_to_resident=require_text(notice_to_resident, "notice_to_resident",
                                            max_length=NOTE_MAX),
            deadline=calendar.deadline_after(deadline - _ONE_DAY, days),
        )

    @event("Extended", topic="wushe.need.extended")
    def _extended(
        self, at: datetime, extra_working_days: int, reason: str | None,
        notice_to_resident: str | None, deadline: datetime,
    ) -> None:
        self.status = NeedStatus.EXTENDED
        self.extensions = (*self.extensions, Extension(
            at=at, extra_working_days=extra_working_days, reason=reason,
            notice_to_resident=notice_to_resident, deadline=deadline,
        ))
        self.deadline, self.last_at = deadline, at

    def record_progress(self, note: str, at: datetime) -> None:
        """Record a step of the handling, shown to the resident online (8.6.2)."""
        self._require(*_HANDLING, action="record_progress", at=at)
        self._progress_recorded(note=require_text(note, "note", max_length=NOTE_MAX), at=at)

    @event("ProgressRecorded", topic="wushe.need.progress_recorded")
    def _progress_recorded(self, note: str | None, at: datetime) -> None:
        self.progress = (*self.progress, ProgressNote(at=at, note=note))
        self.last_at = at

    def reassign(self, handler: UUID) -> None:
        """Hand the request over to another staff member while it is being handled."""
        require_state(self.status, _HANDLING, "reassign")
        staff = require_uuid(handler, "handler")
        require(staff != self.handler, "need.same_handler", "该事项已由此人办理",
                "the request is already with this handler", field="handler")
        self._reassigned(handler=staff)

    @event("Reassigned", topic="wushe.need.reassigned")
    def _reassigned(self, handler: UUID) -> None:
        self.handler = handler

    def close(self, result: str, at: datetime) -> None:
        """Close the request (办结), noting whether the deadline was missed."""
        deadline = self._require_deadline("close", at)
        self._closed(result=require_text(result, "result", max_length=NOTE_MAX), at=at,
                     overdue=at >= deadline)

    @event("Closed", topic="wushe.need.closed")
    def _closed(self, result: str | None, at: datetime, overdue: bool) -> None:
        self.status = NeedStatus.CLOSED
        self.result, self.closed_at, self.closed_overdue = result, at, overdue
        self.last_at = at

    # -- reply, objection, evaluation (8.6.3, clause 9) --------------------------

    def reply(
        self, channel: ReplyChannel, content: str, explanation: str | None, at: datetime,
        public: bool = False,
    ) -> None:
        """Reply to the resident; overdue and refused items need an explanation (8.6.3)."""
        self._require(NeedStatus.CLOSED, NeedStatus.REFUSED, NeedStatus.REFERRED,
                      action="reply", at=at)
        how = require_choice(channel, ReplyChannel, "channel")
        text = require_text(content, "content", max_length=DETAILS_MAX)
        why = _optional_text(_blank_to_none(explanation), "explanation", NOTE_MAX)
        if why is None and (self.closed_overdue or self.status is NeedStatus.REFUSED):
            raise DomainRuleError(
                "need.explanation_required", "超期办结或不予办理的事项，回复时须作出说明",
                "a reply to an overdue or refused request must explain why", field="explanation",
            )
        self._replied(channel=how, content=text, explanation=why,
                      public=require_bool(public, "public"), at=at)

    @event("Replied", topic="wushe.need.replied")
    def _replied(
        self, channel: ReplyChannel, content: str | None, explanation: str | None,
        public: bool, at: datetime,
    ) -> None:
        self.status = NeedStatus.REPLIED
        self.reply_record = Reply(channel=channel, content=content, explanation=explanation,
                                  public=public, at=at)
        self.last_at = at

    def object_to_reply(
        self, objection: str, at: datetime, calendar: WorkingCalendar,
        working_days: int = OBJECTION_ANSWER_WORKING_DAYS,
    ) -> None:
        """The resident objects to the reply; it must be answered within ``working_days``."""
        self._require(NeedStatus.REPLIED, action="object_to_reply", at=at)
        days = require_int(working_days, "working_days", 1, MAX_DEADLINE_WORKING_DAYS)
        self._objected(objection=require_text(objection, "objection", max_length=NOTE_MAX),
                       at=at, answer_due=calendar.deadline_after(at, days))

    @event("Objected", topic="wushe.need.objected")
    def _objected(self, objection: str | None, at: datetime, answer_due: datetime) -> None:
        self.status = NeedStatus.OBJECTED
        self.objection, self.objected_at, self.answer_due = objection, at, answer_due
        self.last_at = at

    def answer_objection(self, answer: str, by: UUID, at: datetime) -> None:
        """Answer the resident's objection, noting whether the answer came late."""
        self._require(NeedStatus.OBJECTED, action="answer_objection", at=at)
        due = self.answer_due
        self._objection_answered(
            answer=require_text(answer, "answer", max_length=NOTE_MAX), by=require_uuid(by, "by"),
            at=at, late=due is not None and at >= due,
        )

    @event("ObjectionAnswered", topic="wushe.need.objection_answered")
    def _objection_answered(self, answer: str | None, by: UUID, at: datetime,
                            late: bool) -> None:
        self.status = NeedStatus.ANSWERED
        self.objection_answer, self.answered_by, self.answered_at = answer, by, at
        self.answer_late, self.last_at = late, at

    def evaluate(self, score: int, comment: str | None, at: datetime) -> None:
        """The resident's satisfaction score (评单), 1-5; the request is then complete."""
        self._require(NeedStatus.REPLIED, NeedStatus.ANSWERED, action="evaluate", at=at)
        whole = require_int(score, "score", MIN_SCORE, MAX_SCORE)
        text = _optional_text(_blank_to_none(comment), "comment", NOTE_MAX)
        self._evaluated(score=whole, comment=text, at=at)

    @event("Evaluated", topic="wushe.need.evaluated")
    def _evaluated(self, score: int, comment: str | None, at: datetime) -> None:
        self.status = NeedStatus.EVALUATED
        self.score, self.comment, self.evaluated_at = score, comment, at
        self.last_at = at

    # -- personal data -----------------------------------------------------------

    def forget(self) -> None:
        """Erase the resident's personal data (PIPL), in any state.

        A no-op when nothing personal is held: again after ``forget``, unless
        text was recorded since.
        """
        if not self.forgotten or self.holds_personal_data:
            self._forgotten()

    @event("Forgotten", topic="wushe.need.forgotten")
    def _forgotten(self) -> None:
        self.resident_name = self.resident_phone = self.resident_address = self.details = None
        self.referral_note = self.refusal_reasons = self.result = None
        self.objection = self.objection_answer = self.comment = None
        self.extensions = tuple(msgspec.structs.replace(e, reason=None, notice_to_resident=None)
                                for e in self.extensions)
        self.progress = tuple(msgspec.structs.replace(p, note=None) for p in self.progress)
        if self.reply_record is not None:
            self.reply_record = msgspec.structs.replace(self.reply_record, content=None,
                                                        explanation=None)
        self.forgotten = True

    @property
    def personal_texts(self) -> tuple[str | None, ...]:
        """Every personal value the need holds (None where absent or erased)."""
        reply = self.reply_record
        return (
            self.resident_name, self.resident_phone, self.resident_address, self.details,
            self.referral_note, self.refusal_reasons, self.result, self.objection,
            self.objection_answer, self.comment,
            *(text for e in self.extensions for text in (e.reason, e.notice_to_resident)),
            *(p.note for p in self.progress),
            *((reply.content, reply.explanation) if reply is not None else ()),
        )

    @property
    def holds_personal_data(self) -> bool:
        """Whether any personal value is held (recorded and not erased)."""
        return any(text is not None for text in self.personal_texts)

    # -- read-only helpers for views ---------------------------------------------

    @property
    def current_deadline(self) -> datetime | None:
        """The time limit running now: handling deadline, or the objection's answer due."""
        if self.status in _HANDLING:
            return self.deadline
        return self.answer_due if self.status is NeedStatus.OBJECTED else None

    def is_overdue(self, now: datetime) -> bool:
        """Whether the time limit running now has passed (see ``closed_overdue`` after)."""
        deadline = self.current_deadline
        return deadline is not None and now >= deadline

    def working_days_left(self, calendar: WorkingCalendar, now: datetime) -> int | None:
        """Working days after today up to the last day of the running limit (<0: overdue)."""
        deadline = self.current_deadline
        if deadline is None:
            return None
        return calendar.working_days_between(local_date(now), local_date(deadline - _ONE_DAY))

    @property
    def needs_home_visit(self) -> bool:
        """Whether the resident belongs to a group served by home visits (8.7.6)."""
        return bool(self.vulnerable_groups & HOME_VISIT_GROUPS)

    @property
    def is_priority(self) -> bool:
        """Urgent, or for a vulnerable resident: staffed first by the optimiser."""
        return self.urgency is not Urgency.ROUTINE or bool(self.vulnerable_groups)

    # -- guards -------------------------------------------------------------------

    def _require(self, *allowed: NeedStatus, action: str, at: datetime) -> None:
        require_state(self.status, allowed, action)
        require_aware(at)
        if at < self.last_at:
            raise DomainRuleError(
                "need.time_goes_backwards", f"时间不能早于上一次记录的时间（{self.last_at}）",
                f"the time may not be earlier than the last recorded time ({self.last_at})",
                field="at",
            )

    def _require_deadline(self, action: str, at: datetime) -> datetime:
        self._require(*_HANDLING, action=action, at=at)
        if self.deadline is None:  # pragma: no cover  (handling always sets one)
            raise DomainRuleError("need.no_deadline", "没有办理期限", "no deadline set")
        return self.deadline


# -- input helpers ----------------------------------------------------------------


def _groups(values: frozenset[VulnerableGroup]) -> frozenset[VulnerableGroup]:
    """The vulnerable groups as members (a bare string is not a set of groups)."""
    field = "vulnerable_groups"
    return frozenset(require_choice(g, VulnerableGroup, field)
                     for g in require_sequence(values, field))


def _optional_text(value: str | None, field: str, max_length: int) -> str | None:
    return None if value is None else require_text(value, field, max_length=max_length)


def _blank_to_none(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def _optional_phone(phone: str | None) -> str | None:
    return None if phone is None else require_phone(phone, "resident_phone")


def _missing_list(missing: tuple[str, ...]) -> tuple[str, ...]:
    """Every missing item, stripped, in the order given, without repeats."""
    items = tuple(dict.fromkeys(require_text(m, "missing", max_length=ITEM_MAX)
                                for m in require_sequence(missing, "missing")))
    require(bool(items), "need.nothing_missing", "须一次性列出所缺的全部材料",
            "list everything that is missing, at least one item", field="missing")
    return items
