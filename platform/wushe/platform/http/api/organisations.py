"""``/api/v1``: a community's organisations, one organisation, registering and deactivating.

Follows :mod:`wushe.platform.http.api.communities`. Coordinators (and
administrators) list every organisation of their community; an organisation's
member sees their own. The contact person is in full for the community's
coordinators and the organisation itself, masked for anyone else. Registering is
a POST with ``Idempotency-Key``; deactivating needs ``If-Match``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import resources as commands
from wushe.platform.domain.organisation import (
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Registration,
)
from wushe.platform.http.api.authz_people import Act, community_scope
from wushe.platform.http.api.organisations_out import (
    VIEWS,
    OrganisationFilters,
    organisations_page,
    shown,
    visible_organisation,
)
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.organisations import (
    OrganisationIn,
    OrganisationOut,
    OrganisationsPage,
)
from wushe.platform.http.api.schemas.volunteers import ReasonIn
from wushe.platform.http.api.writes import Written, expected_version, idempotent
from wushe.platform.http.auth.principal import CurrentPrincipal
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from wushe.platform.application import Recorded, WusheApplication

__all__ = ["OrganisationsController"]


def _register(app: WusheApplication, community_id: UUID, data: OrganisationIn,
              request_key: str | None) -> Recorded:
    return commands.register_organisation(
        app, community_id=community_id, name=data.name, kind=data.kind,
        registration=data.registration, registration_no=data.registration_no,
        contact_name=data.contact_name, contact_phone=data.contact_phone, at=datetime.now(UTC),
        request_key=request_key)


class OrganisationsController(Controller):
    """Organisations (社会组织、共建单位 …) of a community's linkage."""

    path = "/api/v1"
    tags = ["organisations"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/communities/{community_id:uuid}/organisations", operation_id="listOrganisations")
    async def list_organisations(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *, kind: FromQuery[OrganisationKind | None] = None,
        registration: FromQuery[Registration | None] = None,
        status: FromQuery[OrganisationStatus | None] = None,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[OrganisationsPage]:
        """The community's organisations with this year's participation (contact masked)."""
        scope = await community_scope(request, principal, community_id,
                                      lambda s: s.manages or s.organisation_id is not None)
        position = await views_reached(request, VIEWS, wait_for)
        filters = OrganisationFilters(kind=kind, registration=registration, status=status,
                                      only=None if scope.manages else scope.organisation_id)
        page = await organisations_page(request, community_id, filters, limit, cursor)
        return read_response(page, position)

    @get("/organisations/{organisation_id:uuid}", operation_id="getOrganisation")
    async def get_organisation(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        organisation_id: FromPath[UUID], wait_for: WaitFor = None,
    ) -> Response[OrganisationOut]:
        """One organisation; the contact in full for coordinators and the organisation."""
        position = await views_reached(request, VIEWS, wait_for)
        organisation = await visible_organisation(request, principal, organisation_id, Act.READ)
        return read_response(shown(principal, organisation), position, organisation.version)

    @post("/communities/{community_id:uuid}/organisations",
          operation_id="registerOrganisation", status_code=201)
    async def register(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       community_id: FromPath[UUID],
                       data: JSONBody[OrganisationIn]) -> Response[OrganisationOut]:
        """Record an organisation taking part; honours ``Idempotency-Key``."""
        await community_scope(request, principal, community_id, lambda s: s.manages)

        async def run(request_key: str | None) -> Written:
            app = application(request)
            recorded = await blocking(_register, app, community_id, data, request_key)
            organisation = await blocking(app.load, Organisation, recorded.id)
            return Written(201, shown(principal, organisation), recorded)

        return await idempotent(request, principal, run)

    @post("/organisations/{organisation_id:uuid}/deactivate",
          operation_id="deactivateOrganisation", status_code=200)
    async def deactivate(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         organisation_id: FromPath[UUID],
                         data: JSONBody[ReasonIn]) -> Response[OrganisationOut]:
        """Stop offering the organisation for new projects and resources; needs ``If-Match``."""
        async def run(_: str | None) -> Written:
            expected = expected_version(request)
            await visible_organisation(request, principal, organisation_id, Act.MANAGE)
            app = application(request)
            recorded = await blocking(app.update, Organisation, organisation_id,
                                      lambda o: o.deactivate(data.reason),
                                      expected_version=expected)
            organisation = await blocking(app.load, Organisation, organisation_id)
            return Written(200, shown(principal, organisation), recorded)

        return await idempotent(request, principal, run)
