"""Staffing: volunteers and teams to the shifts of service projects (docs/matching.md)."""

from wushe.matching.staffing.plan import (
    Assignment,
    Plan,
    SolveStatus,
    TeamAdoption,
    Tiers,
    Unfilled,
    UnfilledReason,
)
from wushe.matching.staffing.problem import (
    Params,
    Problem,
    Project,
    Shift,
    Team,
    Volunteer,
    Window,
)
from wushe.matching.staffing.solve import solve

__all__ = [
    "Assignment",
    "Params",
    "Plan",
    "Problem",
    "Project",
    "Shift",
    "SolveStatus",
    "Team",
    "TeamAdoption",
    "Tiers",
    "Unfilled",
    "UnfilledReason",
    "Volunteer",
    "Window",
    "solve",
]
