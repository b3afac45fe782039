"""An organisation on the wire, the 404 that hides one, and the organisations list.

The list reads the resource list view's ``organisations`` table (contact masked)
and counts each organisation's projects this year in the participation view.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from wushe.platform.domain.calendar import local_date
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.organisation import (
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Registration,
)
from wushe.platform.http.api.authz_people import Act, can_organisation, refuse_unless
from wushe.platform.http.api.id_pages import IdQuery, fetch_id_page
from wushe.platform.http.api.schemas.organisations import (
    OrganisationItem,
    OrganisationOut,
    OrganisationsPage,
)
from wushe.platform.http.context import application, blocking, read_model
from wushe.projections.masking import mask_name, mask_phone
from wushe.projections.read import ViewNotBuiltError

if TYPE_CHECKING:
    from litestar import Request

    from wushe.platform.http.auth.principal import Principal
    from wushe.projections.read import ResultRow

__all__ = ["VIEWS", "OrganisationFilters", "organisation_not_found", "organisations_page",
           "shown", "visible_organisation"]

VIEWS = ("resources", "participation")
_COLUMNS = ("organisation_id", "community_id", "name", "kind", "registration",
            "registration_no", "status", "contact", "contact_phone", "registered_at", "version")


class OrganisationFilters(msgspec.Struct, frozen=True, kw_only=True):
    """What the organisations list is narrowed to (empty: any)."""

    kind: OrganisationKind | None = None
    registration: Registration | None = None
    status: OrganisationStatus | None = None
    only: UUID | None = None  # an organisation's member sees only their own


def organisation_not_found(organisation_id: UUID) -> NotFoundError:
    """The 404 of an organisation that is missing or not the principal's (the same answer)."""
    return NotFoundError("organisation.not_found", "找不到该记录（organisation）",
                         f"no organisation with id {organisation_id}")


def organisation_out(organisation: Organisation, *, full: bool) -> OrganisationOut:
    """The wire form of an organisation: the contact person in full, or masked."""
    name, phone = organisation.contact_name, organisation.contact_phone
    return OrganisationOut(
        id=organisation.id, community_id=organisation.community_id, name=organisation.name,
        kind=organisation.kind, registration=organisation.registration,
        registration_no=organisation.registration_no, status=organisation.status,
        personal_data="full" if full else "masked",
        contact_name=name if full else mask_name(name),
        contact_phone=phone if full else mask_phone(phone),
        registered_at=organisation.registered_at,
        agreements_signed=len(organisation.agreements), version=organisation.version)


def shown(principal: Principal, organisation: Organisation) -> OrganisationOut:
    """The organisation as this principal may see it."""
    full = can_organisation(principal, Act.READ_PERSONAL, organisation.id,
                            organisation.community_id)
    return organisation_out(organisation, full=full)


async def visible_organisation(request: Request[Any, Any, Any], principal: Principal,
                               organisation_id: UUID, act: Act) -> Organisation:
    """The organisation, if the principal may ``act`` on it (else 404 / 403)."""
    try:
        organisation = await blocking(application(request).load, Organisation, organisation_id)
    except NotFoundError:
        raise organisation_not_found(organisation_id) from None
    refuse_unless(lambda a: can_organisation(principal, a, organisation.id,
                                             organisation.community_id),
                  act, organisation_not_found(organisation_id))
    return organisation


def _query(community_id: UUID, filters: OrganisationFilters) -> IdQuery:
    scope = ("organisations", str(community_id), msgspec.to_builtins(filters))
    query = IdQuery("resources", "organisations", "organisation_id", _COLUMNS, scope)
    query.where('"community_id" = ?', str(community_id))
    equal = {"kind": filters.kind, "registration": filters.registration,
             "status": filters.status, "organisation_id": filters.only}
    for column, value in equal.items():
        if value is not None:
            query.where(f'"{column}" = ?', str(value))
    return query


async def _projects_this_year(request: Request[Any, Any, Any],
                              organisation_ids: list[str]) -> dict[str, int]:
    if not organisation_ids:
        return {}
    marks = ", ".join("?" for _ in organisation_ids)
    sql = ('SELECT "organisation_id", COUNT(*) AS "projects" FROM {participation} '  # noqa: S608  (values bound)
           f'WHERE "organisation_id" IN ({marks}) AND "year" = ? AND "status" <> ? '
           'GROUP BY "organisation_id"')
    year = local_date(datetime.now(UTC)).year
    try:
        rows = await read_model(request).query("participation", sql,
                                               (*organisation_ids, year, "cancelled"))
    except ViewNotBuiltError:
        return {}
    return {str(r["organisation_id"]): int(r["projects"]) for r in rows}


def _item(row: ResultRow, projects: dict[str, int]) -> OrganisationItem:
    return OrganisationItem(
        id=UUID(row["organisation_id"]), community_id=UUID(row["community_id"]),
        name=row["name"], kind=row["kind"], registration=row["registration"],
        registration_no=row["registration_no"], status=row["status"],
        contact_name=row["contact"], contact_phone=row["contact_phone"],
        registered_at=datetime.fromisoformat(row["registered_at"]),
        projects_this_year=projects.get(row["organisation_id"], 0),
        version=int(row["version"]))


async def organisations_page(request: Request[Any, Any, Any], community_id: UUID,
                             filters: OrganisationFilters, limit: int,
                             cursor: str | None) -> OrganisationsPage:
    """One page of the community's organisations, ordered by id."""
    page = await fetch_id_page(request, _query(community_id, filters), limit, cursor)
    projects = await _projects_this_year(request, [r["organisation_id"] for r in page.rows])
    return OrganisationsPage(tuple(_item(r, projects) for r in page.rows), page.next_cursor)
