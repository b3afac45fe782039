"""Authorisation: one ``can`` per resource kind, on the target's community.

Handlers call :func:`authorise` before any command. A principal who may not
even see the target gets the same 404 as for a target that does not exist (a
denial never reveals existence); one who may see it but not do this gets 403.

Who may do what (docs/api.md):

================  ==============  ================  ===================  =========
action            administrator   coordinator (c)   organisation of (c)  volunteer
================  ==============  ================  ===================  =========
community read    all             c                 c                    —
community write   all             c                 —                    —
community found   yes             —                 —                    —
need read         all (masked)    c (full)          c (masked)           —
need personal     —               c                 —                    —
need write        all             c                 —                    —
================  ==============  ================  ===================  =========
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from wushe.platform.http.api.problems import PermissionDeniedError

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from wushe.platform.domain.errors import NotFoundError
    from wushe.platform.http.auth.principal import Principal

__all__ = ["Action", "authorise", "can_community", "can_found_community", "can_need"]


class Action(StrEnum):
    READ = "read"
    READ_PERSONAL = "read_personal"  # full names, phones, addresses, details
    WRITE = "write"


def _coordinates(principal: Principal, community_id: UUID) -> bool:
    return community_id in principal.roles.coordinator_of


def _member_of(principal: Principal, community_id: UUID) -> bool:
    return principal.organisation_community == community_id


def can_found_community(principal: Principal) -> bool:
    """Only an administrator founds communities."""
    return principal.roles.administrator


def can_community(principal: Principal, action: Action, community_id: UUID) -> bool:
    """Whether the principal may ``action`` the community."""
    if principal.roles.administrator or _coordinates(principal, community_id):
        return action is not Action.READ_PERSONAL or _coordinates(principal, community_id)
    return action is Action.READ and _member_of(principal, community_id)


def can_need(principal: Principal, action: Action, community_id: UUID) -> bool:
    """Whether the principal may ``action`` a need of the community."""
    if action is Action.READ_PERSONAL:
        return _coordinates(principal, community_id)
    return can_community(principal, action, community_id)


def authorise(can: Callable[[Principal, Action, UUID], bool], principal: Principal,
              action: Action, community_id: UUID, not_found: NotFoundError) -> None:
    """Refuse unless ``can``: 404 (``not_found``) if the principal may not read the target.

    Raises:
        NotFoundError: the principal may not see the target (as if it did not exist).
        PermissionDeniedError: the principal sees it, but the action is not theirs.
    """
    if not can(principal, Action.READ, community_id):
        raise not_found
    if not can(principal, action, community_id):
        raise PermissionDeniedError("auth.forbidden", "你的角色不能执行此操作",
                                    "your role may not do this")
