"""Shift time conflicts as intervals: maximal cliques (CP-SAT's no-overlap constraints).

Two shifts conflict when ``[start, end + gap)`` of both intersect (rule 3), so the
conflict graph of one volunteer's shifts is an interval graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["maximal_cliques"]

Span = tuple[int, int]  # start, end + travel gap


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
