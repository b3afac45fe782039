"""The eligible pairs of a problem in bulk (numpy): rules 1, 2, 8 and team membership.

Windows are sorted by start, so the volunteers who can cover a shift come from
a range of windows (those starting no earlier than the shift's end minus the
longest window), tested for skills with bit masks: near-linear in the pairs,
never volunteers × shifts. A pair is keyed ``shift × volunteers + volunteer``,
so sorted keys are pairs sorted by shift, then volunteer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from wushe.matching.staffing.instance import Instance

__all__ = ["Flags", "Ints", "candidate_keys", "new_faces", "pair_costs", "pair_keys"]

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
_BITS = 62  # skill bits per int64 word


def pair_keys(instance: Instance, pairs: frozenset[tuple[str, str]]) -> Ints:
    """Sorted keys of the (volunteer id, shift id) pairs whose ids are known."""
    at_v, at_s = instance.volunteer_at, instance.shift_at
    people = max(1, len(instance.volunteers))
    keys = [at_s[s] * people + at_v[v] for v, s in pairs if v in at_v and s in at_s]
    return np.unique(np.array(keys, dtype=np.int64))


def candidate_keys(instance: Instance) -> Ints:
    """Keys of the pairs allowed by skills, windows, declines and team membership."""
    found: list[Ints] = []
    windows = _Windows(instance)
    members = _team_members(instance)
    people = max(1, len(instance.volunteers))
    for s, shift in enumerate(instance.shifts):
        volunteers = windows.covering(shift.start, shift.end, windows.mask(shift.skills))
        if shift.team_only:
            allowed = members.get(shift.project_id, np.zeros(0, dtype=np.int64))
            volunteers = volunteers[np.isin(volunteers, allowed)]
        found.append(volunteers + s * people)
    keys = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return keys[~np.isin(keys, pair_keys(instance, instance.problem.declined))]


class _Windows:
    """Every window, sorted by start, with its owner's skill mask."""

    def __init__(self, instance: Instance) -> None:
        volunteers = instance.volunteers
        skills = sorted({k for v in volunteers for k in v.skills})
        self._bit = {k: i for i, k in enumerate(skills)}
        self._words = max(1, -(-len(skills) // _BITS))
        masks = np.zeros((len(volunteers), self._words), dtype=np.int64)
        for at, volunteer in enumerate(volunteers):
            held = self.mask(volunteer.skills)
            if held is not None:  # always: every skill held is known
                masks[at] = held
        rows = sorted((w.start, w.end, at) for at, v in enumerate(volunteers) for w in v.windows)
        table = np.array(rows, dtype=np.int64).reshape(-1, 3)
        self.starts, self.ends, self.owners = table[:, 0], table[:, 1], table[:, 2]
        self.longest = int((self.ends - self.starts).max()) if rows else 0
        self.masks = masks[self.owners]

    def mask(self, skills: frozenset[str]) -> Ints | None:
        """The skills as bit words; None when a skill is held by nobody."""
        words = np.zeros(self._words, dtype=np.int64)
        for skill in skills:
            bit = self._bit.get(skill)
            if bit is None:
                return None
            words[bit // _BITS] |= np.int64(1) << (bit % _BITS)
        return words

    def covering(self, start: int, end: int, mask: Ints | None) -> Ints:
        """Owners of a window holding ``[start, end)`` and the skills."""
        if mask is None:
            return np.zeros(0, dtype=np.int64)
        low = int(np.searchsorted(self.starts, end - self.longest, "left"))
        high = int(np.searchsorted(self.starts, start, "right"))
        ok = self.ends[low:high] >= end
        if mask.any():
            ok &= ((self.masks[low:high] & mask) == mask).all(axis=1)
        return self.owners[low:high][ok]  # a volunteer twice: made distinct with the keys


def _team_members(instance: Instance) -> dict[str, Ints]:
    """Per team project: the volunteers in a team it may adopt."""
    members: dict[str, Ints] = {}
    for project, teams in instance.candidate_teams.items():
        ids = {m for t in teams for m in instance.teams[t].members}
        at = sorted(instance.volunteer_at[m] for m in ids if m in instance.volunteer_at)
        members[project] = np.array(at, dtype=np.int64)
    return members


def pair_costs(instance: Instance, volunteer: Ints, shift: Ints) -> Ints:
    """Tier-4 cost per assignment: distance from home, plus preference when outside it."""
    grids = sorted({v.home_grid for v in instance.volunteers} | {s.grid for s in instance.shifts})
    code = {g: i for i, g in enumerate(grids)}
    home = np.array([code[v.home_grid] for v in instance.volunteers], dtype=np.int64)
    where = np.array([code[s.grid] for s in instance.shifts], dtype=np.int64)
    routes, inverse = np.unique(home[volunteer] * len(grids) + where[shift], return_inverse=True)
    steps = np.array([instance.distance(grids[r // len(grids)], grids[r % len(grids)])
                      for r in routes.tolist()], dtype=np.int64)
    cost = steps[inverse.reshape(-1)]
    categories = sorted({s.category for s in instance.shifts})
    column = {c: i for i, c in enumerate(categories)}
    prefers = np.zeros((len(instance.volunteers), len(categories) + 1), dtype=np.bool_)
    for at, v in enumerate(instance.volunteers):
        prefers[at, [column[c] for c in v.preferred_categories if c in column]] = True
        prefers[at, -1] = bool(v.preferred_categories)
    category = np.array([column[s.category] for s in instance.shifts], dtype=np.int64)
    outside = prefers[volunteer, -1] & ~prefers[volunteer, category[shift]]
    costs: Ints = cost + instance.params.preference_cost * outside.astype(np.int64)
    return costs


def new_faces(instance: Instance, residents: dict[str, int], volunteer: Ints,
              shift: Ints) -> Ints:
    """Per pair: the code of the resident it visits for the first time, else -1."""
    for s in instance.shifts:
        if s.resident is not None:
            residents.setdefault(s.resident, len(residents))
    on_shift = np.array([-1 if s.resident is None else residents[s.resident]
                        for s in instance.shifts], dtype=np.int64)
    count = max(1, len(residents))
    seen = np.array(sorted(at * count + residents[r] for at, v in enumerate(instance.volunteers)
                           for r in v.visited_residents if r in residents), dtype=np.int64)
    resident = on_shift[shift]
    known = np.isin(volunteer * count + resident, seen) | (resident < 0)
    return np.where(known, -1, resident)
