"""Shift time conflicts as intervals: clique cover (flow blocks) and maximal cliques (CP-SAT).

Two shifts conflict when ``[start, end + gap)`` of both intersect (rule 3), so the
conflict graph of one volunteer's shifts is an interval graph.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["count_cap", "maximal_cliques", "stabbing_blocks"]

Span = tuple[int, int]  # start, end + travel gap


def stabbing_blocks(spans: Sequence[Span]) -> list[list[int]]:
    """Partition span positions into blocks whose spans share a point (greedy stabbing).

    The greedy picks the fewest points, so this is a minimum clique cover: each
    block can hold at most one shift of a volunteer.
    """
    order = sorted(range(len(spans)), key=lambda i: spans[i][1])
    points: list[int] = []
    for i in order:
        start, end = spans[i]
        if not points or start > points[-1]:
            points.append(end - 1)
    blocks: list[list[int]] = [[] for _ in points]
    for i, (start, _) in enumerate(spans):
        blocks[bisect_left(points, start)].append(i)
    return blocks


def maximal_cliques(spans: Sequence[Span]) -> list[list[int]]:
    """The maximal sets of pairwise-conflicting spans (at least two), by a sweep."""
    events = sorted(
        [(end, 0, i) for i, (_, end) in enumerate(spans)]
        + [(start, 1, i) for i, (start, _) in enumerate(spans)]
    )  # at equal times removals (0) come first: half-open spans
    active: dict[int, None] = {}
    grown = False
    cliques: list[list[int]] = []
    for _, kind, i in events:
        if kind == 1:
            active[i] = None
            grown = True
            continue
        if grown and len(active) > 1:
            cliques.append(list(active))
        grown = False
        del active[i]
    return cliques


def count_cap(minutes: Sequence[int], room: int) -> int:
    """The most shifts of these lengths that fit in ``room`` minutes."""
    count = 0
    for length in sorted(minutes):
        if length > room:
            break
        room -= length
        count += 1
    return count
