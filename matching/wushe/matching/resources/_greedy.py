"""A quick valid plan: the solver's starting hint, and the answer if it finds nothing in time."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wushe.matching.resources._eligibility import Pair

__all__ = ["greedy_plan"]


def greedy_plan(pairs: Sequence[Pair]) -> dict[int, int]:
    """Priority requirements first, each from its nearest offers; respects every hard rule."""
    by_requirement: dict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(pairs):
        by_requirement[pair.requirement.id].append(i)
    order = sorted(by_requirement.values(), key=lambda ix: _urgency(pairs[ix[0]]))
    left = {p.offer.id: p.offer.remaining for p in pairs}
    booked: dict[str, list[tuple[int, int]]] = defaultdict(list)
    units: dict[int, int] = {}
    for indices in order:
        nearest = sorted(indices, key=lambda i: (pairs[i].distance, pairs[i].offer.id))
        if pairs[indices[0]].venue:
            _book(pairs, nearest, booked, units)
        else:
            _fill(pairs, nearest, left, units)
    return units


def _urgency(pair: Pair) -> tuple[bool, int, str]:
    requirement = pair.requirement
    return (not requirement.priority, requirement.start, requirement.id)


def _fill(
    pairs: Sequence[Pair], nearest: list[int], left: dict[str, int], units: dict[int, int]
) -> None:
    wanted = pairs[nearest[0]].requirement.quantity
    for i in nearest:
        take = min(wanted, left[pairs[i].offer.id])
        if take > 0:
            units[i] = take
            left[pairs[i].offer.id] -= take
            wanted -= take


def _book(
    pairs: Sequence[Pair],
    nearest: list[int],
    booked: dict[str, list[tuple[int, int]]],
    units: dict[int, int],
) -> None:
    for i in nearest:
        pair = pairs[i]
        start, end = pair.requirement.start, pair.requirement.end
        if all(end <= s or e <= start for s, e in booked[pair.offer.id]):
            booked[pair.offer.id].append((start, end))
            units[i] = pair.limit
            return
