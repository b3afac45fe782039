"""Hand-made cases: one per hard rule and per reason an place stays unfilled."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.matching.conftest import broken_rules
from wushe.matching.staffing import (
    Params,
    Plan,
    Problem,
    Shift,
    SolveStatus,
    Team,
    UnfilledReason,
    Volunteer,
    Window,
    solve,
)

PARAMS = Params(time_limit_s=5, relative_gap=0.0, team_slot_min=3)
DAY = Window(0, 24 * 60)


def shift(id_: str, start: int = 60, end: int = 120, **kw: Any) -> Shift:
    fields: dict[str, Any] = {"project_id": "p", "grid": "g", "category": "care",
                              "min_headcount": 1, "max_headcount": 1}
    return Shift(id=id_, start=start, end=end, **(fields | kw))


def person(id_: str, **kw: Any) -> Volunteer:
    fields: dict[str, Any] = {"windows": (DAY,), "home_grid": "g", "cap_minutes": 600}
    return Volunteer(id=id_, **(fields | kw))


def run(shifts: list[Shift], people: list[Volunteer], **kw: Any) -> Plan:
    problem = Problem(shifts=tuple(shifts), volunteers=tuple(people), params=PARAMS, **kw)
    plan = solve(problem)
    assert broken_rules(problem, plan) == [] or plan.warnings
    return plan


def staffed(plan: Plan) -> set[tuple[str, str]]:
    return {(a.volunteer, a.shift) for a in plan.assignments}


def reason(plan: Plan, shift_id: str) -> UnfilledReason:
    return next(u.reason for u in plan.unfilled if u.shift == shift_id)


class TestHardRules:
    def test_skills_are_required(self) -> None:
        plan = run([shift("s", skills=frozenset({"nurse"}))], [person("a")])
        assert staffed(plan) == set()
        assert reason(plan, "s") == UnfilledReason.NO_SKILL

    def test_shift_must_lie_inside_one_window(self) -> None:
        split = person("a", windows=(Window(0, 90), Window(90, 200)))
        plan = run([shift("s")], [split])
        assert staffed(plan) == set()
        assert reason(plan, "s") == UnfilledReason.NO_AVAILABILITY

    def test_declined_pairs_are_never_used(self) -> None:
        plan = run([shift("s")], [person("a")], declined=frozenset({("a", "s")}))
        assert staffed(plan) == set()
        assert reason(plan, "s") == UnfilledReason.DECLINED

    @pytest.mark.parametrize(("gap", "both"), [(30, False), (20, True)])
    def test_travel_gap_separates_shifts(self, gap: int, both: bool) -> None:
        shifts = [shift("s1", 60, 120), shift("s2", 140, 200)]
        problem = Problem(shifts=tuple(shifts), volunteers=(person("a"),),
                          params=Params(travel_gap_minutes=gap, relative_gap=0.0))
        plan = solve(problem)
        assert len(plan.assignments) == (2 if both else 1)
        if not both:
            assert plan.unfilled[0].reason == UnfilledReason.OVERLAP

    def test_hour_cap(self) -> None:
        shifts = [shift("s1", 0, 60), shift("s2", 200, 260)]
        plan = run(shifts, [person("a", cap_minutes=90)])
        assert len(plan.assignments) == 1
        assert plan.unfilled[0].reason == UnfilledReason.AT_CAP

    def test_headcount_is_a_ceiling(self) -> None:
        plan = run([shift("s", min_headcount=1, max_headcount=2)],
                   [person(f"v{i}") for i in range(4)])
        assert len(plan.assignments) == 1  # more people only cost

    def test_two_person_rule_with_one_candidate(self) -> None:
        home = shift("s", min_headcount=2, max_headcount=2, home_visit=True)
        plan = run([home], [person("a")])
        assert staffed(plan) == set()
        assert reason(plan, "s") == UnfilledReason.PAIR_RULE

    def test_two_person_rule_with_two_candidates(self) -> None:
        home = shift("s", min_headcount=2, max_headcount=2, home_visit=True)
        plan = run([home], [person("a"), person("b")])
        assert staffed(plan) == {("a", "s"), ("b", "s")}

    def test_home_visit_with_one_required_still_takes_two(self) -> None:
        home = shift("s", min_headcount=1, max_headcount=3, home_visit=True)
        plan = run([home], [person("a"), person("b")])
        assert len(plan.assignments) == 2


class TestTeams:
    def _problem(self, teams: list[Team], **kw: Any) -> Problem:
        shifts = (shift("s", min_headcount=3, max_headcount=4, team_only=True),
                  shift("open", 300, 360))
        people = tuple(person(f"v{i}") for i in range(6))
        return Problem(shifts=shifts, volunteers=people, teams=tuple(teams), params=PARAMS, **kw)

    def test_adopts_the_team_that_can_staff_and_only_its_members_serve(self) -> None:
        big = Team(id="big", members=("v0", "v1", "v2"), home_grid="g")
        small = Team(id="small", members=("v3", "v4"), home_grid="g")
        problem = self._problem([small, big])
        plan = solve(problem)
        assert broken_rules(problem, plan) == []
        assert [(t.project, t.team) for t in plan.teams] == [("p", "big")]
        on_team_shift = {a.volunteer for a in plan.assignments if a.shift == "s"}
        assert on_team_shift == {"v0", "v1", "v2"}
        assert all(a.team == "big" for a in plan.assignments if a.shift == "s")

    def test_team_under_the_minimum_staffs_nothing(self) -> None:
        problem = self._problem([Team(id="small", members=("v3", "v4"), home_grid="g")])
        plan = solve(problem)
        assert {a.shift for a in plan.assignments} == {"open"}
        assert reason(plan, "s") == UnfilledReason.TEAM_TOO_SMALL

    def test_no_team_at_all(self) -> None:
        plan = solve(self._problem([]))
        assert reason(plan, "s") == UnfilledReason.NO_TEAM

    def test_fixed_team_is_kept(self) -> None:
        big = Team(id="big", members=("v0", "v1", "v2"), home_grid="g")
        other = Team(id="other", members=("v3", "v4", "v5"), home_grid="g")
        problem = self._problem([big, other], fixed_teams={"p": "other"})
        plan = solve(problem)
        assert broken_rules(problem, plan) == []
        assert {a.volunteer for a in plan.assignments if a.shift == "s"} <= {"v3", "v4", "v5"}


class TestFixedAndDominance:
    def test_fixed_pair_is_kept_even_over_the_cap(self) -> None:
        shifts = [shift("s1", 0, 60), shift("s2", 200, 260)]
        plan = run(shifts, [person("a", cap_minutes=30)], fixed=frozenset({("a", "s2")}))
        assert staffed(plan) == {("a", "s2")}
        assert any("hour cap" in w for w in plan.warnings)
        assert plan.assignments[0].fixed

    def test_one_urgent_place_beats_many_ordinary_ones(self) -> None:
        long = shift("urgent", 0, 600, urgent=True)
        short = [shift(f"s{i}", 100 * i, 100 * i + 30) for i in range(5)]
        problem = Problem(shifts=(long, *short), volunteers=(person("a"),),
                          params=Params(travel_gap_minutes=0, relative_gap=0.0))
        plan = solve(problem)
        assert staffed(plan) == {("a", "urgent")}
        assert plan.status == SolveStatus.OPTIMAL

    def test_coverage_beats_distance_and_load(self) -> None:
        far = person("far", home_grid="x", minutes_this_year=10**6)
        problem = Problem(shifts=(shift("s"),), volunteers=(far,),
                          grid_positions={"g": (0, 0), "x": (9, 9)}, params=PARAMS)
        assert staffed(solve(problem)) == {("far", "s")}

    def test_pending_proposal_beats_a_closer_volunteer(self) -> None:
        people = (person("near"), person("far", home_grid="x"))
        problem = Problem(shifts=(shift("s"),), volunteers=people,
                          grid_positions={"g": (0, 0), "x": (5, 5)},
                          previous=frozenset({("far", "s")}), params=PARAMS)
        assert staffed(solve(problem)) == {("far", "s")}

    def test_closer_volunteer_wins_otherwise(self) -> None:
        people = (person("near"), person("far", home_grid="x"))
        problem = Problem(shifts=(shift("s"),), volunteers=people,
                          grid_positions={"g": (0, 0), "x": (5, 5)}, params=PARAMS)
        plan = solve(problem)
        assert staffed(plan) == {("near", "s")}
        assert "0 grid steps" in plan.assignments[0].explanation
