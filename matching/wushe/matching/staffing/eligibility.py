"""Eligible (volunteer, shift) pairs (rules 1, 2, 8 and team membership) and their costs.

Volunteers are indexed by skill set, and within one skill set their windows are
sorted by start, so the pairs of a shift are found by a range scan over the
windows that can cover it: near-linear in the number of pairs, never
volunteers × shifts.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wushe.matching.staffing.instance import conflict

if TYPE_CHECKING:
    from wushe.matching.staffing.instance import Instance
    from wushe.matching.staffing.problem import Shift, Volunteer

__all__ = ["Pairs", "SkillIndex", "eligible_pairs"]

OVERLAP = "overlap"
AT_CAP = "at_cap"
PAIR_RULE = "pair_rule"
TEAM_TOO_SMALL = "team_too_small"


@dataclass(slots=True)
class _Roster:
    """Windows of the volunteers sharing one skill set, sorted by start."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)
    longest: int = 0

    def covering(self, start: int, end: int) -> list[int]:
        """Volunteers with one window holding ``[start, end)``, each once."""
        low = bisect_left(self.starts, end - self.longest)
        high = bisect_right(self.starts, start)
        found: dict[int, None] = {}
        ends, owners = self.ends, self.owners
        for i in range(low, high):
            if ends[i] >= end:
                found[owners[i]] = None
        return list(found)


class SkillIndex:
    """Volunteers by skill set, then by window, for coverage queries."""

    def __init__(self, volunteers: tuple[Volunteer, ...]) -> None:
        windows: dict[frozenset[str], list[tuple[int, int, int]]] = {}
        for at, volunteer in enumerate(volunteers):
            rows = windows.setdefault(volunteer.skills, [])
            rows.extend((w.start, w.end, at) for w in volunteer.windows)
        self._rosters = {skills: _roster(rows) for skills, rows in windows.items()}
        self._supersets: dict[frozenset[str], list[_Roster]] = {}

    def _holding(self, skills: frozenset[str]) -> list[_Roster]:
        rosters = self._supersets.get(skills)
        if rosters is None:
            rosters = [r for held, r in self._rosters.items() if skills <= held]
            self._supersets[skills] = rosters
        return rosters

    def anyone_skilled(self, skills: frozenset[str]) -> bool:
        return any(skills <= held for held in self._rosters)

    def skilled_and_free(self, shift: Shift) -> list[int]:
        """Volunteers holding the shift's skills with a window covering it (rules 1, 2)."""
        found: list[int] = []
        for roster in self._holding(shift.skills):
            found.extend(roster.covering(shift.start, shift.end))
        return found


def _roster(rows: list[tuple[int, int, int]]) -> _Roster:
    rows.sort()
    roster = _Roster()
    roster.starts = [r[0] for r in rows]
    roster.ends = [r[1] for r in rows]
    roster.owners = [r[2] for r in rows]
    roster.longest = max((r[1] - r[0] for r in rows), default=0)
    return roster


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

    def __len__(self) -> int:
        return len(self.volunteer)

    def fixed_of(self, volunteer: int) -> list[int]:
        return [p for p in self.by_volunteer[volunteer] if self.fixed[p]]


def eligible_pairs(instance: Instance) -> Pairs:
    """All usable pairs with their costs, the fixed ones included whatever the rules say."""
    index = SkillIndex(instance.volunteers)
    pairs = Pairs(index=index)
    pairs.by_shift = [[] for _ in instance.shifts]
    pairs.by_volunteer = [[] for _ in instance.volunteers]
    pairs.blocked = [[] for _ in instance.shifts]
    fixed = _fixed_positions(instance, pairs)
    for s, volunteers in enumerate(_candidates(instance, index)):
        _add_shift(instance, pairs, s, [v for v in volunteers if (v, s) not in fixed])
    for v, s in sorted(fixed):
        _add(instance, pairs, v, s, is_fixed=True)
    pairs.eligible_volunteers = set(pairs.volunteer)
    _block_by_fixed(instance, pairs)
    _block_unstaffable(instance, pairs)
    return pairs


def _candidates(instance: Instance, index: SkillIndex) -> list[list[int]]:
    """Per shift: skilled, free, not declined and (team-only) a candidate team's member."""
    problem = instance.problem
    declined = {
        (instance.volunteer_at[v], instance.shift_at[s])
        for v, s in problem.declined
        if v in instance.volunteer_at and s in instance.shift_at
    }
    members = _team_members(instance)
    found: list[list[int]] = []
    for s, shift in enumerate(instance.shifts):
        volunteers = index.skilled_and_free(shift)
        if shift.team_only:
            allowed = members.get(shift.project_id, set())
            volunteers = [v for v in volunteers if v in allowed]
        if declined:
            volunteers = [v for v in volunteers if (v, s) not in declined]
        volunteers.sort()
        found.append(volunteers)
    return found


def _team_members(instance: Instance) -> dict[str, set[int]]:
    members: dict[str, set[int]] = {}
    for project, teams in instance.candidate_teams.items():
        ids = {m for t in teams for m in instance.teams[t].members}
        members[project] = {instance.volunteer_at[m] for m in ids if m in instance.volunteer_at}
    return members


def _fixed_positions(instance: Instance, pairs: Pairs) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for v_id, s_id in sorted(instance.problem.fixed):
        v, s = instance.volunteer_at.get(v_id), instance.shift_at.get(s_id)
        if v is None or s is None:
            pairs.warnings.append(f"fixed pair ({v_id}, {s_id}) names an unknown id: ignored")
            continue
        found.add((v, s))
    return found


