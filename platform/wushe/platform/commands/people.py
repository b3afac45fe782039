"""Commands on volunteers and volunteer teams that check what they refer to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.platform.commands._common import (
    active_organisation,
    active_volunteer,
    community_of,
    create,
)
from wushe.platform.domain.team import VolunteerTeam
from wushe.platform.domain.volunteer import Volunteer

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from wushe.platform.application import Recorded, WusheApplication
    from wushe.platform.domain.volunteer import IdType, PersonalProfile

__all__ = [
    "add_team_member",
    "change_team_leader",
    "form_team",
    "register_volunteer",
    "set_home_grid",
]


def register_volunteer(
    app: WusheApplication, *, community_id: UUID, profile: PersonalProfile, id_type: IdType,
    consent_version: str, consented_at: datetime, home_grid: str, skills: tuple[str, ...] = (),
    weekly_hour_cap: int = 8, request_key: str | None = None,
) -> Recorded:
    """Register a volunteer whose home grid is a grid of their community."""
    def build(volunteer_id: UUID) -> Volunteer:
        community_of(app, community_id, home_grid, "home_grid")
        return Volunteer.register(
            id=volunteer_id, community_id=community_id, profile=profile, id_type=id_type,
            consent_version=consent_version, consented_at=consented_at, home_grid=home_grid,
            skills=skills, weekly_hour_cap=weekly_hour_cap,
        )
    return create(app, Volunteer, "volunteer", request_key, build)


def set_home_grid(
    app: WusheApplication, *, volunteer_id: UUID, grid: str, expected_version: int | None = None,
) -> Recorded:
    """Move the volunteer to another grid of their community."""
    def command(volunteer: Volunteer) -> None:
        community_of(app, volunteer.community_id, grid, "home_grid")
        volunteer.set_home_grid(grid)
    return app.update(Volunteer, volunteer_id, command, expected_version=expected_version)


def form_team(
    app: WusheApplication, *, community_id: UUID, name: str, leader_id: UUID, home_grid: str,
    at: datetime, organisation_id: UUID | None = None, skills_focus: tuple[str, ...] = (),
    request_key: str | None = None,
) -> Recorded:
    """Form a team led by an active volunteer of the community, in one of its grids."""
    def build(team_id: UUID) -> VolunteerTeam:
        community_of(app, community_id, home_grid, "home_grid")
        active_volunteer(app, leader_id, community_id, "leader_id")
        if organisation_id is not None:
            active_organisation(app, organisation_id, community_id, "organisation_id")
        return VolunteerTeam.form(
            id=team_id, community_id=community_id, name=name, leader_id=leader_id,
            organisation_id=organisation_id, skills_focus=skills_focus, home_grid=home_grid,
            at=at,
        )
    return create(app, VolunteerTeam, "team", request_key, build)


def add_team_member(
    app: WusheApplication, *, team_id: UUID, volunteer_id: UUID,
    expected_version: int | None = None,
) -> Recorded:
    """Add an active volunteer of the team's community to the team."""
    def command(team: VolunteerTeam) -> None:
        active_volunteer(app, volunteer_id, team.community_id, "volunteer_id")
        team.add_member(volunteer_id)
    return app.update(VolunteerTeam, team_id, command, expected_version=expected_version)


def change_team_leader(
    app: WusheApplication, *, team_id: UUID, volunteer_id: UUID,
    expected_version: int | None = None,
) -> Recorded:
    """Make another member, an active volunteer of the community, the leader."""
    def command(team: VolunteerTeam) -> None:
        active_volunteer(app, volunteer_id, team.community_id, "volunteer_id")
        team.change_leader(volunteer_id)
    return app.update(VolunteerTeam, team_id, command, expected_version=expected_version)
