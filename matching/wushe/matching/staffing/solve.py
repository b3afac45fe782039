"""The staffing solve: eligibility → weights → flow → repair → CP-SAT → explained plan."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from wushe.matching.staffing.capacity import Capacities, capacities
from wushe.matching.staffing.check import violations
from wushe.matching.staffing.eligibility import Pairs, eligible_pairs
from wushe.matching.staffing.evaluate import (
    Organisation,
    Selection,
    counted_organisations,
    tiers_of,
)
from wushe.matching.staffing.explain import explain
from wushe.matching.staffing.flow import FlowResult, relax
from wushe.matching.staffing.instance import Instance
from wushe.matching.staffing.model import build_model
from wushe.matching.staffing.objective import tier_terms
from wushe.matching.staffing.plan import Plan, SolveStatus, Tiers
from wushe.matching.staffing.repair import repair
from wushe.matching.staffing.scope import neighbourhood, proven_scope
from wushe.matching.staffing.search import Progress, run
from wushe.matching.staffing.weights import Weights, stage_weights, weights_for

if TYPE_CHECKING:
    from wushe.matching.staffing.objective import Term
    from wushe.matching.staffing.problem import Problem

__all__ = ["solve"]


@dataclass(slots=True)
class _Solve:
    """The state of one solve, shared by its steps."""

    instance: Instance
    pairs: Pairs
    capacity: Capacities
    organisations: list[Organisation]
    weights: Weights
    progress: Progress
    best: Selection
    value: tuple[int, ...]  # stage values of the best plan, highest stage first
    bound: int = 0  # proven bound of the last stage's objective
    flow_plans: list[Selection] = field(default_factory=list)
    flow: FlowResult | None = None
    cp_found: bool = False
    full: tuple[int, int] | None = None  # weighted objective and bound, when settled by the flow
    cp_ran: bool = False
    warnings: list[str] = field(default_factory=list)

    def tiers(self, selection: Selection) -> Tiers:
        return tiers_of(self.instance, self.pairs, selection, self.organisations)

    def values(self, selection: Selection) -> tuple[int, ...]:
        tiers = _tier_tuple(self.tiers(selection))
        return tuple(
            sum(w * tiers[t] for t, w in stage_weights(self.weights.bounds, stage).items())
            for stage in self.weights.stages
        )

    def offer(self, selection: Selection) -> None:
        """Keep a plan if it is better, stage by stage."""
        value = self.values(selection)
        if value < self.value:
            self.best, self.value = selection, value

    def objective_and_bound(self) -> tuple[int, int]:
        return self.full if self.full is not None else (self.value[-1], self.bound)

    def gap(self) -> float:
        objective, bound = self.objective_and_bound()
        return (objective - bound) / max(1, objective)

    def remaining(self) -> float:
        return self.instance.params.time_limit_s - self.progress.now()


def _tier_tuple(tiers: Tiers) -> tuple[int, int, int, int, int]:
    return (tiers.priority_shortfall, tiers.other_shortfall, tiers.changes, tiers.quality,
            tiers.fairness)


def solve(problem: Problem) -> Plan:
    """Staff the problem's shifts: the best plan found, its tiers, proven bound and reasons.

    Args:
        problem: shifts, volunteers, teams and the solve's parameters.

    Returns:
        A plan; never an error for an unstaffable problem: its gaps are listed instead.
    """
    progress = Progress(time.perf_counter())
    instance = Instance.of(problem)
    pairs = eligible_pairs(instance)
    capacity = capacities(instance, pairs)
    organisations = counted_organisations(instance, pairs)
    weights = weights_for(instance, pairs, capacity, organisations)
    state = _Solve(instance, pairs, capacity, organisations, weights, progress,
                   _empty(instance, pairs), ())
    state.value = state.values(state.best)
    state.warnings += pairs.warnings
    if problem.params.use_flow:
        _relaxation(state)
    if progress.target_gap is None:
        _constraint_search(state)
    return _plan(state)


def _empty(instance: Instance, pairs: Pairs) -> Selection:
    """The plan with only what is fixed: always valid (every requirement is soft)."""
    teams = {project: teams[0] for project, teams in instance.candidate_teams.items()
             if project in instance.problem.fixed_teams and teams}
    return Selection({p for p in range(len(pairs)) if pairs.fixed[p]}, teams)


def _relaxation(state: _Solve) -> None:
    """Pipeline step 2: the flow's bound, and its plan repaired as the first plan."""
    every = stage_weights(state.weights.bounds, (0, 1, 2, 3, 4))
    flow = relax(state.instance, state.pairs, state.capacity, every)
    if flow is None:
        state.warnings.append("the flow relaxation failed: no bound, no hint")
        return
    repaired = repair(state.instance, state.pairs, flow.selection)
    state.flow_plans = [flow.selection, repaired]
    state.flow = flow
    state.offer(repaired)
    state.progress.plan_found()
    if not state.weights.lexicographic:
        state.bound = min(flow.bound, state.value[-1])
        if state.gap() <= state.instance.params.relative_gap:
            state.progress.gap_reached()
        return
    # Too wide for CP-SAT in one stage, but exact in Python: when the flow already proves
    # the repaired plan within the gap, no stage is needed and the objective is the full one.
    objective = sum(every[t] * v for t, v in enumerate(_tier_tuple(state.tiers(repaired))))
    if (objective - flow.bound) / max(1, objective) <= state.instance.params.relative_gap:
        state.full = (objective, min(flow.bound, objective))
        state.progress.gap_reached()


