"""Resource requests (资源需求) on the wire: what a project or a need requires of the list.

A request belongs to exactly one project or one need of its community; the
allocations made for it are on offers (``offer_id``, ``allocation_id``), where
they are read, used and released.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.resource_request import RequestStatus
from wushe.platform.http.api.schemas.projects import SpanIn, SpanOut

__all__ = ["RequestAllocationIn", "RequestAllocationOut", "RequestIn", "RequestItem",
           "RequestOut", "RequestsPage"]


class RequestIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a project or a need (exactly one) requires, when, and in which grid."""

    resource_type: ResourceType
    unit: str
    quantity: int
    span: SpanIn
    grid: str
    project_id: UUID | None = None
    need_id: UUID | None = None
    urgent: bool = False


class RequestAllocationIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Part of an offer of the request's type and unit, for the request."""

    offer_id: UUID
    quantity: int


class RequestAllocationOut(msgspec.Struct, frozen=True):
    """An allocation made for the request (read it at ``/offers/{offer_id}/allocations/…``)."""

    offer_id: UUID
    allocation_id: UUID
    quantity: int
    allocated_at: datetime


class RequestOut(msgspec.Struct, frozen=True, kw_only=True):
    """A request as it stands now; ``version`` is its ETag."""

    id: UUID
    community_id: UUID
    project_id: UUID | None
    need_id: UUID | None
    resource_type: ResourceType
    unit: str
    quantity: int
    allocated: int
    remaining: int
    span: SpanOut
    grid: str
    urgent: bool
    status: RequestStatus
    allocations: tuple[RequestAllocationOut, ...]
    requested_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    version: int


class RequestItem(msgspec.Struct, frozen=True, kw_only=True):
    """A row of the requests list (from the views)."""

    id: UUID
    community_id: UUID
    owner_kind: Literal["project", "need"]
    owner_id: UUID
    resource_type: ResourceType
    unit: str
    quantity: int
    allocated: int
    span: SpanOut
    grid: str
    urgent: bool
    status: RequestStatus
    requested_at: datetime
    withdrawn_at: datetime | None
    version: int


class RequestsPage(msgspec.Struct, frozen=True):
    """A page of requests and the cursor of the next one (None: last page)."""

    items: tuple[RequestItem, ...]
    next_cursor: str | None
