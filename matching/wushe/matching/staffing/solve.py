"""The staffing solve: eligibility → weights → flow → repair → CP-SAT → explained plan."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from wushe.matching.staffing.capacity import Capacities, capacities
from wushe.matching.staffing.eligibility import Pairs, eligible_pairs
from wushe.matching.staffing.evaluate import (
    Organisation,
    Selection,
    counted_organisations,
    tiers_of,
)
from wushe.matching.staffing.flow import FlowResult, relax
from wushe.matching.staffing.improve import improve
from wushe.matching.staffing.instance import Instance
from wushe.matching.staffing.model import StaffingModel, build_model
from wushe.matching.staffing.objective import tier_terms
from wushe.matching.staffing.proof import COVERAGE, TIERS, Proof, floors, settled
from wushe.matching.staffing.repair import repair
from wushe.matching.staffing.report import plan_of
from wushe.matching.staffing.scope import neighbourhood, proven_scope
from wushe.matching.staffing.search import Progress, run
from wushe.matching.staffing.weights import Weights, stage_weights, weights_for

if TYPE_CHECKING:
    from wushe.matching.staffing.objective import Term
    from wushe.matching.staffing.plan import Plan, Tiers
    from wushe.matching.staffing.problem import Problem

__all__ = ["solve"]

COVERAGE_SHARE = 0.6  # of the time left, for the coverage stage when more stages follow


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
    stages: tuple[tuple[int, ...], ...]  # the tiers CP-SAT optimises in turn
    value: tuple[int, ...]  # stage values of the best plan, highest stage first
    # a lexicographic lower bound of the best plan's tiers (docs: What the gap says)
    floors: tuple[int, ...] = (0,) * TIERS
    flow_plans: list[Selection] = field(default_factory=list)
    flow: FlowResult | None = None
    cp_found: bool = False
    cp_ran: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def every(self) -> dict[int, int]:
        """The weights of all tiers, exact integers (beyond 2**53 when lexicographic)."""
        return stage_weights(self.weights.bounds, tuple(range(TIERS)))

    def tiers(self, selection: Selection) -> Tiers:
        return tiers_of(self.instance, self.pairs, selection, self.organisations)

    def tier_values(self, selection: Selection) -> tuple[int, ...]:
        return _tier_tuple(self.tiers(selection))

    def values(self, selection: Selection) -> tuple[int, ...]:
        tiers = self.tier_values(selection)
        return tuple(
            sum(w * tiers[t] for t, w in stage_weights(self.weights.bounds, stage).items())
            for stage in self.stages
        )

    def weighted(self, selection: Selection) -> int:
        tiers = self.tier_values(selection)
        return sum(w * tiers[t] for t, w in self.every.items())

    def offer(self, selection: Selection) -> None:
        """Keep a plan if it is better, stage by stage."""
        value = self.values(selection)
        if value < self.value:
            self.best, self.value = selection, value

    def proof(self) -> Proof:
        return Proof(self.floors, self.tier_values(self.best))

    def raise_floors(self, stage: tuple[int, ...], bound: int) -> None:
        """Floors from a proven bound of a stage's objective over the plans whose tiers
        above the stage are optimal: only once those tiers are proven."""
        first = stage[0]
        proof = self.proof()
        if proof.proven < first:
            return
        below = floors(stage_weights(self.weights.bounds, stage), bound)
        found = proof.tiers[:first] + tuple(below[t] for t in stage)
        self.floors = max(self.floors, found + (0,) * (TIERS - len(found)))

    def stage_bound(self, stage: tuple[int, ...]) -> int:
        """The stage's objective at the floors: a bound once the tiers above are proven."""
        if self.proof().proven < stage[0]:
            return 0
        return sum(w * self.floors[t]
                   for t, w in stage_weights(self.weights.bounds, stage).items())

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
                   _empty(instance, pairs), _solve_stages(weights), ())
    state.value = state.values(state.best)
    state.warnings += pairs.warnings
    if problem.params.use_flow:
        _relaxation(state)
    if progress.target_gap is None:
        _constraint_search(state)
    return _plan(state)


def _solve_stages(weights: Weights) -> tuple[tuple[int, ...], ...]:
    """Coverage on its own first (small weights: CP-SAT proves it far sooner than inside
    the whole weighted objective), then the rest as the weights allow."""
    first, *rest = weights.stages
    head = tuple(t for t in first if t < COVERAGE)
    tail = tuple(t for t in first if t >= COVERAGE)
    return tuple(stage for stage in (head, tail, *rest) if stage)


def _empty(instance: Instance, pairs: Pairs) -> Selection:
    """The plan with only what is fixed: always valid (every requirement is soft)."""
    teams = {project: teams[0] for project, teams in instance.candidate_teams.items()
             if project in instance.problem.fixed_teams and teams}
    return Selection({p for p in range(len(pairs)) if pairs.fixed[p]}, teams)


