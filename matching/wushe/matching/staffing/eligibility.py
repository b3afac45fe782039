"""Usable (volunteer, shift) pairs and their costs: eligible (rules 1, 2, 8, team
membership), fixed ones whatever the rules say, less those no valid plan can use.

The pairs are columns sorted by shift, then volunteer; numpy copies of the
columns (``Pairs.array``) serve the bulk steps (capacities, flow, weights).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from wushe.matching.staffing.candidates import (
    Flags,
    Ints,
    candidate_keys,
    new_faces,
    pair_costs,
    pair_keys,
)
from wushe.matching.staffing.skills import SkillIndex

if TYPE_CHECKING:
    from wushe.matching.staffing.instance import Instance

__all__ = ["Columns", "Pairs", "SkillIndex", "eligible_pairs"]

OVERLAP = "overlap"
AT_CAP = "at_cap"
PAIR_RULE = "pair_rule"
TEAM_TOO_SMALL = "team_too_small"


@dataclass(frozen=True, slots=True)
class Columns:
    """The pairs' columns as numpy arrays (same order as the lists of ``Pairs``)."""

    volunteer: Ints
    shift: Ints
    cost: Ints
    resident: Ints
    fixed: Flags
    previous: Flags


def _empty_columns() -> Columns:
    ints = np.zeros(0, dtype=np.int64)
    flags = np.zeros(0, dtype=np.bool_)
    return Columns(ints, ints, ints, ints, flags, flags)


@dataclass(slots=True)
class Pairs:
    """The usable pairs as columns; ``fixed`` pairs are always in the plan."""

    volunteer: list[int] = field(default_factory=list)
    shift: list[int] = field(default_factory=list)
    cost: list[int] = field(default_factory=list)  # tier 4 per assignment: distance + preference
    resident: list[int] = field(default_factory=list)  # new-face resident code, else -1
    fixed: list[bool] = field(default_factory=list)
    previous: list[bool] = field(default_factory=list)
    by_shift: list[list[int]] = field(default_factory=list)
    by_volunteer: list[list[int]] = field(default_factory=list)
    # eligible pairs made unusable by the volunteer's fixed shifts: (volunteer, reason)
    blocked: list[list[tuple[int, str]]] = field(default_factory=list)
    residents: dict[str, int] = field(default_factory=dict)
    index: SkillIndex | None = None
    eligible_volunteers: set[int] = field(default_factory=set)  # before any pruning
    warnings: list[str] = field(default_factory=list)
    array: Columns = field(default_factory=_empty_columns)

    def __len__(self) -> int:
        return len(self.volunteer)

    def fixed_of(self, volunteer: int) -> list[int]:
        return [p for p in self.by_volunteer[volunteer] if self.fixed[p]]


@dataclass(frozen=True, slots=True)
class _Draft:
    """Eligible pairs before pruning, with the shift times they need."""

    volunteer: Ints
    shift: Ints
    fixed: Flags
    start: Ints  # per shift
    end: Ints
    minutes: Ints


def eligible_pairs(instance: Instance) -> Pairs:
    """All usable pairs with their costs, the fixed ones included whatever the rules say."""
    pairs = Pairs(index=SkillIndex(instance.volunteers))
    pairs.blocked = [[] for _ in instance.shifts]
    people = max(1, len(instance.volunteers))
    fixed = _fixed_keys(instance, pairs.warnings)
    keys = np.sort(np.concatenate((candidate_keys(instance), fixed)))
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    draft = _draft(instance, keys, np.isin(keys, fixed))
    pairs.eligible_volunteers = set(np.unique(draft.volunteer).tolist())
    keep = _usable_beside_fixed(instance, draft, pairs.blocked)
    keep &= _staffable(instance, draft, keep, pairs.blocked)
    _fill(instance, pairs, keys[keep], people, draft.fixed[keep])
    return pairs


def _fixed_keys(instance: Instance, warnings: list[str]) -> Ints:
    for v_id, s_id in sorted(instance.problem.fixed):
        if v_id not in instance.volunteer_at or s_id not in instance.shift_at:
            warnings.append(f"fixed pair ({v_id}, {s_id}) names an unknown id: ignored")
    return pair_keys(instance, instance.problem.fixed)


