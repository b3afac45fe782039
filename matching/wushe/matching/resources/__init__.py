"""Resources: offers of the resource list to what projects and needs require (docs/matching.md).

Hard rules (never broken by a plan): an allocation joins an offer and a
requirement of the same kind and unit; the requirement's ``[start, end)`` lies
inside the offer's window; a counted offer (goods, funds, professional service,
volunteer time) gives at most its ``remaining`` in all, and a requirement may be
split over several such offers; a venue is booked whole for one requirement's
time, only if it seats the requirement's people, never overlapping its existing
or new bookings, and a requirement gets at most one venue.

Objective, tiers in strict priority (each tier's weight is one more than the
largest possible weighted total of all lower tiers, exact integers). CP-SAT runs
in stages that give the same optimum: tiers 1–2, then (with them fixed) tier 3,
then tier 4; tiers 1 and 2 apart if their weighted objective could pass 2⁵³:

1. shortfall of urgent or vulnerable requirements, 2. shortfall of the others.
   A requirement's shortfall is normalised to its quantity, so 100 元 short of
   10 000 weighs like 1 blanket short of 100. With ``S = shortfall_resolution ×
   the largest counted quantity`` (``ResourcePlan.shortfall_scale``), a missing
   unit of a counted requirement costs ``round(S / quantity)``; a venue
   requirement left without a venue costs ``S``. So a whole unmet requirement
   costs ``S`` give or take ½ / resolution (0.05 % at the default per-mille),
   every missing unit costs at least the resolution (none is rounded away), and
   the tier stays linear in the quantities, which CP-SAT's LP solves tightly.
3. distance: Σ over allocations of the grid distance offer → requirement.
4. spread: ``first_allocation_cost`` per organisation with no allocation this
   year yet that has an eligible offer and gets nothing; plus, per offer, the
   k-th allocation costs ``k × offer_load_cost`` (convex: many small providers
   before one big one).
"""

from wushe.matching.resources._solve import match_resources
from wushe.matching.resources.plan import (
    Allocation,
    ResourcePlan,
    ResourceTiers,
    SolveStatus,
    Unmet,
    UnmetReason,
)
from wushe.matching.resources.problem import (
    Interval,
    Offer,
    OwnerKind,
    Requirement,
    ResourceKind,
    ResourceParams,
    ResourceProblem,
)

__all__ = [
    "Allocation",
    "Interval",
    "Offer",
    "OwnerKind",
    "Requirement",
    "ResourceKind",
    "ResourceParams",
    "ResourcePlan",
    "ResourceProblem",
    "ResourceTiers",
    "SolveStatus",
    "Unmet",
    "UnmetReason",
    "match_resources",
]
