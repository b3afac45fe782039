"""The bulk (numpy) steps against their plain definitions, and the flow's proven scope."""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.matching.conftest import broken_rules, brute_force, tiny_problems
from wushe.matching.staffing import Params, Problem, SolveStatus, solve
from wushe.matching.staffing.capacity import _count_cap, _stabbing, capacities
from wushe.matching.staffing.eligibility import eligible_pairs
from wushe.matching.staffing.evaluate import counted_organisations
from wushe.matching.staffing.flow import relax
from wushe.matching.staffing.instance import Instance
from wushe.matching.staffing.weights import stage_weights, weights_for

if TYPE_CHECKING:
    from collections.abc import Sequence

# -- reference versions (plain Python) the bulk ones are checked against -------------


def stabbing_blocks(spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Partition span positions into blocks whose spans share a point (greedy stabbing).

    The greedy picks the fewest points, so this is a minimum clique cover: each
    block can hold at most one shift of a volunteer.
    """
    order = sorted(range(len(spans)), key=lambda i: spans[i][1])
    points: list[int] = []
    for i in order:
        start, end = spans[i]
        if not points or start > points[-1]:
            points.append(end - 1)
    blocks: list[list[int]] = [[] for _ in points]
    for i, (start, _) in enumerate(spans):
        blocks[bisect_left(points, start)].append(i)
    return blocks


def count_cap(minutes: Sequence[int], room: int) -> int:
    """The most shifts of these lengths that fit in ``room`` minutes."""
    count = 0
    for length in sorted(minutes):
        if length > room:
            break
        room -= length
        count += 1
    return count


spans = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 50), st.integers(1, 30)),
                 max_size=30)


@settings(max_examples=100, deadline=None)
@given(spans)
def test_bulk_stabbing_is_each_owners_greedy_cover(rows: list[tuple[int, int, int]]) -> None:
    owner = np.array([r[0] for r in rows], dtype=np.int64)
    start = np.array([r[1] for r in rows], dtype=np.int64)
    end = start + np.array([r[2] for r in rows], dtype=np.int64)
    block, count = _stabbing(owner, start, end)
    expected = 0
    for who in set(owner.tolist()):
        mine = np.flatnonzero(owner == who)
        blocks = stabbing_blocks([(int(start[i]), int(end[i])) for i in mine])
        expected += len(blocks)
        assert sorted(sorted(mine[b].tolist()) for b in blocks) == sorted(
            sorted(np.flatnonzero(block == k).tolist()) for k in set(block[mine].tolist()))
    assert count == expected


@settings(max_examples=100, deadline=None)
@given(spans, st.lists(st.integers(-10, 60), min_size=3, max_size=3))
def test_bulk_count_cap_is_shortest_first(rows: list[tuple[int, int, int]],
                                          rooms: list[int]) -> None:
    owner = np.array([r[0] for r in rows], dtype=np.int64)
    minutes = np.array([r[2] for r in rows], dtype=np.int64)
    found = _count_cap(owner, minutes, np.array(rooms, dtype=np.int64)).tolist()
    assert found == [count_cap([r[2] for r in rows if r[0] == v], rooms[v]) if
                     any(r[0] == v for r in rows) else 0 for v in range(3)]


@settings(max_examples=100, deadline=None)
@given(tiny_problems())
def test_reduced_costs_never_rule_out_an_optimal_pair(problem: Problem) -> None:
    """A pair is ruled out when bound + reduced cost ≥ a plan's value: so with the optimum's
    value nothing in an optimal plan is ruled out below it, and bound ≤ optimum."""
    instance = Instance.of(problem)
    pairs = eligible_pairs(instance)
    capacity = capacities(instance, pairs)
    weights = weights_for(instance, pairs, capacity, counted_organisations(instance, pairs))
    every = stage_weights(weights.bounds, (0, 1, 2, 3, 4))
    flow = relax(instance, pairs, capacity, every)
    assert flow is not None
    assert flow.reduced is not None
    assert (flow.reduced >= 0).all()
    optimum = sum(every[t] * value for t, value in enumerate(brute_force(problem)))
    plan = solve(problem)
    used = {(pairs.volunteer[p], pairs.shift[p]): p for p in range(len(pairs))}
    at_v, at_s = instance.volunteer_at, instance.shift_at
    for a in plan.assignments:
        p = used[at_v[a.volunteer], at_s[a.shift]]
        assert flow.bound + int(flow.reduced[p]) <= optimum


@settings(max_examples=100, deadline=None)
@given(tiny_problems())
def test_proven_scope_keeps_the_brute_force_optimum(problem: Problem) -> None:
    params = Params(**{**{f: getattr(problem.params, f) for f in problem.params.__struct_fields__},
                       "full_model_pairs": 0, "proven_scope_pairs": 10**6})
    problem = Problem(**{**{f: getattr(problem, f) for f in problem.__struct_fields__},
                         "params": params})
    plan = solve(problem)
    assert broken_rules(problem, plan) == []
    assert plan.status == SolveStatus.OPTIMAL
    if plan.bound < plan.objective or plan.target_gap_seconds is None:
        raise AssertionError(plan)
    tiers = plan.tiers
    assert (tiers.priority_shortfall, tiers.other_shortfall, tiers.changes, tiers.quality,
            tiers.fairness) == brute_force(problem)
