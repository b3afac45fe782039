"""Tier bounds and weights derived from the instance, and exact tier values of a plan.

Each tier's weight is one more than the largest possible weighted total of all
lower tiers, so one unit of a higher tier outweighs any change below it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from wushe.matching.resources._eligibility import Pair
    from wushe.matching.resources.problem import ResourceProblem

__all__ = ["SAFE_OBJECTIVE", "Scale", "derive_scale", "new_providers", "offer_load_limit",
           "tier_values"]

# CP-SAT's objective is exact only within the doubles' integer range.
SAFE_OBJECTIVE = 2**53

Tiers4 = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Scale:
    """How the objective is measured for this instance."""

    shortfall: int  # what one requirement's whole shortfall costs in tiers 1-2
    maxima: Tiers4  # the largest possible value of each tier
    weights: Tiers4

    def weighted(self, tiers: Sequence[int]) -> int:
        return sum(w * t for w, t in zip(self.weights, tiers, strict=True))

    @property
    def fits(self) -> bool:
        """Whether one weighted CP-SAT objective stays exact."""
        return self.weighted(self.maxima) <= SAFE_OBJECTIVE


def shortfall_scale(problem: ResourceProblem) -> int:
    """At least the resolution (per-mille), and fine enough that every missing unit costs ≥ 1."""
    largest = max((r.quantity for r in problem.requirements), default=1)
    return max(problem.params.shortfall_resolution, largest)


def new_providers(problem: ResourceProblem, pairs: Sequence[Pair]) -> set[str]:
    """Organisations with no allocation this year yet and at least one eligible offer."""
    known = problem.organisations_allocated_this_year
    return {p.offer.organisation for p in pairs} - known


def offer_load_limit(pairs: Sequence[Pair]) -> dict[str, int]:
    """The most allocations each offer can take: one per requirement, one unit at least."""
    degree = Counter(p.offer.id for p in pairs)
    offers = {p.offer.id: p.offer for p in pairs}
    return {
        oid: min(n, offers[oid].remaining) if offers[oid].kind.counted else n
        for oid, n in degree.items()
    }


def derive_scale(problem: ResourceProblem, pairs: Sequence[Pair]) -> Scale:
    """Tier maxima from the instance, and the weights they imply."""
    scale = shortfall_scale(problem)
    priority = sum(1 for r in problem.requirements if r.priority)
    other = len(problem.requirements) - priority
    maxima = (scale * priority, scale * other, _distance_max(pairs), _spread_max(problem, pairs))
    w4 = 1
    w3 = 1 + maxima[3] * w4
    w2 = 1 + maxima[2] * w3 + maxima[3] * w4
    w1 = 1 + maxima[1] * w2 + maxima[2] * w3 + maxima[3] * w4
    return Scale(scale, maxima, (w1, w2, w3, w4))


def _distance_max(pairs: Sequence[Pair]) -> int:
    counted = sum(p.distance for p in pairs if not p.venue)
    venue: dict[str, int] = defaultdict(int)
    for p in pairs:
        if p.venue:
            venue[p.requirement.id] = max(venue[p.requirement.id], p.distance)
    return counted + sum(venue.values())


def _spread_max(problem: ResourceProblem, pairs: Sequence[Pair]) -> int:
    params = problem.params
    loads = sum(m * (m + 1) // 2 for m in offer_load_limit(pairs).values())
    return params.first_allocation_cost * len(new_providers(problem, pairs)) + (
        params.offer_load_cost * loads
    )


def tier_values(
    problem: ResourceProblem, pairs: Sequence[Pair], units: Mapping[int, int], scale: int
) -> Tiers4:
    """Exact tier values of a plan: ``units`` maps a pair's index to what it carries (> 0)."""
    got: Counter[str] = Counter()
    loads: Counter[str] = Counter()
    providers: set[str] = set()
    distance = 0
    for i, quantity in units.items():
        pair = pairs[i]
        got[pair.requirement.id] += quantity
        loads[pair.offer.id] += 1
        providers.add(pair.offer.organisation)
        distance += pair.distance
    shortfall = [0, 0]
    for r in problem.requirements:
        missing = r.quantity - got[r.id]
        shortfall[0 if r.priority else 1] += -(-scale * missing // r.quantity)  # ceil
    params = problem.params
    left_out = len(new_providers(problem, pairs) - providers)
    load_cost = sum(k * (k + 1) // 2 for k in loads.values())
    spread = params.first_allocation_cost * left_out + params.offer_load_cost * load_cost
    return shortfall[0], shortfall[1], distance, spread
