"""Running CP-SAT on the staffing model: parameters, progress timing, early stop at the gap."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from wushe.matching.staffing.evaluate import Selection

if TYPE_CHECKING:
    from wushe.matching.staffing.model import StaffingModel
    from wushe.matching.staffing.problem import Params

__all__ = ["Outcome", "Progress", "run"]


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
    """Marks the first plan and stops once the gap with the best known bound is reached."""

    def __init__(self, progress: Progress, bound: int | None, gap: float, *,
                 trust_cp_bound: bool) -> None:
        super().__init__()
        self._progress, self._bound, self._gap = progress, bound, gap
        self._trust = trust_cp_bound

    def on_solution_callback(self) -> None:
        self._progress.plan_found()
        objective = self.objective_value
        known = float(self._bound) if self._bound is not None else -math.inf
        # over a neighbourhood, CP-SAT's bound holds for the neighbourhood only
        bound = max(self.best_objective_bound, known) if self._trust else known
        if (objective - bound) / max(1.0, abs(objective)) <= self._gap:
            self._progress.gap_reached()
            self.stop_search()


def run(built: StaffingModel, params: Params, progress: Progress, *, seconds: float,
        gap: float, bound: int | None, full: bool) -> Outcome:
    """Minimise the model's objective within ``seconds``; stop early at ``gap``."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    if full:  # CP-SAT's own gap test is only meaningful when it sees every pair
        solver.parameters.relative_gap_limit = gap
    solver.parameters.random_seed = params.seed
    solver.parameters.num_workers = max(1, params.workers)
    if params.workers > 1:
        # the interleaved portfolio is deterministic whatever the thread timing
        solver.parameters.interleave_search = True
    status = solver.solve(built.model, _Watch(progress, bound, gap, trust_cp_bound=full))
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
