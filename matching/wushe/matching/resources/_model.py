"""The CP-SAT model: one method per family of hard rules, then the four tiers.

Variables exist only for eligible pairs. Per pair, ``used`` says whether the
allocation exists; a counted pair also carries ``units`` (≥ 1 when used), a
venue pair seats the whole requirement when used.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from wushe.matching.resources._weights import (
    new_providers,
    offer_load_limit,
    shortfall_cost,
    unit_cost,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from wushe.matching.resources._eligibility import Pair
    from wushe.matching.resources.problem import Requirement, ResourceProblem

__all__ = ["Expr", "ResourceModel"]

Expr = Any  # cp_model's linear expressions (the library is untyped)


class ResourceModel:
    """All hard rules of docs/matching.md "Resources" and the tier expressions."""

    def __init__(self, problem: ResourceProblem, pairs: Sequence[Pair], scale: int) -> None:
        self.model = cp_model.CpModel()
        self.problem, self.pairs, self.scale = problem, pairs, scale
        self.used = [self.model.new_bool_var(f"used_{i}") for i in range(len(pairs))]
        self.units: list[Expr] = [self._units(i, p) for i, p in enumerate(pairs)]
        self._steps: dict[str, list[Any]] = {}  # offer → its load steps (for hints)
        self._served: dict[str, Any] = {}  # new provider → whether it gets an allocation
        self._by_offer: dict[str, list[int]] = defaultdict(list)
        self._by_requirement: dict[str, list[int]] = defaultdict(list)
        for i, pair in enumerate(pairs):
            self._by_offer[pair.offer.id].append(i)
            self._by_requirement[pair.requirement.id].append(i)
        # The rules first; the tiers only read the variables they constrain.
        self._offer_remaining()
        self._one_venue()
        self._no_double_booking()
        priority, other = self._shortfall()
        self.tiers: tuple[Expr, Expr, Expr, Expr] = (
            priority, other, self._distance(), self._spread())

    def _units(self, i: int, pair: Pair) -> Expr:
        used = self.used[i]
        if pair.venue:
            return pair.limit * used
        units = self.model.new_int_var(0, pair.limit, f"units_{i}")
        self.model.add(units >= used)  # an allocation carries at least one unit
        self.model.add(units <= pair.limit * used)
        return units

    def _offer_remaining(self) -> None:
        """A counted offer is never over-allocated."""
        for indices in self._by_offer.values():
            offer = self.pairs[indices[0]].offer
            if offer.kind.counted:
                self.model.add(sum(self.units[i] for i in indices) <= offer.remaining)

    def _one_venue(self) -> None:
        """A venue requirement gets one venue, whole, or none."""
        for indices in self._by_requirement.values():
            if self.pairs[indices[0]].venue and len(indices) > 1:
                self.model.add_at_most_one(self.used[i] for i in indices)

    def _no_double_booking(self) -> None:
        """New bookings of one venue never overlap (existing ones are excluded by eligibility).

        Intervals that pairwise overlap share a point, and the largest such sets
        contain some interval's start: one at-most-one per start is exact.
        """
        for indices in self._by_offer.values():
            if not self.pairs[indices[0]].venue:
                continue
            starts = sorted({self.pairs[i].requirement.start for i in indices})
            for t in starts:
                clique = [i for i in indices
                          if self.pairs[i].requirement.start <= t < self.pairs[i].requirement.end]
                if len(clique) > 1:
                    self.model.add_at_most_one(self.used[i] for i in clique)

    def _shortfall(self) -> tuple[Expr, Expr]:
        """Σ normalised shortfall over priority requirements, and over the others."""
        tiers: tuple[list[Expr], list[Expr]] = ([], [])
        for requirement in self.problem.requirements:
            indices = self._by_requirement.get(requirement.id, [])
            tiers[0 if requirement.priority else 1].append(self._missing(requirement, indices))
        return sum(tiers[0]), sum(tiers[1])

    def _missing(self, requirement: Requirement, indices: list[int]) -> Expr:
        """The requirement's shortfall cost; it never gets more than it requires."""
        if not indices:
            return shortfall_cost(requirement, requirement.quantity, self.scale)
        if not requirement.kind.counted:
            return self.scale * (1 - sum(self.used[i] for i in indices))
        got = sum(self.units[i] for i in indices)
        self.model.add(got <= requirement.quantity)
        return unit_cost(requirement, self.scale) * (requirement.quantity - got)

    def _distance(self) -> Expr:
        return sum(p.distance * self.used[i] for i, p in enumerate(self.pairs) if p.distance)

    def _spread(self) -> Expr:
        """New providers left without an allocation, plus a convex load on every offer."""
        params = self.problem.params
        cost: list[Expr] = []
        organisations: dict[str, list[Expr]] = defaultdict(list)
        for i, pair in enumerate(self.pairs):
            organisations[pair.offer.organisation].append(self.used[i])
        for organisation in sorted(new_providers(self.problem, self.pairs)):
            served = self._served[organisation] = self.model.new_bool_var(f"served_{organisation}")
            self.model.add_bool_or(organisations[organisation]).only_enforce_if(served)
            cost.append(params.first_allocation_cost * (1 - served))
        for offer_id, limit in offer_load_limit(self.pairs).items():
            cost.append(params.offer_load_cost * self._load(offer_id, limit))
        return sum(cost)

    def _load(self, offer_id: str, limit: int) -> Expr:
        """Σ_k k·[the offer has ≥ k allocations]: the k-th allocation costs k."""
        steps = [self.model.new_bool_var(f"load_{offer_id}_{k}") for k in range(limit)]
        self._steps[offer_id] = steps
        for lower, higher in pairwise(steps):
            self.model.add_implication(higher, lower)
        self.model.add(sum(steps) == sum(self.used[i] for i in self._by_offer[offer_id]))
        return sum((k + 1) * step for k, step in enumerate(steps))

    def hint(self, units: Mapping[int, int]) -> None:
        """Start the search from a known valid plan (every variable, so none is left to guess)."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in the stubs
        for i, pair in enumerate(self.pairs):
            self.model.add_hint(self.used[i], 1 if units.get(i, 0) else 0)
            if not pair.venue:
                self.model.add_hint(self.units[i], units.get(i, 0))
        load = Counter(self.pairs[i].offer.id for i in units)
        for offer_id, steps in self._steps.items():
            for k, step in enumerate(steps):
                self.model.add_hint(step, 1 if k < load[offer_id] else 0)
        served = {self.pairs[i].offer.organisation for i in units}
        for organisation, var in self._served.items():
            self.model.add_hint(var, 1 if organisation in served else 0)

    def solution(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """What each used pair carries in the solver's best solution."""
        return {i: solver.value(self.units[i]) for i in range(len(self.pairs))
                if solver.value(self.used[i])}
