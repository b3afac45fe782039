"""Commands on service projects and assignments that check what they refer to."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from wushe.platform.commands._common import (
    active_organisation,
    active_volunteer,
    community_of,
    create,
    require_active,
    require_category,
    require_same_community,
)
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.need import Need
from wushe.platform.domain.project import ProjectStatus, ServiceProject
from wushe.platform.domain.rules import require_state
from wushe.platform.domain.team import TeamStatus, VolunteerTeam

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from wushe.platform.application import Recorded, WusheApplication
    from wushe.platform.domain.policy import Policy
    from wushe.platform.domain.project import Shift
    from wushe.platform.domain.values import TimeSpan

__all__ = [
    "MIN_TEAM_SIZE",
    "add_shift",
    "assign_team",
    "check_out",
    "draft_project",
    "propose_assignment",
    "serve_need",
]

# 6.2.3: a volunteer team has at least 5 volunteers; a team-only shift needs a full team.
MIN_TEAM_SIZE = 5
_PROPOSABLE = (ProjectStatus.PUBLISHED, ProjectStatus.STAFFED)


def draft_project(
    app: WusheApplication, *, policy: Policy, community_id: UUID, category: str, title: str,
    description: str, government_purchased: bool, at: datetime,
    undertaking_organisation_id: UUID | None = None, requires_team: bool = False,
    span: TimeSpan | None = None, request_key: str | None = None,
) -> Recorded:
    """Start planning a project of a policy category, undertaken by an active organisation."""
    def build(project_id: UUID) -> ServiceProject:
        app.load(Community, community_id)
        require_category(policy, category)
        if undertaking_organisation_id is not None:
            active_organisation(app, undertaking_organisation_id, community_id,
                                "undertaking_organisation_id")
        return ServiceProject.draft(
            id=project_id, community_id=community_id, category=category, title=title,
            description=description, government_purchased=government_purchased,
            undertaking_organisation_id=undertaking_organisation_id,
            requires_team=requires_team, at=at, span=span,
        )
    return create(app, ServiceProject, "service_project", request_key, build)


def add_shift(
    app: WusheApplication, *, project_id: UUID, shift: Shift, expected_version: int | None = None,
) -> Recorded:
    """Add a shift in a grid of the project's community."""
    def command(project: ServiceProject) -> None:
        community_of(app, project.community_id, shift.grid, "grid")
        project.add_shift(shift)
    return app.update(ServiceProject, project_id, command, expected_version=expected_version)


def assign_team(
    app: WusheApplication, *, project_id: UUID, team_id: UUID,
    expected_version: int | None = None,
) -> Recorded:
    """Give the project to an active team of its community, full-sized for team-only shifts."""
    def command(project: ServiceProject) -> None:
        team = app.load(VolunteerTeam, team_id)
        require_same_community(project.community_id, team.community_id, "team_id")
        require_active(team.status, TeamStatus.ACTIVE, "team_id")
        if any(s.team_only for s in project.shifts) and team.size < MIN_TEAM_SIZE:
            raise DomainRuleError(
                "project.team_too_small",
                f"仅限队伍的班次须由至少 {MIN_TEAM_SIZE} 人的队伍承担（该队 {team.size} 人）",
                f"team-only shifts need a team of at least {MIN_TEAM_SIZE} "
                f"(this one has {team.size})", field="team_id")
        project.assign_team(team_id)
    return app.update(ServiceProject, project_id, command, expected_version=expected_version)


def serve_need(
    app: WusheApplication, *, project_id: UUID, need_id: UUID,
    expected_version: int | None = None,
) -> Recorded:
    """Record that the project serves a need of its community."""
    def command(project: ServiceProject) -> None:
        need = app.load(Need, need_id)
        require_same_community(project.community_id, need.community_id, "need_id")
        project.serve_need(need_id)
    return app.update(ServiceProject, project_id, command, expected_version=expected_version)


def propose_assignment(
    app: WusheApplication, *, policy: Policy, project_id: UUID, shift_id: UUID,
    volunteer_id: UUID, at: datetime, team_id: UUID | None = None,
    staffing_run_id: UUID | None = None, request_key: str | None = None,
) -> Recorded:
    """Offer a shift of a published or staffed project to an active volunteer of its community.

    The offer lapses after the policy's ``offer_expiry_hours``, or when the shift
    starts if that is sooner.
    """
    def build(assignment_id: UUID) -> Assignment:
        project = app.load(ServiceProject, project_id)
        require_state(project.status, _PROPOSABLE, "propose_assignment")
        shift = project.shift(shift_id)
        active_volunteer(app, volunteer_id, project.community_id, "volunteer_id")
        _require_team_for(project, shift, team_id)
        if team_id is not None:
            _require_team_member(app, team_id, volunteer_id, project.community_id)
        return Assignment.propose(
            id=assignment_id, project_id=project_id, shift_id=shift_id,
            volunteer_id=volunteer_id, team_id=team_id, span=shift.span,
            staffing_run_id=staffing_run_id, at=at,
            expires_at=min(at + timedelta(hours=policy.offer_expiry_hours), shift.span.start),
        )
    return create(app, Assignment, "assignment", request_key, build)


def check_out(
    app: WusheApplication, *, policy: Policy, assignment_id: UUID, at: datetime,
    expected_version: int | None = None,
) -> Recorded:
    """Record the volunteer leaving; hours are credited in the policy's steps."""
    return app.update(Assignment, assignment_id,
                      lambda a: a.check_out(at, rounding_minutes=policy.hours_step_minutes),
                      expected_version=expected_version)


def _require_team_for(project: ServiceProject, shift: Shift, team_id: UUID | None) -> None:
    if shift.team_only and (team_id is None or team_id != project.team_id):
        raise DomainRuleError("assignment.team_only_shift",
                              "该班次仅限本项目指派的志愿服务队伍",
                              "this shift is only for the team assigned to the project",
                              field="team_id")


def _require_team_member(
    app: WusheApplication, team_id: UUID, volunteer_id: UUID, community_id: UUID
) -> None:
    team = app.load(VolunteerTeam, team_id)
    require_same_community(community_id, team.community_id, "team_id")
    require_active(team.status, TeamStatus.ACTIVE, "team_id")
    if not team.has_member(volunteer_id):
        raise DomainRuleError("team.not_member", "该志愿者不是该队队员",
                              "the volunteer is not a member of this team", field="volunteer_id")
