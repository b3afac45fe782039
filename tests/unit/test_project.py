"""ServiceProject: planning, shifts, and the lifecycle from draft to summary."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from tests.helpers import MONDAY_9AM, assert_replays_equal, state_of
from wushe.platform.domain.errors import DomainRuleError, InvalidStateError, ValidationError
from wushe.platform.domain.project import (
    MAX_SHIFT_HEADCOUNT,
    ProjectPlan,
    ProjectStatus,
    ProjectSummary,
    ResourceReservation,
    ServiceProject,
    Shift,
)
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.platform.domain.errors import WusheError

HOUR = timedelta(hours=1)
LATER = MONDAY_9AM + timedelta(days=60)


def hours(start: float, end: float) -> TimeSpan:
    return TimeSpan(MONDAY_9AM + start * HOUR, MONDAY_9AM + end * HOUR)


def make_shift(**overrides: Any) -> Shift:
    fields: dict[str, Any] = {
        "shift_id": uuid4(), "span": hours(24, 26), "grid": "grid-1", "place": "社区服务站",
        "required_skills": ("first_aid",), "min_headcount": 1, "max_headcount": 3,
    }
    return Shift(**(fields | overrides))


def drafted(**overrides: Any) -> ServiceProject:
    fields: dict[str, Any] = {
        "id": uuid4(), "community_id": uuid4(), "category": "ELDER", "title": "重阳节探访",
        "description": "为独居老人上门探访", "government_purchased": False,
        "undertaking_organisation_id": None, "requires_team": False, "at": MONDAY_9AM,
    }
    return ServiceProject.draft(**(fields | overrides))


def planned(project: ServiceProject, measures: tuple[str, ...] = ("两人一组",)) -> None:
    project.set_plan(goals="关爱老人", content="上门探访", methods="入户", safety_measures=measures)


_PATH = (ProjectStatus.PUBLISHED, ProjectStatus.STAFFED, ProjectStatus.RUNNING,
         ProjectStatus.COMPLETED, ProjectStatus.SUMMARISED)


def at_status(status: ProjectStatus, **overrides: Any) -> ServiceProject:
    """A project driven to ``status`` along the normal path."""
    project = drafted(**overrides)
    if status is ProjectStatus.CANCELLED:
        project.cancel("天气原因", MONDAY_9AM + HOUR)
    steps: dict[ProjectStatus, Callable[[], None]] = {
        ProjectStatus.PUBLISHED: lambda: _publish(project),
        ProjectStatus.STAFFED: lambda: _staff(project),
        ProjectStatus.RUNNING: lambda: project.start(MONDAY_9AM + 24 * HOUR),
        ProjectStatus.COMPLETED: lambda: project.complete(MONDAY_9AM + 26 * HOUR),
        ProjectStatus.SUMMARISED: lambda: project.summarise(
            summary="顺利完成", evaluation_score=5, participants_count=12,
            at=MONDAY_9AM + 48 * HOUR),
    }
    for step in _PATH[: _PATH.index(status) + 1] if status in _PATH else ():
        steps[step]()
    return project


def _publish(project: ServiceProject) -> None:
    planned(project)
    project.add_shift(make_shift())
    project.publish(MONDAY_9AM + HOUR)


def _staff(project: ServiceProject) -> None:
    if project.requires_team:
        project.assign_team(uuid4())
    project.mark_staffed(MONDAY_9AM + 2 * HOUR)


def assert_rejected(
    project: ServiceProject, command: Callable[[], object], error: type[WusheError], code: str
) -> WusheError:
    """The command raises ``error`` with ``code`` and records nothing."""
    project.collect_events()
    before, version = state_of(project), project.version
    with pytest.raises(error) as info:
        command()
    assert info.value.code == code
    assert len(project.collect_events()) == 0
    assert project.version == version
    assert state_of(project) == before
    return info.value


class TestDraft:
    def test_records_the_project(self) -> None:
        organisation = uuid4()
        project = drafted(government_purchased=True, undertaking_organisation_id=organisation,
                          title="  助老服务  ", span=hours(0, 240))
        assert project.status is ProjectStatus.DRAFT
        assert project.title == "助老服务"
        assert project.undertaking_organisation_id == organisation
        assert project.span == hours(0, 240)
        assert project.drafted_at == project.last_at == MONDAY_9AM
        assert project.plan is None
        assert project.shifts == ()

    def test_government_purchased_needs_an_undertaker(self) -> None:
        with pytest.raises(DomainRuleError) as info:
            drafted(government_purchased=True)
        assert info.value.code == "project.undertaker_required"
        assert info.value.field == "undertaking_organisation_id"

    @pytest.mark.parametrize(
        ("overrides", "code"),
        [
            ({"category": "elder"}, "input.bad_code"),
            ({"title": "  "}, "input.required"),
            ({"description": "x" * 2001}, "input.too_long"),
            ({"at": datetime(2026, 12, 1, 9)}, "input.naive_datetime"),  # noqa: DTZ001
            ({"span": hours(5, 5)}, "input.empty_window"),
        ],
    )
    def test_rejects_bad_input(self, overrides: dict[str, Any], code: str) -> None:
        with pytest.raises(ValidationError) as info:
            drafted(**overrides)
        assert info.value.code == code


class TestPlan:
    def test_set_plan_normalises_safety_measures(self) -> None:
        project = drafted()
        planned(project, (" 两人一组 ", "两人一组", "携带急救包"))
        measures = ("两人一组", "携带急救包")
        assert project.plan == ProjectPlan("关爱老人", "上门探访", "入户", measures)

    def test_a_draft_plan_may_lack_safety_measures(self) -> None:
        project = drafted()
        planned(project, ())
        assert project.plan is not None
        assert project.plan.safety_measures == ()

    def test_a_published_plan_keeps_safety_measures(self) -> None:
        project = at_status(ProjectStatus.PUBLISHED)
        assert_rejected(project, lambda: planned(project, ()), DomainRuleError,
                        "project.no_safety_measures")
        planned(project, ("新措施",))
        assert project.plan is not None
        assert project.plan.safety_measures == ("新措施",)

    def test_rejects_empty_goals(self) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.set_plan(
            goals=" ", content="c", methods="m", safety_measures=("s",)),
            ValidationError, "input.required")


class TestSpan:
    def test_set_and_clear(self) -> None:
        project = drafted()
        project.set_span(hours(0, 100))
        assert project.span == hours(0, 100)
        project.set_span(None)
        assert project.span is None

    def test_every_shift_must_fit(self) -> None:
        project = drafted()
        project.add_shift(make_shift(span=hours(24, 26)))
        assert_rejected(project, lambda: project.set_span(hours(0, 25)), DomainRuleError,
                        "project.shift_outside_span")
        project.set_span(hours(24, 26))
        assert project.span == hours(24, 26)

    def test_rejects_an_empty_span(self) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.set_span(hours(3, 1)), ValidationError,
                        "input.empty_window")


class TestNeeds:
    def test_serve_and_unserve(self) -> None:
        project, need = drafted(), uuid4()
        project.serve_need(need)
        assert project.needs == frozenset({need})
        assert_rejected(project, lambda: project.serve_need(need), DomainRuleError,
                        "project.need_already_served")
        project.unserve_need(need)
        assert project.needs == frozenset()
        assert_rejected(project, lambda: project.unserve_need(need), DomainRuleError,
                        "project.need_not_served")


class TestResources:
    def test_reserve_and_release(self) -> None:
        project, offer, allocation = drafted(), uuid4(), uuid4()
        project.reserve_resource(offer, allocation, 5)
        assert project.reservations == (ResourceReservation(allocation, offer, 5),)
        assert_rejected(project, lambda: project.reserve_resource(offer, allocation, 1),
                        DomainRuleError, "project.duplicate_allocation")
        project.release_resource(allocation)
        assert not project.reservations
        assert_rejected(project, lambda: project.release_resource(allocation),
                        DomainRuleError, "project.unknown_allocation")

    @pytest.mark.parametrize("quantity", [0, -3])
    def test_quantity_must_be_positive(self, quantity: int) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.reserve_resource(uuid4(), uuid4(), quantity),
                        ValidationError, "input.out_of_range")

    def test_a_cancelled_project_releases_what_it_held(self) -> None:
        project, allocation = drafted(), uuid4()
        project.reserve_resource(uuid4(), allocation, 2)
        project.cancel("取消", MONDAY_9AM + HOUR)
        project.release_resource(allocation)
        assert project.reservations == ()


class TestShifts:
    def test_add_normalises_text_and_skills(self) -> None:
        project = drafted()
        shift = make_shift(grid=" grid-2 ", required_skills=("nursing", "first_aid", "nursing"),
                           resident_ref=" r-17 ")
        project.add_shift(shift)
        stored = project.shift(shift.shift_id)
        assert stored.grid == "grid-2"
        assert stored.required_skills == ("first_aid", "nursing")
        assert stored.resident_ref == "r-17"

    def test_add_in_published(self) -> None:
        project = at_status(ProjectStatus.PUBLISHED)
        project.add_shift(make_shift())
        assert len(project.shifts) == 2

    def test_duplicate_id(self) -> None:
        project, shift = drafted(), make_shift()
        project.add_shift(shift)
        assert_rejected(project, lambda: project.add_shift(shift), DomainRuleError,
                        "project.duplicate_shift")

    @pytest.mark.parametrize(
        ("low", "high"),
        [(0, 3), (4, 3), (1, 0), (1, MAX_SHIFT_HEADCOUNT + 1), (-1, 2)],
    )
    def test_headcount_bounds(self, low: int, high: int) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.add_shift(
            make_shift(min_headcount=low, max_headcount=high)),
            ValidationError, "input.out_of_range")

    @pytest.mark.parametrize(("low", "high"), [(1, 1), (3, 3), (1, MAX_SHIFT_HEADCOUNT)])
    def test_headcount_within_bounds(self, low: int, high: int) -> None:
        project = drafted()
        project.add_shift(make_shift(min_headcount=low, max_headcount=high))
        assert len(project.shifts) == 1

    def test_a_home_visit_needs_two_people(self) -> None:
        project = drafted()
        error = assert_rejected(project, lambda: project.add_shift(
            make_shift(home_visit=True, min_headcount=1, max_headcount=2)),
            DomainRuleError, "project.home_visit_needs_two")
        assert error.field == "min_headcount"
        project.add_shift(make_shift(home_visit=True, min_headcount=2, max_headcount=2))
        assert project.shifts[0].home_visit

    def test_team_only_needs_a_team_project(self) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.add_shift(make_shift(team_only=True)),
                        DomainRuleError, "project.team_only_without_team")
        team_project = drafted(requires_team=True)
        team_project.add_shift(make_shift(team_only=True))
        assert team_project.shifts[0].team_only

    def test_must_lie_within_the_project_span(self) -> None:
        project = drafted(span=hours(0, 25))
        assert_rejected(project, lambda: project.add_shift(make_shift(span=hours(24, 26))),
                        DomainRuleError, "project.shift_outside_span")
        project.add_shift(make_shift(span=hours(23, 25)))
        assert len(project.shifts) == 1

    @pytest.mark.parametrize(
        ("overrides", "code"),
        [
            ({"required_skills": ("First Aid",)}, "input.bad_code"),
            ({"grid": ""}, "input.required"),
            ({"place": "  "}, "input.required"),
            ({"resident_ref": "x" * 65}, "input.too_long"),
            ({"span": hours(2, 1)}, "input.empty_window"),
        ],
    )
    def test_rejects_bad_input(self, overrides: dict[str, Any], code: str) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.add_shift(make_shift(**overrides)),
                        ValidationError, code)

    def test_change(self) -> None:
        project, shift = drafted(), make_shift()
        project.add_shift(shift)
        project.change_shift(make_shift(shift_id=shift.shift_id, max_headcount=8))
        assert project.shift(shift.shift_id).max_headcount == 8
        assert len(project.shifts) == 1

    def test_change_checks_the_same_rules(self) -> None:
        project, shift = drafted(), make_shift()
        project.add_shift(shift)
        assert_rejected(project, lambda: project.change_shift(
            make_shift(shift_id=shift.shift_id, home_visit=True)),
            DomainRuleError, "project.home_visit_needs_two")

    def test_change_or_remove_unknown(self) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.change_shift(make_shift()), DomainRuleError,
                        "project.unknown_shift")
        assert_rejected(project, lambda: project.remove_shift(uuid4()), DomainRuleError,
                        "project.unknown_shift")
        with pytest.raises(DomainRuleError):
            project.shift(uuid4())

    def test_remove(self) -> None:
        project, shift = drafted(), make_shift()
        project.add_shift(shift)
        project.remove_shift(shift.shift_id)
        assert project.shifts == ()

    def test_a_published_project_keeps_one_shift(self) -> None:
        project = at_status(ProjectStatus.PUBLISHED)
        only = project.shifts[0].shift_id
        assert_rejected(project, lambda: project.remove_shift(only), DomainRuleError,
                        "project.last_shift")
        project.add_shift(make_shift())
        project.remove_shift(only)
        assert len(project.shifts) == 1


class TestPublish:
    def test_publishes(self) -> None:
        project = at_status(ProjectStatus.PUBLISHED)
        assert project.status is ProjectStatus.PUBLISHED
        assert project.published_at == MONDAY_9AM + HOUR

    def test_needs_a_plan_with_safety_measures(self) -> None:
        project = drafted()
        project.add_shift(make_shift())
        assert_rejected(project, lambda: project.publish(MONDAY_9AM), DomainRuleError,
                        "project.no_safety_measures")
        planned(project, ())
        assert_rejected(project, lambda: project.publish(MONDAY_9AM), DomainRuleError,
                        "project.no_safety_measures")

    def test_needs_a_shift(self) -> None:
        project = drafted()
        planned(project)
        assert_rejected(project, lambda: project.publish(MONDAY_9AM), DomainRuleError,
                        "project.no_shifts")

    def test_time_cannot_go_backwards(self) -> None:
        project = drafted()
        planned(project)
        project.add_shift(make_shift())
        assert_rejected(project, lambda: project.publish(MONDAY_9AM - timedelta(seconds=1)),
                        DomainRuleError, "project.time_goes_backwards")

    def test_naive_time(self) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.publish(datetime(2026, 12, 1)),  # noqa: DTZ001
                        ValidationError, "input.naive_datetime")


class TestTeam:
    def test_assign_and_replace(self) -> None:
        project = at_status(ProjectStatus.PUBLISHED, requires_team=True)
        first, second = uuid4(), uuid4()
        project.assign_team(first)
        assert_rejected(project, lambda: project.assign_team(first), DomainRuleError,
                        "project.team_already_assigned")
        project.assign_team(second)
        assert project.team_id == second

    def test_only_for_team_projects(self) -> None:
        project = at_status(ProjectStatus.PUBLISHED)
        assert_rejected(project, lambda: project.assign_team(uuid4()), DomainRuleError,
                        "project.team_not_required")

    def test_staffing_a_team_project_needs_the_team(self) -> None:
        project = at_status(ProjectStatus.PUBLISHED, requires_team=True)
        assert_rejected(project, lambda: project.mark_staffed(LATER), DomainRuleError,
                        "project.team_not_assigned")
        project.assign_team(uuid4())
        project.mark_staffed(LATER)
        assert project.status is ProjectStatus.STAFFED


class TestLifecycle:
    def test_the_whole_way(self) -> None:
        project = at_status(ProjectStatus.SUMMARISED, requires_team=True)
        assert project.status is ProjectStatus.SUMMARISED
        assert project.staffed_at == MONDAY_9AM + 2 * HOUR
        assert project.started_at == MONDAY_9AM + 24 * HOUR
        assert project.completed_at == MONDAY_9AM + 26 * HOUR
        assert project.closed_at == project.last_at == MONDAY_9AM + 48 * HOUR
        assert project.summary == ProjectSummary("顺利完成", 5, 12)

    def test_reopen_staffing(self) -> None:
        project = at_status(ProjectStatus.STAFFED)
        project.reopen_staffing("两名志愿者拒绝", LATER)
        assert (project.status, project.staffed_at) == (ProjectStatus.PUBLISHED, None)
        project.add_shift(make_shift())
        project.mark_staffed(LATER)
        assert (project.status, project.staffed_at) == (ProjectStatus.STAFFED, LATER)

    def test_reopen_needs_a_reason(self) -> None:
        project = at_status(ProjectStatus.STAFFED)
        assert_rejected(project, lambda: project.reopen_staffing(" ", LATER), ValidationError,
                        "input.required")

    @pytest.mark.parametrize(
        "status", [ProjectStatus.DRAFT, ProjectStatus.PUBLISHED, ProjectStatus.STAFFED]
    )
    def test_cancel(self, status: ProjectStatus) -> None:
        project = at_status(status)
        project.cancel("场地不可用", LATER)
        assert project.status is ProjectStatus.CANCELLED
        assert project.cancellation_reason == "场地不可用"
        assert project.closed_at == LATER

    @pytest.mark.parametrize(
        ("score", "participants"), [(0, 1), (6, 1), (3, -1), (3, 100_001)]
    )
    def test_summarise_rejects_out_of_range(self, score: int, participants: int) -> None:
        project = at_status(ProjectStatus.COMPLETED)
        assert_rejected(project, lambda: project.summarise(
            summary="总结", evaluation_score=score, participants_count=participants, at=LATER),
            ValidationError, "input.out_of_range")

    def test_time_cannot_go_backwards(self) -> None:
        project = at_status(ProjectStatus.STAFFED)
        earlier = MONDAY_9AM + HOUR
        assert_rejected(project, lambda: project.start(earlier), DomainRuleError,
                        "project.time_goes_backwards")
        assert_rejected(project, lambda: project.reopen_staffing("r", earlier), DomainRuleError,
                        "project.time_goes_backwards")
        assert_rejected(project, lambda: project.cancel("r", earlier), DomainRuleError,
                        "project.time_goes_backwards")


class TestParticipants:
    def test_record_each_organisation_once(self) -> None:
        project, organisation = at_status(ProjectStatus.SUMMARISED), uuid4()
        project.add_participant_organisation(organisation)
        assert project.participant_organisations == frozenset({organisation})
        assert_rejected(project, lambda: project.add_participant_organisation(organisation),
                        DomainRuleError, "project.duplicate_participant")


# Which states each command is allowed in; every other state must reject it.
_PLANNING = {ProjectStatus.DRAFT, ProjectStatus.PUBLISHED}
_OPEN = _PLANNING | {ProjectStatus.STAFFED, ProjectStatus.RUNNING}
_COMMANDS: dict[str, tuple[Callable[[ServiceProject], None], set[ProjectStatus]]] = {
    "set_plan": (planned, _PLANNING),
    "set_span": (lambda p: p.set_span(None), _PLANNING),
    "serve_need": (lambda p: p.serve_need(uuid4()), _OPEN),
    "unserve_need": (lambda p: p.unserve_need(uuid4()), _OPEN),
    "reserve_resource": (lambda p: p.reserve_resource(uuid4(), uuid4(), 1), _OPEN),
    "release_resource": (lambda p: p.release_resource(uuid4()),
                         _OPEN | {ProjectStatus.CANCELLED}),
    "add_shift": (lambda p: p.add_shift(make_shift()), _PLANNING),
    "change_shift": (lambda p: p.change_shift(make_shift()), _PLANNING),
    "remove_shift": (lambda p: p.remove_shift(uuid4()), _PLANNING),
    "publish": (lambda p: p.publish(LATER), {ProjectStatus.DRAFT}),
    "assign_team": (lambda p: p.assign_team(uuid4()), _PLANNING),
    "mark_staffed": (lambda p: p.mark_staffed(LATER), {ProjectStatus.PUBLISHED}),
    "reopen_staffing": (lambda p: p.reopen_staffing("r", LATER), {ProjectStatus.STAFFED}),
    "start": (lambda p: p.start(LATER), {ProjectStatus.STAFFED}),
    "complete": (lambda p: p.complete(LATER), {ProjectStatus.RUNNING}),
    "summarise": (lambda p: p.summarise(summary="s", evaluation_score=3, participants_count=1,
                                        at=LATER), {ProjectStatus.COMPLETED}),
    "cancel": (lambda p: p.cancel("r", LATER), _PLANNING | {ProjectStatus.STAFFED}),
    "add_participant_organisation": (lambda p: p.add_participant_organisation(uuid4()),
                                     set(ProjectStatus) - {ProjectStatus.CANCELLED}),
}
_INVALID = [
    pytest.param(name, status, id=f"{name}-{status}")
    for name, (_, allowed) in _COMMANDS.items()
    for status in ProjectStatus
    if status not in allowed
]


class TestInvalidStates:
    @pytest.mark.parametrize(("name", "status"), _INVALID)
    def test_rejected_and_records_nothing(self, name: str, status: ProjectStatus) -> None:
        project = at_status(status)
        command, _ = _COMMANDS[name]
        assert_rejected(project, lambda: command(project), InvalidStateError, f"state.{name}")


class TestReplay:
    @pytest.mark.parametrize("status", list(ProjectStatus))
    def test_replaying_the_events_gives_the_same_project(self, status: ProjectStatus) -> None:
        project = at_status(status, requires_team=True, span=hours(0, 1000))
        if status in _OPEN:
            project.serve_need(uuid4())
            project.reserve_resource(uuid4(), uuid4(), 4)
        if status is not ProjectStatus.CANCELLED:
            project.add_participant_organisation(uuid4())
        events = project.collect_events()
        assert_replays_equal(project, events)

    def test_ids_are_uuids(self) -> None:
        project = at_status(ProjectStatus.PUBLISHED)
        assert isinstance(project.id, UUID)
        assert isinstance(project.shifts[0].shift_id, UUID)


# -- wrongly typed input ----------------------------------------------------------

NOT_UUID: tuple[Any, ...] = ("not-an-id", 5, None)
NOT_DATETIME: tuple[Any, ...] = ("2026-12-01T09:00:00+08:00", date(2026, 12, 1), 5, None)
NOT_INT: tuple[Any, ...] = (4.5, 3.0, "3", True, None)
NOT_BOOL: tuple[Any, ...] = (1, 0, "false", None)
NOT_TEXT: tuple[Any, ...] = (5, b"x", None)
NOT_SPAN: tuple[tuple[Any, str], ...] = (
    ((MONDAY_9AM, LATER), "input.bad_type"),
    (TimeSpan(MONDAY_9AM.isoformat(), LATER), "input.not_datetime"),  # type: ignore[arg-type]
    (TimeSpan(MONDAY_9AM, date(2027, 1, 1)), "input.not_datetime"),  # type: ignore[arg-type]
)
WRONG_SHIFTS: tuple[tuple[dict[str, Any], str, str], ...] = (
    *(({"shift_id": v}, "input.bad_id", "shift.shift_id") for v in NOT_UUID),
    *(({"span": v}, code, "shift.span") for v, code in (*NOT_SPAN, (None, "input.bad_type"))),
    *(({f: v}, "input.not_text", f"shift.{f}") for f in ("grid", "place") for v in NOT_TEXT),
    *(({f: v}, "input.not_integer", f"shift.{f}")
      for f in ("min_headcount", "max_headcount") for v in NOT_INT),
    *(({f: v}, "input.not_boolean", f"shift.{f}")
      for f in ("home_visit", "team_only") for v in NOT_BOOL),
    ({"required_skills": "first_aid"}, "input.not_sequence", "shift.required_skills"),
    ({"required_skills": (5,)}, "input.not_text", "shift.required_skills"),
    ({"resident_ref": 5}, "input.not_text", "shift.resident_ref"),
)


class TestWrongTypes:
    """A wrongly typed argument is a ValidationError, and nothing is recorded."""

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [(f, v, "input.bad_id") for f in ("id", "community_id") for v in NOT_UUID]
        + [("undertaking_organisation_id", v, "input.bad_id") for v in NOT_UUID[:-1]]
        + [("category", v, "input.bad_code") for v in (5, None, ("ELDER",))]
        + [(f, v, "input.not_text") for f in ("title", "description") for v in NOT_TEXT]
        + [(f, v, "input.not_boolean")
           for f in ("government_purchased", "requires_team") for v in NOT_BOOL]
        + [("span", v, code) for v, code in NOT_SPAN]
        + [("at", v, "input.not_datetime") for v in NOT_DATETIME],
    )
    def test_draft(self, field: str, value: Any, code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            drafted(**{field: value})
        assert raised.value.code == code

    @pytest.mark.parametrize(
        ("command", "value", "code"),
        [(c, v, "input.bad_id")
         for c in ("serve_need", "unserve_need", "offer_id", "allocation_id",
                   "release_resource", "remove_shift", "assign_team", "participant")
         for v in NOT_UUID]
        + [("quantity", v, "input.not_integer") for v in NOT_INT]
        + [(f, v, "input.not_text") for f in ("goals", "content", "methods") for v in NOT_TEXT]
        + [("safety_measures", v, "input.not_sequence") for v in ("两人一组", None, 5)]
        + [("safety_measures", (5,), "input.not_text")]
        + [("set_span", v, code) for v, code in NOT_SPAN]
        + [("publish", v, "input.not_datetime") for v in NOT_DATETIME],
    )
    def test_planning(self, command: str, value: Any, code: str) -> None:
        project = drafted(requires_team=True)
        planned(project)
        project.add_shift(make_shift())
        project.collect_events()
        plan: dict[str, Any] = {"goals": "g", "content": "c", "methods": "m",
                                "safety_measures": ("两人一组",)}
        calls: dict[str, Callable[[], object]] = {
            "serve_need": lambda: project.serve_need(value),
            "unserve_need": lambda: project.unserve_need(value),
            "offer_id": lambda: project.reserve_resource(value, uuid4(), 1),
            "allocation_id": lambda: project.reserve_resource(uuid4(), value, 1),
            "quantity": lambda: project.reserve_resource(uuid4(), uuid4(), value),
            "release_resource": lambda: project.release_resource(value),
            "remove_shift": lambda: project.remove_shift(value),
            "assign_team": lambda: project.assign_team(value),
            "participant": lambda: project.add_participant_organisation(value),
            "set_span": lambda: project.set_span(value),
            "publish": lambda: project.publish(value),
        }
        calls.update({f: lambda f=f: project.set_plan(**(plan | {f: value}))  # type: ignore[misc]
                      for f in ("goals", "content", "methods", "safety_measures")})
        assert_rejected(project, calls[command], ValidationError, code)

    @pytest.mark.parametrize(("overrides", "code", "field"), WRONG_SHIFTS)
    @pytest.mark.parametrize("change", [False, True])
    def test_shifts(self, overrides: dict[str, Any], code: str, field: str,
                    change: bool) -> None:
        project = drafted()
        existing = make_shift()
        project.add_shift(existing)
        wrong = make_shift(**({"shift_id": existing.shift_id} if change else {}) | overrides)
        command = project.change_shift if change else project.add_shift
        error = assert_rejected(project, lambda: command(wrong), ValidationError, code)
        assert error.field is not None
        assert error.field.startswith(field)

    @pytest.mark.parametrize("value", [None, "shift", {"shift_id": uuid4()}])
    def test_not_a_shift(self, value: Any) -> None:
        project = drafted()
        assert_rejected(project, lambda: project.add_shift(value), ValidationError,
                        "input.bad_type")

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [(f, v, "input.not_integer") for f in ("evaluation_score", "participants_count")
         for v in NOT_INT]
        + [("summary", v, "input.not_text") for v in NOT_TEXT]
        + [("at", v, "input.not_datetime") for v in NOT_DATETIME],
    )
    def test_summarise(self, field: str, value: Any, code: str) -> None:
        project = at_status(ProjectStatus.COMPLETED)
        fields: dict[str, Any] = {"summary": "顺利", "evaluation_score": 4,
                                  "participants_count": 9, "at": LATER}
        assert_rejected(project, lambda: project.summarise(**(fields | {field: value})),
                        ValidationError, code)

    @pytest.mark.parametrize(
        ("status", "command"),
        [(ProjectStatus.PUBLISHED, "mark_staffed"), (ProjectStatus.STAFFED, "start"),
         (ProjectStatus.RUNNING, "complete"), (ProjectStatus.STAFFED, "cancel"),
         (ProjectStatus.STAFFED, "reopen_staffing")],
    )
    @pytest.mark.parametrize("value", NOT_DATETIME)
    def test_lifecycle_times(self, status: ProjectStatus, command: str, value: Any) -> None:
        project = at_status(status)
        method = getattr(project, command)
        args = ("理由", value) if command in {"cancel", "reopen_staffing"} else (value,)
        assert_rejected(project, lambda: method(*args), ValidationError, "input.not_datetime")
