"""ServiceProject (服务项目): a planned service or activity, its shifts, and its lifecycle.

DB35/T 2074-2022 6.2.3: communities take on government-purchased projects, and every
social organisation takes part in at least one project a year. 8.8: each activity is
planned (goals, content, methods, schedule, safety measures), run, and afterwards
analysed, summarised, evaluated and archived. 8.7.6: home visits preferably by two
people. Staffing itself (who fills which shift) is the Assignment's and the
optimiser's concern; the project only records that staffing is complete.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.resource import MAX_QUANTITY
from wushe.platform.domain.rules import (
    require_aware,
    require_bool,
    require_int,
    require_optional_uuid,
    require_rule,
    require_sequence,
    require_state,
    require_struct,
    require_text,
    require_uuid,
)
from wushe.platform.domain.values import (
    CATEGORY_PATTERN,
    SKILL_PATTERN,
    TimeSpan,
    require_code,
    require_codes,
    require_span,
)

__all__ = [
    "EVALUATION_SCORES",
    "HOME_VISIT_MIN_HEADCOUNT",
    "MAX_SHIFT_HEADCOUNT",
    "ProjectPlan",
    "ProjectStatus",
    "ProjectSummary",
    "ResourceReservation",
    "ServiceProject",
    "Shift",
]

# 8.7.6: a home visit is preferably made by two people (宜两人一组).
HOME_VISIT_MIN_HEADCOUNT = 2
# [assumed] the most volunteers one shift may ask for; a bigger event is split into shifts.
MAX_SHIFT_HEADCOUNT = 200
# [assumed] the 1–5 satisfaction score of clauses 9–10 (standard.md).
EVALUATION_SCORES = (1, 5)
# [assumed] an upper bound that only catches typing errors in a participant count.
MAX_PARTICIPANTS = 100_000
_SHORT_TEXT = 100
_LONG_TEXT = 2000
_SUMMARY_TEXT = 5000
_REF_TEXT = 64
_GRID_TEXT = 40


class ProjectStatus(StrEnum):
    """Where a project is in its lifecycle."""

    DRAFT = "draft"
    PUBLISHED = "published"
    STAFFED = "staffed"
    RUNNING = "running"
    COMPLETED = "completed"
    SUMMARISED = "summarised"
    CANCELLED = "cancelled"


_OPEN = (ProjectStatus.DRAFT, ProjectStatus.PUBLISHED, ProjectStatus.STAFFED,
         ProjectStatus.RUNNING)
_PLANNING = (ProjectStatus.DRAFT, ProjectStatus.PUBLISHED)
_NOT_CANCELLED = tuple(s for s in ProjectStatus if s is not ProjectStatus.CANCELLED)


class ProjectPlan(msgspec.Struct, frozen=True):
    """The 8.8 activity plan; the schedule is the project's span and shifts."""

    goals: str
    content: str
    methods: str
    safety_measures: tuple[str, ...]


class Shift(msgspec.Struct, frozen=True, kw_only=True):
    """One staffed slot of a project: when, where, which skills, how many people."""

    shift_id: UUID
    span: TimeSpan
    grid: str
    place: str
    required_skills: tuple[str, ...] = ()
    min_headcount: int
    max_headcount: int
    home_visit: bool = False
    team_only: bool = False
    resident_ref: str | None = None  # an opaque id of the resident visited, never personal data


class ResourceReservation(msgspec.Struct, frozen=True):
    """A quantity of a ResourceOffer reserved for this project (the offer keeps the books)."""

    allocation_id: UUID
    offer_id: UUID
    quantity: int


class ProjectSummary(msgspec.Struct, frozen=True):
    """The 8.8 afterwards: summary, evaluation and how many people took part."""

    summary: str
    evaluation_score: int
    participants_count: int


