"""Input checks, grid distances and the eligible (offer, requirement) pairs.

A pair exists only where the hard rules that concern one offer and one
requirement allow it: same kind and unit, the requirement's time inside the
offer's window, something left (counted) or enough seats and no overlapping
existing booking (venue). The rules between pairs (remaining quantity, one venue
per requirement, no double booking) are the model's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wushe.matching.resources.problem import (
        Offer,
        Requirement,
        ResourceKind,
        ResourceParams,
        ResourceProblem,
    )

__all__ = ["Pair", "distance", "eligible_pairs", "offers_by_type", "validate", "warnings"]


@dataclass(frozen=True, slots=True)
class Pair:
    """An allowed (offer, requirement) allocation and the most it can carry."""

    offer: Offer
    requirement: Requirement
    distance: int
    limit: int  # counted: min(remaining, quantity); venue: the requirement's people

    @property
    def venue(self) -> bool:
        return not self.offer.kind.counted


def distance(
    a: str, b: str, positions: Mapping[str, tuple[int, int]], params: ResourceParams
) -> int:
    """Grid steps between two grids (Manhattan), unknown grids at a fixed distance, capped."""
    if a == b:
        return 0
    pa, pb = positions.get(a), positions.get(b)
    if pa is None or pb is None:
        steps = params.unknown_distance
    else:
        steps = abs(pa[0] - pb[0]) + abs(pa[1] - pb[1])
    return min(steps, params.max_distance)


def offers_by_type(offers: tuple[Offer, ...]) -> dict[tuple[ResourceKind, str], list[Offer]]:
    """Offers indexed by (kind, unit), in input order."""
    index: dict[tuple[ResourceKind, str], list[Offer]] = defaultdict(list)
    for offer in offers:
        index[offer.kind, offer.unit].append(offer)
    return index


def fits(offer: Offer, requirement: Requirement) -> bool:
    """Whether this one offer may serve this requirement at all (rules on one pair)."""
    if not offer.window.covers(requirement.start, requirement.end):
        return False
    if offer.kind.counted:
        return offer.remaining > 0
    return offer.capacity >= requirement.quantity and offer.free(
        requirement.start, requirement.end
    )


def eligible_pairs(problem: ResourceProblem) -> list[Pair]:
    """Every allowed pair, requirement by requirement (input order), then offer order."""
    index = offers_by_type(problem.offers)
    pairs: list[Pair] = []
    for requirement in problem.requirements:
        candidates = index.get((requirement.kind, requirement.unit), ())
        pairs.extend(_pair(o, requirement, problem) for o in candidates if fits(o, requirement))
    return pairs


def _pair(offer: Offer, requirement: Requirement, problem: ResourceProblem) -> Pair:
    limit = requirement.quantity
    if offer.kind.counted:
        limit = min(offer.remaining, requirement.quantity)
    steps = distance(offer.grid, requirement.grid, problem.grid_positions, problem.params)
    return Pair(offer, requirement, steps, limit)


def validate(problem: ResourceProblem) -> None:
    """Reject malformed input (a programming error upstream, not an impossible case).

    Raises:
        ValueError: duplicate ids, empty intervals, non-positive quantities, bad params.
    """
    _unique("offer", [o.id for o in problem.offers])
    _unique("requirement", [r.id for r in problem.requirements])
    for offer in problem.offers:
        if offer.window.end <= offer.window.start or min(offer.remaining, offer.capacity) < 0:
            raise ValueError(f"offer {offer.id}: empty window or negative quantity")
        if any(b.end <= b.start for b in offer.bookings):
            raise ValueError(f"offer {offer.id}: an empty booking")
    for requirement in problem.requirements:
        if requirement.end <= requirement.start or requirement.quantity < 1:
            raise ValueError(f"requirement {requirement.id}: empty time or quantity < 1")
    params = problem.params
    if params.workers < 1 or params.shortfall_resolution < 1 or params.time_limit_s <= 0:
        raise ValueError("params: workers, shortfall_resolution and time_limit_s must be positive")
    if min(params.unknown_distance, params.max_distance, params.first_allocation_cost,
           params.offer_load_cost) < 0:
        raise ValueError("params: distances and costs must not be negative")


def _unique(what: str, ids: list[str]) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate {what} ids")


def warnings(problem: ResourceProblem) -> tuple[str, ...]:
    """Input the plan keeps as it is but reports: existing bookings that already overlap."""
    found: list[str] = []
    for offer in problem.offers:
        spans = sorted(offer.bookings)
        if any(a.end > b.start for a, b in pairwise(spans)):
            found.append(f"venue {offer.id}: existing bookings already overlap")
    return tuple(found)
