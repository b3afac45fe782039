"""Which hard rules a plan breaks (only fixed pairs can make the solver's plans break one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.matching.staffing.instance import conflict

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Selection
    from wushe.matching.staffing.instance import Instance

__all__ = ["violations"]


def violations(instance: Instance, pairs: Pairs, selection: Selection) -> list[str]:
    """Short English sentences, one per broken rule instance."""
    found = _fixed_eligibility(instance, pairs)
    found += _volunteer_rules(instance, pairs, selection)
    found += _shift_rules(instance, pairs, selection)
    return found


def _fixed_eligibility(instance: Instance, pairs: Pairs) -> list[str]:
    found: list[str] = []
    for p in range(len(pairs)):
        if not pairs.fixed[p]:
            continue
        volunteer, shift = instance.volunteers[pairs.volunteer[p]], instance.shifts[pairs.shift[p]]
        if not shift.skills <= volunteer.skills:
            found.append(f"fixed pair ({volunteer.id}, {shift.id}): skills missing")
        if not volunteer.available(shift.start, shift.end):
            found.append(f"fixed pair ({volunteer.id}, {shift.id}): outside availability")
        if (volunteer.id, shift.id) in instance.problem.declined:
            found.append(f"fixed pair ({volunteer.id}, {shift.id}): also declined")
    return found


def _volunteer_rules(instance: Instance, pairs: Pairs, selection: Selection) -> list[str]:
    found: list[str] = []
    gap = instance.params.travel_gap_minutes
    own: dict[int, list[int]] = {}
    for p in selection.pairs:
        own.setdefault(pairs.volunteer[p], []).append(pairs.shift[p])
    for v, shifts in sorted(own.items()):
        volunteer = instance.volunteers[v]
        plan = sorted((instance.shifts[s] for s in shifts), key=lambda s: (s.start, s.id))
        if sum(s.minutes for s in plan) > volunteer.cap_minutes:
            found.append(f"{volunteer.id}: fixed shifts exceed the hour cap")
        found += [f"{volunteer.id}: fixed shifts {a.id} and {b.id} overlap"
                  for i, a in enumerate(plan) for b in plan[i + 1:] if conflict(gap, a, b)]
    return found


def _shift_rules(instance: Instance, pairs: Pairs, selection: Selection) -> list[str]:
    found: list[str] = []
    people: dict[int, list[int]] = {}
    for p in selection.pairs:
        people.setdefault(pairs.shift[p], []).append(p)
    for s, own in sorted(people.items()):
        shift = instance.shifts[s]
        if len(own) > shift.max_headcount:
            found.append(f"{shift.id}: fixed people exceed the headcount")
        if len(own) < instance.minimum(shift):
            found.append(f"{shift.id}: {len(own)} fixed people, fewer than the "
                         f"{instance.minimum(shift)} it needs once staffed")
        found += _team_rule(instance, pairs, selection, own)
    return found


def _team_rule(instance: Instance, pairs: Pairs, selection: Selection,
               own: list[int]) -> list[str]:
    shift = instance.shifts[pairs.shift[own[0]]]
    if not shift.team_only:
        return []
    team = selection.teams.get(shift.project_id)
    members = set() if team is None else set(instance.teams[team].members)
    outsiders = [instance.volunteers[pairs.volunteer[p]].id for p in own
                 if instance.volunteers[pairs.volunteer[p]].id not in members]
    return [f"{shift.id}: fixed volunteer {v} is not in the adopted team" for v in outsiders]
