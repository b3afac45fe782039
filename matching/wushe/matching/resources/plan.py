"""The resource plan: allocations (bookings), unmet requirements, tiers, bound, explanations."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from wushe.matching.resources.problem import ResourceKind

__all__ = [
    "Allocation",
    "ResourcePlan",
    "ResourceTiers",
    "SolveStatus",
    "Unmet",
    "UnmetReason",
]


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven: gap 0
    FEASIBLE = "feasible"  # a plan with a proven gap > 0
    NO_SOLUTION_IN_TIME = "no_solution_in_time"  # only the greedy plan (always valid)


class UnmetReason(StrEnum):
    """The rule that bound, most specific first."""

    NO_OFFER_OF_TYPE = "no_offer_of_type"  # no offer of this kind in this unit
    WINDOW = "window"  # offers of the kind exist, none is available over the whole time
    CAPACITY = "capacity"  # venues cover the time, none seats this many people
    VENUE_BOOKED = "venue_booked"  # every fitting venue already holds an overlapping booking
    QUANTITY = "quantity"  # the fitting offers hold less than required, even all together
    USED_ELSEWHERE = "used_elsewhere"  # enough existed; it went to requirements that weigh more
    NOT_REACHED = "not_reached"  # free resources remain: the solver stopped before an optimum


class ResourceTiers(msgspec.Struct, frozen=True, kw_only=True):
    """The objective's terms, highest priority first (see the package docstring)."""

    priority_shortfall: int  # Σ normalised shortfall of urgent/vulnerable requirements
    other_shortfall: int  # Σ normalised shortfall of the others
    distance: int  # Σ over allocations of the offer–requirement grid distance
    spread: int  # new providers left out × their cost + convex load per offer


class Allocation(msgspec.Struct, frozen=True, kw_only=True):
    """Part of one offer given to one requirement (a booking of its time, for a venue), and why."""

    offer: str
    requirement: str
    quantity: int  # counted: units; venue: people seated
    kind: ResourceKind
    unit: str
    start: int  # the requirement's time (a venue's booked span)
    end: int
    distance: int
    organisation: str
    new_provider: bool  # the organisation had no allocation this year before this plan
    offer_load: int  # this is the offer's k-th allocation of the plan (1-based)
    explanation: str


class Unmet(msgspec.Struct, frozen=True, kw_only=True):
    """A requirement not fully met, by how much, and the rule that bound."""

    requirement: str
    shortfall: int  # in the requirement's unit (a venue: all of its people)
    reason: UnmetReason
    explanation: str


class ResourcePlan(msgspec.Struct, frozen=True, kw_only=True):
    status: SolveStatus
    allocations: tuple[Allocation, ...]
    unmet: tuple[Unmet, ...]
    tiers: ResourceTiers
    objective: int  # Σ tier × weight (exact Python integers, may pass 2⁵³)
    bound: int  # a proven lower bound of the objective
    gap: float  # (objective − bound) / max(1, objective)
    seconds: float
    weights: tuple[int, int, int, int]  # the tier weights derived from the instance
    shortfall_scale: int  # what a requirement's whole shortfall costs in tiers 1–2 (± 0.05 %)
    stages: int  # CP-SAT runs: shortfall tiers, distance, spread (4 if 2⁵³ would be passed)
    eligible_pairs: int
    warnings: tuple[str, ...] = ()
