"""The objective's five tiers as linear terms over the model's variables.

Each tier is kept apart (variables, coefficients, constant) so a solve can
weigh them into one objective or optimise them stage by stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.matching.staffing.evaluate import Organisation, Selection
    from wushe.matching.staffing.model import StaffingModel, Var

__all__ = ["Term", "tier_terms"]


@dataclass(slots=True)
class Term:
    """One tier: Σ coefficient·variable + constant."""

    variables: list[Var] = field(default_factory=list)
    coefficients: list[int] = field(default_factory=list)
    constant: int = 0

    def add(self, var: Var, coefficient: int) -> None:
        self.variables.append(var)
        self.coefficients.append(coefficient)

    def expression(self, weight: int = 1) -> cp_model.LinearExpr:
        coefficients = [c * weight for c in self.coefficients]
        expression: cp_model.LinearExpr = cp_model.LinearExpr.weighted_sum(
            self.variables, coefficients)
        return expression + self.constant * weight


def tier_terms(built: StaffingModel, organisations: list[Organisation]) -> list[Term]:
    terms = [Term() for _ in range(5)]
    _shortfalls(built, terms[0], terms[1])
    _changes(built, terms[2])
    _quality(built, terms[3])
    _loads(built, terms[4])
    _team_loads(built, terms[4])
    _organisations(built, organisations, terms[4])
    return terms


def _count(positions: list[int], shift: Callable[[int], int]) -> Callable[[Selection], int]:
    def value(selection: Selection) -> int:
        return shift(sum(1 for p in positions if p in selection.pairs))
    return value


def _missing(required: int) -> Callable[[int], int]:
    def value(people: int) -> int:
        return max(0, required - people)
    return value


def _at_least_one(people: int) -> int:
    return min(people, 1)


def _shortfalls(built: StaffingModel, priority: Term, other: Term) -> None:
    """Tiers 1, 2: required people missing, counted up to min_headcount."""
    for s, shift in enumerate(built.instance.shifts):
        own = built.pairs.by_shift[s]
        free = built.free_pairs(own)
        required = max(0, shift.min_headcount - built.fixed_count(own))
        term = priority if shift.priority else other
        if required == 0:
            continue
        if not free:
            term.constant += required
            continue
        missing = built.model.new_int_var(0, required, "")
        built.model.add(cp_model.LinearExpr.sum([built.x[p] for p in free]) + missing >= required)
        built.derived.append((missing, _count(free, _missing(required))))
        term.add(missing, 1)


def _changes(built: StaffingModel, term: Term) -> None:
    """Tier 3: pending proposals dropped (those no longer usable are dropped anyway)."""
    problem = built.instance.problem
    term.constant += len(problem.previous - problem.fixed)
    for p, var in built.x.items():
        if built.pairs.previous[p]:
            term.add(var, -1)


def _quality(built: StaffingModel, term: Term) -> None:
    """Tier 4: distance and preference per assignment, new faces, team distances."""
    pairs, instance = built.pairs, built.instance
    term.constant += sum(pairs.cost[p] for p in range(len(pairs)) if pairs.fixed[p])
    for p, var in built.x.items():
        term.add(var, pairs.cost[p])
    _new_faces(built, term)
    for (project, team), var in built.adopt.items():
        term.add(var, instance.adoption_distance(project, team))


def _new_faces(built: StaffingModel, term: Term) -> None:
    """One cost per distinct (volunteer, resident) not visited before."""
    pairs, cost = built.pairs, built.instance.params.new_face_cost
    fixed = {(pairs.volunteer[p], pairs.resident[p]) for p in range(len(pairs))
             if pairs.fixed[p] and pairs.resident[p] >= 0}
    term.constant += cost * len(fixed)
    visits: dict[tuple[int, int], list[int]] = {}
    for p in built.x:
        key = (pairs.volunteer[p], pairs.resident[p])
        if key[1] >= 0 and key not in fixed:
            visits.setdefault(key, []).append(p)
    for own in visits.values():
        if len(own) == 1:
            term.add(built.x[own[0]], cost)
            continue
        face = built.model.new_bool_var("")
        for p in own:
            built.model.add_implication(built.x[p], face)
        built.derived.append((face, _count(own, _at_least_one)))
        term.add(face, cost)


def _loads(built: StaffingModel, term: Term) -> None:
    """Tier 5: the k-th shift of a volunteer costs k + year steps (convex, ordered Bools)."""
    instance, pairs = built.instance, built.pairs
    for v, own in enumerate(pairs.by_volunteer):
        volunteer = instance.volunteers[v]
        fixed, steps = built.fixed_count(own), instance.year_steps(volunteer)
        term.constant += instance.load_cost(volunteer, fixed)
        free = built.free_pairs(own)
        most = min(len(free), built.capacity.most[v])
        if len(free) == 1:
            term.add(built.x[free[0]], fixed + 1 + steps)
        elif most > 0:
            levels = _levels(built, [built.x[p] for p in free], most, _count(free, int))
            for k, level in enumerate(levels, start=fixed + 1):
                term.add(level, k + steps)


def _levels(built: StaffingModel, lits: list[Var], most: int,
            count: Callable[[Selection], int]) -> list[Var]:
    """Bools b_1 ≥ … ≥ b_most with Σ b = Σ lits (b_k: at least k of the lits)."""
    model = built.model
    levels = [model.new_bool_var("") for _ in range(most)]
    model.add(cp_model.LinearExpr.sum(levels) == cp_model.LinearExpr.sum(lits))
    for k in range(1, most):
        model.add_implication(levels[k], levels[k - 1])
    for k, level in enumerate(levels, start=1):
        built.derived.append((level, _reaches(count, k)))
    return levels


def _reaches(count: Callable[[Selection], int], k: int) -> Callable[[Selection], int]:
    def value(selection: Selection) -> int:
        return int(count(selection) >= k)
    return value


def _team_loads(built: StaffingModel, term: Term) -> None:
    """Tier 5: the k-th project adopted by a team costs k + projects this year."""
    instance = built.instance
    by_team: dict[int, list[str]] = {}
    for project, t in built.adopt:
        by_team.setdefault(t, []).append(project)
    for t, projects in by_team.items():
        team = instance.teams[t]
        fixed = [p for p in projects if instance.problem.fixed_teams.get(p) == team.id]
        free = [p for p in projects if p not in fixed]
        term.constant += instance.team_load_cost(team, len(fixed))
        if not free:
            continue
        def adopted(selection: Selection, t: int = t, free: list[str] = free) -> int:
            return sum(1 for p in free if selection.teams.get(p) == t)
        levels = _levels(built, [built.adopt[p, t] for p in free], len(free), adopted)
        for k, level in enumerate(levels, start=len(fixed) + 1):
            term.add(level, k + team.projects_this_year)


def _organisations(built: StaffingModel, organisations: list[Organisation],
                   term: Term) -> None:
    """Tier 5: each counted organisation that takes no part in the plan costs."""
    cost, pairs = built.instance.params.organisation_cost, built.pairs
    team_at = built.instance.team_at
    fixed_teams = {team_at.get(t) for t in built.instance.problem.fixed_teams.values()}
    for org in organisations:
        own = [p for v in sorted(org.volunteers) for p in pairs.by_volunteer[v]]
        if any(pairs.fixed[p] for p in own) or org.teams & fixed_teams:
            continue
        lits = [built.x[p] for p in own if p in built.x]
        lits += [var for (_, t), var in built.adopt.items() if t in org.teams]
        term.constant += cost
        if not lits:
            continue
        part = built.model.new_bool_var("")
        built.model.add_bool_or(lits).only_enforce_if(part)
        built.derived.append((part, _takes_part(built, org)))
        term.add(part, -cost)


def _takes_part(built: StaffingModel, org: Organisation) -> Callable[[Selection], int]:
    def value(selection: Selection) -> int:
        serving = {built.pairs.volunteer[p] for p in selection.pairs}
        return int(bool(org.volunteers & serving or org.teams & set(selection.teams.values())))
    return value
