"""The solve's result as a Plan: status, objective, bound, what the bound proves, reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.matching.staffing.check import violations
from wushe.matching.staffing.evaluate import tiers_of
from wushe.matching.staffing.explain import explain
from wushe.matching.staffing.plan import Plan, SolveStatus, Tiers
from wushe.matching.staffing.proof import lower_gap

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Organisation, Selection
    from wushe.matching.staffing.instance import Instance
    from wushe.matching.staffing.proof import Proof
    from wushe.matching.staffing.search import Progress

__all__ = ["plan_of"]


def plan_of(instance: Instance, pairs: Pairs, best: Selection, *, proof: Proof,
            every: dict[int, int], objective: int, bound: int, progress: Progress,
            solved: tuple[bool, bool], organisations: list[Organisation],
            warnings: list[str]) -> Plan:
    """The explained plan; ``solved``: whether CP-SAT ran, and whether it found a plan."""
    lower = lower_gap(every, objective, bound)
    if lower is not None and lower <= instance.params.relative_gap:
        progress.gap_reached()
    notes = list(warnings) + violations(instance, pairs, best)
    assignments, teams, unfilled = explain(instance, pairs, best)
    return Plan(
        status=_status(objective, bound, solved),
        assignments=assignments,
        teams=teams,
        unfilled=unfilled,
        tiers=tiers_of(instance, pairs, best, organisations),
        objective=objective,
        bound=bound,
        gap=(objective - bound) / max(1, objective),
        seconds=progress.now(),
        first_plan_seconds=progress.first_plan if progress.first_plan is not None
        else progress.now(),
        target_gap_seconds=progress.target_gap,
        eligible_pairs=len(pairs),
        warnings=tuple(notes),
        tier_bounds=Tiers(*proof.floors),
        proven_tiers=proof.proven,
        coverage_proven=proof.coverage_proven,
        coverage_gap_places=proof.coverage_gap_places,
        lower_gap=lower,
    )


def _status(objective: int, bound: int, solved: tuple[bool, bool]) -> SolveStatus:
    ran, found = solved
    if ran and not found:
        return SolveStatus.NO_SOLUTION_IN_TIME
    return SolveStatus.OPTIMAL if objective == bound else SolveStatus.FEASIBLE
