"""Running CP-SAT on the staffing model: parameters, progress timing, the stopping rule."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from wushe.matching.staffing.evaluate import Selection
from wushe.matching.staffing.proof import settled

if TYPE_CHECKING:
    from wushe.matching.staffing.model import StaffingModel
    from wushe.matching.staffing.problem import Params

__all__ = ["Outcome", "Progress", "run"]

# From this many pair variables presolve runs one pass: at 5,000 × 500 (51,000 pairs) its
# default passes took ~9 s of the 20, time the root LP (the lower tiers' bound) needs.
LARGE_MODEL = 20_000


@dataclass(slots=True)
class Progress:
    """Wall-clock marks of one solve, in seconds since it started."""

    started: float
    first_plan: float | None = None
    target_gap: float | None = None

    def now(self) -> float:
        return time.perf_counter() - self.started

    def plan_found(self) -> None:
        if self.first_plan is None:
            self.first_plan = self.now()

    def gap_reached(self) -> None:
        if self.target_gap is None:
            self.target_gap = self.now()


@dataclass(frozen=True, slots=True)
class Outcome:
    selection: Selection | None  # the best plan CP-SAT found, if any
    bound: float  # CP-SAT's proven bound of the objective it minimised
    status: Any  # the CP-SAT status


class _Watch(cp_model.CpSolverSolutionCallback):
    """Marks the first plan, and when the stopping rule first holds for the best plan and
    the best known bound (proof.settled: coverage proven, the rest within gap).

    It never calls ``stop_search``: with a hint and the interleaved portfolio, stopping
    from a callback makes OR-Tools 9.15 abort the process in postsolve ("Check failed:
    solution->size() == postsolve_mapping.size()"). CP-SAT stops by itself instead, on
    ``relative_gap_limit`` (see :func:`run`).
    """

    def __init__(self, progress: Progress, rule: _Rule) -> None:
        super().__init__()
        self._progress, self._rule = progress, rule
        self._objective: int | None = None
        self._cp_bound = -math.inf

    def on_solution_callback(self) -> None:
        self._progress.plan_found()
        self._objective = round(self.objective_value)
        self._cp_bound = max(self._cp_bound, self.best_objective_bound)
        self._check()

    def on_bound(self, bound: float) -> None:
        self._cp_bound = max(self._cp_bound, bound)
        self._check()

    def _check(self) -> None:
        if self._objective is None:
            return
        bound = self._rule.known
        if self._rule.trust_cp_bound and self._cp_bound > -math.inf:
            bound = max(bound, math.ceil(self._cp_bound - 1e-6))
        if settled(self._rule.weights, self._objective, min(bound, self._objective),
                   self._rule.gap) and self._rule.last and self._rule.prefix:
            self._progress.gap_reached()


@dataclass(frozen=True, slots=True)
class _Rule:
    weights: dict[int, int]  # the stage's tier weights
    gap: float
    known: int  # a proven bound from outside CP-SAT (0: none)
    trust_cp_bound: bool  # over a neighbourhood, CP-SAT's bound holds for it only
    last: bool  # the last stage: settling it settles the solve ...
    prefix: bool  # ... when the tiers above it are proven


def run(built: StaffingModel, params: Params, progress: Progress, *, seconds: float,
        weights: dict[int, int], gap: float, bound: int, full: bool, last: bool,
        prefix: bool) -> Outcome:
    """Minimise the model's objective (tiers weighted by ``weights``) within ``seconds``;
    stop early once the stopping rule holds with ``gap``."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.random_seed = params.seed
    solver.parameters.num_workers = max(1, params.workers)
    if params.workers > 1:
        # the interleaved portfolio is deterministic whatever the thread timing
        solver.parameters.interleave_search = True
    if len(built.x) >= LARGE_MODEL:
        solver.parameters.max_presolve_iterations = 1
    # The stage's objective is bounded below by ``bound`` in the model, so CP-SAT's own
    # gap is at least as strict as the rule's. A last stage under unproven coverage goes
    # on to the time limit; earlier stages run to optimality (gap 0).
    solver.parameters.relative_gap_limit = gap if (prefix or not last) else 0.0
    rule = _Rule(weights, gap, bound, trust_cp_bound=full, last=last, prefix=prefix)
    watch = _Watch(progress, rule)
    solver.best_bound_callback = watch.on_bound
    status = solver.solve(built.model, watch)
    selection = None
    if status in {cp_model.OPTIMAL, cp_model.FEASIBLE}:
        selection = _selection(built, solver)
    return Outcome(selection, solver.best_objective_bound, status)


def _selection(built: StaffingModel, solver: cp_model.CpSolver) -> Selection:
    values = solver.response_proto.solution
    pairs = {p for p, var in built.x.items() if values[var.index]}
    pairs |= {p for p in range(len(built.pairs)) if built.pairs.fixed[p]}
    teams = {project: team for (project, team), var in built.adopt.items() if values[var.index]}
    return Selection(pairs, teams)
