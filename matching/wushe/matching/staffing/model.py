"""The CP-SAT model: one Bool per usable pair in scope, the hard rules 3–8.

Fixed pairs are constants, not variables: every constraint counts them in its
right-hand side, and a constraint they alone break is loosened to what they
already use (the plan's warnings say so). The objective's terms are built in
:mod:`wushe.matching.staffing.objective`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from wushe.matching.staffing.intervals import maximal_cliques

if TYPE_CHECKING:
    from wushe.matching.staffing.capacity import Capacities
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Selection
    from wushe.matching.staffing.instance import Instance

__all__ = ["Derived", "StaffingModel", "build_model"]

Var = Any  # a CP-SAT variable (OR-Tools ships no complete type stubs)
Derived = tuple[Var, Callable[["Selection"], int]]  # auxiliary variable and its value in a plan


@dataclass(slots=True)
class StaffingModel:
    instance: Instance
    pairs: Pairs
    capacity: Capacities
    strict: bool  # fixed pairs short of a staffed minimum must be topped up
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[int, Var] = field(default_factory=dict)  # non-fixed pair → Bool
    adopt: dict[tuple[str, int], Var] = field(default_factory=dict)  # (project, team) → Bool
    derived: list[Derived] = field(default_factory=list)

    def free_pairs(self, positions: list[int]) -> list[int]:
        return [p for p in positions if p in self.x]

    def fixed_count(self, positions: list[int]) -> int:
        return sum(1 for p in positions if self.pairs.fixed[p])

    def hint(self, selection: Selection) -> None:
        """Hint every variable with its value in a (valid) plan."""
        model = self.model
        model.clear_hints()  # type: ignore[no-untyped-call]
        for p, var in self.x.items():
            model.add_hint(var, p in selection.pairs)
        for (project, team), var in self.adopt.items():
            model.add_hint(var, selection.teams.get(project) == team)
        for var, value in self.derived:
            model.add_hint(var, value(selection))


def build_model(instance: Instance, pairs: Pairs, capacity: Capacities,
                scope: list[int], *, strict: bool) -> StaffingModel:
    """Variables for the non-fixed pairs in ``scope`` and every hard constraint."""
    built = StaffingModel(instance, pairs, capacity, strict)
    for p in scope:
        if not pairs.fixed[p]:
            built.x[p] = built.model.new_bool_var("")
    _no_overlap(built)
    _hour_caps(built)
    _headcounts(built)
    _teams(built)  # before the staffed minimums: team-only shifts read the adoptions
    _staffed_minimums(built)
    return built


def _no_overlap(built: StaffingModel) -> None:
    """Rule 3: at most one shift per maximal clique of conflicting shifts."""
    instance, pairs = built.instance, built.pairs
    gap = instance.params.travel_gap_minutes
    for own in pairs.by_volunteer:
        free = built.free_pairs(own)
        if len(free) <= 1:
            continue
        spans = [(instance.shifts[pairs.shift[p]].start, instance.shifts[pairs.shift[p]].end + gap)
                 for p in free]
        for clique in maximal_cliques(spans):
            built.model.add_at_most_one([built.x[free[i]] for i in clique])


def _hour_caps(built: StaffingModel) -> None:
    """Rule 4: minutes within the cap left after the fixed shifts."""
    instance, pairs = built.instance, built.pairs
    for v, own in enumerate(pairs.by_volunteer):
        free = built.free_pairs(own)
        minutes = [instance.shifts[pairs.shift[p]].minutes for p in free]
        fixed = sum(instance.shifts[pairs.shift[p]].minutes for p in own if pairs.fixed[p])
        room = instance.volunteers[v].cap_minutes - fixed
        if sum(minutes) > room and len(free) > 1:
            terms = cp_model.LinearExpr.weighted_sum([built.x[p] for p in free], minutes)
            built.model.add(terms <= room)


def _headcounts(built: StaffingModel) -> None:
    """Rule 5: at most max_headcount people (fixed ones may already exceed it)."""
    for s, shift in enumerate(built.instance.shifts):
        own = built.pairs.by_shift[s]
        free = built.free_pairs(own)
        room = max(0, shift.max_headcount - built.fixed_count(own))
        if len(free) > room:
            built.model.add(cp_model.LinearExpr.sum([built.x[p] for p in free]) <= room)


def _staffed_minimums(built: StaffingModel) -> None:
    """Rules 6, 7: a home visit has 0 or ≥ 2 people, a team-only shift 0 or ≥ its slot."""
    instance = built.instance
    for s, shift in enumerate(instance.shifts):
        least = instance.minimum(shift)
        own = built.pairs.by_shift[s]
        free, fixed = built.free_pairs(own), built.fixed_count(own)
        if least <= 1 or fixed >= least or not free:
            continue
        people = cp_model.LinearExpr.sum([built.x[p] for p in free])
        if fixed:
            if built.strict:
                built.model.add(people >= least - fixed)
            continue
        on = built.model.new_bool_var("")
        built.model.add(people >= least * on)
        built.model.add(people <= len(free) * on)
        built.derived.append((on, _any_of(free)))


def _any_of(positions: list[int]) -> Callable[[Selection], int]:
    def value(selection: Selection) -> int:
        return int(any(p in selection.pairs for p in positions))
    return value


def _teams(built: StaffingModel) -> None:
    """Rule 7: at most one team per project; team-only places go to its members."""
    instance, pairs, model = built.instance, built.pairs, built.model
    for project, teams in instance.candidate_teams.items():
        for t in teams:
            built.adopt[project, t] = model.new_bool_var("")
        if project in instance.problem.fixed_teams and teams:
            model.add(built.adopt[project, teams[0]] == 1)
        model.add_at_most_one([built.adopt[project, t] for t in teams])
    for s, shift in enumerate(instance.shifts):
        if not shift.team_only:
            continue
        teams = instance.candidate_teams.get(shift.project_id, ())
        for p in built.free_pairs(pairs.by_shift[s]):
            member = instance.volunteers[pairs.volunteer[p]].id
            adopted = [built.adopt[shift.project_id, t] for t in teams
                       if member in instance.teams[t].members]
            model.add_bool_or(adopted).only_enforce_if(built.x[p])
