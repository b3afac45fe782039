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
    from wushe.matching.resources.problem import Requirement, ResourceProblem

__all__ = [
    "SAFE_OBJECTIVE",
    "Scale",
    "derive_scale",
    "new_providers",
    "offer_load_limit",
    "shortfall_cost",
    "tier_values",
    "unit_cost",
]

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


def shortfall_scale(problem: ResourceProblem) -> int:
    """What one requirement's whole shortfall costs: the resolution × the largest counted quantity.

    Scaling by the largest quantity makes every counted requirement's unit cost
    (``unit_cost``) at least the resolution, so rounding it is off by at most
    ½ / resolution of the requirement (0.05 % per-mille) and every unit counts.
    """
    largest = max((r.quantity for r in problem.requirements if r.kind.counted), default=1)
    return problem.params.shortfall_resolution * largest


def unit_cost(requirement: Requirement, scale: int) -> int:
    """What one missing unit of a counted requirement costs: ``scale / quantity``, rounded."""
    return (2 * scale + requirement.quantity) // (2 * requirement.quantity)


def shortfall_cost(requirement: Requirement, missing: int, scale: int) -> int:
    """A counted requirement pays per missing unit; a venue requirement, booked or not, all or 0."""
    if not requirement.kind.counted:
        return scale if missing else 0
    return unit_cost(requirement, scale) * missing


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
    whole = [shortfall_cost(r, r.quantity, scale) for r in problem.requirements]
    priority = sum(c for c, r in zip(whole, problem.requirements, strict=True) if r.priority)
    maxima = (priority, sum(whole) - priority, _distance_max(pairs), _spread_max(problem, pairs))
    # W_k = 1 + Σ_(j>k) W_j × max_j, which telescopes to W_(k+1) × (max_(k+1) + 1).
    w4 = 1
    w3 = w4 * (maxima[3] + 1)
    w2 = w3 * (maxima[2] + 1)
    w1 = w2 * (maxima[1] + 1)
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
        shortfall[0 if r.priority else 1] += shortfall_cost(r, missing, scale)
    params = problem.params
    left_out = len(new_providers(problem, pairs) - providers)
    load_cost = sum(k * (k + 1) // 2 for k in loads.values())
    spread = params.first_allocation_cost * left_out + params.offer_load_cost * load_cost
    return shortfall[0], shortfall[1], distance, spread
