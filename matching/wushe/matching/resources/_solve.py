"""The orchestrator: eligibility, weights, greedy hint, CP-SAT (weighted or tier by tier), plan."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from wushe.matching.resources._eligibility import eligible_pairs, validate, warnings
from wushe.matching.resources._explain import allocations, unmet
from wushe.matching.resources._greedy import greedy_plan
from wushe.matching.resources._model import Expr, ResourceModel
from wushe.matching.resources._weights import SAFE_OBJECTIVE, Scale, derive_scale, tier_values
from wushe.matching.resources.plan import ResourcePlan, ResourceTiers, SolveStatus

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wushe.matching.resources._eligibility import Pair
    from wushe.matching.resources.problem import ResourceParams, ResourceProblem

__all__ = ["match_resources"]


@dataclass(slots=True)
class _Outcome:
    units: dict[int, int]  # pair index → units carried, for the used pairs
    bound: int  # a proven lower bound of the weighted objective
    solved: bool  # CP-SAT found a plan (else ``units`` is the greedy plan)


def match_resources(problem: ResourceProblem) -> ResourcePlan:
    """Match the offers to the requirements: all hard rules, then the four tiers in order.

    Args:
        problem: the offers, the requirements and the policy numbers.

    Returns:
        A plan that breaks no hard rule, with every requirement left short listed
        with the rule that bound; impossible cases are gaps in the plan, not errors.

    Raises:
        ValueError: malformed input (duplicate ids, empty intervals, quantity < 1).
    """
    started = time.perf_counter()
    validate(problem)
    pairs = eligible_pairs(problem)
    scale = derive_scale(problem, pairs)
    outcome = _optimise(problem, pairs, scale, started + problem.params.time_limit_s)
    tiers = tier_values(problem, pairs, outcome.units, scale.shortfall)
    objective = scale.weighted(tiers)
    bound = min(outcome.bound, objective)
    status = (SolveStatus.NO_SOLUTION_IN_TIME if not outcome.solved
              else SolveStatus.OPTIMAL if bound == objective else SolveStatus.FEASIBLE)
    return ResourcePlan(
        status=status, allocations=allocations(problem, pairs, outcome.units),
        unmet=unmet(problem, pairs, outcome.units), tiers=_tiers(tiers),
        objective=objective, bound=bound, gap=(objective - bound) / max(1, objective),
        seconds=time.perf_counter() - started, weights=scale.weights,
        shortfall_scale=scale.shortfall, stages=len(stages(scale)),
        eligible_pairs=len(pairs), warnings=warnings(problem),
    )


def stages(scale: Scale) -> list[tuple[int, ...]]:
    """The CP-SAT runs: the shortfall tiers together, then distance, then spread.

    The weighted optimum is the lexicographic one (each weight outweighs all lower
    tiers), so solving in stages changes no optimum; it lets the LP-tight shortfall
    tiers be proven at once, and a stop at the time limit leaves the gap in the
    lowest tiers only (spread is a fixed-charge problem, the slowest to prove).
    The shortfall stage runs tier by tier if its weighted objective could pass 2⁵³.
    """
    result: list[tuple[int, ...]] = []
    for group in ((0, 1), (2,), (3,)):
        low = scale.weights[group[-1]]
        if sum(scale.weights[k] // low * scale.maxima[k] for k in group) <= SAFE_OBJECTIVE:
            result.append(group)
        else:
            result += [(k,) for k in group]
    return result


def _optimise(
    problem: ResourceProblem, pairs: Sequence[Pair], scale: Scale, deadline: float
) -> _Outcome:
    greedy = greedy_plan(pairs)
    model = ResourceModel(problem, pairs, scale.shortfall)
    model.hint(greedy)
    outcome = _Outcome(greedy, 0, solved=False)
    plan_stages = stages(scale)
    proven = True  # every earlier stage was solved to optimality
    for n, tiers in enumerate(plan_stages):
        # W_k is a multiple of W_(k+1), so a stage's objective is Σ W_k / W_low × T_k.
        low = scale.weights[tiers[-1]]
        objective = sum(scale.weights[k] // low * model.tiers[k] for k in tiers)
        seconds = max(0.01, (deadline - time.perf_counter()) / (len(plan_stages) - n))
        solver = _solve(model.model, objective, problem.params, seconds)
        if solver is None:
            break
        value, stage_bound = round(solver.objective_value), round(solver.best_objective_bound)
        outcome.units, outcome.solved = model.solution(solver), True
        if proven:  # tiers ≥ 0, which the solver's bound may not know yet
            outcome.bound += low * max(0, min(value, stage_bound))
        proven = proven and stage_bound >= value
        model.model.add(objective <= value)  # later stages keep these tiers at their values
        model.hint(outcome.units)
    return outcome


def _solve(
    model: cp_model.CpModel, objective: Expr, params: ResourceParams, seconds: float
) -> cp_model.CpSolver | None:
    """One CP-SAT run; ``None`` when it found no plan in time."""
    model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    solver.parameters.relative_gap_limit = params.relative_gap
    # Several workers are deterministic only when their work is interleaved in fixed batches.
    solver.parameters.interleave_search = params.workers > 1
    status = solver.solve(model)
    if status in {cp_model.OPTIMAL, cp_model.FEASIBLE}:
        return solver
    if status == cp_model.UNKNOWN:
        return None
    raise RuntimeError(f"resource model is {solver.status_name(status)}: a bug, not the input")


def _tiers(values: Sequence[int]) -> ResourceTiers:
    priority, other, distance, spread = values
    return ResourceTiers(priority_shortfall=priority, other_shortfall=other, distance=distance,
                         spread=spread)
