"""The resource list and the allocations lists: the resource list view, in id order.

Offers are narrowed by resource type, status (repeatable), party kind, offering
organisation, what remains, and an availability window overlapping a range of
China dates; an organisation's member sees only their own offers. Allocations are
listed per offer or per organisation, narrowed by released or not and target.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from wushe.platform.domain.organisation import OrganisationKind
from wushe.platform.domain.resource import OfferStatus, ResourceType
from wushe.platform.http.api.days import china_midnight
from wushe.platform.http.api.id_pages import IdQuery, fetch_id_page
from wushe.platform.http.api.schemas.projects import SpanOut
from wushe.platform.http.api.schemas.resources import (
    AllocationItem,
    AllocationsPage,
    OfferItem,
    OffersPage,
)
from wushe.projections.schema import utc_text

if TYPE_CHECKING:
    from litestar import Request

    from wushe.projections.read import ResultRow

__all__ = ["VIEWS", "AllocationFilters", "OfferFilters", "allocations_page", "offers_page"]

VIEWS = ("resources",)
_OFFER_COLUMNS = ("offer_id", "community_id", "organisation_id", "organisation_name",
                  "party_kind", "resource_type", "title", "unit", "conditions", "window_start",
                  "window_end", "status", "quantity", "allocated", "used", "remaining",
                  "live_allocations", "offered_at", "withdrawn_at", "version")
_ALLOCATION_COLUMNS = ("offer_id", "allocation_id", "community_id", "resource_type",
                       "to_project", "to_need", "span_start", "span_end", "quantity", "used",
                       "released", "returned", "allocated_at")
_ONE_DAY = timedelta(days=1)


class OfferFilters(msgspec.Struct, frozen=True, kw_only=True):
    """What the resource list is narrowed to (empty: any)."""

    resource_type: ResourceType | None = None
    statuses: tuple[OfferStatus, ...] = ()
    party_kind: OrganisationKind | None = None
    organisation: UUID | None = None
    available: bool | None = None  # something remains (remaining > 0), or nothing does
    available_from: date | None = None  # the window overlaps these China dates (inclusive)
    available_to: date | None = None
    only: UUID | None = None  # an organisation's member sees only their own offers


class AllocationFilters(msgspec.Struct, frozen=True, kw_only=True):
    """Whose allocations (an offer's or an organisation's) and what they are narrowed to."""

    offer: UUID | None = None
    organisation: UUID | None = None
    released: bool | None = None
    to_project: UUID | None = None
    to_need: UUID | None = None


def _offers_query(community_id: UUID, filters: OfferFilters) -> IdQuery:
    scope = ("offers", str(community_id), msgspec.to_builtins(filters))
    query = IdQuery("resources", "offers", "offer_id", _OFFER_COLUMNS, scope)
    query.where('"community_id" = ?', str(community_id))
    equal = {"resource_type": filters.resource_type, "party_kind": filters.party_kind,
             "organisation_id": filters.organisation}
    for column, value in equal.items():
        if value is not None:
            query.where(f'"{column}" = ?', str(value))
    if filters.only is not None:
        query.where('"organisation_id" = ?', str(filters.only))
    if filters.statuses:
        marks = ", ".join("?" for _ in filters.statuses)
        query.where(f'"status" IN ({marks})', *sorted(s.value for s in filters.statuses))
    if filters.available is not None:
        query.where('"remaining" > 0' if filters.available else '"remaining" = 0')
    if filters.available_from is not None:  # the window [start, end) overlaps the days
        start = china_midnight(filters.available_from, "available_from")
        query.where('"window_end" > ?', utc_text(start))
    if filters.available_to is not None:
        end = china_midnight(filters.available_to, "available_to") + _ONE_DAY
        query.where('"window_start" < ?', utc_text(end))
    return query


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _uuid(text: str | None) -> UUID | None:
    return None if text is None else UUID(text)


def _offer_item(row: ResultRow) -> OfferItem:
    return OfferItem(
        id=UUID(row["offer_id"]), community_id=UUID(row["community_id"]),
        organisation_id=UUID(row["organisation_id"]),
        organisation_name=row["organisation_name"], party_kind=row["party_kind"],
        resource_type=row["resource_type"], title=row["title"], unit=row["unit"],
        conditions=row["conditions"],
        window=SpanOut(datetime.fromisoformat(row["window_start"]),
                       datetime.fromisoformat(row["window_end"])),
        status=row["status"], quantity=int(row["quantity"]), allocated=int(row["allocated"]),
        used=int(row["used"]), remaining=int(row["remaining"]),
        live_allocations=int(row["live_allocations"]),
        offered_at=datetime.fromisoformat(row["offered_at"]),
        withdrawn_at=_moment(row["withdrawn_at"]), version=int(row["version"]))


async def offers_page(request: Request[Any, Any, Any], community_id: UUID,
                      filters: OfferFilters, limit: int, cursor: str | None) -> OffersPage:
    """One page of the community's resource list, ordered by offer id."""
    page = await fetch_id_page(request, _offers_query(community_id, filters), limit, cursor)
    return OffersPage(tuple(_offer_item(r) for r in page.rows), page.next_cursor)


def _allocations_query(filters: AllocationFilters) -> IdQuery:
    scope = ("allocations", msgspec.to_builtins(filters))
    query = IdQuery("resources", "allocations", "allocation_id", _ALLOCATION_COLUMNS, scope)
    if filters.offer is not None:
        query.where('"offer_id" = ?', str(filters.offer))
    if filters.organisation is not None:
        query.where('"offer_id" IN (SELECT "offer_id" FROM {offers} '
                    'WHERE "organisation_id" = ?)', str(filters.organisation))
    if filters.released is not None:
        query.where('"released" = ?', int(filters.released))
    for column, value in (("to_project", filters.to_project), ("to_need", filters.to_need)):
        if value is not None:
            query.where(f'"{column}" = ?', str(value))
    return query


def _allocation_item(row: ResultRow) -> AllocationItem:
    start, end = _moment(row["span_start"]), _moment(row["span_end"])
    return AllocationItem(
        offer_id=UUID(row["offer_id"]), allocation_id=UUID(row["allocation_id"]),
        community_id=UUID(row["community_id"]), resource_type=row["resource_type"],
        to_project=_uuid(row["to_project"]), to_need=_uuid(row["to_need"]),
        span=None if start is None or end is None else SpanOut(start, end),
        quantity=int(row["quantity"]), used=int(row["used"]),
        released=bool(row["released"]), returned=int(row["returned"]),
        allocated_at=datetime.fromisoformat(row["allocated_at"]))


async def allocations_page(request: Request[Any, Any, Any], filters: AllocationFilters,
                           limit: int, cursor: str | None) -> AllocationsPage:
    """One page of allocations (an offer's or an organisation's), ordered by allocation id."""
    page = await fetch_id_page(request, _allocations_query(filters), limit, cursor)
    return AllocationsPage(tuple(_allocation_item(r) for r in page.rows), page.next_cursor)