def _constraint_search(state: _Solve) -> None:
    """Pipeline step 3: CP-SAT, stage by stage when the weights would overflow."""
    params = state.instance.params
    full = not state.flow_plans or len(state.pairs) <= params.full_model_pairs
    scope = list(range(len(state.pairs))) if full else _proven(state)
    if scope is not None and not full:
        full = True
        state.warnings.append(
            f"CP-SAT saw {len(scope)} of {len(state.pairs)} pairs: the others' reduced costs"
            " in the flow prove them out of any better plan")
    if scope is None:
        scope = neighbourhood(state.pairs, state.flow_plans, params.neighbourhood)
        state.warnings.append(
            f"CP-SAT saw {len(scope)} of {len(state.pairs)} pairs (the flow's neighbourhood);"
            " the bound is the flow's, over all pairs")
    for strict in (True, False):
        if _stages(state, scope, strict=strict, full=full):
            return
        state.warnings.append("fixed pairs leave a home visit or team slot short of its "
                              "minimum and nobody can join them: the rule is waived there")


def _proven(state: _Solve) -> list[int] | None:
    """The proven scope, when one weighted stage is solved and it is small enough."""
    if state.flow is None or state.weights.lexicographic:
        return None
    scope = proven_scope(state.pairs, state.flow, state.value[-1], state.flow_plans)
    if scope is None or len(scope) > state.instance.params.proven_scope_pairs:
        return None
    return scope


def _stages(state: _Solve, scope: list[int], *, strict: bool, full: bool) -> bool:
    """Optimise each stage in turn; False when the strict model proved infeasible."""
    built = build_model(state.instance, state.pairs, state.capacity, scope, strict=strict)
    terms = tier_terms(built, state.organisations)
    stages = state.weights.stages
    for i, stage in enumerate(stages):
        last = i == len(stages) - 1
        expression = _stage_expression(state, terms, stage)
        built.model.minimize(expression)
        if last and not state.weights.lexicographic and state.flow_plans:
            built.model.add(expression >= state.bound)
        if state.flow_plans or i > 0:
            built.hint(state.best)
        seconds = state.remaining() / (len(stages) - i)
        gap = state.instance.params.relative_gap if last else 0.0
        state.cp_ran = True
        outcome = run(built, state.instance.params, state.progress, seconds=seconds, gap=gap,
                      bound=state.bound if state.flow_plans and last else None, full=full)
        if outcome.status == cp_model.INFEASIBLE:
            return False
        if outcome.selection is not None:
            state.cp_found = True
            state.offer(outcome.selection)
        if last:
            cp_bound = math.ceil(outcome.bound - 1e-6) if full else state.bound
            state.bound = min(state.value[-1], max(state.bound, cp_bound))
        else:
            built.model.add(expression <= state.value[i])
    return True


def _stage_expression(state: _Solve, terms: list[Term],
                      stage: tuple[int, ...]) -> cp_model.LinearExpr:
    weights = stage_weights(state.weights.bounds, stage)
    expression: cp_model.LinearExpr = cp_model.LinearExpr.sum(
        [terms[tier].expression(weight) for tier, weight in weights.items()])
    return expression


def _status(state: _Solve) -> SolveStatus:
    if state.cp_ran and not state.cp_found:
        return SolveStatus.NO_SOLUTION_IN_TIME
    objective, bound = state.objective_and_bound()
    return SolveStatus.OPTIMAL if objective == bound else SolveStatus.FEASIBLE


def _plan(state: _Solve) -> Plan:
    progress = state.progress
    if state.gap() <= state.instance.params.relative_gap:
        progress.gap_reached()
    warnings = list(state.warnings)
    warnings += violations(state.instance, state.pairs, state.best)
    if state.weights.lexicographic and state.full is None:
        warnings.append("solved lexicographically (the weighted objective would exceed 2**53):"
                        " objective, bound and gap are those of the last stage")
    assignments, teams, unfilled = explain(state.instance, state.pairs, state.best)
    return Plan(
        status=_status(state),
        assignments=assignments,
        teams=teams,
        unfilled=unfilled,
        tiers=state.tiers(state.best),
        objective=state.objective_and_bound()[0],
        bound=state.objective_and_bound()[1],
        gap=state.gap(),
        seconds=progress.now(),
        first_plan_seconds=progress.first_plan if progress.first_plan is not None
        else progress.now(),
        target_gap_seconds=progress.target_gap,
        eligible_pairs=len(state.pairs),
        warnings=tuple(warnings),
    )
