"""Authorisation for projects, assignments and staffing runs (docs/api.md).

Projects are seen by more than their community's staff: an organisation sees the
projects it undertakes or takes part in, a volunteer the published projects of
their community (without resident references). Assignments belong to their
volunteer: only they answer an offer or check in and out; their community's
coordinators mark no-shows and confirm hours. As everywhere, a principal who may
not see the target gets the 404 of a missing one; 403 is for a target they see.

=====================  =========  ===============  =================  ==============
action                 admin      coordinator (c)  organisation       volunteer (v)
=====================  =========  ===============  =================  ==============
project read           all        c                undertakes/takes   published, c
                                                   part
project resident refs  all        c                as read            —
project write          all        c                —                  —
assignment read        all        c                —                  v's own
assignment answer      —          —                —                  v's own
assignment confirm     all        c                —                  —
=====================  =========  ===============  =================  ==============
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from wushe.platform.http.api.authz import Action
from wushe.platform.http.api.problems import PermissionDeniedError

if TYPE_CHECKING:
    from uuid import UUID

    from wushe.platform.domain.errors import NotFoundError
    from wushe.platform.http.auth.principal import Principal

__all__ = ["AssignmentAction", "AssignmentScope", "ProjectScope", "Viewer", "can_assignment",
           "can_project", "can_projects_of", "decide"]


@dataclass(frozen=True, slots=True)
class Viewer:
    """The principal, with the community of their volunteer record (if any)."""

    principal: Principal
    volunteer_community: UUID | None = None

    def coordinates(self, community_id: UUID) -> bool:
        """An administrator, or a coordinator of the community."""
        roles = self.principal.roles
        return roles.administrator or community_id in roles.coordinator_of


@dataclass(frozen=True, slots=True)
class ProjectScope:
    """What deciding about a project needs: its community, organisations and status."""

    community_id: UUID
    organisations: frozenset[UUID]
    published: bool  # published once and not cancelled


class AssignmentAction(StrEnum):
    READ = "read"
    ANSWER = "answer"  # accept, decline, check in, check out: the volunteer's own
    CONFIRM = "confirm"  # no-show, confirm hours, resolve a dispute: the coordinators'


@dataclass(frozen=True, slots=True)
class AssignmentScope:
    """The assignment's community and volunteer."""

    community_id: UUID
    volunteer_id: UUID


def can_projects_of(viewer: Viewer, action: Action, community_id: UUID) -> bool:
    """Whether the viewer may ``action`` the community's project list (read: list, write: draft)."""
    if viewer.coordinates(community_id):
        return True
    if action is not Action.READ:
        return False
    return community_id in {viewer.principal.organisation_community, viewer.volunteer_community}


def can_project(viewer: Viewer, action: Action, project: ProjectScope) -> bool:
    """Whether the viewer may ``action`` the project (READ_PERSONAL: its resident refs)."""
    if viewer.coordinates(project.community_id):
        return True
    if action is Action.WRITE:
        return False
    if viewer.principal.roles.organisation_id in project.organisations:
        return True
    return (action is Action.READ and project.published
            and viewer.volunteer_community == project.community_id)


def can_assignment(viewer: Viewer, action: AssignmentAction, target: AssignmentScope) -> bool:
    """Whether the viewer may ``action`` the assignment."""
    own = viewer.principal.roles.volunteer_id == target.volunteer_id
    if action is AssignmentAction.ANSWER:
        return own
    if action is AssignmentAction.CONFIRM:
        return viewer.coordinates(target.community_id)
    return own or viewer.coordinates(target.community_id)


def decide(*, sees: bool, may: bool, not_found: NotFoundError) -> None:
    """Refuse unless ``may``: the 404 ``not_found`` if the principal does not even see it.

    Raises:
        NotFoundError: the principal may not see the target (as if it did not exist).
        PermissionDeniedError: the principal sees it, but the action is not theirs.
    """
    if not sees:
        raise not_found
    if not may:
        raise PermissionDeniedError("auth.forbidden", "你的角色不能执行此操作",
                                    "your role may not do this")
