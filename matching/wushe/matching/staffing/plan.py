"""The staffing plan: assignments, adopted teams, gaps, tiers, bound and explanations."""

from __future__ import annotations

from enum import StrEnum

import msgspec

__all__ = [
    "Assignment",
    "Plan",
    "SolveStatus",
    "TeamAdoption",
    "Tiers",
    "Unfilled",
    "UnfilledReason",
]


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven: gap 0
    FEASIBLE = "feasible"  # a plan with a proven gap > 0
    NO_SOLUTION_IN_TIME = "no_solution_in_time"  # only the (repaired) flow plan, if any


class UnfilledReason(StrEnum):
    NO_SKILL = "no_skill"
    NO_AVAILABILITY = "no_availability"
    DECLINED = "declined"
    AT_CAP = "at_cap"
    OVERLAP = "overlap"
    PAIR_RULE = "pair_rule"
    NO_TEAM = "no_team"
    TEAM_TOO_SMALL = "team_too_small"
    USED_ELSEWHERE = "used_elsewhere"


class Tiers(msgspec.Struct, frozen=True):
    """The objective's terms, highest priority first (docs/matching.md)."""

    priority_shortfall: int
    other_shortfall: int
    changes: int
    quality: int
    fairness: int


class Assignment(msgspec.Struct, frozen=True, kw_only=True):
    """One volunteer on one shift, and why them."""

    volunteer: str
    shift: str
    fixed: bool
    skills: tuple[str, ...]
    distance: int
    visited_before: bool
    load: int  # this is the volunteer's k-th shift of the plan (1-based, by start time)
    minutes_this_year: int
    team: str | None  # the adopting team they serve through, if any
    explanation: str


class TeamAdoption(msgspec.Struct, frozen=True, kw_only=True):
    project: str
    team: str
    members_free: int  # members eligible for at least one of the project's shifts
    distance: int
    explanation: str


class Unfilled(msgspec.Struct, frozen=True, kw_only=True):
    """A shift short of its required headcount, and the rule that bound."""

    shift: str
    shortfall: int
    reason: UnfilledReason
    explanation: str


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    status: SolveStatus
    assignments: tuple[Assignment, ...]
    teams: tuple[TeamAdoption, ...]
    unfilled: tuple[Unfilled, ...]
    tiers: Tiers
    objective: int  # the weighted objective (exact; beyond 2**53 when solved lexicographically)
    bound: int  # a proven lower bound of the objective
    gap: float  # (objective − bound) / max(1, objective): see proven_tiers and lower_gap
    seconds: float
    first_plan_seconds: float
    target_gap_seconds: float | None  # when the gap first reached Params.relative_gap
    eligible_pairs: int
    warnings: tuple[str, ...] = ()
    # What the bound proves, tier by tier (docs/matching.md, "What the gap says"):
    tier_bounds: Tiers | None = None  # lexicographic lower bound of the best plan's tiers
    proven_tiers: int = 0  # leading tiers of this plan proven optimal (0–5)
    coverage_proven: bool = False  # both shortfall tiers proven optimal
    coverage_gap_places: int | None = None  # places this plan may be short of the best
    lower_gap: float | None = None  # relative gap of changes, quality, fairness once
    # coverage is proven: the stopping rule's figure (None while coverage is not proven)
