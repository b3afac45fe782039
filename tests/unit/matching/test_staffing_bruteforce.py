"""The solver's plan is the lexicographic optimum found by enumerating every plan."""

from __future__ import annotations

from hypothesis import given, settings

from tests.unit.matching.conftest import (
    broken_rules,
    brute_force,
    tiers_by_definition,
    tiny_problems,
)
from wushe.matching.staffing import Problem, SolveStatus, solve
from wushe.matching.staffing.capacity import capacities
from wushe.matching.staffing.eligibility import eligible_pairs
from wushe.matching.staffing.evaluate import counted_organisations
from wushe.matching.staffing.flow import relax
from wushe.matching.staffing.instance import Instance
from wushe.matching.staffing.weights import stage_weights, weights_for


def _tiers(plan_tiers: object) -> tuple[int, ...]:
    return tuple(getattr(plan_tiers, f) for f in ("priority_shortfall", "other_shortfall",
                                                  "changes", "quality", "fairness"))


@settings(max_examples=200, deadline=None)
@given(tiny_problems())
def test_plan_is_the_brute_force_optimum(problem: Problem) -> None:
    plan = solve(problem)
    assert broken_rules(problem, plan) == []
    assert plan.status == SolveStatus.OPTIMAL
    planned = {(a.volunteer, a.shift) for a in plan.assignments}
    adopted = {t.project: t.team for t in plan.teams}
    assert _tiers(plan.tiers) == tiers_by_definition(problem, planned, adopted)
    assert _tiers(plan.tiers) == brute_force(problem)


@settings(max_examples=150, deadline=None)
@given(tiny_problems())
def test_flow_bound_never_exceeds_the_optimum(problem: Problem) -> None:
    instance = Instance.of(problem)
    pairs = eligible_pairs(instance)
    capacity = capacities(instance, pairs)
    weights = weights_for(instance, pairs, capacity, counted_organisations(instance, pairs))
    every = stage_weights(weights.bounds, (0, 1, 2, 3, 4))
    flow = relax(instance, pairs, capacity, every)
    assert flow is not None
    optimum = sum(every[t] * value for t, value in enumerate(brute_force(problem)))
    assert flow.bound <= optimum
