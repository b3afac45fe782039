"""What a proven bound says tier by tier, and when a solve may stop.

The weights are proper (each tier's weight exceeds the largest total of the
tiers below it), so a weighted value splits uniquely into its tier values, and a
lower bound B of the weighted objective gives a *lexicographic* lower bound of
the tiers: every plan has tier 1 ≥ ⌊B / W₁⌋; among the plans with tier 1 at that
value, tier 2 ≥ ⌊(B − W₁·t₁) / W₂⌋; and so on. A tier of a plan is proven
optimal when it and every tier above it equal these floors. The coverage tiers
(shortfalls, 1 and 2) come first: a solve stops early only once both are proven
and the rest of the objective (changes, quality, fairness) is within the
relative gap of what the bound leaves for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["COVERAGE", "TIERS", "Proof", "floors", "lower_gap", "settled"]

TIERS = 5
COVERAGE = 2  # tiers 1 and 2 (positions 0, 1): the shortfalls


def floors(weights: Mapping[int, int], value: int) -> dict[int, int]:
    """Per tier (position → weight), the lexicographic floor a weighted ``value`` implies:
    for a plan's own value, exactly its tier values."""
    found: dict[int, int] = {}
    rest = value
    for tier in sorted(weights):
        found[tier] = max(0, rest // weights[tier])
        rest -= weights[tier] * found[tier]
    return found


def lower_gap(weights: Mapping[int, int], objective: int, bound: int) -> float | None:
    """The relative gap of the tiers below coverage, when the bound proves the coverage
    tiers of this weighted objective (None otherwise)."""
    tiers, least = floors(weights, objective), floors(weights, bound)
    coverage = [t for t in sorted(weights) if t < COVERAGE]
    if any(tiers[t] != least[t] for t in coverage):
        return None
    part = sum(weights[t] * tiers[t] for t in coverage)
    rest, rest_bound = objective - part, bound - part
    return max(0, rest - rest_bound) / max(1, rest)


def settled(weights: Mapping[int, int], objective: int, bound: int, gap: float) -> bool:
    """The stopping rule: coverage proven and the lower tiers within ``gap``."""
    found = lower_gap(weights, objective, bound)
    return found is not None and found <= gap


@dataclass(frozen=True, slots=True)
class Proof:
    """What is proven about a plan's tiers."""

    floors: tuple[int, ...]  # lexicographic lower bound of the best plan's tiers
    tiers: tuple[int, ...]  # the plan's

    @property
    def proven(self) -> int:
        """How many leading tiers of the plan are proven optimal."""
        count = 0
        for value, floor in zip(self.tiers, self.floors, strict=True):
            if value != floor:
                break
            count += 1
        return count

    @property
    def coverage_proven(self) -> bool:
        return self.proven >= COVERAGE

    @property
    def coverage_gap_places(self) -> int:
        """Places the plan may be short of the best: priority ones while tier 1 is not
        proven, then other ones."""
        for t in range(COVERAGE):
            if self.tiers[t] != self.floors[t]:
                return max(0, self.tiers[t] - self.floors[t])
        return 0

    def raised(self, floors: tuple[int, ...]) -> Proof:
        """With another valid lexicographic lower bound: the larger one."""
        return Proof(max(self.floors, floors), self.tiers)
