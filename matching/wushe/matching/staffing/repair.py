"""Turn a candidate plan (the flow's) into one that keeps every hard rule, then top it up.

Used as the CP-SAT hint and as the fallback plan when CP-SAT finds none in time.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from wushe.matching.staffing.adoption import staff_team_projects
from wushe.matching.staffing.augment import augment
from wushe.matching.staffing.board import Board

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Selection
    from wushe.matching.staffing.instance import Instance

__all__ = ["repair"]


def repair(instance: Instance, pairs: Pairs, candidate: Selection, *,
           teams_first: bool = True) -> Selection:
    """A plan keeping every hard rule (except where fixed pairs alone break one).

    With ``teams_first`` team projects are settled before anything else: each adopts
    the candidate team that can staff most of its team-only places, whose members go
    there first (:mod:`wushe.matching.staffing.adoption`); otherwise teams are chosen
    from the candidate's pairs and staffed with them.
    """
    board = Board(instance, pairs)
    for p in range(len(pairs)):
        if pairs.fixed[p]:
            board.add(p)
    _settle_teams(board, candidate, teams_first=teams_first)
    for p in sorted(candidate.pairs - set(board.selection().pairs), key=_value(instance, pairs)):
        if board.fits(p):
            board.add(p)
    cheapest = _cheapest_first(pairs)
    for s in _fill_order(instance):
        _top_up(board, s, cheapest[s])
    if teams_first:
        for s in _fill_order(instance):
            augment(board, s, cheapest)
    _drop_idle_teams(board)
    return board.selection()


def _settle_teams(board: Board, candidate: Selection, *, teams_first: bool) -> None:
    instance = board.instance
    if not teams_first:
        board.teams = _adopt(instance, board.pairs, candidate)
        return
    staff_team_projects(board, candidate)
    for project, teams in instance.candidate_teams.items():
        if project in instance.problem.fixed_teams and teams:
            board.teams[project] = teams[0]


def _value(instance: Instance, pairs: Pairs) -> Callable[[int], tuple[bool, bool, int, int]]:
    def key(p: int) -> tuple[bool, bool, int, int]:
        shift = instance.shifts[pairs.shift[p]]
        return (not shift.priority, not pairs.previous[p], pairs.cost[p], p)
    return key


def _adopt(instance: Instance, pairs: Pairs, candidate: Selection) -> dict[str, int]:
    """One team per team project: its fixed team, else the one that can staff most places."""
    adopted = dict(candidate.teams)
    team_only: dict[str, list[int]] = {}
    for s, shift in enumerate(instance.shifts):
        if shift.team_only:
            team_only.setdefault(shift.project_id, []).append(s)
    for project, teams in instance.candidate_teams.items():
        if project in instance.problem.fixed_teams and teams:
            adopted[project] = teams[0]
        elif project not in adopted and teams:
            scores = {t: _team_score(instance, pairs, candidate, t, team_only.get(project, []))
                      for t in teams}
            best = max(teams, key=lambda t: (scores[t], -instance.adoption_distance(project, t),
                                             -t))
            if scores[best] > (0, 0, 0):
                adopted[project] = best
    return adopted


def _team_score(instance: Instance, pairs: Pairs, candidate: Selection, team: int,
                shifts: list[int]) -> tuple[int, int, int]:
    """Places a team can fill on the team-only shifts (priority ones, others), then how
    many of its members the candidate plan already has there."""
    members = set(instance.teams[team].members)
    priority = other = present = 0
    for s in shifts:
        shift = instance.shifts[s]
        own = [p for p in pairs.by_shift[s]
               if instance.volunteers[pairs.volunteer[p]].id in members]
        present += sum(1 for p in own if p in candidate.pairs)
        if len(own) >= instance.minimum(shift):
            filled = min(shift.min_headcount, len(own))
            priority += filled if shift.priority else 0
            other += 0 if shift.priority else filled
    return priority, other, present


def _fill_order(instance: Instance) -> list[int]:
    shifts = instance.shifts
    return sorted(range(len(shifts)), key=lambda s: (not shifts[s].priority, shifts[s].start, s))


def _cheapest_first(pairs: Pairs) -> list[list[int]]:
    """Each shift's pairs by cost, then position."""
    columns = pairs.array
    order = np.lexsort((np.arange(len(pairs)), columns.cost, columns.shift))
    bounds = np.searchsorted(columns.shift[order], np.arange(len(pairs.by_shift) + 1)).tolist()
    return [order[a:b].tolist() for a, b in pairwise(bounds)]


def _top_up(board: Board, s: int, cheapest: list[int]) -> None:
    """Add the cheapest fitting people up to the required headcount, or empty a shift
    that cannot reach its staffed minimum (pair rule, team slot)."""
    instance, pairs = board.instance, board.pairs
    shift = instance.shifts[s]
    target = max(shift.min_headcount, instance.minimum(shift) if board.people(s) else 0)
    if shift.team_only and shift.project_id not in board.teams:
        _adopt_for(board, s)
    for p in cheapest:
        if board.people(s) >= target:
            break
        if p not in board.by_shift.get(s, ()) and board.fits(p):
            board.add(p)

    if 0 < board.people(s) < instance.minimum(shift):
        for p in list(board.by_shift[s]):
            if not pairs.fixed[p]:
                board.remove(p)


def _adopt_for(board: Board, s: int) -> None:
    """Adopt the nearest candidate team with enough fitting members for a team-only shift."""
    instance, pairs = board.instance, board.pairs
    shift = instance.shifts[s]
    teams = instance.candidate_teams.get(shift.project_id, ())
    for t in sorted(teams, key=lambda t: (instance.adoption_distance(shift.project_id, t), t)):
        board.teams[shift.project_id] = t
        fitting = sum(1 for p in pairs.by_shift[s] if board.fits(p))
        if fitting >= instance.minimum(shift):
            return
        del board.teams[shift.project_id]


def _drop_idle_teams(board: Board) -> None:
    """A non-fixed adoption with nobody on the project's team-only shifts only costs."""
    instance, pairs = board.instance, board.pairs
    busy = {instance.shifts[pairs.shift[p]].project_id
            for own in board.by_shift.values() for p in own
            if instance.shifts[pairs.shift[p]].team_only}
    for project in list(board.teams):
        if project not in busy and project not in instance.problem.fixed_teams:
            del board.teams[project]
