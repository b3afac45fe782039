"""Which pairs CP-SAT sees: all of them, a proven scope, or a neighbourhood of the flow's plan.

A pair whose reduced cost in the flow lifts the flow's bound to the incumbent's
value or above is in no plan better than the incumbent, so CP-SAT over the
other pairs (the proven scope) still finds the optimum, and its bound, capped
by the incumbent's value, is a bound of the whole problem.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Selection
    from wushe.matching.staffing.flow import FlowResult

__all__ = ["neighbourhood", "proven_scope"]


def neighbourhood(pairs: Pairs, plans: list[Selection], per_shift: int) -> list[int]:
    """The plans' pairs, fixed and pending ones, and the cheapest alternatives per shift."""
    scope = {p for plan in plans for p in plan.pairs}
    scope |= {p for p in range(len(pairs)) if pairs.fixed[p] or pairs.previous[p]}
    for own in pairs.by_shift:
        scope.update(heapq.nsmallest(per_shift, own, key=lambda p: (pairs.cost[p], p)))
    return sorted(scope)


def proven_scope(pairs: Pairs, flow: FlowResult, incumbent: int,
                 plans: list[Selection]) -> list[int] | None:
    """Every pair that may be in a plan better than ``incumbent`` (a plan's weighted
    objective), plus the plans' pairs; None without the flow's reduced costs."""
    if flow.reduced is None:
        return None
    scope = set(np.flatnonzero(flow.bound + flow.reduced < incumbent).tolist())
    scope |= {p for plan in plans for p in plan.pairs}
    scope |= set(np.flatnonzero(pairs.array.fixed | pairs.array.previous).tolist())
    return sorted(scope)
