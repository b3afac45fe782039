"""The problem indexed for solving: positions by id, distances, projects, teams, organisations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wushe.matching.staffing.problem import Project

if TYPE_CHECKING:
    from wushe.matching.staffing.problem import Params, Problem, Shift, Team, Volunteer

__all__ = ["Instance", "conflict", "staffed_minimum"]


def conflict(gap: int, a: Shift, b: Shift) -> bool:
    """Whether one person cannot work both shifts (rule 3, travel gap included)."""
    return a.start < b.end + gap and b.start < a.end + gap


def staffed_minimum(shift: Shift, team_slot_min: int) -> int:
    """The fewest people a shift may have once anyone is on it (rules 6 and 7)."""
    least = 1
    if shift.home_visit:
        least = 2
    if shift.team_only:
        least = max(least, min(team_slot_min, shift.max_headcount))
    return least


@dataclass(slots=True)
class Instance:
    """Index positions (ints) for the ids of one problem, plus derived lookups."""

    problem: Problem
    shift_at: dict[str, int] = field(default_factory=dict)
    volunteer_at: dict[str, int] = field(default_factory=dict)
    team_at: dict[str, int] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    candidate_teams: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _distances: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def of(cls, problem: Problem) -> Instance:
        instance = cls(problem)
        instance.shift_at = {s.id: i for i, s in enumerate(problem.shifts)}
        instance.volunteer_at = {v.id: i for i, v in enumerate(problem.volunteers)}
        instance.team_at = {t.id: i for i, t in enumerate(problem.teams)}
        instance.projects = _projects(problem)
        instance.candidate_teams = _candidate_teams(instance)
        return instance

    @property
    def params(self) -> Params:
        return self.problem.params

    @property
    def shifts(self) -> tuple[Shift, ...]:
        return self.problem.shifts

    @property
    def volunteers(self) -> tuple[Volunteer, ...]:
        return self.problem.volunteers

    @property
    def teams(self) -> tuple[Team, ...]:
        return self.problem.teams

    def distance(self, a: str, b: str) -> int:
        """Manhattan steps between two grids, capped (docs: Time, places, ids)."""
        key = (a, b)
        known = self._distances.get(key)
        if known is None:
            known = self._distances[key] = self._measure(a, b)
        return known

    def _measure(self, a: str, b: str) -> int:
        params = self.params
        if a == b:
            return 0
        positions = self.problem.grid_positions
        pa, pb = positions.get(a), positions.get(b)
        if pa is None or pb is None:
            return min(params.unknown_distance, params.max_distance)
        return min(abs(pa[0] - pb[0]) + abs(pa[1] - pb[1]), params.max_distance)

    def year_steps(self, volunteer: Volunteer) -> int:
        """The fairness offset of a volunteer's service this year."""
        params = self.params
        return min(volunteer.minutes_this_year // params.year_minutes_step, params.year_steps_cap)

    def load_cost(self, volunteer: Volunteer, shifts: int) -> int:
        """Tier-5 cost of ``shifts`` shifts: the k-th costs k + year steps."""
        return shifts * (shifts + 1) // 2 + shifts * self.year_steps(volunteer)

    def team_load_cost(self, team: Team, adopted: int) -> int:
        """Tier-5 cost of ``adopted`` projects: the k-th costs k + projects this year."""
        return adopted * (adopted + 1) // 2 + adopted * team.projects_this_year

    def adoption_distance(self, project: str, team: int) -> int:
        return self.distance(self.teams[team].home_grid, self.projects[project].grid)

    def minimum(self, shift: Shift) -> int:
        return staffed_minimum(shift, self.params.team_slot_min)


def _projects(problem: Problem) -> dict[str, Project]:
    """Declared projects, plus one per unknown project id of a shift (at its first grid)."""
    projects = {p.id: p for p in problem.projects}
    for shift in problem.shifts:
        if shift.project_id not in projects:
            projects[shift.project_id] = Project(id=shift.project_id, grid=shift.grid)
    return projects


def _candidate_teams(instance: Instance) -> dict[str, tuple[int, ...]]:
    """Teams each team project may adopt: its fixed team, else every team.

    A project takes a team when it requires one or has a team-only shift.
    """
    problem = instance.problem
    team_projects = {p.id for p in instance.projects.values() if p.requires_team}
    team_projects |= {s.project_id for s in problem.shifts if s.team_only}
    every = tuple(range(len(problem.teams)))
    candidates: dict[str, tuple[int, ...]] = {}
    for project in sorted(team_projects):
        fixed = problem.fixed_teams.get(project)
        if fixed is None:
            candidates[project] = every
        else:
            at = instance.team_at.get(fixed)
            candidates[project] = () if at is None else (at,)
    return candidates