def _add_shift(instance: Instance, pairs: Pairs, s: int, volunteers: list[int]) -> None:
    """The non-fixed pairs of one shift, costed in one pass (the hot loop of a solve)."""
    shift, people = instance.shifts[s], instance.volunteers
    preference = instance.params.preference_cost
    previous = instance.problem.previous
    resident = -1 if shift.resident is None else \
        pairs.residents.setdefault(shift.resident, len(pairs.residents))
    start = len(pairs.volunteer)
    for v in volunteers:
        volunteer = people[v]
        preferred = volunteer.preferred_categories
        pairs.cost.append(instance.distance(volunteer.home_grid, shift.grid)
                          + (preference if preferred and shift.category not in preferred else 0))
        pairs.resident.append(-1 if resident < 0 or shift.resident in volunteer.visited_residents
                              else resident)
        pairs.previous.append(bool(previous) and (volunteer.id, shift.id) in previous)
    pairs.volunteer.extend(volunteers)
    pairs.shift.extend([s] * len(volunteers))
    pairs.fixed.extend([False] * len(volunteers))
    positions = range(start, len(pairs.volunteer))
    pairs.by_shift[s].extend(positions)
    for v, at in zip(volunteers, positions, strict=True):
        pairs.by_volunteer[v].append(at)


def _add(instance: Instance, pairs: Pairs, v: int, s: int, *, is_fixed: bool) -> None:
    volunteer, shift = instance.volunteers[v], instance.shifts[s]
    cost = instance.distance(volunteer.home_grid, shift.grid)
    preferred = volunteer.preferred_categories
    if preferred and shift.category not in preferred:
        cost += instance.params.preference_cost
    resident = -1
    if shift.resident is not None and shift.resident not in volunteer.visited_residents:
        resident = pairs.residents.setdefault(shift.resident, len(pairs.residents))
    at = len(pairs.volunteer)
    pairs.volunteer.append(v)
    pairs.shift.append(s)
    pairs.cost.append(cost)
    pairs.resident.append(resident)
    pairs.fixed.append(is_fixed)
    pairs.previous.append((volunteer.id, shift.id) in instance.problem.previous)
    pairs.by_shift[s].append(at)
    pairs.by_volunteer[v].append(at)


def _block_by_fixed(instance: Instance, pairs: Pairs) -> None:
    """Drop pairs that overlap a fixed shift of their volunteer or exceed the cap left."""
    keep = [True] * len(pairs)
    gap = instance.params.travel_gap_minutes
    minutes = [s.minutes for s in instance.shifts]
    for v, own in enumerate(pairs.by_volunteer):
        fixed_shifts = [instance.shifts[pairs.shift[p]] for p in own if pairs.fixed[p]]
        room = instance.volunteers[v].cap_minutes - sum(s.minutes for s in fixed_shifts)
        if not fixed_shifts and all(minutes[pairs.shift[p]] <= room for p in own):
            continue
        for p in own:
            if pairs.fixed[p]:
                continue
            shift = instance.shifts[pairs.shift[p]]
            reason = _blocking(gap, shift, fixed_shifts, room)
            if reason is not None:
                pairs.blocked[pairs.shift[p]].append((v, reason))
                keep[p] = False
    if not all(keep):
        _compact(pairs, keep)


def _blocking(gap: int, shift: Shift, fixed_shifts: list[Shift], room: int) -> str | None:
    if any(conflict(gap, shift, f) for f in fixed_shifts):
        return OVERLAP
    if shift.minutes > room:
        return AT_CAP
    return None


def _compact(pairs: Pairs, keep: list[bool]) -> None:
    for ints in (pairs.volunteer, pairs.shift, pairs.cost, pairs.resident):
        ints[:] = [value for value, kept in zip(ints, keep, strict=True) if kept]
    for flags in (pairs.fixed, pairs.previous):
        flags[:] = [value for value, kept in zip(flags, keep, strict=True) if kept]
    pairs.by_shift = [[] for _ in pairs.by_shift]
    pairs.by_volunteer = [[] for _ in pairs.by_volunteer]
    for p, (v, s) in enumerate(zip(pairs.volunteer, pairs.shift, strict=True)):
        pairs.by_shift[s].append(p)
        pairs.by_volunteer[v].append(p)


def _block_unstaffable(instance: Instance, pairs: Pairs) -> None:
    """Drop pairs no valid plan can use: a team-only place whose volunteer's teams cannot
    field the shift's minimum, a home visit only one person can go to (rules 6, 7)."""
    keep = [True] * len(pairs)
    for s, shift in enumerate(instance.shifts):
        own = pairs.by_shift[s]
        least = instance.minimum(shift)
        if least <= 1 or any(pairs.fixed[p] for p in own):
            continue
        team_ok = _fielded(instance, pairs, s, least) if shift.team_only else set(own)
        for p in own:
            if p not in team_ok:
                keep[p] = False
                pairs.blocked[s].append((pairs.volunteer[p], TEAM_TOO_SMALL))
        if len(team_ok) < least:
            for p in team_ok:
                keep[p] = False
                pairs.blocked[s].append((pairs.volunteer[p], PAIR_RULE if shift.home_visit
                                         else TEAM_TOO_SMALL))
    if not all(keep):
        _compact(pairs, keep)


def _fielded(instance: Instance, pairs: Pairs, s: int, least: int) -> set[int]:
    """Pairs of a team-only shift whose volunteer is in a team with ≥ least such pairs."""
    shift = instance.shifts[s]
    teams = instance.candidate_teams.get(shift.project_id, ())
    own = pairs.by_shift[s]
    ids = {instance.volunteers[pairs.volunteer[p]].id: p for p in own}
    found: set[int] = set()
    for t in teams:
        inside = [ids[m] for m in instance.teams[t].members if m in ids]
        if len(inside) >= least:
            found.update(inside)
    return found
