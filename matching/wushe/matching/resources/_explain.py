"""Why each allocation, and which rule bound for each requirement left short."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from wushe.matching.resources._eligibility import offers_by_type
from wushe.matching.resources.plan import Allocation, Unmet, UnmetReason

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from wushe.matching.resources._eligibility import Pair
    from wushe.matching.resources.problem import (
        Offer,
        Requirement,
        ResourceKind,
        ResourceProblem,
    )

__all__ = ["allocations", "unmet"]


def allocations(
    problem: ResourceProblem, pairs: Sequence[Pair], units: Mapping[int, int]
) -> tuple[Allocation, ...]:
    """The plan's allocations, offer by offer in time order, each with its reasons."""
    chosen = sorted(units, key=lambda i: (pairs[i].offer.id, pairs[i].requirement.start,
                                          pairs[i].requirement.id))
    load: Counter[str] = Counter()
    result: list[Allocation] = []
    for i in chosen:
        pair = pairs[i]
        load[pair.offer.id] += 1
        result.append(_allocation(problem, pair, units[i], load[pair.offer.id]))
    return tuple(result)


def _allocation(problem: ResourceProblem, pair: Pair, quantity: int, k: int) -> Allocation:
    offer, requirement = pair.offer, pair.requirement
    new = offer.organisation not in problem.organisations_allocated_this_year
    return Allocation(
        offer=offer.id, requirement=requirement.id, quantity=quantity, kind=offer.kind,
        unit=offer.unit, start=requirement.start, end=requirement.end, distance=pair.distance,
        organisation=offer.organisation, new_provider=new, offer_load=k,
        explanation=_why(pair, quantity, k, new),
    )


def _why(pair: Pair, quantity: int, k: int, new: bool) -> str:
    offer, requirement = pair.offer, pair.requirement
    what = (f"books venue {offer.id} (seats {offer.capacity}) for {quantity} {offer.unit}"
            if pair.venue else
            f"{quantity} of {offer.remaining} {offer.unit} left of {offer.kind} offer {offer.id}")
    provider = "first allocation this year" if new else "already a provider this year"
    return (f"{what}: available [{offer.window.start}, {offer.window.end}) covers "
            f"[{requirement.start}, {requirement.end}); {pair.distance} grid steps away; "
            f"provider {offer.organisation} ({provider}); allocation {k} of this offer")


def unmet(
    problem: ResourceProblem, pairs: Sequence[Pair], units: Mapping[int, int]
) -> tuple[Unmet, ...]:
    """Every requirement not fully met, with its shortfall and the rule that bound."""
    got: Counter[str] = Counter()
    taken: Counter[str] = Counter()
    booked: dict[str, list[Requirement]] = defaultdict(list)
    for i, quantity in units.items():
        pair = pairs[i]
        got[pair.requirement.id] += quantity
        taken[pair.offer.id] += quantity
        booked[pair.offer.id].append(pair.requirement)
    context = _Context(offers_by_type(problem.offers), taken, booked)
    result: list[Unmet] = []
    for requirement in problem.requirements:
        shortfall = requirement.quantity - got[requirement.id]
        if shortfall > 0:
            reason, text = context.reason(requirement, shortfall)
            result.append(Unmet(requirement=requirement.id, shortfall=shortfall, reason=reason,
                                explanation=text))
    return tuple(result)


class _Context:
    """The offers and what the plan did with them, to name the rule that bound."""

    def __init__(
        self,
        index: Mapping[tuple[ResourceKind, str], list[Offer]],
        taken: Counter[str],
        booked: Mapping[str, list[Requirement]],
    ) -> None:
        self.index, self.taken, self.booked = index, taken, booked

    def reason(self, requirement: Requirement, shortfall: int) -> tuple[UnmetReason, str]:
        same = self.index.get((requirement.kind, requirement.unit), [])
        if not same:
            return UnmetReason.NO_OFFER_OF_TYPE, (
                f"no {requirement.kind} offer counted in {requirement.unit}")
        covering = [o for o in same if o.window.covers(requirement.start, requirement.end)]
        if not covering:
            return UnmetReason.WINDOW, (
                f"{len(same)} {requirement.kind} offer(s), none available over "
                f"[{requirement.start}, {requirement.end})")
        if requirement.kind.counted:
            return self._counted(requirement, shortfall, covering)
        return self._venue(requirement, covering)

    def _counted(
        self, requirement: Requirement, shortfall: int, covering: list[Offer]
    ) -> tuple[UnmetReason, str]:
        total = sum(o.remaining for o in covering)
        left = total - sum(self.taken[o.id] for o in covering)
        if left > 0:
            return UnmetReason.NOT_REACHED, (
                f"{left} {requirement.unit} still free; the solver stopped before an optimum")
        if total < requirement.quantity:
            return UnmetReason.QUANTITY, (
                f"the {len(covering)} fitting offer(s) hold {total} {requirement.unit} "
                f"in all, {requirement.quantity} required")
        return UnmetReason.USED_ELSEWHERE, (
            f"the fitting offers held {total} {requirement.unit}; {shortfall} went to "
            "requirements that weigh more (priority, share of need, distance)")

    def _venue(self, requirement: Requirement, covering: list[Offer]) -> tuple[UnmetReason, str]:
        start, end = requirement.start, requirement.end
        big = [o for o in covering if o.capacity >= requirement.quantity]
        if not big:
            largest = max(o.capacity for o in covering)
            return UnmetReason.CAPACITY, (
                f"venues available then seat at most {largest}, {requirement.quantity} needed")
        free = [o for o in big if o.free(start, end)]
        if not free:
            return UnmetReason.VENUE_BOOKED, (
                f"all {len(big)} fitting venue(s) already booked over [{start}, {end})")
        if any(self._open(o, start, end) for o in free):
            return UnmetReason.NOT_REACHED, "a fitting venue is still free: the solve stopped early"
        return UnmetReason.USED_ELSEWHERE, (
            f"the {len(free)} free fitting venue(s) were booked for requirements that weigh more")

    def _open(self, venue: Offer, start: int, end: int) -> bool:
        """Whether the plan books nothing of this venue over ``[start, end)``."""
        return all(r.end <= start or end <= r.start for r in self.booked[venue.id])