def _relaxation(state: _Solve) -> None:
    """Pipeline step 2: the flow's bound, and its plan repaired as the first plan."""
    every = state.every
    flow = relax(state.instance, state.pairs, state.capacity, every)
    if flow is None:
        state.warnings.append("the flow relaxation failed: no bound, no hint")
        return
    repaired = [repair(state.instance, state.pairs, flow.selection, teams_first=first)
                for first in (True, False)]
    state.progress.plan_found()  # the repaired plans are valid; improving them follows
    repaired = _improved(state, repaired)
    for plan in repaired:
        state.offer(plan)
    state.flow_plans = [flow.selection, *repaired]
    state.flow = flow
    # exact in Python whatever the stages: the flow bounds the weighted objective
    objective = state.weighted(state.best)
    bound = min(flow.bound, objective)
    state.raise_floors(tuple(range(TIERS)), bound)
    if settled(every, objective, bound, state.instance.params.relative_gap):
        state.progress.gap_reached()


def _improved(state: _Solve, plans: list[Selection]) -> list[Selection]:
    """The plans with the best coverage, improved below it (coverage held)."""
    coverage = [state.tier_values(plan)[:COVERAGE] for plan in plans]
    return [improve(state.instance, state.pairs, plan, state.organisations)
            if covered == min(coverage) else plan
            for plan, covered in zip(plans, coverage, strict=True)]


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
        scope = neighbourhood(state.instance, state.pairs, state.flow_plans,
                              params.neighbourhood)
        state.warnings.append(
            f"CP-SAT saw {len(scope)} of {len(state.pairs)} pairs (the flow's neighbourhood);"
            " the bound is the flow's, over all pairs")
    for strict in (True, False):
        if _stages(state, scope, strict=strict, full=full):
            return
        state.warnings.append("fixed pairs leave a home visit or team slot short of its "
                              "minimum and nobody can join them: the rule is waived there")


def _proven(state: _Solve) -> list[int] | None:
    """The proven scope (valid for every stage: it keeps every plan better than the best
    in the weighted objective, which orders plans as the stages do), when small enough."""
    if state.flow is None:
        return None
    scope = proven_scope(state.instance, state.pairs, state.flow, state.weighted(state.best),
                         state.flow_plans)
    if scope is None or len(scope) > state.instance.params.proven_scope_pairs:
        return None
    return scope


def _stages(state: _Solve, scope: list[int], *, strict: bool, full: bool) -> bool:
    """Optimise each stage in turn; False when the strict model proved infeasible."""
    built = build_model(state.instance, state.pairs, state.capacity, scope, strict=strict)
    terms = tier_terms(built, state.organisations)
    for i, stage in enumerate(state.stages):
        expression = _stage_expression(state, terms, stage)
        unsettled = state.proof().proven <= stage[-1]  # (the flow may have settled it)
        if unsettled and not _stage(state, built, expression, i, full=full):
            return False
        built.model.add(expression <= state.value[i])
    return True


def _stage(state: _Solve, built: StaffingModel, expression: cp_model.LinearExpr, i: int, *,
           full: bool) -> bool:
    """One stage; False when the strict model proved infeasible."""
    stage, last = state.stages[i], i == len(state.stages) - 1
    built.model.minimize(expression)
    known = state.stage_bound(stage)
    if known > 0:
        built.model.add(expression >= known)
    if state.flow_plans or i > 0:
        built.hint(state.best)
    share = 1 / (len(state.stages) - i) if i else COVERAGE_SHARE
    prefix = state.proof().proven >= stage[0]
    state.cp_ran = True
    outcome = run(built, state.instance.params, state.progress,
                  seconds=state.remaining() * (1 if last else share),
                  weights=stage_weights(state.weights.bounds, stage),
                  gap=state.instance.params.relative_gap if last else 0.0, bound=known,
                  full=full, last=last, prefix=prefix)
    if outcome.status == cp_model.INFEASIBLE:
        return False
    if outcome.selection is not None:
        state.cp_found = True
        state.offer(outcome.selection)
    cp_bound = math.ceil(outcome.bound - 1e-6) if full else 0
    state.raise_floors(stage, min(state.value[i], max(known, cp_bound)))
    return True


def _stage_expression(state: _Solve, terms: list[Term],
                      stage: tuple[int, ...]) -> cp_model.LinearExpr:
    weights = stage_weights(state.weights.bounds, stage)
    expression: cp_model.LinearExpr = cp_model.LinearExpr.sum(
        [terms[tier].expression(weight) for tier, weight in weights.items()])
    return expression


def _plan(state: _Solve) -> Plan:
    every = state.every
    objective = state.weighted(state.best)
    proof = state.proof()
    # the weighted objective at the floors bounds it: the weights order plans as the tiers
    bound = min(objective, sum(w * proof.floors[t] for t, w in every.items()))
    if state.weights.lexicographic:
        state.warnings.append("solved lexicographically (the weighted objective would exceed"
                              " 2**53): objective and bound are exact Python integers")
    return plan_of(state.instance, state.pairs, state.best, proof=proof, every=every,
                   objective=objective, bound=bound, progress=state.progress,
                   solved=(state.cp_ran, state.cp_found), organisations=state.organisations,
                   warnings=state.warnings)
