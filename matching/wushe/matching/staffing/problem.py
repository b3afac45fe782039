"""The staffing problem: shifts, volunteers, teams and projects of one horizon.

Times are integer minutes from the start of the horizon, intervals half-open
``[start, end)``; ids are opaque strings. See docs/matching.md for the rules.
"""

from __future__ import annotations

import msgspec

__all__ = ["Params", "Problem", "Project", "Shift", "Team", "Volunteer", "Window"]


class Window(msgspec.Struct, frozen=True, order=True):
    """A half-open interval of minutes from the horizon start."""

    start: int
    end: int

    def covers(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies inside this window."""
        return self.start <= start and end <= self.end


class Shift(msgspec.Struct, frozen=True, kw_only=True):
    """One staffed slot of a project."""

    id: str
    project_id: str
    start: int
    end: int
    grid: str
    category: str
    skills: frozenset[str] = frozenset()
    min_headcount: int
    max_headcount: int
    urgent: bool = False
    vulnerable: bool = False
    home_visit: bool = False
    team_only: bool = False
    resident: str | None = None

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def priority(self) -> bool:
        """Whether its shortfall counts in tier 1 (urgent or vulnerable resident)."""
        return self.urgent or self.vulnerable


class Volunteer(msgspec.Struct, frozen=True, kw_only=True):
    """A volunteer as the optimiser sees them (no personal data)."""

    id: str
    skills: frozenset[str] = frozenset()
    windows: tuple[Window, ...] = ()
    home_grid: str
    cap_minutes: int
    minutes_this_year: int = 0
    visited_residents: frozenset[str] = frozenset()
    preferred_categories: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()

    def available(self, start: int, end: int) -> bool:
        """Whether one window covers ``[start, end)``."""
        return any(w.covers(start, end) for w in self.windows)


class Team(msgspec.Struct, frozen=True, kw_only=True):
    """A volunteer team (志愿服务队伍) that can adopt projects."""

    id: str
    members: tuple[str, ...]
    home_grid: str
    organisation: str | None = None
    projects_this_year: int = 0


class Project(msgspec.Struct, frozen=True, kw_only=True):
    """A service project: whether it takes a team, who undertakes it, where it is."""

    id: str
    grid: str
    requires_team: bool = False
    organisation: str | None = None


class Params(msgspec.Struct, frozen=True, kw_only=True):
    """Solver limits and the policy numbers of the objective (docs/matching.md)."""

    travel_gap_minutes: int = 30
    team_slot_min: int = 5
    time_limit_s: float = 20.0
    relative_gap: float = 0.01
    seed: int = 0
    workers: int = 1
    use_flow: bool = True  # False: plain CP-SAT, no flow bound or hint (the benchmark baseline)
    # Above this many usable pairs (and with the flow), CP-SAT sees only a neighbourhood:
    # the flow's and the repaired plan's pairs plus the `neighbourhood` cheapest per shift.
    # The bound still comes from the flow over all pairs, so the gap stays proven.
    full_model_pairs: int = 60_000
    neighbourhood: int = 30
    # ... unless the pairs the flow's reduced costs cannot rule out (plus the plans') are at
    # most this many: then CP-SAT sees those, and its bound holds for the whole problem.
    proven_scope_pairs: int = 60_000
    unknown_distance: int = 3
    max_distance: int = 10
    new_face_cost: int = 2
    preference_cost: int = 1
    organisation_cost: int = 20
    year_minutes_step: int = 3000
    year_steps_cap: int = 10


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """Everything one solve needs."""

    shifts: tuple[Shift, ...]
    volunteers: tuple[Volunteer, ...]
    teams: tuple[Team, ...] = ()
    projects: tuple[Project, ...] = ()
    grid_positions: dict[str, tuple[int, int]] = {}
    participating_organisations: frozenset[str] = frozenset()
    fixed: frozenset[tuple[str, str]] = frozenset()  # accepted (volunteer, shift)
    previous: frozenset[tuple[str, str]] = frozenset()  # pending proposals of the last plan
    declined: frozenset[tuple[str, str]] = frozenset()
    fixed_teams: dict[str, str] = {}  # project → team already adopted
    params: Params = Params()
