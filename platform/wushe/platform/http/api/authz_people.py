"""Authorisation for volunteers, teams and organisations.

The same rule as :mod:`wushe.platform.http.api.authz`: a principal who may not
see the target gets the target's 404 (as if it did not exist); one who sees it
but may not do this gets 403. A community is *seen* for these endpoints by an
administrator, its coordinators, its organisations' members and its volunteers
(their own community is in their own profile).

=====================  ==============  =============  =================  ====================
action                 administrator   coordinator c  organisation of c  volunteer of c
=====================  ==============  =============  =================  ====================
volunteers list        all             c              403                403
volunteer read         all (masked)    c (full)       404                themself (full)
volunteer update       all             c              404                themself
volunteer (de)activate all             c              404                themself: 403
volunteer forget       all             c: 403         404                themself
volunteer register     all             c              403                403
teams list             all             c              403                their teams
team read              all             c              404                its members
team change            all             c              404                leader; member: 403
team form              all             c              403                403
organisations list     all             c              its own            403
organisation read      all (masked)    c (full)       its own (full)     404
organisation change    all             c              its own: 403       404
organisation register  all             c              403                403
=====================  ==============  =============  =================  ====================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.volunteer import Volunteer
from wushe.platform.http.api.communities import community_not_found
from wushe.platform.http.api.problems import PermissionDeniedError
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from litestar import Request

    from wushe.platform.http.auth.principal import Principal

__all__ = ["Act", "CommunityScope", "TeamFacts", "can_organisation", "can_team",
           "can_volunteer", "community_scope", "manages", "refuse_unless"]


class Act(StrEnum):
    READ = "read"  # see it (personal data masked)
    READ_PERSONAL = "read_personal"  # phone, ID number, address, health notes, contacts
    UPDATE = "update"  # the volunteer's own details; a team's membership
    MANAGE = "manage"  # register, form, (de)activate, dissolve
    FORGET = "forget"  # PIPL erasure


@dataclass(frozen=True, slots=True)
class TeamFacts:
    """What deciding about a team needs: its community, leader and members."""

    community_id: UUID
    leader_id: UUID
    members: tuple[UUID, ...]


@dataclass(frozen=True, slots=True)
class CommunityScope:
    """Who the principal is in one community (for its lists and new members)."""

    community_id: UUID
    manages: bool  # an administrator or one of its coordinators
    organisation_id: UUID | None  # set if the principal is a member of one of its organisations
    volunteer_id: UUID | None  # set if the principal is one of its volunteers

    @property
    def sees(self) -> bool:
        """Whether the principal may know the community exists."""
        return self.manages or self.organisation_id is not None or self.volunteer_id is not None


def _coordinates(principal: Principal, community_id: UUID) -> bool:
    return community_id in principal.roles.coordinator_of


def manages(principal: Principal, community_id: UUID) -> bool:
    """An administrator, or a coordinator of the community."""
    return principal.roles.administrator or _coordinates(principal, community_id)


def can_volunteer(principal: Principal, act: Act, volunteer_id: UUID,
                  community_id: UUID) -> bool:
    """Whether the principal may ``act`` on the volunteer."""
    themself = principal.roles.volunteer_id == volunteer_id
    if act is Act.READ_PERSONAL:
        return themself or _coordinates(principal, community_id)
    if act is Act.FORGET:
        return themself or principal.roles.administrator
    if act is Act.MANAGE:
        return manages(principal, community_id)
    return themself or manages(principal, community_id)


def can_team(principal: Principal, act: Act, team: TeamFacts) -> bool:
    """Whether the principal may ``act`` on the team."""
    if manages(principal, team.community_id):
        return act is not Act.FORGET
    volunteer_id = principal.roles.volunteer_id
    if act is Act.READ:
        return volunteer_id is not None and volunteer_id in team.members
    return act in {Act.UPDATE, Act.MANAGE} and volunteer_id == team.leader_id


def can_organisation(principal: Principal, act: Act, organisation_id: UUID,
                     community_id: UUID) -> bool:
    """Whether the principal may ``act`` on the organisation."""
    its_own = principal.roles.organisation_id == organisation_id
    if act is Act.READ_PERSONAL:
        return its_own or _coordinates(principal, community_id)
    if act is Act.READ:
        return its_own or manages(principal, community_id)
    return act is Act.MANAGE and manages(principal, community_id)


def refuse_unless(can: Callable[[Act], bool], act: Act, not_found: NotFoundError) -> None:
    """Refuse unless ``can(act)``: 404 if the principal may not even read the target.

    Raises:
        NotFoundError: the principal may not see the target (as if it did not exist).
        PermissionDeniedError: the principal sees it, but the action is not theirs.
    """
    if not can(Act.READ):
        raise not_found
    if not can(act):
        raise PermissionDeniedError("auth.forbidden", "你的角色不能执行此操作",
                                    "your role may not do this")


def _volunteer_community(request: Request[Any, Any, Any], principal: Principal) -> UUID | None:
    volunteer_id = principal.roles.volunteer_id
    if volunteer_id is None:
        return None
    try:
        return application(request).load(Volunteer, volunteer_id).community_id
    except NotFoundError:
        return None


def _scope(request: Request[Any, Any, Any], principal: Principal,
           community_id: UUID) -> CommunityScope:
    try:
        application(request).load(Community, community_id)
    except NotFoundError:
        raise community_not_found(community_id) from None
    volunteer = _volunteer_community(request, principal) == community_id
    member = principal.organisation_community == community_id
    return CommunityScope(community_id, manages(principal, community_id),
                          principal.roles.organisation_id if member else None,
                          principal.roles.volunteer_id if volunteer else None)


async def community_scope(request: Request[Any, Any, Any], principal: Principal,
                          community_id: UUID,
                          may: Callable[[CommunityScope], bool]) -> CommunityScope:
    """The principal's scope in the community, if ``may`` (404 unseen, else 403).

    Raises:
        NotFoundError: no such community, or one the principal may not see.
        PermissionDeniedError: the principal sees it, but ``may`` says no.
    """
    scope = await blocking(_scope, request, principal, community_id)
    refuse_unless(lambda act: scope.sees if act is Act.READ else may(scope), Act.MANAGE,
                  community_not_found(community_id))
    return scope
