"""Which pairs CP-SAT sees: all of them, or a neighbourhood of the flow's plan."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Selection

__all__ = ["neighbourhood"]


def neighbourhood(pairs: Pairs, plans: list[Selection], per_shift: int) -> list[int]:
    """The plans' pairs, fixed and pending ones, and the cheapest alternatives per shift."""
    scope = {p for plan in plans for p in plan.pairs}
    scope |= {p for p in range(len(pairs)) if pairs.fixed[p] or pairs.previous[p]}
    for own in pairs.by_shift:
        scope.update(heapq.nsmallest(per_shift, own, key=lambda p: (pairs.cost[p], p)))
    return sorted(scope)
