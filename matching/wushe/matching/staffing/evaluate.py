"""A candidate plan (selected pairs and adopted teams) and its tier values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wushe.matching.staffing.plan import Tiers

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.instance import Instance

__all__ = ["Organisation", "Selection", "counted_organisations", "tiers_of"]


@dataclass(slots=True)
class Selection:
    """The pairs in a plan (fixed ones included) and the team adopted per project."""

    pairs: set[int] = field(default_factory=set)
    teams: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation whose absence from the plan costs (tier 5)."""

    id: str
    volunteers: frozenset[int]  # members with at least one eligible pair
    teams: frozenset[int]  # its teams that some team project may adopt


def counted_organisations(instance: Instance, pairs: Pairs) -> list[Organisation]:
    """Organisations not yet participating this year with an eligible member or team."""
    taken = instance.problem.participating_organisations
    volunteers: dict[str, set[int]] = {}
    for v in sorted(pairs.eligible_volunteers):
        for org in instance.volunteers[v].organisations - taken:
            volunteers.setdefault(org, set()).add(v)
    candidates = {t for teams in instance.candidate_teams.values() for t in teams}
    teams: dict[str, set[int]] = {}
    for t in sorted(candidates):
        owner = instance.teams[t].organisation
        if owner is not None and owner not in taken:
            teams.setdefault(owner, set()).add(t)
    return [
        Organisation(org, frozenset(volunteers.get(org, ())), frozenset(teams.get(org, ())))
        for org in sorted(volunteers.keys() | teams.keys())
    ]


def tiers_of(instance: Instance, pairs: Pairs, selection: Selection,
             organisations: list[Organisation]) -> Tiers:
    """The five tier totals of a candidate plan (docs/matching.md, Objective)."""
    priority, other = _shortfalls(instance, pairs, selection)
    return Tiers(
        priority_shortfall=priority,
        other_shortfall=other,
        changes=_changes(instance, pairs, selection),
        quality=_quality(instance, pairs, selection),
        fairness=_fairness(instance, pairs, selection, organisations),
    )


def _shortfalls(instance: Instance, pairs: Pairs, selection: Selection) -> tuple[int, int]:
    people = [0] * len(instance.shifts)
    for p in selection.pairs:
        people[pairs.shift[p]] += 1
    totals = [0, 0]
    for shift, count in zip(instance.shifts, people, strict=True):
        totals[0 if shift.priority else 1] += max(0, shift.min_headcount - count)
    return totals[0], totals[1]


def _changes(instance: Instance, pairs: Pairs, selection: Selection) -> int:
    problem = instance.problem
    kept = {
        (instance.volunteers[pairs.volunteer[p]].id, instance.shifts[pairs.shift[p]].id)
        for p in selection.pairs
    }
    return len((problem.previous - problem.fixed) - kept)


def _quality(instance: Instance, pairs: Pairs, selection: Selection) -> int:
    params = instance.params
    total = sum(pairs.cost[p] for p in selection.pairs)
    faces = {(pairs.volunteer[p], pairs.resident[p]) for p in selection.pairs
             if pairs.resident[p] >= 0}
    total += params.new_face_cost * len(faces)
    total += sum(instance.adoption_distance(pr, t) for pr, t in selection.teams.items())
    return total


def _fairness(instance: Instance, pairs: Pairs, selection: Selection,
              organisations: list[Organisation]) -> int:
    loads: dict[int, int] = {}
    for p in selection.pairs:
        loads[pairs.volunteer[p]] = loads.get(pairs.volunteer[p], 0) + 1
    total = sum(instance.load_cost(instance.volunteers[v], n) for v, n in loads.items())
    adopted: dict[int, int] = {}
    for t in selection.teams.values():
        adopted[t] = adopted.get(t, 0) + 1
    total += sum(instance.team_load_cost(instance.teams[t], n) for t, n in adopted.items())
    serving = {pairs.volunteer[p] for p in selection.pairs}
    teams = set(selection.teams.values())
    absent = [o for o in organisations if not (o.volunteers & serving or o.teams & teams)]
    return total + instance.params.organisation_cost * len(absent)
