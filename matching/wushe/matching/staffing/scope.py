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
    from wushe.matching.staffing.instance import Instance

__all__ = ["neighbourhood", "proven_scope", "team_only_pairs"]


def team_only_pairs(instance: Instance, pairs: Pairs) -> list[int]:
    """The pairs of team-only shifts: members of the teams their projects may adopt."""
    return [p for s, shift in enumerate(instance.shifts) if shift.team_only
            for p in pairs.by_shift[s]]


def neighbourhood(instance: Instance, pairs: Pairs, plans: list[Selection],
                  per_shift: int) -> list[int]:
    """The plans' pairs, fixed and pending ones, every pair of a team-only shift (so any
    team can be chosen) and the cheapest alternatives per shift."""
    scope = {p for plan in plans for p in plan.pairs}
    scope |= {p for p in range(len(pairs)) if pairs.fixed[p] or pairs.previous[p]}
    scope |= set(team_only_pairs(instance, pairs))
    for own in pairs.by_shift:
        scope.update(heapq.nsmallest(per_shift, own, key=lambda p: (pairs.cost[p], p)))
    return sorted(scope)


def proven_scope(instance: Instance, pairs: Pairs, flow: FlowResult, incumbent: int,
                 plans: list[Selection]) -> list[int] | None:
    """Every pair that may be in a plan better than ``incumbent`` (a plan's weighted
    objective), plus the plans' pairs and those of team-only shifts (so CP-SAT may switch
    a project's team whatever the flow's reduced costs); None without them."""
    if flow.reduced is None:
        return None
    scope = set(np.flatnonzero(flow.bound + flow.reduced < incumbent).tolist())
    scope |= set(team_only_pairs(instance, pairs))
    scope |= {p for plan in plans for p in plan.pairs}
    scope |= set(np.flatnonzero(pairs.array.fixed | pairs.array.previous).tolist())
    return sorted(scope)
