"""Volunteer team (志愿服务队伍, 6.2.3): members and a leader who is always a member.

6.2.3 asks for at least 5 teams of at least 5 volunteers per community; that is
a compliance indicator computed from :attr:`VolunteerTeam.size`, not a rule
here: a team forms with its leader and grows.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.rules import (
    require_aware,
    require_optional_uuid,
    require_state,
    require_text,
    require_uuid,
)
from wushe.platform.domain.values import SKILL_PATTERN, require_codes

__all__ = ["TeamStatus", "VolunteerTeam"]


class TeamStatus(StrEnum):
    ACTIVE = "active"
    DISSOLVED = "dissolved"


class VolunteerTeam(Aggregate):
    """A standing team of volunteers, optionally run by an organisation."""

    TOPIC = "wushe.team"
    id: UUID

    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.team.created"

    @classmethod
    def form(
        cls,
        *,
        id: UUID,  # noqa: A002
        community_id: UUID,
        name: str,
        leader_id: UUID,
        organisation_id: UUID | None,
        skills_focus: tuple[str, ...],
        home_grid: str,
        at: datetime,
    ) -> Self:
        """Form a team; the leader is its first member."""
        require_aware(at, "at")
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            name=require_text(name, "name", max_length=100),
            leader_id=require_uuid(leader_id, "leader_id"),
            organisation_id=require_optional_uuid(organisation_id, "organisation_id"),
            skills_focus=require_codes(skills_focus, "skills_focus", SKILL_PATTERN),
            home_grid=require_text(home_grid, "home_grid", max_length=40), formed_at=at,
        )

    @event("Formed", topic="wushe.team.formed")
    def __init__(
        self, community_id: UUID, name: str, leader_id: UUID, organisation_id: UUID | None,
        skills_focus: tuple[str, ...], home_grid: str, formed_at: datetime,
    ) -> None:
        self.community_id, self.name = community_id, name
        self.leader_id, self.organisation_id = leader_id, organisation_id
        self.skills_focus, self.home_grid, self.formed_at = skills_focus, home_grid, formed_at
        self.members: tuple[UUID, ...] = (leader_id,)
        self.dissolved_at: datetime | None = None
        self.status = TeamStatus.ACTIVE

    @property
    def size(self) -> int:
        """How many volunteers the team has, leader included."""
        return len(self.members)

    def has_member(self, volunteer_id: UUID) -> bool:
        """Whether the volunteer is a member."""
        return volunteer_id in self.members

    def add_member(self, volunteer_id: UUID) -> None:
        """Add a volunteer to the team."""
        require_state(self.status, (TeamStatus.ACTIVE,), "add_member")
        require_uuid(volunteer_id, "volunteer_id")
        if self.has_member(volunteer_id):
            raise DomainRuleError("team.already_member", "该志愿者已是队员",
                                  "the volunteer is already a member", field="volunteer_id")
        self._member_added(volunteer_id=volunteer_id)

    @event("MemberAdded", topic="wushe.team.member_added")
    def _member_added(self, volunteer_id: UUID) -> None:
        self.members = tuple(sorted((*self.members, volunteer_id)))

    def remove_member(self, volunteer_id: UUID) -> None:
        """Remove a member other than the leader."""
        require_state(self.status, (TeamStatus.ACTIVE,), "remove_member")
        self._require_member(volunteer_id)
        if volunteer_id == self.leader_id:
            raise DomainRuleError("team.remove_leader", "不能移除队长，请先更换队长",
                                  "cannot remove the leader; change the leader first",
                                  field="volunteer_id")
        self._member_removed(volunteer_id=volunteer_id)

    @event("MemberRemoved", topic="wushe.team.member_removed")
    def _member_removed(self, volunteer_id: UUID) -> None:
        self.members = tuple(m for m in self.members if m != volunteer_id)

    def change_leader(self, volunteer_id: UUID) -> None:
        """Make another member the leader."""
        require_state(self.status, (TeamStatus.ACTIVE,), "change_leader")
        self._require_member(volunteer_id)
        if volunteer_id == self.leader_id:
            raise DomainRuleError("team.already_leader", "该队员已是队长",
                                  "the volunteer is already the leader", field="volunteer_id")
        self._leader_changed(leader_id=volunteer_id)

    @event("LeaderChanged", topic="wushe.team.leader_changed")
    def _leader_changed(self, leader_id: UUID) -> None:
        self.leader_id = leader_id

    def dissolve(self, reason: str, at: datetime) -> None:
        """Dissolve the team; its membership stays on record."""
        require_state(self.status, (TeamStatus.ACTIVE,), "dissolve")
        require_aware(at, "at")
        self._dissolved(reason=require_text(reason, "reason", max_length=500), at=at)

    @event("Dissolved", topic="wushe.team.dissolved")
    def _dissolved(self, reason: str, at: datetime) -> None:
        self.dissolved_at = at
        self.status = TeamStatus.DISSOLVED

    def _require_member(self, volunteer_id: UUID) -> None:
        require_uuid(volunteer_id, "volunteer_id")
        if not self.has_member(volunteer_id):
            raise DomainRuleError("team.not_member", "该志愿者不是队员",
                                  "the volunteer is not a member", field="volunteer_id")
