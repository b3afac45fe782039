"""Resource offers (资源清单 entries) and their allocations on the wire.

A counted resource (goods, funds, services, volunteer time) is used up by its
allocations; a venue is booked for spans of time and never used up (see
``domain/resource.py``). An allocation lives inside its offer, so its ``version``
is the offer's: the ``If-Match`` that recording use or releasing it needs.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from wushe.platform.domain.organisation import OrganisationKind
from wushe.platform.domain.resource import OfferStatus, ResourceType
from wushe.platform.http.api.schemas.projects import SpanIn, SpanOut

__all__ = ["AllocationIn", "AllocationItem", "AllocationOut", "AllocationsPage", "OfferIn",
           "OfferItem", "OfferOut", "OffersPage", "UseIn"]


class OfferIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What an organisation offers: a type, a quantity in a unit, when it is available."""

    resource_type: ResourceType
    title: str
    description: str
    quantity: int
    unit: str
    window: SpanIn
    conditions: str | None = None


class OfferOut(msgspec.Struct, frozen=True, kw_only=True):
    """An offer as it stands now; ``version`` is its ETag.

    ``allocated``: what live allocations hold plus what released ones used (0 for
    a venue); ``remaining``: what can still be allocated (0 once withdrawn).
    """

    id: UUID
    community_id: UUID
    organisation_id: UUID
    resource_type: ResourceType
    title: str
    description: str
    quantity: int
    unit: str
    window: SpanOut
    conditions: str | None
    status: OfferStatus
    allocated: int
    remaining: int
    live_allocations: int
    offered_at: datetime
    withdrawn_at: datetime | None
    version: int


class OfferItem(msgspec.Struct, frozen=True, kw_only=True):
    """A row of the resource list (from the views), with the party's name and kind."""

    id: UUID
    community_id: UUID
    organisation_id: UUID
    organisation_name: str | None
    party_kind: OrganisationKind | None
    resource_type: ResourceType
    title: str
    unit: str
    conditions: str | None
    window: SpanOut
    status: OfferStatus
    quantity: int
    allocated: int
    used: int
    remaining: int
    live_allocations: int
    offered_at: datetime
    withdrawn_at: datetime | None
    version: int


class OffersPage(msgspec.Struct, frozen=True):
    """A page of offers and the cursor of the next one (None: last page)."""

    items: tuple[OfferItem, ...]
    next_cursor: str | None


class AllocationIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Part of the offer for one project or one need (exactly one of them) of its
    community; a venue booking needs a span inside the offer's window."""

    quantity: int
    to_project: UUID | None = None
    to_need: UUID | None = None
    span: SpanIn | None = None


class UseIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How much more of a live allocation was used."""

    used_quantity: int


class AllocationOut(msgspec.Struct, frozen=True, kw_only=True):
    """One allocation (a booking, for a venue); ``version`` is its offer's (the ETag)."""

    offer_id: UUID
    allocation_id: UUID
    community_id: UUID
    organisation_id: UUID
    resource_type: ResourceType
    unit: str
    to_project: UUID | None
    to_need: UUID | None
    span: SpanOut | None
    quantity: int
    used: int
    released: bool
    allocated_at: datetime
    version: int


class AllocationItem(msgspec.Struct, frozen=True, kw_only=True):
    """A row of an allocations list (from the views); ``returned``: what a release gave back."""

    offer_id: UUID
    allocation_id: UUID
    community_id: UUID
    resource_type: ResourceType
    to_project: UUID | None
    to_need: UUID | None
    span: SpanOut | None
    quantity: int
    used: int
    released: bool
    returned: int
    allocated_at: datetime


class AllocationsPage(msgspec.Struct, frozen=True):
    """A page of allocations and the cursor of the next one (None: last page)."""

    items: tuple[AllocationItem, ...]
    next_cursor: str | None
