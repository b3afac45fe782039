"""Commands on organisations and the resource list that check what they refer to.

Allocating to a project changes two aggregates: the offer keeps the books and the
project records the reservation. Both are saved in one ``app.save`` call, so the
log holds both events or neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.platform.application import Recorded, require_version
from wushe.platform.commands._common import (
    active_organisation,
    create,
    new_id,
    require_same_community,
)
from wushe.platform.domain.community import Community
from wushe.platform.domain.need import Need
from wushe.platform.domain.organisation import Organisation
from wushe.platform.domain.project import ServiceProject
from wushe.platform.domain.resource import ResourceOffer

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from uuid import UUID

    from eventsourcing.domain import Aggregate

    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.organisation import OrganisationKind, Registration
    from wushe.platform.domain.resource import ResourceType
    from wushe.platform.domain.values import TimeSpan

__all__ = [
    "allocate_to_need",
    "allocate_to_project",
    "offer_resource",
    "register_organisation",
    "release_allocation",
]


def register_organisation(
    app: WusheApplication, *, community_id: UUID, name: str, kind: OrganisationKind,
    registration: Registration, registration_no: str | None, contact_name: str,
    contact_phone: str, at: datetime, request_key: str | None = None,
) -> Recorded:
    """Record an organisation taking part in an existing community's linkage."""
    def build(organisation_id: UUID) -> Organisation:
        app.load(Community, community_id)
        return Organisation.register(
            id=organisation_id, community_id=community_id, name=name, kind=kind,
            registration=registration, registration_no=registration_no,
            contact_name=contact_name, contact_phone=contact_phone, at=at,
        )
    return create(app, Organisation, "organisation", request_key, build)


def offer_resource(
    app: WusheApplication, *, community_id: UUID, organisation_id: UUID,
    resource_type: ResourceType, title: str, description: str, quantity: int, unit: str,
    window: TimeSpan, at: datetime, conditions: str | None = None,
    request_key: str | None = None,
) -> Recorded:
    """Put on the community's resource list what an active organisation of it offers."""
    def build(offer_id: UUID) -> ResourceOffer:
        app.load(Community, community_id)
        active_organisation(app, organisation_id, community_id, "organisation_id")
        return ResourceOffer.offer(
            id=offer_id, community_id=community_id, organisation_id=organisation_id,
            resource_type=resource_type, title=title, description=description,
            quantity=quantity, unit=unit, window=window, conditions=conditions, at=at,
        )
    return create(app, ResourceOffer, "resource", request_key, build)


def allocate_to_project(
    app: WusheApplication, *, offer_id: UUID, project_id: UUID, quantity: int, at: datetime,
    span: TimeSpan | None = None, expected_version: int | None = None,
    request_key: str | None = None,
) -> Recorded:
    """Allocate part of an offer to a project of the same community, and record it on both.

    Returns the offer's new version; a retry with the same ``request_key`` appends nothing.
    """
    def allocate(offer: ResourceOffer, allocation_id: UUID) -> tuple[Aggregate, ...]:
        project = app.load(ServiceProject, project_id)
        require_same_community(offer.community_id, project.community_id, "project_id")
        offer.allocate(allocation_id=allocation_id, quantity=quantity, to_project=project_id,
                       to_need=None, span=span, at=at)
        project.reserve_resource(offer_id, allocation_id, quantity)
        return (project,)
    return _allocate(app, offer_id, expected_version, request_key, allocate)


def allocate_to_need(
    app: WusheApplication, *, offer_id: UUID, need_id: UUID, quantity: int, at: datetime,
    span: TimeSpan | None = None, expected_version: int | None = None,
    request_key: str | None = None,
) -> Recorded:
    """Allocate part of an offer to a need of the same community.

    A retry with the same ``request_key`` appends nothing.
    """
    def allocate(offer: ResourceOffer, allocation_id: UUID) -> tuple[Aggregate, ...]:
        need = app.load(Need, need_id)
        require_same_community(offer.community_id, need.community_id, "need_id")
        offer.allocate(allocation_id=allocation_id, quantity=quantity, to_project=None,
                       to_need=need_id, span=span, at=at)
        return ()
    return _allocate(app, offer_id, expected_version, request_key, allocate)


def release_allocation(
    app: WusheApplication, *, offer_id: UUID, allocation_id: UUID,
    expected_version: int | None = None,
) -> Recorded:
    """Release an allocation; one to a project is released on the project too, atomically."""
    offer = app.load(ResourceOffer, offer_id)
    require_version(offer, expected_version)
    project_id = offer.allocation(allocation_id).to_project
    offer.release(allocation_id)
    if project_id is None:
        return app.save_all(offer)
    project = app.load(ServiceProject, project_id)
    project.release_resource(allocation_id)
    return app.save_all(offer, project)


def _allocate(
    app: WusheApplication, offer_id: UUID, expected_version: int | None,
    request_key: str | None, allocate: Callable[[ResourceOffer, UUID], tuple[Aggregate, ...]],
) -> Recorded:
    """Run ``allocate`` on the offer and save the offer with what else it changed.

    A request key fixes the allocation id (per offer), so a retry finds its
    allocation and returns before the version check its own first try outdated.
    """
    offer = app.load(ResourceOffer, offer_id)
    key = None if request_key is None else f"{offer_id}:{request_key}"
    allocation_id = new_id("allocation", key)
    if any(a.allocation_id == allocation_id for a in offer.allocations):
        return Recorded(offer.id, offer.version, app.log_position())
    require_version(offer, expected_version)
    return app.save_all(offer, *allocate(offer, allocation_id), created=True)
