"""``/api/v1``: the resource list (资源清单), one offer, offering and withdrawing.

Follows :mod:`wushe.platform.http.api.communities`. The list reads the resource
list view; one offer is loaded from the log. An organisation offers for itself
(a coordinator or administrator may record an offer for one of the community's
organisations); offering is a POST with ``Idempotency-Key``, withdrawing needs
``If-Match``. Who may do what is in :mod:`authz_resources`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import resources as commands
from wushe.platform.domain.organisation import OrganisationKind
from wushe.platform.domain.resource import OfferStatus, ResourceOffer, ResourceType
from wushe.platform.domain.values import TimeSpan
from wushe.platform.http.api.authz_people import Act, community_scope
from wushe.platform.http.api.authz_resources import OfferScope, can_offer
from wushe.platform.http.api.authz_work import decide
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.offers_list import VIEWS, OfferFilters, offers_page
from wushe.platform.http.api.offers_out import offer_out, visible_offer
from wushe.platform.http.api.organisations_out import (
    organisation_not_found,
    visible_organisation,
)
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.resources import OfferIn, OfferOut, OffersPage
from wushe.platform.http.api.schemas.volunteers import ReasonIn
from wushe.platform.http.api.writes import Written, expected_version, idempotent
from wushe.platform.http.auth.principal import CurrentPrincipal
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from datetime import datetime

    from wushe.platform.application import Recorded, WusheApplication
    from wushe.platform.domain.organisation import Organisation

__all__ = ["OffersController"]


def _offer(app: WusheApplication, organisation: Organisation, data: OfferIn, at: datetime,
           request_key: str | None) -> Recorded:
    return commands.offer_resource(
        app, community_id=organisation.community_id, organisation_id=organisation.id,
        resource_type=data.resource_type, title=data.title, description=data.description,
        quantity=data.quantity, unit=data.unit,
        window=TimeSpan(data.window.start, data.window.end), at=at,
        conditions=data.conditions, request_key=request_key)


class OffersController(Controller):
    """Resource offers: what organisations put on the community's resource list."""

    path = "/api/v1"
    tags = ["resources"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/communities/{community_id:uuid}/offers", operation_id="listOffers")
    async def list_offers(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *,
        resource_type: FromQuery[ResourceType | None] = None,
        status: FromQuery[list[OfferStatus] | None] = None,
        party_kind: FromQuery[OrganisationKind | None] = None,
        organisation: FromQuery[UUID | None] = None,
        available: FromQuery[bool | None] = None,
        available_from: FromQuery[date | None] = None,
        available_to: FromQuery[date | None] = None,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[OffersPage]:
        """The community's resource list by offer id (an organisation: its own offers)."""
        scope = await community_scope(request, principal, community_id,
                                      lambda s: s.manages or s.organisation_id is not None)
        position = await views_reached(request, VIEWS, wait_for)
        filters = OfferFilters(
            resource_type=resource_type, statuses=tuple(sorted(set(status or ()))),
            party_kind=party_kind, organisation=organisation, available=available,
            available_from=available_from, available_to=available_to,
            only=None if scope.manages else scope.organisation_id)
        page = await offers_page(request, community_id, filters, limit, cursor)
        return read_response(page, position)

    @get("/offers/{offer_id:uuid}", operation_id="getOffer")
    async def get_offer(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        offer_id: FromPath[UUID], wait_for: WaitFor = None) -> Response[OfferOut]:
        """One offer with what is allocated and what remains; ETag = version."""
        position = await views_reached(request, VIEWS, wait_for)
        offer = await visible_offer(request, principal, offer_id)
        return read_response(offer_out(offer), position, offer.version)

    @post("/organisations/{organisation_id:uuid}/offers", operation_id="offerResource",
          status_code=201)
    async def offer(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                    organisation_id: FromPath[UUID],
                    data: JSONBody[OfferIn]) -> Response[OfferOut]:
        """Put a resource of the (active) organisation on its community's list;
        honours ``Idempotency-Key``."""
        organisation = await visible_organisation(request, principal, organisation_id, Act.READ)
        allowed = can_offer(principal, OfferScope(organisation.community_id, organisation.id))
        decide(sees=allowed, may=allowed, not_found=organisation_not_found(organisation_id))

        async def run(request_key: str | None) -> Written:
            app = application(request)
            recorded = await blocking(_offer, app, organisation, data, business_now(request),
                                      request_key)
            offer = await blocking(app.load, ResourceOffer, recorded.id)
            return Written(201, offer_out(offer), recorded)

        return await idempotent(request, principal, run)

    @post("/offers/{offer_id:uuid}/withdraw", operation_id="withdrawOffer", status_code=200)
    async def withdraw(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       offer_id: FromPath[UUID], data: JSONBody[ReasonIn]) -> Response[OfferOut]:
        """Take what remains off the list (live allocations stay); needs ``If-Match``."""
        async def run(_: str | None) -> Written:
            expected = expected_version(request)
            await visible_offer(request, principal, offer_id)
            app, at = application(request), business_now(request)
            recorded = await blocking(app.update, ResourceOffer, offer_id,
                                      lambda o: o.withdraw(data.reason, at),
                                      expected_version=expected)
            offer = await blocking(app.load, ResourceOffer, offer_id)
            return Written(200, offer_out(offer), recorded)

        return await idempotent(request, principal, run)
