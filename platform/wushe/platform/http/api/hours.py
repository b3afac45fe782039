"""``/api/v1``: service hours (志愿服务时长) — a volunteer's ledger, a community's totals.

Follows :mod:`wushe.platform.http.api.communities`; both reads come from the hours
ledger view (see :mod:`hours_out`). Confirming, correcting and disputing hours are
steps of an assignment (:mod:`assignments`), not here.

=========================  ==============  ===============  =================  ==============
endpoint                   administrator   coordinator (c)  organisation of c  volunteer of c
=========================  ==============  ===============  =================  ==============
a volunteer's hours        all             c                404                themself
a community's hours        all             c                403                403
=========================  ==============  ===============  =================  ==============

Anyone else gets the volunteer's or the community's 404. Names in a community's
list are masked (as the roster view stores them); a forgotten volunteer has no
totals of their own (the community's total keeps their hours).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery

from wushe.platform.http.api.authz_people import Act, community_scope
from wushe.platform.http.api.hours_out import (
    COMMUNITY_VIEWS,
    VOLUNTEER_VIEWS,
    HoursQuery,
    community_hours,
    volunteer_hours,
)
from wushe.platform.http.api.periods import Year
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.hours import (
    CommunityHoursPage,
    HoursStatus,
    VolunteerHoursPage,
)
from wushe.platform.http.api.volunteers_out import visible_volunteer
from wushe.platform.http.auth.principal import CurrentPrincipal

__all__ = ["HoursController"]


class HoursController(Controller):
    """Confirmed service hours and star levels (星级)."""

    path = "/api/v1"
    tags = ["hours"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/volunteers/{volunteer_id:uuid}/hours", operation_id="getVolunteerHours")
    async def volunteer(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        volunteer_id: FromPath[UUID], *, year: Year = None,
        status: FromQuery[list[HoursStatus] | None] = None, limit: PageLimit = 50,
        cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[VolunteerHoursPage]:
        """The volunteer's totals per year and star level, and their records a page at a
        time (``status``: default confirmed; ``year``: that year's records)."""
        await visible_volunteer(request, principal, volunteer_id, Act.READ)
        position = await views_reached(request, VOLUNTEER_VIEWS, wait_for)
        query = HoursQuery(volunteer_id, year, limit, cursor,
                           frozenset(status or (HoursStatus.CONFIRMED,)))
        return read_response(await volunteer_hours(request, query), position)

    @get("/communities/{community_id:uuid}/hours", operation_id="getCommunityHours")
    async def community(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *, year: Year = None, limit: PageLimit = 50,
        cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[CommunityHoursPage]:
        """The community's confirmed hours in ``year`` (default: all time) and its
        volunteers' totals, most hours first (names masked)."""
        await community_scope(request, principal, community_id, lambda s: s.manages)
        position = await views_reached(request, COMMUNITY_VIEWS, wait_for)
        query = HoursQuery(community_id, year, limit, cursor)
        return read_response(await community_hours(request, query), position)
