"""A resource request on the wire, the 404 that hides one, and the requests list.

One request is loaded from the log (current, with its version as ETag); the list
reads the resource list view's ``requests`` table in id order, narrowed by
status (repeatable), resource type, grid, urgency and owner (a project or need).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.resource_request import RequestStatus, ResourceRequest
from wushe.platform.http.api.authz import Action
from wushe.platform.http.api.authz_resources import can_request
from wushe.platform.http.api.authz_work import decide
from wushe.platform.http.api.id_pages import IdQuery, fetch_id_page
from wushe.platform.http.api.schemas.projects import SpanOut
from wushe.platform.http.api.schemas.resource_requests import (
    RequestAllocationOut,
    RequestItem,
    RequestOut,
    RequestsPage,
)
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Request

    from wushe.platform.http.auth.principal import Principal
    from wushe.projections.read import ResultRow

__all__ = ["RequestFilters", "request_not_found", "request_out", "requests_page",
           "visible_request"]

_COLUMNS = ("request_id", "community_id", "owner_kind", "owner_id", "resource_type", "unit",
            "quantity", "allocated", "span_start", "span_end", "grid", "urgent", "status",
            "requested_at", "withdrawn_at", "version")


class RequestFilters(msgspec.Struct, frozen=True, kw_only=True):
    """What the requests list is narrowed to (empty: any)."""

    statuses: tuple[RequestStatus, ...] = ()
    resource_type: ResourceType | None = None
    grid: str | None = None
    urgent: bool | None = None
    owner: UUID | None = None  # a project or a need


def request_not_found(request_id: UUID) -> NotFoundError:
    """The 404 of a request that is missing or not the principal's (the same answer)."""
    return NotFoundError("resource_request.not_found", "找不到该记录（resource_request）",
                         f"no resource_request with id {request_id}")


async def visible_request(request: Request[Any, Any, Any], principal: Principal,
                          request_id: UUID,
                          may: Callable[[UUID], bool] | None = None) -> ResourceRequest:
    """The request, if the principal may see it and ``may`` (its community) (else 404 / 403)."""
    try:
        found = await blocking(application(request).load, ResourceRequest, request_id)
    except NotFoundError:
        raise request_not_found(request_id) from None
    community_id = found.community_id
    decide(sees=can_request(principal, Action.READ, community_id),
           may=True if may is None else may(community_id),
           not_found=request_not_found(request_id))
    return found


def request_out(found: ResourceRequest) -> RequestOut:
    """The wire form of a request, with the allocations made for it."""
    allocations = tuple(RequestAllocationOut(a.offer_id, a.allocation_id, a.quantity,
                                             a.allocated_at) for a in found.allocations)
    return RequestOut(
        id=found.id, community_id=found.community_id, project_id=found.project_id,
        need_id=found.need_id, resource_type=found.resource_type, unit=found.unit,
        quantity=found.quantity, allocated=found.allocated, remaining=found.remaining,
        span=SpanOut(found.span.start, found.span.end), grid=found.grid, urgent=found.urgent,
        status=found.status, allocations=allocations, requested_at=found.requested_at,
        withdrawn_at=found.withdrawn_at, withdrawal_reason=found.withdrawal_reason,
        version=found.version)


def _query(community_id: UUID, filters: RequestFilters) -> IdQuery:
    scope = ("resource_requests", str(community_id), msgspec.to_builtins(filters))
    query = IdQuery("resources", "requests", "request_id", _COLUMNS, scope)
    query.where('"community_id" = ?', str(community_id))
    equal = {"resource_type": filters.resource_type, "grid": filters.grid,
             "owner_id": filters.owner}
    for column, value in equal.items():
        if value is not None:
            query.where(f'"{column}" = ?', str(value))
    if filters.urgent is not None:
        query.where('"urgent" = ?', int(filters.urgent))
    if filters.statuses:
        marks = ", ".join("?" for _ in filters.statuses)
        query.where(f'"status" IN ({marks})', *sorted(s.value for s in filters.statuses))
    return query


def _item(row: ResultRow) -> RequestItem:
    withdrawn = row["withdrawn_at"]
    return RequestItem(
        id=UUID(row["request_id"]), community_id=UUID(row["community_id"]),
        owner_kind=row["owner_kind"], owner_id=UUID(row["owner_id"]),
        resource_type=row["resource_type"], unit=row["unit"], quantity=int(row["quantity"]),
        allocated=int(row["allocated"]),
        span=SpanOut(datetime.fromisoformat(row["span_start"]),
                     datetime.fromisoformat(row["span_end"])),
        grid=row["grid"], urgent=bool(row["urgent"]), status=row["status"],
        requested_at=datetime.fromisoformat(row["requested_at"]),
        withdrawn_at=None if withdrawn is None else datetime.fromisoformat(withdrawn),
        version=int(row["version"]))


async def requests_page(request: Request[Any, Any, Any], community_id: UUID,
                        filters: RequestFilters, limit: int, cursor: str | None) -> RequestsPage:
    """One page of the community's resource requests, ordered by id."""
    page = await fetch_id_page(request, _query(community_id, filters), limit, cursor)
    return RequestsPage(tuple(_item(r) for r in page.rows), page.next_cursor)
