"""What the application commands share: ids, idempotent creation, reference checks.

A reference check needs a second aggregate, so the aggregates cannot make it
themselves: the command loads what it refers to (``app.load`` raises
:class:`NotFoundError` for a missing one) and checks it here, before any event
exists, so a rejected command appends nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from wushe.platform.application import Recorded, deterministic_id
from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import (
    DomainRuleError,
    NotFoundError,
)
from wushe.platform.domain.organisation import Organisation, OrganisationStatus
from wushe.platform.domain.rules import require
from wushe.platform.domain.volunteer import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from collections.abc import Callable
    from enum import StrEnum

    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.policy import Policy

__all__ = [
    "active_organisation",
    "active_volunteer",
    "community_of",
    "create",
    "existing",
    "new_id",
    "require_active",
    "require_category",
    "require_grid",
    "require_same_community",
]

A = TypeVar("A", bound=Aggregate)


def new_id(kind: str, request_key: str | None) -> UUID:
    """The id of a new ``kind``: fixed by the request key when there is one, else random."""
    return uuid4() if request_key is None else deterministic_id(kind, request_key)


def existing(app: WusheApplication, kind: type[A], aggregate_id: UUID) -> A | None:
    """The aggregate of ``kind`` with this id, or None if there is none."""
    try:
        return app.load(kind, aggregate_id)
    except NotFoundError:
        return None


def create(
    app: WusheApplication, kind: type[A], name: str, request_key: str | None,
    build: Callable[[UUID], A],
) -> Recorded:
    """Record the aggregate ``build`` makes, unless this request key already made one.

    A retry with the same key returns the first aggregate (``created=False``)
    without running the checks again, so a later change to what it refers to
    cannot turn a successful request into a failed retry.
    """
    aggregate_id = new_id(name, request_key)
    if request_key is not None and (found := existing(app, kind, aggregate_id)) is not None:
        return Recorded(found.id, found.version, app.log_position())
    return app.create(build(aggregate_id))


def require_same_community(community_id: UUID, other_community_id: UUID, field: str) -> None:
    """Reject a reference to an aggregate of another community."""
    if other_community_id != community_id:
        raise DomainRuleError("reference.other_community", f"{field} 所指对象不属于本社区",
                              f"{field} refers to something of another community", field=field)


def require_active(status: StrEnum, active: StrEnum, field: str) -> None:
    """Reject a reference to an aggregate that is not active (deactivated, dissolved …)."""
    if status != active:
        raise DomainRuleError("reference.inactive", f"{field} 所指对象当前状态为 {status}，不可用",
                              f"{field} refers to something that is {status}, not {active}",
                              field=field)


def require_grid(community: Community, grid: str, field: str = "grid") -> None:
    """Reject a grid id the community does not have."""
    require(community.has_grid(grid.strip()), "reference.unknown_grid",
            f"本社区没有网格 {grid}", f"the community has no grid {grid!r}", field=field)


def require_category(policy: Policy, code: str) -> None:
    """Reject a service category that is not in the policy's list."""
    require(policy.has_category(code), "policy.unknown_category",
            f"服务类别 {code} 不在当前政策（{policy.version}）的类别清单中",
            f"category {code!r} is not in policy {policy.version}", field="category")


def community_of(app: WusheApplication, community_id: UUID, grid: str, field: str) -> Community:
    """The community, if it exists and has the grid."""
    community = app.load(Community, community_id)
    require_grid(community, grid, field)
    return community


def active_volunteer(
    app: WusheApplication, volunteer_id: UUID, community_id: UUID, field: str
) -> Volunteer:
    """The volunteer, if they exist, belong to the community and are active."""
    volunteer = app.load(Volunteer, volunteer_id)
    require_same_community(community_id, volunteer.community_id, field)
    require_active(volunteer.status, VolunteerStatus.ACTIVE, field)
    return volunteer


def active_organisation(
    app: WusheApplication, organisation_id: UUID, community_id: UUID, field: str
) -> Organisation:
    """The organisation, if it exists, belongs to the community and is active."""
    organisation = app.load(Organisation, organisation_id)
    require_same_community(community_id, organisation.community_id, field)
    require_active(organisation.status, OrganisationStatus.ACTIVE, field)
    return organisation
