"""A plan under construction: per-volunteer and per-shift lookups and the fit test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wushe.matching.staffing.evaluate import Selection
from wushe.matching.staffing.instance import conflict

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.instance import Instance

__all__ = ["Board"]


@dataclass(slots=True)
class Board:
    """The plan being repaired, with per-volunteer and per-shift lookups."""

    instance: Instance
    pairs: Pairs
    by_volunteer: dict[int, set[int]] = field(default_factory=dict)
    by_shift: dict[int, set[int]] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)

    def add(self, p: int) -> None:
        self.by_volunteer.setdefault(self.pairs.volunteer[p], set()).add(p)
        self.by_shift.setdefault(self.pairs.shift[p], set()).add(p)

    def remove(self, p: int) -> None:
        self.by_volunteer[self.pairs.volunteer[p]].discard(p)
        self.by_shift[self.pairs.shift[p]].discard(p)

    def people(self, s: int) -> int:
        return len(self.by_shift.get(s, ()))

    def has(self, p: int) -> bool:
        return p in self.by_shift.get(self.pairs.shift[p], ())

    def fits(self, p: int) -> bool:
        """Whether pair p can join: rules 3, 4, 5 and team membership."""
        instance, pairs = self.instance, self.pairs
        v, shift = pairs.volunteer[p], instance.shifts[pairs.shift[p]]
        if self.people(pairs.shift[p]) >= shift.max_headcount or not self._member(p):
            return False
        own = [instance.shifts[pairs.shift[q]] for q in self.by_volunteer.get(v, ())]
        gap = instance.params.travel_gap_minutes
        if any(conflict(gap, shift, other) for other in own):
            return False
        used = sum(other.minutes for other in own)
        return used + shift.minutes <= instance.volunteers[v].cap_minutes

    def _member(self, p: int) -> bool:
        shift = self.instance.shifts[self.pairs.shift[p]]
        if not shift.team_only or self.pairs.fixed[p]:
            return True
        team = self.teams.get(shift.project_id)
        if team is None:
            return False
        volunteer = self.instance.volunteers[self.pairs.volunteer[p]].id
        return volunteer in self.instance.teams[team].members

    def selection(self) -> Selection:
        chosen = {p for own in self.by_volunteer.values() for p in own}
        return Selection(chosen, dict(self.teams))
