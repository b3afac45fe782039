"""Team projects first: each adopts the candidate team that staffs most of its team-only places.

The flow relaxes the team rules, so its plan spreads team-only places over the
members of several teams. Repairing it pair by pair loses whole shifts (a
team-only shift takes 0 or at least its slot minimum of ONE team's members), so
the repair settles team projects before anything else: projects with the most
team-only demand first, every candidate team tried on the plan as it stands
(fixed pairs, the teams settled so far), the best one kept and its free members
put on the project's team-only shifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wushe.matching.staffing.board import Board
    from wushe.matching.staffing.evaluate import Selection
    from wushe.matching.staffing.instance import Instance

__all__ = ["staff_team_projects"]

Score = tuple[int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class _Trial:
    team: int
    score: Score  # priority places, other places, − cost, − team load, − team position
    added: list[int]

    @property
    def filled(self) -> int:
        return self.score[0] + self.score[1]


@dataclass(frozen=True, slots=True)
class _Projects:
    """Team-only shifts per project (priority first, then by start) and who can take them."""

    shifts: dict[str, list[int]]
    on_shift: dict[int, dict[str, int]]  # team-only shift → volunteer id → pair

    @classmethod
    def of(cls, board: Board) -> _Projects:
        instance, pairs = board.instance, board.pairs
        shifts: dict[str, list[int]] = {}
        on_shift: dict[int, dict[str, int]] = {}
        for s, shift in enumerate(instance.shifts):
            if shift.team_only and shift.project_id in instance.candidate_teams:
                shifts.setdefault(shift.project_id, []).append(s)
                on_shift[s] = {instance.volunteers[pairs.volunteer[p]].id: p
                               for p in pairs.by_shift[s]}
        for own in shifts.values():
            own.sort(key=lambda s: (not instance.shifts[s].priority, instance.shifts[s].start, s))
        return cls(shifts, on_shift)

    def by_demand(self, instance: Instance) -> list[str]:
        """Projects with the most team-only places (priority ones first) first."""
        def demand(project: str) -> tuple[int, int, str]:
            own = [instance.shifts[s] for s in self.shifts[project]]
            return (-sum(s.min_headcount for s in own if s.priority),
                    -sum(s.min_headcount for s in own), project)
        return sorted(self.shifts, key=demand)

    def able(self, instance: Instance, project: str, teams: tuple[int, ...]) -> list[int]:
        """Teams with enough members eligible for at least one of the project's shifts."""
        found = []
        for t in teams:
            members = instance.teams[t].members
            if any(sum(1 for m in members if m in self.on_shift[s])
                   >= instance.minimum(instance.shifts[s]) for s in self.shifts[project]):
                found.append(t)
        return found


def staff_team_projects(board: Board, candidate: Selection) -> None:
    """Adopt and staff each team project's team-only shifts, in order of demand."""
    instance = board.instance
    projects = _Projects.of(board)
    for project in projects.by_demand(instance):
        teams = instance.candidate_teams[project]
        fixed = project in instance.problem.fixed_teams and bool(teams)
        options = teams[:1] if fixed else projects.able(instance, project, teams)
        best: _Trial | None = None
        for t in options:
            trial = _try(board, projects, project, t, candidate)
            _undo(board, project, trial)
            if best is None or trial.score > best.score:
                best = trial
        if best is not None and (fixed or best.filled > 0):
            _try(board, projects, project, best.team, candidate)


def _try(board: Board, projects: _Projects, project: str, team: int,
         candidate: Selection) -> _Trial:
    """Adopt ``team`` and put its free members on the project's team-only shifts."""
    instance, pairs = board.instance, board.pairs
    board.teams[project] = team
    added: list[int] = []
    priority = other = cost = 0
    for s in projects.shifts[project]:
        shift = instance.shifts[s]
        before = min(shift.min_headcount, board.people(s))
        mine = _staff(board, s, team, projects.on_shift[s], candidate)
        if not mine:
            continue
        added += mine
        filled = min(shift.min_headcount, board.people(s)) - before
        priority += filled if shift.priority else 0
        other += 0 if shift.priority else filled
        cost += sum(pairs.cost[p] for p in mine)
    cost += instance.adoption_distance(project, team)
    load = sum(1 for t in board.teams.values() if t == team)
    return _Trial(team, (priority, other, -cost, -load, -team), added)


def _staff(board: Board, s: int, team: int, on_shift: dict[str, int],
           candidate: Selection) -> list[int]:
    """The team's fitting members added to shift s up to its required headcount; none
    when they cannot reach the slot minimum."""
    instance, pairs = board.instance, board.pairs
    shift = instance.shifts[s]
    options = [on_shift[m] for m in instance.teams[team].members if m in on_shift]
    options.sort(key=lambda p: (p not in candidate.pairs, pairs.cost[p], p))
    target = max(shift.min_headcount, instance.minimum(shift))
    mine: list[int] = []
    for p in options:
        if board.people(s) >= target:
            break
        if not board.has(p) and board.fits(p):
            board.add(p)
            mine.append(p)
    if board.people(s) < instance.minimum(shift):
        for p in mine:
            board.remove(p)
        return []
    return mine


def _undo(board: Board, project: str, trial: _Trial) -> None:
    for p in trial.added:
        board.remove(p)
    del board.teams[project]