class ServiceProject(Aggregate):
    """A community service project (服务项目) from draft to archived summary."""

    TOPIC = "wushe.service_project"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.service_project.created"

    @classmethod
    def draft(
        cls,
        *,
        id: UUID,  # noqa: A002
        community_id: UUID,
        category: str,
        title: str,
        description: str,
        government_purchased: bool,
        undertaking_organisation_id: UUID | None,
        requires_team: bool,
        at: datetime,
        span: TimeSpan | None = None,
    ) -> Self:
        """Start planning a project."""
        require_aware(at)
        government_purchased = require_bool(government_purchased, "government_purchased")
        undertaking_organisation_id = require_optional_uuid(undertaking_organisation_id,
                                                            "undertaking_organisation_id")
        require_rule(not government_purchased or undertaking_organisation_id is not None,
                     "project.undertaker_required", "政府购买服务项目必须指定承接组织",
                     "a government-purchased project needs an undertaking organisation",
                     field="undertaking_organisation_id")
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            category=require_code(category, "category", CATEGORY_PATTERN),
            title=require_text(title, "title", max_length=_SHORT_TEXT),
            description=require_text(description, "description", max_length=_LONG_TEXT),
            government_purchased=government_purchased,
            undertaking_organisation_id=undertaking_organisation_id,
            requires_team=require_bool(requires_team, "requires_team"), at=at,
            span=None if span is None else require_span(span, "span"),
        )

    @event("Drafted", topic="wushe.service_project.drafted")
    def __init__(
        self, community_id: UUID, category: str, title: str, description: str,
        government_purchased: bool, undertaking_organisation_id: UUID | None,
        requires_team: bool, at: datetime, span: TimeSpan | None,
    ) -> None:
        self.community_id, self.category = community_id, category
        self.title, self.description = title, description
        self.government_purchased = government_purchased
        self.undertaking_organisation_id = undertaking_organisation_id
        self.requires_team = requires_team
        self.span = span
        self.plan: ProjectPlan | None = None
        self.shifts: tuple[Shift, ...] = ()
        self.needs: frozenset[UUID] = frozenset()
        self.reservations: tuple[ResourceReservation, ...] = ()
        self.participant_organisations: frozenset[UUID] = frozenset()
        self.team_id: UUID | None = None
        self.summary: ProjectSummary | None = None
        self.cancellation_reason: str | None = None
        self.status = ProjectStatus.DRAFT
        self.drafted_at = self.last_at = at
        self.published_at: datetime | None = None
        self.staffed_at: datetime | None = None
        self.started_at: datetime | None = None
        self.completed_at: datetime | None = None
        self.closed_at: datetime | None = None  # summarised or cancelled

    # -- planning -----------------------------------------------------------

    def set_plan(
        self, *, goals: str, content: str, methods: str, safety_measures: tuple[str, ...]
    ) -> None:
        """Replace the activity plan (8.8); a published project keeps its safety measures."""
        require_state(self.status, _PLANNING, "set_plan")
        measures = tuple(dict.fromkeys(
            require_text(m, "safety_measures", max_length=_LONG_TEXT)
            for m in require_sequence(safety_measures, "safety_measures")
        ))
        if self.status is ProjectStatus.PUBLISHED:
            _require_safety_measures(measures)
        self._plan_set(plan=ProjectPlan(
            goals=require_text(goals, "goals", max_length=_LONG_TEXT),
            content=require_text(content, "content", max_length=_LONG_TEXT),
            methods=require_text(methods, "methods", max_length=_LONG_TEXT),
            safety_measures=measures,
        ))

    @event("PlanSet", topic="wushe.service_project.plan_set")
    def _plan_set(self, plan: ProjectPlan) -> None:
        self.plan = plan

    def set_span(self, span: TimeSpan | None) -> None:
        """Set (or clear) the period the project runs in; every shift must lie within it."""
        require_state(self.status, _PLANNING, "set_span")
        if span is not None:
            span = require_span(span, "span")
            for shift in self.shifts:
                _require_within(span, shift)
        self._span_set(span=span)

    @event("SpanSet", topic="wushe.service_project.span_set")
    def _span_set(self, span: TimeSpan | None) -> None:
        self.span = span

    def serve_need(self, need_id: UUID) -> None:
        """Record that the project serves a need from the needs list."""
        require_state(self.status, _OPEN, "serve_need")
        require_uuid(need_id, "need_id")
        require_rule(need_id not in self.needs, "project.need_already_served", "该需求已关联本项目",
                     "the project already serves this need", field="need_id")
        self._need_served(need_id=need_id)

    @event("NeedServed", topic="wushe.service_project.need_served")
    def _need_served(self, need_id: UUID) -> None:
        self.needs = self.needs | {need_id}

    def unserve_need(self, need_id: UUID) -> None:
        """Remove a need the project no longer serves."""
        require_state(self.status, _OPEN, "unserve_need")
        require_uuid(need_id, "need_id")
        require_rule(need_id in self.needs, "project.need_not_served", "该需求未关联本项目",
                     "the project does not serve this need", field="need_id")
        self._need_unserved(need_id=need_id)

    @event("NeedUnserved", topic="wushe.service_project.need_unserved")
    def _need_unserved(self, need_id: UUID) -> None:
        self.needs = self.needs - {need_id}

    def reserve_resource(self, offer_id: UUID, allocation_id: UUID, quantity: int) -> None:
        """Record a resource allocated to the project (the ResourceOffer does the allocating)."""
        require_state(self.status, _OPEN, "reserve_resource")
        offer_id = require_uuid(offer_id, "offer_id")
        allocation_id = require_uuid(allocation_id, "allocation_id")
        quantity = require_int(quantity, "quantity", 1, MAX_QUANTITY)
        require_rule(all(r.allocation_id != allocation_id for r in self.reservations),
                     "project.duplicate_allocation", "该资源分配已登记",
                     "this allocation is already recorded", field="allocation_id")
        self._resource_reserved(
            reservation=ResourceReservation(allocation_id, offer_id, quantity)
        )

    @event("ResourceReserved", topic="wushe.service_project.resource_reserved")
    def _resource_reserved(self, reservation: ResourceReservation) -> None:
        self.reservations = (*self.reservations, reservation)

    def release_resource(self, allocation_id: UUID) -> None:
        """Record that an allocated resource was given back."""
        require_state(self.status, (*_OPEN, ProjectStatus.CANCELLED), "release_resource")
        require_uuid(allocation_id, "allocation_id")
        require_rule(any(r.allocation_id == allocation_id for r in self.reservations),
                     "project.unknown_allocation", "本项目没有该资源分配",
                     "no such allocation on this project", field="allocation_id")
        self._resource_released(allocation_id=allocation_id)

    @event("ResourceReleased", topic="wushe.service_project.resource_released")
    def _resource_released(self, allocation_id: UUID) -> None:
        self.reservations = tuple(
            r for r in self.reservations if r.allocation_id != allocation_id
        )

    # -- shifts ---------------------------------------------------------------

    def add_shift(self, shift: Shift) -> None:
        """Add a shift; allowed until staffing is complete."""
        require_state(self.status, _PLANNING, "add_shift")
        checked = require_struct(shift, Shift, "shift")
        require_rule(self._shift(checked.shift_id) is None, "project.duplicate_shift",
                     "班次编号重复", "a shift with this id already exists", field="shift_id")
        self._shift_added(shift=self._validated(checked))

    @event("ShiftAdded", topic="wushe.service_project.shift_added")
    def _shift_added(self, shift: Shift) -> None:
        self.shifts = (*self.shifts, shift)

    def change_shift(self, shift: Shift) -> None:
        """Replace the shift with the same id."""
        require_state(self.status, _PLANNING, "change_shift")
        checked = require_struct(shift, Shift, "shift")
        self._require_shift(checked.shift_id)
        self._shift_changed(shift=self._validated(checked))

    @event("ShiftChanged", topic="wushe.service_project.shift_changed")
    def _shift_changed(self, shift: Shift) -> None:
        self.shifts = tuple(shift if s.shift_id == shift.shift_id else s for s in self.shifts)

    def remove_shift(self, shift_id: UUID) -> None:
        """Remove a shift; a published project keeps at least one."""
        require_state(self.status, _PLANNING, "remove_shift")
        self._require_shift(shift_id)
        require_rule(self.status is ProjectStatus.DRAFT or len(self.shifts) > 1,
                     "project.last_shift", "已发布的项目至少保留一个班次",
                     "a published project keeps at least one shift", field="shift_id")
        self._shift_removed(shift_id=shift_id)

    @event("ShiftRemoved", topic="wushe.service_project.shift_removed")
    def _shift_removed(self, shift_id: UUID) -> None:
        self.shifts = tuple(s for s in self.shifts if s.shift_id != shift_id)

    # -- lifecycle -------------------------------------------------------------

    def publish(self, at: datetime) -> None:
        """Open the project for staffing: it needs a plan with safety measures and a shift."""
        require_state(self.status, (ProjectStatus.DRAFT,), "publish")
        self._require_time(at)
        _require_safety_measures(() if self.plan is None else self.plan.safety_measures)
        require_rule(bool(self.shifts), "project.no_shifts", "项目至少需要一个班次",
                     "a project needs at least one shift to be published")
        self._published(at=at)

    @event("Published", topic="wushe.service_project.published")
    def _published(self, at: datetime) -> None:
        self.status = ProjectStatus.PUBLISHED
        self.published_at = self.last_at = at

    def assign_team(self, team_id: UUID) -> None:
        """Give the project to a volunteer team (only projects that require one)."""
        require_state(self.status, _PLANNING, "assign_team")
        require_uuid(team_id, "team_id")
        require_rule(self.requires_team, "project.team_not_required", "本项目不需要志愿服务队伍",
                     "this project does not take a volunteer team", field="team_id")
        require_rule(team_id != self.team_id, "project.team_already_assigned", "该队伍已指派",
                     "this team is already assigned", field="team_id")
        self._team_assigned(team_id=team_id)

    @event("TeamAssigned", topic="wushe.service_project.team_assigned")
    def _team_assigned(self, team_id: UUID) -> None:
        self.team_id = team_id

    def mark_staffed(self, at: datetime) -> None:
        """Record that staffing is complete."""
        require_state(self.status, (ProjectStatus.PUBLISHED,), "mark_staffed")
        self._require_time(at)
        require_rule(not self.requires_team or self.team_id is not None,
                     "project.team_not_assigned", "本项目需要先指派志愿服务队伍",
                     "assign the volunteer team first")
        self._staffed(at=at)

    @event("Staffed", topic="wushe.service_project.staffed")
    def _staffed(self, at: datetime) -> None:
        self.status = ProjectStatus.STAFFED
        self.staffed_at = self.last_at = at

    def reopen_staffing(self, reason: str, at: datetime) -> None:
        """Take a staffed project back to staffing (after declines, say)."""
        require_state(self.status, (ProjectStatus.STAFFED,), "reopen_staffing")
        self._require_time(at)
        self._staffing_reopened(reason=require_text(reason, "reason", max_length=500), at=at)

    @event("StaffingReopened", topic="wushe.service_project.staffing_reopened")
    def _staffing_reopened(self, reason: str, at: datetime) -> None:
        self.status = ProjectStatus.PUBLISHED
        self.staffed_at = None
        self.last_at = at

    def start(self, at: datetime) -> None:
        """The project begins."""
        require_state(self.status, (ProjectStatus.STAFFED,), "start")
        self._require_time(at)
        self._started(at=at)

    @event("Started", topic="wushe.service_project.started")
    def _started(self, at: datetime) -> None:
        self.status = ProjectStatus.RUNNING
        self.started_at = self.last_at = at

    def complete(self, at: datetime) -> None:
        """The project has ended."""
        require_state(self.status, (ProjectStatus.RUNNING,), "complete")
        self._require_time(at)
        self._completed(at=at)

    @event("Completed", topic="wushe.service_project.completed")
    def _completed(self, at: datetime) -> None:
        self.status = ProjectStatus.COMPLETED
        self.completed_at = self.last_at = at

    def summarise(
        self, *, summary: str, evaluation_score: int, participants_count: int, at: datetime
    ) -> None:
        """Summarise, evaluate and archive a completed project (8.8)."""
        require_state(self.status, (ProjectStatus.COMPLETED,), "summarise")
        self._require_time(at)
        evaluation_score = require_int(evaluation_score, "evaluation_score", *EVALUATION_SCORES)
        participants_count = require_int(participants_count, "participants_count", 0,
                                         MAX_PARTICIPANTS)
        self._summarised(summary=require_text(summary, "summary", max_length=_SUMMARY_TEXT),
                         evaluation_score=evaluation_score,
                         participants_count=participants_count, at=at)

    @event("Summarised", topic="wushe.service_project.summarised")
    def _summarised(
        self, summary: str, evaluation_score: int, participants_count: int, at: datetime
    ) -> None:
        self.summary = ProjectSummary(summary, evaluation_score, participants_count)
        self.status = ProjectStatus.SUMMARISED
        self.closed_at = self.last_at = at

    def cancel(self, reason: str, at: datetime) -> None:
        """Call the project off before it starts."""
        require_state(self.status, (*_PLANNING, ProjectStatus.STAFFED), "cancel")
        self._require_time(at)
        self._cancelled(reason=require_text(reason, "reason", max_length=500), at=at)

    @event("Cancelled", topic="wushe.service_project.cancelled")
    def _cancelled(self, reason: str, at: datetime) -> None:
        self.cancellation_reason = reason
        self.status = ProjectStatus.CANCELLED
        self.closed_at = self.last_at = at

    def add_participant_organisation(self, organisation_id: UUID) -> None:
        """Record an organisation taking part (6.2.3: each takes part at least once a year)."""
        require_state(self.status, _NOT_CANCELLED, "add_participant_organisation")
        require_uuid(organisation_id, "organisation_id")
        require_rule(organisation_id not in self.participant_organisations,
                     "project.duplicate_participant", "该组织已登记参与",
                     "this organisation is already recorded", field="organisation_id")
        self._participant_organisation_added(organisation_id=organisation_id)

    @event("ParticipantOrganisationAdded",
           topic="wushe.service_project.participant_organisation_added")
    def _participant_organisation_added(self, organisation_id: UUID) -> None:
        self.participant_organisations = self.participant_organisations | {organisation_id}

    # -- helpers ----------------------------------------------------------------

    def shift(self, shift_id: UUID) -> Shift:
        """The shift with this id."""
        return self._require_shift(shift_id)

    def _shift(self, shift_id: UUID) -> Shift | None:
        return next((s for s in self.shifts if s.shift_id == shift_id), None)

    def _require_shift(self, shift_id: UUID) -> Shift:
        shift = self._shift(require_uuid(shift_id, "shift_id"))
        if shift is None:
            raise DomainRuleError("project.unknown_shift", "本项目没有该班次",
                                  "no such shift on this project", field="shift_id")
        return shift

    def _validated(self, shift: Shift) -> Shift:
        """The shift with its text normalised, or raise if it breaks a rule."""
        require_span(shift.span, "span")
        _require_headcount(shift)
        require_rule(not shift.team_only or self.requires_team, "project.team_only_without_team",
                     "本项目不需要队伍，不能设置仅限队伍的班次",
                     "a team-only shift needs a project that requires a team", field="team_only")
        if self.span is not None:
            _require_within(self.span, shift)
        resident = shift.resident_ref
        return msgspec.structs.replace(
            shift,
            grid=require_text(shift.grid, "grid", max_length=_GRID_TEXT),
            place=require_text(shift.place, "place", max_length=_LONG_TEXT),
            required_skills=require_codes(shift.required_skills, "required_skills",
                                          SKILL_PATTERN),
            resident_ref=None if resident is None else require_text(
                resident, "resident_ref", max_length=_REF_TEXT),
        )

    def _require_time(self, at: datetime) -> None:
        require_aware(at)
        require_rule(at >= self.last_at, "project.time_goes_backwards", "时间早于上一次操作",
                     "this time is earlier than the project's last recorded time", field="at")




def _require_safety_measures(measures: tuple[str, ...]) -> None:
    require_rule(bool(measures), "project.no_safety_measures", "活动方案必须包含安全措施",
                 "the plan must include safety measures (8.8)", field="safety_measures")


def _require_headcount(shift: Shift) -> None:
    require_int(shift.max_headcount, "max_headcount", 1, MAX_SHIFT_HEADCOUNT)
    require_int(shift.min_headcount, "min_headcount", 1, shift.max_headcount)
    require_rule(not shift.home_visit or shift.min_headcount >= HOME_VISIT_MIN_HEADCOUNT,
                 "project.home_visit_needs_two", "入户服务宜两人一组，最少人数至少为 2",
                 "a home visit needs at least two people (8.7.6)", field="min_headcount")


def _require_within(span: TimeSpan, shift: Shift) -> None:
    require_rule(span.contains(shift.span), "project.shift_outside_span", "班次时间超出项目周期",
                 "the shift lies outside the project's span", field="span")
