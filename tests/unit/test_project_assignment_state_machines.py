"""Random command sequences against ServiceProject and Assignment.

Valid or not, no sequence may break an invariant; a rejected command changes
nothing and records nothing; replaying every recorded event rebuilds the same state.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.helpers import MONDAY_9AM, assert_replays_equal, state_of
from wushe.platform.domain.assignment import (
    EARLY_CHECK_IN_ALLOWANCE,
    MAX_CREDITED_MINUTES,
    OVERRUN_ALLOWANCE,
    Assignment,
    AssignmentStatus,
)
from wushe.platform.domain.errors import WusheError
from wushe.platform.domain.project import (
    HOME_VISIT_MIN_HEADCOUNT,
    MAX_SHIFT_HEADCOUNT,
    ProjectStatus,
    ServiceProject,
    Shift,
)
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    from collections.abc import Callable

    from eventsourcing.domain import Aggregate, DomainEventProtocol

FAST = settings(max_examples=60, stateful_step_count=25, deadline=None)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)

# Small pools so that duplicates and unknown ids come up often.
IDS = st.sampled_from([UUID(int=n) for n in range(1, 4)])
TEXT = st.sampled_from(["", " ", "说明", "reason"])
STEP = st.integers(min_value=-1, max_value=6)  # hours; -1 tries to go back in time


def attempt(aggregate: Aggregate, events: list[DomainEventProtocol[UUID]],
            command: Callable[[], object]) -> None:
    """Run ``command``; if it is rejected, nothing may have changed."""
    before, version = state_of(aggregate), aggregate.version
    try:
        command()
    except WusheError:
        assert aggregate.version == version
        assert state_of(aggregate) == before
        assert len(aggregate.collect_events()) == 0
        return
    events.extend(aggregate.collect_events())


# -- ServiceProject -------------------------------------------------------------

_CONFIRMED_PLAN = (ProjectStatus.PUBLISHED, ProjectStatus.STAFFED, ProjectStatus.RUNNING,
                   ProjectStatus.COMPLETED, ProjectStatus.SUMMARISED)
_STAFFING_DONE = _CONFIRMED_PLAN[1:]
PROJECT_SPAN = TimeSpan(MONDAY_9AM, MONDAY_9AM + 10 * 24 * HOUR)


@st.composite
def good_shifts(draw: st.DrawFn) -> Shift:
    """Shifts that fit any project of the machine (inside PROJECT_SPAN, no team needed)."""
    start = MONDAY_9AM + draw(st.integers(0, 8 * 24)) * HOUR
    low = draw(st.integers(HOME_VISIT_MIN_HEADCOUNT, 4))
    return Shift(
        shift_id=draw(IDS), span=TimeSpan(start, start + draw(st.integers(1, 4)) * HOUR),
        grid="grid-1", place="社区服务站", required_skills=("first_aid",),
        min_headcount=low, max_headcount=low + draw(st.integers(0, 3)),
        home_visit=draw(st.booleans()), resident_ref=draw(st.sampled_from([None, "r-1"])),
    )


# One broken rule at a time, so that each rule is tried in isolation.
_BEFORE_THE_PROJECT = TimeSpan(MONDAY_9AM - 2 * HOUR, MONDAY_9AM - HOUR)
SHIFT_FAULTS: tuple[dict[str, object], ...] = (
    {},
    {"min_headcount": 0},
    {"min_headcount": 5, "max_headcount": 4},
    {"max_headcount": MAX_SHIFT_HEADCOUNT + 1},
    {"home_visit": True, "min_headcount": 1},
    {"team_only": True},
    {"span": _BEFORE_THE_PROJECT},
    {"span": TimeSpan(MONDAY_9AM + HOUR, MONDAY_9AM)},
    {"required_skills": ("Bad Skill",)},
    {"grid": " "},
    {"resident_ref": " "},
)
wild_shifts = st.builds(
    lambda shift, fault: msgspec.structs.replace(shift, **fault),
    good_shifts(), st.sampled_from(SHIFT_FAULTS),
)


class ProjectMachine(RuleBasedStateMachine):
    project: ServiceProject

    @initialize(requires_team=st.booleans(), government=st.booleans(),
                span=st.sampled_from([None, PROJECT_SPAN]), ready=st.none() | good_shifts())
    def draft(
        self, requires_team: bool, government: bool, span: TimeSpan | None, ready: Shift | None
    ) -> None:
        """A new project; ``ready`` gives it a plan and a shift, so it can be published at once."""
        self.project = ServiceProject.draft(
            id=UUID(int=99), community_id=UUID(int=98), category="ELDER", title="探访",
            description="上门探访", government_purchased=government,
            undertaking_organisation_id=UUID(int=97) if government else None,
            requires_team=requires_team, at=MONDAY_9AM, span=span,
        )
        if ready is not None:
            self.project.set_plan(goals="g", content="c", methods="m",
                                  safety_measures=("两人一组",))
            self.project.add_shift(ready)
        self.events: list[DomainEventProtocol[UUID]] = list(self.project.collect_events())
        self.now = MONDAY_9AM
        self.last_seen = MONDAY_9AM

    def run(self, command: Callable[[], object]) -> None:
        attempt(self.project, self.events, command)

    def later(self, hours: int) -> datetime:
        """A moment ``hours`` after the latest one (before it, when ``hours`` < 0)."""
        self.now = max(self.now, self.project.last_at) + hours * HOUR
        return self.now

    @rule(measures=st.sampled_from([("两人一组",), (), ("两人一组", "急救包"), (" ",)]))
    def set_plan(self, measures: tuple[str, ...]) -> None:
        self.run(lambda: self.project.set_plan(goals="g", content="c", methods="m",
                                               safety_measures=measures))

    @rule(span=st.sampled_from([PROJECT_SPAN, None, TimeSpan(MONDAY_9AM, MONDAY_9AM + HOUR)]))
    def set_span(self, span: TimeSpan | None) -> None:
        self.run(lambda: self.project.set_span(span))

    @rule(need=IDS, serve=st.booleans())
    def need(self, need: UUID, serve: bool) -> None:
        command = self.project.serve_need if serve else self.project.unserve_need
        self.run(lambda: command(need))

    @rule(allocation=IDS, quantity=st.integers(-1, 3), reserve=st.booleans())
    def resource(self, allocation: UUID, quantity: int, reserve: bool) -> None:
        if reserve:
            self.run(lambda: self.project.reserve_resource(UUID(int=7), allocation, quantity))
        else:
            self.run(lambda: self.project.release_resource(allocation))

    @rule(shift=wild_shifts, change=st.booleans())
    def add_or_change_shift(self, shift: Shift, change: bool) -> None:
        command = self.project.change_shift if change else self.project.add_shift
        self.run(lambda: command(shift))

    @rule(shift=good_shifts())
    def add_good_shift(self, shift: Shift) -> None:
        self.run(lambda: self.project.add_shift(shift))

    @rule(shift_id=IDS)
    def remove_shift(self, shift_id: UUID) -> None:
        self.run(lambda: self.project.remove_shift(shift_id))

    @rule(team=IDS)
    def assign_team(self, team: UUID) -> None:
        self.run(lambda: self.project.assign_team(team))

    @rule(hours=STEP, action=st.sampled_from(["publish", "mark_staffed", "start", "complete"]))
    def advance(self, hours: int, action: str) -> None:
        command = getattr(self.project, action)
        self.run(lambda: command(self.later(hours)))

    @rule(hours=STEP)
    def next_step(self, hours: int) -> None:
        """The command that moves the project on from where it is (reaches the late states)."""
        project, at = self.project, self.later(hours)
        forward: dict[ProjectStatus, Callable[[], object]] = {
            ProjectStatus.DRAFT: lambda: project.publish(at),
            ProjectStatus.PUBLISHED: lambda: project.mark_staffed(at),
            ProjectStatus.STAFFED: lambda: project.start(at),
            ProjectStatus.RUNNING: lambda: project.complete(at),
            ProjectStatus.COMPLETED: lambda: project.summarise(
                summary="总结", evaluation_score=4, participants_count=9, at=at),
        }
        self.run(forward.get(project.status, lambda: project.publish(at)))

    # Cancelling ends the run, so it is tried less often than going forwards.
    @rule(hours=STEP, reason=TEXT,
          action=st.sampled_from(["reopen_staffing", "reopen_staffing", "cancel"]))
    def cancel_or_reopen(self, hours: int, reason: str, action: str) -> None:
        command = getattr(self.project, action)
        self.run(lambda: command(reason, self.later(hours)))

    @rule(hours=STEP, score=st.integers(0, 6), participants=st.integers(-1, 30))
    def summarise(self, hours: int, score: int, participants: int) -> None:
        self.run(lambda: self.project.summarise(
            summary="总结", evaluation_score=score, participants_count=participants,
            at=self.later(hours)))

    @rule(organisation=IDS)
    def participant(self, organisation: UUID) -> None:
        self.run(lambda: self.project.add_participant_organisation(organisation))

    @invariant()
    def status_is_known(self) -> None:
        assert self.project.status in set(ProjectStatus)

    @invariant()
    def shifts_keep_their_rules(self) -> None:
        project = self.project
        assert len({s.shift_id for s in project.shifts}) == len(project.shifts)
        for shift in project.shifts:
            assert 1 <= shift.min_headcount <= shift.max_headcount <= MAX_SHIFT_HEADCOUNT
            assert not shift.home_visit or shift.min_headcount >= HOME_VISIT_MIN_HEADCOUNT
            assert not shift.team_only or project.requires_team
            assert project.span is None or project.span.contains(shift.span)

    @invariant()
    def published_projects_have_a_safe_plan_and_shifts(self) -> None:
        project = self.project
        if project.status in _CONFIRMED_PLAN:
            assert project.plan is not None
            assert project.plan.safety_measures
            assert project.shifts

    @invariant()
    def teams(self) -> None:
        project = self.project
        assert project.team_id is None or project.requires_team
        if project.status in _STAFFING_DONE and project.requires_team:
            assert project.team_id is not None

    @invariant()
    def bookkeeping(self) -> None:
        project = self.project
        assert (project.summary is not None) == (project.status is ProjectStatus.SUMMARISED)
        assert not project.government_purchased or project.undertaking_organisation_id
        allocations = [r.allocation_id for r in project.reservations]
        assert len(set(allocations)) == len(allocations)
        assert all(r.quantity >= 1 for r in project.reservations)
        assert project.last_at >= self.last_seen
        self.last_seen = project.last_at

    @invariant()
    def replays_equal(self) -> None:
        assert_replays_equal(self.project, self.events)


TestProjectMachine = ProjectMachine.TestCase
TestProjectMachine.settings = FAST


# -- Assignment ---------------------------------------------------------------

PROPOSED_AT = MONDAY_9AM
EXPIRES_AT = MONDAY_9AM + 2 * HOUR
SHIFT = TimeSpan(MONDAY_9AM + 3 * HOUR, MONDAY_9AM + 6 * HOUR)
_AFTER_CHECK_OUT = (AssignmentStatus.CHECKED_OUT, AssignmentStatus.CONFIRMED,
                    AssignmentStatus.DISPUTED)
_AFTER_CHECK_IN = (AssignmentStatus.CHECKED_IN, *_AFTER_CHECK_OUT)
MINUTES = st.integers(min_value=-5, max_value=45)  # -5 tries to go back in time
# Wrongly typed arguments: each must be rejected with a ValidationError, recording nothing.
WRONG_ASSIGNMENT_INPUTS: tuple[tuple[str, Callable[[Assignment, datetime], object]], ...] = (
    ("accept", lambda a, at: a.accept(at.isoformat())),  # type: ignore[arg-type]
    ("check_in", lambda a, at: a.check_in(at, 30)),  # type: ignore[arg-type]
    ("check_out", lambda a, at: a.check_out(at, 30.0)),  # type: ignore[arg-type]
    ("check_out", lambda a, at: a.check_out(at, rounding_minutes=True)),
    ("check_out", lambda a, at: a.check_out(at, 30, 60)),  # type: ignore[arg-type]
    ("confirm_hours", lambda a, at: a.confirm_hours("5", at)),  # type: ignore[arg-type]
    ("confirm_hours", lambda a, at: a.confirm_hours(UUID(int=5), at, 60.0, "x")),  # type: ignore[arg-type]
    ("dispute", lambda a, at: a.dispute("x", 4, at)),  # type: ignore[arg-type]
    ("resolve_dispute", lambda a, at: a.resolve_dispute(
        credited_minutes=False, resolution="x", by=UUID(int=5), at=at)),
)


class AssignmentMachine(RuleBasedStateMachine):
    assignment: Assignment

    @initialize()
    def propose(self) -> None:
        self.assignment = Assignment.propose(
            id=UUID(int=1), project_id=UUID(int=2), shift_id=UUID(int=3),
            volunteer_id=UUID(int=4), team_id=None, span=SHIFT, staffing_run_id=None,
            expires_at=EXPIRES_AT, at=PROPOSED_AT,
        )
        self.events: list[DomainEventProtocol[UUID]] = list(self.assignment.collect_events())
        self.now = PROPOSED_AT
        self.last_seen = PROPOSED_AT
        self.allowance = OVERRUN_ALLOWANCE

    def run(self, command: Callable[[], object]) -> None:
        attempt(self.assignment, self.events, command)

    def check_out(self, at: datetime, step: int = 30,
                  allowance: timedelta = OVERRUN_ALLOWANCE) -> None:
        def command() -> None:
            self.assignment.check_out(at, step, allowance)
            self.allowance = allowance  # only once accepted
        self.run(command)

    def later(self, minutes: int) -> datetime:
        """A moment ``minutes`` after the latest one (before it, when ``minutes`` < 0)."""
        self.now = max(self.now, self.assignment.last_at) + minutes * MINUTE
        return self.now

    # Forward steps are drawn more often than the ones that end the assignment.
    @rule(minutes=MINUTES, reason=TEXT,
          action=st.sampled_from(["accept", "accept", "accept", "decline", "expire", "cancel"]))
    def answer(self, minutes: int, reason: str, action: str) -> None:
        at = self.later(minutes)
        if action in {"decline", "cancel"}:
            command = getattr(self.assignment, action)
            self.run(lambda: command(reason, at))
        else:
            command = getattr(self.assignment, action)
            self.run(lambda: command(at))

    @rule(minutes=MINUTES, early=st.sampled_from([30, 0, 60]),
          step=st.sampled_from([30, 15, 60, 1, 0, 61]), overrun=st.sampled_from([60, 0, 30, -1]),
          action=st.sampled_from(["check_in", "check_in", "check_out", "check_out",
                                  "mark_no_show"]))
    def attend(self, minutes: int, early: int, step: int, overrun: int, action: str) -> None:
        at = self.later(minutes)
        if action == "check_in":
            self.run(lambda: self.assignment.check_in(at, early * MINUTE))
        elif action == "check_out":
            self.check_out(at, step, overrun * MINUTE)
        else:
            self.run(lambda: self.assignment.mark_no_show(at))

    @rule(minutes=MINUTES)
    def next_step(self, minutes: int) -> None:
        """The command that moves the assignment on from where it is."""
        a, at = self.assignment, self.later(minutes)
        if a.status is AssignmentStatus.ACCEPTED:  # the volunteer arrives for the shift
            at = self.now = max(at, SHIFT.start - EARLY_CHECK_IN_ALLOWANCE + minutes * MINUTE)
        forward: dict[AssignmentStatus, Callable[[], object]] = {
            AssignmentStatus.PROPOSED: lambda: a.accept(at),
            AssignmentStatus.ACCEPTED: lambda: a.check_in(at),
            AssignmentStatus.CHECKED_IN: lambda: self.check_out(at),
            AssignmentStatus.CHECKED_OUT: lambda: a.confirm_hours(UUID(int=5), at),
            AssignmentStatus.CONFIRMED: lambda: a.dispute("有异议", UUID(int=4), at),
            AssignmentStatus.DISPUTED: lambda: a.resolve_dispute(240, "更正", UUID(int=5), at),
        }
        self.run(forward.get(a.status, lambda: a.accept(at)))

    @rule(minutes=MINUTES, credited=st.none() | st.integers(-5, 300),
          reason=st.none() | TEXT)
    def confirm_hours(self, minutes: int, credited: int | None, reason: str | None) -> None:
        self.run(lambda: self.assignment.confirm_hours(UUID(int=5), self.later(minutes),
                                                       credited, reason))

    @rule(minutes=MINUTES, reason=TEXT)
    def dispute(self, minutes: int, reason: str) -> None:
        self.run(lambda: self.assignment.dispute(reason, UUID(int=4), self.later(minutes)))

    @rule(minutes=MINUTES, credited=st.integers(-5, MAX_CREDITED_MINUTES + 5), resolution=TEXT)
    def resolve_dispute(self, minutes: int, credited: int, resolution: str) -> None:
        self.run(lambda: self.assignment.resolve_dispute(credited, resolution, UUID(int=5),
                                                         self.later(minutes)))

    @rule(minutes=MINUTES, wrong=st.sampled_from(WRONG_ASSIGNMENT_INPUTS))
    def wrongly_typed(
        self, minutes: int, wrong: tuple[str, Callable[[Assignment, datetime], object]]
    ) -> None:
        """A wrongly typed argument is rejected (by type or by state), never recorded."""
        _, command = wrong
        self.run(lambda: command(self.assignment, self.later(minutes)))

    @invariant()
    def status_is_known(self) -> None:
        assert self.assignment.status in set(AssignmentStatus)

    @invariant()
    def answered_in_time(self) -> None:
        answered = self.assignment.answered_at
        if self.assignment.status is AssignmentStatus.ACCEPTED:
            assert answered is not None
            assert answered < EXPIRES_AT

    @invariant()
    def attendance(self) -> None:
        a = self.assignment
        if a.status in _AFTER_CHECK_IN:
            assert a.checked_in_at is not None
            assert SHIFT.start - 60 * MINUTE <= a.checked_in_at < SHIFT.end
        if a.status in _AFTER_CHECK_OUT:
            assert a.checked_in_at is not None
            assert a.checked_out_at is not None
            assert a.checked_out_at > a.checked_in_at
            # Service counts only within the shift, plus the overrun allowance after it.
            served_from = max(a.checked_in_at, SHIFT.start)
            served_to = min(a.checked_out_at, SHIFT.end + self.allowance)
            seconds = max(0.0, (served_to - served_from).total_seconds())
            assert a.service_minutes == int(seconds // 60)
            assert a.overrun == (a.checked_out_at > SHIFT.end + self.allowance)

    @invariant()
    def credited_hours(self) -> None:
        a = self.assignment
        if a.status not in _AFTER_CHECK_OUT:
            assert a.credited_minutes is None
            return
        assert a.credited_minutes is not None
        assert a.service_minutes is not None
        assert a.rounding_minutes is not None
        assert 0 <= a.credited_minutes <= MAX_CREDITED_MINUTES
        assert a.credited_minutes <= a.service_minutes or a.resolved_by_dispute
        if a.status is AssignmentStatus.CHECKED_OUT:
            assert a.credited_minutes % a.rounding_minutes == 0
            assert a.service_minutes - a.credited_minutes < a.rounding_minutes

    @invariant()
    def time_moves_forwards(self) -> None:
        assert self.assignment.last_at >= self.last_seen
        self.last_seen = self.assignment.last_at

    @invariant()
    def replays_equal(self) -> None:
        assert_replays_equal(self.assignment, self.events)


TestAssignmentMachine = AssignmentMachine.TestCase
TestAssignmentMachine.settings = FAST

