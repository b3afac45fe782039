"""What one volunteer can still take: time blocks of their free pairs and a count cap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wushe.matching.staffing.intervals import count_cap, stabbing_blocks

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.instance import Instance

__all__ = ["Capacity", "capacities"]


@dataclass(frozen=True, slots=True)
class Capacity:
    """A volunteer's non-fixed pairs grouped in blocks (one shift per block at most)."""

    fixed: int  # number of fixed shifts
    blocks: tuple[tuple[int, ...], ...]  # pair positions; a block's shifts pairwise conflict
    most: int  # most non-fixed shifts they can take: implied by rule 3 and the hour cap


def capacities(instance: Instance, pairs: Pairs) -> list[Capacity]:
    return [_capacity(instance, pairs, own) for own in pairs.by_volunteer]


def _capacity(instance: Instance, pairs: Pairs, own: list[int]) -> Capacity:
    free = [p for p in own if not pairs.fixed[p]]
    fixed = len(own) - len(free)
    if not free:
        return Capacity(fixed, (), 0)
    gap = instance.params.travel_gap_minutes
    shifts = [instance.shifts[pairs.shift[p]] for p in free]
    blocks = stabbing_blocks([(s.start, s.end + gap) for s in shifts])
    volunteer = instance.volunteers[pairs.volunteer[free[0]]]
    fixed_minutes = sum(instance.shifts[pairs.shift[p]].minutes for p in own if pairs.fixed[p])
    by_minutes = count_cap([s.minutes for s in shifts], volunteer.cap_minutes - fixed_minutes)
    return Capacity(
        fixed,
        tuple(tuple(free[i] for i in block) for block in blocks),
        min(by_minutes, len(blocks)),
    )
