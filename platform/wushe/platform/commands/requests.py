"""Commands on resource requests: what projects and needs require, and allocating for them.

``allocate_for_request`` changes two or three aggregates — the offer keeps the books,
the request records what it got, and a project records the reservation as
``allocate_to_project`` does — and saves them in one ``app.save_all`` call, so the
log holds all of their events or none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.platform.application import Recorded, require_version
from wushe.platform.commands._common import community_of, create, new_id, require_same_community
from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.need import Need, NeedStatus
from wushe.platform.domain.project import ProjectStatus, ServiceProject
from wushe.platform.domain.resource import ResourceOffer
from wushe.platform.domain.resource_request import ResourceRequest
from wushe.platform.domain.rules import require_rule

if TYPE_CHECKING:
    from datetime import datetime
    from enum import StrEnum
    from uuid import UUID

    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.resource import ResourceType
    from wushe.platform.domain.values import TimeSpan

__all__ = ["OPEN_NEED_STATUSES", "OPEN_PROJECT_STATUSES", "allocate_for_request",
           "request_resource", "withdraw_request"]

# A project takes resources until it is completed (as ServiceProject.reserve_resource).
OPEN_PROJECT_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.PUBLISHED, ProjectStatus.STAFFED,
                         ProjectStatus.RUNNING)
# A need takes resources while it is being dealt with; once closed, refused or referred
# elsewhere nothing more goes to it.
OPEN_NEED_STATUSES = (NeedStatus.RECEIVED, NeedStatus.RETURNED, NeedStatus.ACCEPTED,
                      NeedStatus.IN_HANDLING, NeedStatus.EXTENDED)


def request_resource(
    app: WusheApplication, *, community_id: UUID, resource_type: ResourceType, unit: str,
    quantity: int, span: TimeSpan, grid: str, at: datetime, project_id: UUID | None = None,
    need_id: UUID | None = None, urgent: bool = False, request_key: str | None = None,
) -> Recorded:
    """Record what an open project or need of the community requires, in one of its grids.

    A retry with the same ``request_key`` appends nothing.
    """
    def build(request_id: UUID) -> ResourceRequest:
        request = ResourceRequest.request(
            id=request_id, community_id=community_id, project_id=project_id, need_id=need_id,
            resource_type=resource_type, unit=unit, quantity=quantity, span=span, grid=grid,
            urgent=urgent, at=at)
        community_of(app, community_id, request.grid, "grid")
        _require_open_owner(app, request)
        return request
    return create(app, ResourceRequest, "resource_request", request_key, build)


def withdraw_request(
    app: WusheApplication, *, request_id: UUID, reason: str, at: datetime,
    expected_version: int | None = None,
) -> Recorded:
    """Withdraw a request that is not yet met (its allocations stay until released)."""
    return app.update(ResourceRequest, request_id, lambda r: r.withdraw(reason, at),
                      expected_version=expected_version)


def allocate_for_request(
    app: WusheApplication, *, request_id: UUID, offer_id: UUID, quantity: int, at: datetime,
    request_key: str | None = None, expected_version: int | None = None,
) -> Recorded:
    """Allocate part of an offer for a request, and record it on the offer, the request and,
    for a project's request, the project, atomically (a venue is booked for the request's span).

    Returns the request's new version; a retry with the same ``request_key`` appends
    nothing (and returns before the version check its own first try outdated).
    """
    request = app.load(ResourceRequest, request_id)
    offer = app.load(ResourceOffer, offer_id)
    key = None if request_key is None else f"{offer_id}:{request_key}"
    allocation_id = new_id("allocation", key)
    if any(a.allocation_id == allocation_id for a in request.allocations):
        return Recorded(request.id, request.version, app.log_position())
    require_version(request, expected_version)
    _require_matching_offer(request, offer)
    owner = _owner(app, request)
    offer.allocate(allocation_id=allocation_id, quantity=quantity, to_project=request.project_id,
                   to_need=request.need_id, span=request.span, at=at)
    request.record_allocation(offer_id=offer_id, allocation_id=allocation_id, quantity=quantity,
                              at=at)
    if isinstance(owner, ServiceProject):
        owner.reserve_resource(offer_id, allocation_id, quantity)
        return app.save_all(request, offer, owner, created=True)
    return app.save_all(request, offer, created=True)


def _owner(app: WusheApplication, request: ResourceRequest) -> ServiceProject | Need:
    """The request's project or need, if it still takes resources."""
    if request.project_id is not None:
        project = app.load(ServiceProject, request.project_id)
        _require_taking(project.status, OPEN_PROJECT_STATUSES, "project_id")
        return project
    need = app.load(Need, request.owner_id)
    _require_taking(need.status, OPEN_NEED_STATUSES, "need_id")
    return need


def _require_open_owner(app: WusheApplication, request: ResourceRequest) -> None:
    owner = _owner(app, request)
    field = "project_id" if isinstance(owner, ServiceProject) else "need_id"
    require_same_community(request.community_id, owner.community_id, field)


def _require_taking(status: StrEnum, taking: tuple[StrEnum, ...], field: str) -> None:
    if status not in taking:
        raise DomainRuleError("reference.inactive",
                              f"{field} 所指对象当前状态为 {status}，不再接收资源",
                              f"{field} refers to something that is {status} and takes no "
                              "more resources", field=field)


def _require_matching_offer(request: ResourceRequest, offer: ResourceOffer) -> None:
    require_same_community(request.community_id, offer.community_id, "offer_id")
    require_rule(offer.resource_type is request.resource_type and offer.unit == request.unit,
                 "resource_request.offer_mismatch",
                 f"该资源不是所需的类型或单位（需要 {request.resource_type}，{request.unit}）",
                 f"the offer is not of the requested type and unit "
                 f"({request.resource_type}, {request.unit})", field="offer_id")
