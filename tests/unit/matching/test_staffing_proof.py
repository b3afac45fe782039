"""What the bound proves tier by tier, the stopping rule, and team choice in the repair."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from tests.unit.matching.conftest import broken_rules, brute_force, tiny_problems
from wushe.matching.staffing import (
    Params,
    Plan,
    Problem,
    Project,
    Shift,
    Team,
    Volunteer,
    Window,
    solve,
)
from wushe.matching.staffing import weights as weights_module
from wushe.matching.staffing.capacity import capacities
from wushe.matching.staffing.eligibility import eligible_pairs
from wushe.matching.staffing.evaluate import counted_organisations, tiers_of
from wushe.matching.staffing.flow import relax
from wushe.matching.staffing.instance import Instance
from wushe.matching.staffing.proof import Proof, floors, lower_gap, settled
from wushe.matching.staffing.repair import repair
from wushe.matching.staffing.weights import stage_weights, weights_for


def _tiers(plan: Plan) -> tuple[int, ...]:
    t = plan.tiers
    return (t.priority_shortfall, t.other_shortfall, t.changes, t.quality, t.fairness)


def _bounds(plan: Plan) -> tuple[int, ...]:
    t = plan.tier_bounds
    assert t is not None
    return (t.priority_shortfall, t.other_shortfall, t.changes, t.quality, t.fairness)


# -- the arithmetic -------------------------------------------------------------------

WEIGHTS = {0: 1000, 1: 100, 2: 10, 3: 1}  # proper: each above the most of all below (9·…)


def test_floors_split_a_value_into_its_tiers() -> None:
    assert floors(WEIGHTS, 2345) == {0: 2, 1: 3, 2: 4, 3: 5}
    assert floors(WEIGHTS, -7) == {0: 0, 1: 0, 2: 0, 3: 0}


def test_coverage_must_be_proven_before_the_gap_counts() -> None:
    # 1 other place open (3 vs floor 2): a tiny weighted gap, yet not settled
    assert (2345 - 2299) / 2345 < 0.03
    assert lower_gap(WEIGHTS, 2345, 2299) is None
    assert not settled(WEIGHTS, 2345, 2299, 0.5)
    # coverage proven (2, 3): the rest 45 against 40 is an 11 % gap
    assert lower_gap(WEIGHTS, 2345, 2340) == 5 / 45
    assert settled(WEIGHTS, 2345, 2340, 0.12)
    assert not settled(WEIGHTS, 2345, 2340, 0.1)


def test_proof_counts_leading_tiers_and_open_places() -> None:
    proof = Proof((2, 1, 0, 0, 0), (2, 3, 0, 9, 9))
    assert (proof.proven, proof.coverage_proven, proof.coverage_gap_places) == (1, False, 2)
    proof = proof.raised((2, 3, 0, 5, 0))
    assert (proof.proven, proof.coverage_proven, proof.coverage_gap_places) == (3, True, 0)


# -- against the brute force ------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(tiny_problems(gap=0.5))
def test_proven_tiers_agree_with_the_brute_force(problem: Problem) -> None:
    plan = solve(problem)
    best = brute_force(problem)
    assert broken_rules(problem, plan) == []
    assert _bounds(plan) <= best  # a lexicographic lower bound of the optimum
    assert _tiers(plan)[:plan.proven_tiers] == best[:plan.proven_tiers]
    assert plan.coverage_proven == (plan.proven_tiers >= 2)
    if plan.coverage_proven:
        assert plan.coverage_gap_places == 0
        assert plan.lower_gap is not None


@settings(max_examples=60, deadline=None)
@given(tiny_problems(gap=1.0))
def test_never_stops_with_unproven_coverage_while_time_remains(problem: Problem) -> None:
    """A 100 % gap would have stopped the weighted rule at the first plan."""
    plan = solve(problem)
    assert plan.seconds < problem.params.time_limit_s
    assert plan.coverage_proven
    assert _tiers(plan)[:2] == brute_force(problem)[:2]
    assert plan.target_gap_seconds is not None


# -- team choice in the repair ------------------------------------------------------------


def _team_case() -> Problem:
    """Team A (near, 3 members) can staff s1 or s2 (same hour) and s3: 6 places. Team B
    (far, 6 members) staffs all three: 9. The flow takes the cheap A members wherever a
    block allows, so A holds most of its pairs."""
    day = (Window(0, 24 * 60),)
    near = [Volunteer(id=f"a{i}", windows=day, home_grid="g0", cap_minutes=600)
            for i in range(3)]
    far = [Volunteer(id=f"b{i}", windows=day, home_grid="g5", cap_minutes=600)
           for i in range(6)]
    shifts = tuple(Shift(id=f"s{i}", project_id="p", start=start, end=start + 60, grid="g0",
                         category="care", min_headcount=3, max_headcount=3, team_only=True)
                   for i, start in ((1, 60), (2, 60), (3, 300)))
    return Problem(
        shifts=shifts, volunteers=(*near, *far),
        teams=(Team(id="A", members=tuple(v.id for v in near), home_grid="g0"),
               Team(id="B", members=tuple(v.id for v in far), home_grid="g5")),
        projects=(Project(id="p", grid="g0", requires_team=True),),
        grid_positions={"g0": (0, 0), "g5": (5, 0)},
        params=Params(team_slot_min=3, time_limit_s=5, workers=1))


def test_repair_adopts_the_team_that_staffs_most_not_the_flows_majority() -> None:
    problem = _team_case()
    instance = Instance.of(problem)
    pairs = eligible_pairs(instance)
    capacity = capacities(instance, pairs)
    organisations = counted_organisations(instance, pairs)
    weights = weights_for(instance, pairs, capacity, organisations)
    flow = relax(instance, pairs, capacity, stage_weights(weights.bounds, (0, 1, 2, 3, 4)))
    assert flow is not None
    members = [instance.volunteers[pairs.volunteer[p]].id[0] for p in flow.selection.pairs]
    assert members.count("a") > members.count("b")  # the flow's majority is team A
    repaired = repair(instance, pairs, flow.selection)
    assert repaired.teams == {"p": instance.team_at["B"]}
    assert tiers_of(instance, pairs, repaired, organisations).other_shortfall == 0
    plan = solve(problem)
    assert broken_rules(problem, plan) == []
    assert [t.team for t in plan.teams] == ["B"]
    assert plan.tiers.other_shortfall == 0
    assert plan.coverage_proven


@settings(max_examples=25, deadline=None)
@given(tiny_problems(most_volunteers=3, most_shifts=3, gap=0.5))
def test_lexicographic_solve_reports_what_is_proven(problem: Problem) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weights_module, "SAFE_LIMIT", 50)  # one stage per tier or so
        plan = solve(problem)
    best = brute_force(problem)
    assert plan.bound <= plan.objective
    assert _bounds(plan) <= best
    assert _tiers(plan)[:plan.proven_tiers] == best[:plan.proven_tiers]
    assert plan.coverage_proven