def _draft(instance: Instance, keys: Ints, fixed: Flags) -> _Draft:
    people = max(1, len(instance.volunteers))
    shifts = instance.shifts
    start = np.array([s.start for s in shifts], dtype=np.int64)
    end = np.array([s.end for s in shifts], dtype=np.int64)
    return _Draft(keys % people, keys // people, fixed, start, end, end - start)


def _usable_beside_fixed(instance: Instance, draft: _Draft,
                         blocked: list[list[tuple[int, str]]]) -> Flags:
    """Drop pairs that overlap a fixed shift of their volunteer or exceed the cap left."""
    volunteer, shift, fixed = draft.volunteer, draft.shift, draft.fixed
    caps = np.array([v.cap_minutes for v in instance.volunteers], dtype=np.int64)
    used = np.bincount(volunteer[fixed], weights=draft.minutes[shift[fixed]],
                       minlength=len(caps)).astype(np.int64)
    overlap = _overlapping_fixed(instance, draft)
    at_cap = ~fixed & ~overlap & (draft.minutes[shift] > (caps - used)[volunteer])
    for reason, flags in ((OVERLAP, overlap), (AT_CAP, at_cap)):
        for p in np.flatnonzero(flags).tolist():
            blocked[int(shift[p])].append((int(volunteer[p]), reason))
    keep: Flags = ~(overlap | at_cap)
    return keep


def _overlapping_fixed(instance: Instance, draft: _Draft) -> Flags:
    """Non-fixed pairs in conflict (rule 3) with a fixed shift of the same volunteer."""
    volunteer, shift, fixed = draft.volunteer, draft.shift, draft.fixed
    overlap = np.zeros(len(volunteer), dtype=np.bool_)
    held = np.flatnonzero(fixed)
    if not len(held):
        return overlap
    order = np.argsort(volunteer, kind="stable")
    counts = np.bincount(volunteer, minlength=len(instance.volunteers))
    first = np.cumsum(counts) - counts
    owner = volunteer[held]
    sizes = counts[owner]
    within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    other = order[np.repeat(first[owner], sizes) + within]
    mine = np.repeat(shift[held], sizes)
    gap = instance.params.travel_gap_minutes
    theirs = shift[other]
    clash = (draft.start[theirs] < draft.end[mine] + gap) & \
        (draft.start[mine] < draft.end[theirs] + gap) & ~fixed[other]
    overlap[other[clash]] = True
    return overlap


def _staffable(instance: Instance, draft: _Draft, keep: Flags,
               blocked: list[list[tuple[int, str]]]) -> Flags:
    """Drop pairs no valid plan can use: a team-only place whose volunteer's teams cannot
    field the shift's minimum, a home visit only one person can go to (rules 6, 7)."""
    bounds = np.searchsorted(draft.shift, np.arange(len(instance.shifts) + 1))
    staffable = np.ones(len(keep), dtype=np.bool_)
    for s, shift in enumerate(instance.shifts):
        least = instance.minimum(shift)
        own = np.arange(bounds[s], bounds[s + 1])
        own = own[keep[own]]
        if least <= 1 or draft.fixed[own].any():
            continue
        own_list = own.tolist()
        team_ok = _fielded(instance, draft, s, own_list, least) if shift.team_only \
            else set(own_list)
        dropped = [(p, TEAM_TOO_SMALL) for p in own_list if p not in team_ok]
        if len(team_ok) < least:
            why = PAIR_RULE if shift.home_visit else TEAM_TOO_SMALL
            dropped += [(p, why) for p in own_list if p in team_ok]
        for p, why in dropped:
            staffable[p] = False
            blocked[s].append((int(draft.volunteer[p]), why))
    return staffable


def _fielded(instance: Instance, draft: _Draft, s: int, own: list[int], least: int) -> set[int]:
    """Pairs of a team-only shift whose volunteer is in a team with ≥ least such pairs."""
    shift = instance.shifts[s]
    teams = instance.candidate_teams.get(shift.project_id, ())
    ids = {instance.volunteers[int(draft.volunteer[p])].id: p for p in own}
    found: set[int] = set()
    for t in teams:
        inside = [ids[m] for m in instance.teams[t].members if m in ids]
        if len(inside) >= least:
            found.update(inside)
    return found


def _fill(instance: Instance, pairs: Pairs, keys: Ints, people: int, fixed: Flags) -> None:
    """The kept pairs' columns, as numpy arrays and lists, and the per-shift/volunteer lists."""
    volunteer, shift = keys % people, keys // people
    previous = np.isin(keys, pair_keys(instance, instance.problem.previous))
    pairs.array = Columns(volunteer, shift, pair_costs(instance, volunteer, shift),
                          new_faces(instance, pairs.residents, volunteer, shift), fixed, previous)
    pairs.volunteer, pairs.shift = volunteer.tolist(), shift.tolist()
    pairs.cost, pairs.resident = pairs.array.cost.tolist(), pairs.array.resident.tolist()
    pairs.fixed, pairs.previous = fixed.tolist(), previous.tolist()
    bounds = np.searchsorted(shift, np.arange(len(instance.shifts) + 1)).tolist()
    pairs.by_shift = [list(range(a, b)) for a, b in pairwise(bounds)]
    order = np.argsort(volunteer, kind="stable")
    splits = np.cumsum(np.bincount(volunteer, minlength=len(instance.volunteers)))[:-1]
    pairs.by_volunteer = [part.tolist() for part in np.split(order, splits)] \
        if len(instance.volunteers) else []
