"""The benchmark's instance generator: deterministic, exact sizes, well-formed, realistic."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.benchmarks.matching_instances import HORIZON, SKILLS, generate, replan_case
from wushe.matching.staffing.plan import (
    Assignment,
    Plan,
    SolveStatus,
    TeamAdoption,
    Tiers,
)

if TYPE_CHECKING:
    from wushe.matching.staffing.problem import Problem

sizes = given(volunteers=st.integers(100, 900), shifts=st.integers(10, 150),
              seed=st.integers(0, 10_000))
bounded = settings(max_examples=25, deadline=None)


@pytest.fixture(scope="module")
def small() -> Problem:
    return generate(500, 50, 1)


@pytest.fixture(scope="module")
def medium() -> Problem:
    return generate(5_000, 500, 1)


class TestDeterminism:
    def test_same_seed_same_instance(self) -> None:
        assert generate(600, 60, 7) == generate(600, 60, 7)

    def test_other_seed_other_instance(self) -> None:
        assert generate(600, 60, 7) != generate(600, 60, 8)


class TestShape:
    @bounded
    @sizes
    def test_sizes_are_exact_and_ids_unique(self, volunteers: int, shifts: int,
                                            seed: int) -> None:
        problem = generate(volunteers, shifts, seed)
        assert len(problem.volunteers) == volunteers
        assert len(problem.shifts) == shifts
        for ids in ([v.id for v in problem.volunteers], [s.id for s in problem.shifts],
                    [p.id for p in problem.projects], [t.id for t in problem.teams]):
            assert len(ids) == len(set(ids))

    @bounded
    @sizes
    def test_shifts_are_well_formed(self, volunteers: int, shifts: int, seed: int) -> None:
        problem = generate(volunteers, shifts, seed)
        projects = {p.id: p for p in problem.projects}
        for shift in problem.shifts:
            assert 1 <= shift.min_headcount <= shift.max_headcount <= shift.min_headcount + 3
            assert 0 <= shift.start < shift.end <= HORIZON
            assert 60 <= shift.minutes <= 180
            assert shift.start % 30 == 0
            assert shift.grid in problem.grid_positions
            assert shift.skills <= SKILLS.keys()
            if shift.home_visit:
                assert shift.min_headcount >= 2
                assert shift.resident is not None
                assert shift.vulnerable
            if shift.team_only:
                assert projects[shift.project_id].requires_team
                assert shift.min_headcount >= 5

    @bounded
    @sizes
    def test_windows_are_sorted_disjoint_and_inside_the_week(
            self, volunteers: int, shifts: int, seed: int) -> None:
        for volunteer in generate(volunteers, shifts, seed).volunteers:
            bounds = [t for w in volunteer.windows for t in (w.start, w.end)]
            assert bounds == sorted(bounds)
            assert all(w.start < w.end for w in volunteer.windows)
            assert all(a.end < b.start for a, b in zip(volunteer.windows,
                                                        volunteer.windows[1:], strict=False))
            assert not bounds or (bounds[0] >= 0 and bounds[-1] <= HORIZON)

    def test_references_resolve(self, medium: Problem) -> None:
        volunteers = {v.id for v in medium.volunteers}
        projects = {p.id for p in medium.projects}
        grids = medium.grid_positions.keys()
        assert {s.project_id for s in medium.shifts} == projects
        members = [m for t in medium.teams for m in t.members]
        assert set(members) <= volunteers
        assert len(members) == len(set(members))
        homes = ({v.home_grid for v in medium.volunteers} | {t.home_grid for t in medium.teams}
                 | {p.grid for p in medium.projects})
        assert homes <= grids

    def test_too_small_is_refused(self) -> None:
        with pytest.raises(ValueError, match="at least"):
            generate(50, 50, 1)


class TestRealism:
    @pytest.mark.parametrize("volunteers", [500, 5_000])
    def test_side_constraints_are_present(self, volunteers: int) -> None:
        problem = generate(volunteers, volunteers // 10, 2)
        shifts = problem.shifts
        assert sum(s.home_visit for s in shifts) >= 2
        assert sum(s.urgent for s in shifts) >= 2
        assert sum(s.team_only for s in shifts) >= 2
        assert sum(p.requires_team for p in problem.projects) >= 2
        assert len(problem.teams) >= 5
        assert all(5 <= len(t.members) <= 20 for t in problem.teams)
        assert any(t.organisation for t in problem.teams)
        assert 5 <= len(problem.grid_positions) <= 15

    def test_shares_of_shift_kinds(self, medium: Problem) -> None:
        shifts = medium.shifts
        assert 0.13 <= sum(s.home_visit for s in shifts) / len(shifts) <= 0.17
        assert 0.08 <= sum(s.urgent for s in shifts) / len(shifts) <= 0.12
        assert not any(s.urgent for s in shifts if s.team_only)

    def test_volunteers(self, medium: Problem) -> None:
        people = medium.volunteers
        active = [v for v in people if v.windows]
        assert 0.2 <= len(active) / len(people) <= 0.4
        assert sum(len(v.skills) <= 2 for v in people) / len(people) >= 0.9
        assert all(240 <= v.cap_minutes <= 720 for v in people)
        assert max(v.minutes_this_year for v in people) > 10 * min(
            v.minutes_this_year for v in people if v.minutes_this_year)
        assert any(v.visited_residents for v in people)
        assert any(v.preferred_categories for v in people)
        assert any(v.organisations for v in people)

    def test_every_time_of_week_is_used(self, small: Problem) -> None:
        hours = {(s.start % 1440) // 60 for s in small.shifts}
        days = {s.start // 1440 for s in small.shifts}
        assert days & {5, 6}
        assert days & {0, 1, 2, 3, 4}
        assert hours & set(range(8, 17))
        assert hours & set(range(18, 21))


def _plan(problem: Problem) -> Plan:
    """A made-up plan: the first eligible volunteer on every shift, the first team adopted."""
    assignments = []
    for shift in problem.shifts:
        for v in problem.volunteers:
            if shift.skills <= v.skills and v.available(shift.start, shift.end):
                assignments.append(Assignment(
                    volunteer=v.id, shift=shift.id, fixed=False, skills=(), distance=0,
                    visited_before=False, load=1, minutes_this_year=0, team=None,
                    explanation=""))
                break
    project = next(p for p in problem.projects if p.requires_team)
    adoption = TeamAdoption(project=project.id, team=problem.teams[0].id, members_free=5,
                            distance=0, explanation="")
    return Plan(status=SolveStatus.FEASIBLE, assignments=tuple(assignments), teams=(adoption,),
                unfilled=(), tiers=Tiers(0, 0, 0, 0, 0), objective=0, bound=0, gap=0.0,
                seconds=0.0, first_plan_seconds=0.0, target_gap_seconds=0.0, eligible_pairs=0)


class TestReplanCase:
    def test_one_decline_most_fixed_rest_pending(self, small: Problem) -> None:
        plan = _plan(small)
        case = replan_case(small, plan)
        pairs = {(a.volunteer, a.shift) for a in plan.assignments}
        assert len(case.declined) == 1
        assert case.fixed | case.previous | case.declined == pairs
        assert not case.fixed & case.previous
        assert not (case.fixed | case.previous) & case.declined
        assert len(case.fixed) > len(case.previous) > 0
        assert case.fixed_teams == {plan.teams[0].project: plan.teams[0].team}
        assert case.shifts == small.shifts
        assert case.volunteers == small.volunteers

    def test_declines_an_ordinary_shift(self, small: Problem) -> None:
        by_id = {s.id: s for s in small.shifts}
        for seed in range(10):
            ((_, shift),) = replan_case(small, _plan(small), seed).declined
            assert not by_id[shift].home_visit
            assert not by_id[shift].team_only

    def test_deterministic(self, small: Problem) -> None:
        plan = _plan(small)
        assert replan_case(small, plan) == replan_case(small, plan)
