"""Turning a plan into events: teams given projects, offers proposed and withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from wushe.platform.commands.projects import assign_team, propose_assignment
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.errors import WusheError

if TYPE_CHECKING:
    from datetime import datetime

    from wushe.matching.staffing.plan import Plan
    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.policy import Policy
    from wushe.platform.staffing.inputs import StaffingInput

__all__ = ["Changes", "apply_plan"]

WITHDRAWN_REASON = "re-planned: the offer went to someone else 重新排班"


@dataclass
class Changes:
    """What applying a plan did."""

    proposed: int = 0
    kept: int = 0
    withdrawn: int = 0
    teams_assigned: int = 0
    skipped: int = 0  # a proposal the log refused (the world moved since the views were read)


def apply_plan(app: WusheApplication, policy: Policy, plan: Plan, given: StaffingInput, *,
               run_id: UUID, at: datetime) -> Changes:
    """Record ``plan``: new teams, new offers, and withdrawn offers the plan dropped."""
    recorder = _Recorder(app, policy, given, run_id, at)
    for adoption in plan.teams:
        recorder.give_team(adoption.project, adoption.team)
    for assignment in plan.assignments:
        if not assignment.fixed:
            recorder.offer(assignment.volunteer, assignment.shift)
    planned = {(a.volunteer, a.shift) for a in plan.assignments}
    for pair, assignment_id in given.pending.items():
        if pair not in planned:
            recorder.withdraw(assignment_id)
    return recorder.changes


class _Recorder:
    def __init__(self, app: WusheApplication, policy: Policy, given: StaffingInput,
                 run_id: UUID, at: datetime) -> None:
        self.app, self.policy, self.given, self.run_id, self.at = app, policy, given, run_id, at
        self.teams = dict(given.project_teams)
        self.changes = Changes()

    def give_team(self, project: str, team: str) -> None:
        if project not in self.teams:
            assign_team(self.app, project_id=UUID(project), team_id=UUID(team))
            self.teams[project] = team
            self.changes.teams_assigned += 1

    def offer(self, volunteer: str, shift: str) -> None:
        if (volunteer, shift) in self.given.pending:
            self.changes.kept += 1
            return
        project = self.given.shift_projects[shift]
        team = self.teams.get(str(project)) if shift in self.given.team_only else None
        try:
            propose_assignment(
                self.app, policy=self.policy, project_id=project, shift_id=UUID(shift),
                volunteer_id=UUID(volunteer), at=self.at,
                team_id=None if team is None else UUID(team), staffing_run_id=self.run_id,
                request_key=f"staffing:{self.run_id}:{volunteer}:{shift}")
            self.changes.proposed += 1
        except WusheError:
            # The volunteer left, the project was cancelled, … since the views were
            # read: the next run sees it.
            self.changes.skipped += 1

    def withdraw(self, assignment_id: UUID) -> None:
        try:
            self.app.update(Assignment, assignment_id,
                            lambda a: a.cancel(WITHDRAWN_REASON, self.at))
            self.changes.withdrawn += 1
        except WusheError:  # answered meanwhile: the volunteer's answer stands
            self.changes.skipped += 1
