"""Volunteers by skill set and window, for the reasons of unfilled places.

Within one skill set the windows are sorted by start, so the volunteers who
could cover a shift are found by a range scan over the windows that can hold it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wushe.matching.staffing.problem import Shift, Volunteer

__all__ = ["SkillIndex"]


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
