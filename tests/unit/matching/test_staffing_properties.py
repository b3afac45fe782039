"""Invariants on random instances: valid plans, re-plans, determinism, lexicographic mode."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.unit.matching.conftest import (
    broken_rules,
    brute_force,
    generate,
    tiers_by_definition,
    tiny_problems,
)
from wushe.matching.staffing import Params, Plan, Problem, solve
from wushe.matching.staffing import weights as weights_module


def _tiers(plan: Plan) -> tuple[int, ...]:
    t = plan.tiers
    return (t.priority_shortfall, t.other_shortfall, t.changes, t.quality, t.fairness)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 60), st.integers(3, 15), st.booleans())
def test_every_plan_keeps_every_hard_rule(seed: int, volunteers: int, shifts: int,
                                          flow: bool) -> None:
    problem = generate(volunteers, shifts, seed,
                       params=Params(time_limit_s=2, use_flow=flow, team_slot_min=2))
    plan = solve(problem)
    assert broken_rules(problem, plan) == []
    assert plan.bound <= plan.objective
    planned = {(a.volunteer, a.shift) for a in plan.assignments}
    adopted = {t.project: t.team for t in plan.teams}
    assert _tiers(plan) == tiers_by_definition(problem, planned, adopted)
    short = {s.id: s.min_headcount - sum(1 for v, x in planned if x == s.id)
             for s in problem.shifts}
    unfilled = {u.shift: u.shortfall for u in plan.unfilled}
    assert unfilled == {k: v for k, v in short.items() if v > 0}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(tiny_problems(), st.data())
def test_replan_keeps_fixed_drops_declined_and_keeps_pending(problem: Problem,
                                                             data: st.DataObject) -> None:
    first = solve(problem)
    pairs = sorted((a.volunteer, a.shift) for a in first.assignments)
    assume(pairs)
    declined = data.draw(st.sampled_from(pairs))
    rest = [p for p in pairs if p != declined]
    fixed = frozenset(data.draw(st.lists(st.sampled_from(rest), unique=True)) if rest else [])
    replan = msgspec.structs.replace(
        problem, fixed=fixed, previous=frozenset(rest) - fixed,
        declined=problem.declined | {declined},
        fixed_teams={t.project: t.team for t in first.teams})
    plan = solve(replan)
    planned = {(a.volunteer, a.shift) for a in plan.assignments}
    assert fixed <= planned
    assert declined not in planned
    # only a shift whose fixed people lost their partner may break a rule, and it is reported
    fixed_shifts = {s for _, s in fixed}
    for broken in broken_rules(replan, plan):
        kind, shift_id = broken.rsplit(" ", 1)
        assert kind in {"pair rule", "team slot"}
        assert shift_id in fixed_shifts
        assert any(shift_id in warning for warning in plan.warnings)
    # the old plan without the declined pair, when still valid, is never better
    old = set(rest)
    if not broken_rules(replan, _as_plan(first, old)):
        adopted = {t.project: t.team for t in first.teams}
        assert _tiers(plan) <= tiers_by_definition(replan, old, adopted)


def _as_plan(plan: Plan, pairs: set[tuple[str, str]]) -> Plan:
    kept = tuple(a for a in plan.assignments if (a.volunteer, a.shift) in pairs)
    return msgspec.structs.replace(plan, assignments=kept)


@settings(max_examples=25, deadline=None)
@given(tiny_problems(most_volunteers=3, most_shifts=3))
def test_lexicographic_stages_reach_the_same_optimum(problem: Problem) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weights_module, "SAFE_LIMIT", 50)  # forces one stage per tier or so
        plan = solve(problem)
    assert broken_rules(problem, plan) == []
    assert _tiers(plan) == brute_force(problem)


@pytest.mark.parametrize("workers", [1, 2])
def test_same_problem_and_seed_give_the_same_plan(workers: int) -> None:
    params = Params(time_limit_s=3, workers=workers, seed=7, use_flow=False)
    problem = generate(150, 25, seed=3, params=params)
    first, second = solve(problem), solve(problem)
    assert first.assignments == second.assignments
    assert first.teams == second.teams
    assert first.tiers == second.tiers


def test_medium_instance_reaches_the_target_gap_quickly() -> None:
    problem = generate(500, 50, seed=1, params=Params(time_limit_s=5))
    plan = solve(problem)
    assert broken_rules(problem, plan) == []
    assert plan.gap <= 0.01
    assert plan.seconds < 5
