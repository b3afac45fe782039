"""``/api/v1``: reports — DB35/T 2074-2022 compliance and organisations' participation.

Follows :mod:`wushe.platform.http.api.communities`; the figures are computed as
``wushe report compliance`` computes them (see :mod:`reports_out`). The period
defaults to the business clock's year and half (:mod:`periods`).

===============================  =============  ===============  =================  ==============
endpoint                         administrator  coordinator (c)  organisation of c  volunteer of c
===============================  =============  ===============  =================  ==============
a community's compliance         all            c                403                403
a community's participation      all            c                403                403
every community's compliance     yes            403              403                403
===============================  =============  ===============  =================  ==============

Anyone else gets the community's 404. Organisations are refused participation too:
the report compares every organisation of the community (a coordinator's tool), and
an organisation already sees its own projects in the projects list.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery

from wushe.platform.http.api.authz_people import community_scope
from wushe.platform.http.api.periods import Half, Year, report_period, this_year
from wushe.platform.http.api.problems import PermissionDeniedError, problem_responses
from wushe.platform.http.api.reads import (
    PageLimit,
    WaitFor,
    decode_cursor,
    encode_cursor,
    read_response,
    views_reached,
)
from wushe.platform.http.api.reports_out import (
    COMPLIANCE_VIEWS,
    PARTICIPATION_VIEWS,
    compliance_out,
    compliance_rows,
    participation,
    views_behind,
)
from wushe.platform.http.api.schemas.reports import (
    ComplianceOut,
    CompliancePage,
    ParticipationOut,
)
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal

__all__ = ["ReportsController"]


async def _managed(request: Request[Any, Any, Any], principal: Principal,
                   community_id: UUID) -> None:
    await community_scope(request, principal, community_id, lambda s: s.manages)


class ReportsController(Controller):
    """Reports (报表): compliance with DB35/T 2074-2022, organisations' participation."""

    path = "/api/v1"
    tags = ["reports"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/communities/{community_id:uuid}/reports/compliance",
         operation_id="getCommunityCompliance",
         responses=problem_responses(503))  # views.behind
    async def community_compliance(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *, year: Year = None, half: Half = None,
        wait_for: WaitFor = None,
    ) -> Response[ComplianceOut]:
        """The community's indicators, pass or fail (default: this year and half)."""
        await _managed(request, principal, community_id)
        position = await views_reached(request, COMPLIANCE_VIEWS, wait_for)
        year, half = report_period(request, year, half)
        found = await compliance_rows(request, year, community_id)
        if not found:
            raise views_behind()
        return read_response(compliance_out(found[0], year, half), position)

    @get("/communities/{community_id:uuid}/reports/participation",
         operation_id="getCommunityParticipation")
    async def community_participation(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *, year: Year = None, wait_for: WaitFor = None,
    ) -> Response[ParticipationOut]:
        """Each social organisation's projects in the year (default: this year), 6.2.3."""
        await _managed(request, principal, community_id)
        position = await views_reached(request, PARTICIPATION_VIEWS, wait_for)
        report = await participation(request, community_id, this_year(request, year))
        return read_response(report, position)

    @get("/reports/compliance", operation_id="listCompliance")
    async def compliance(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal, *,
        year: Year = None, half: Half = None, limit: PageLimit = 50,
        cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[CompliancePage]:
        """Every community's indicators (administrators), by community id, a page at a time."""
        if not principal.roles.administrator:
            raise PermissionDeniedError("auth.forbidden", "只有管理员可以查看全部社区的报表",
                                        "only an administrator sees every community's report")
        position = await views_reached(request, COMPLIANCE_VIEWS, wait_for)
        year, half = report_period(request, year, half)
        scope = ("compliance-report", year, half)
        after = "" if cursor is None else decode_cursor(scope, cursor, 1)[0]
        every = sorted(await compliance_rows(request, year),
                       key=lambda r: str(r.community["community_id"]))
        found = [r for r in every if r.community["community_id"] > after][:limit + 1]
        page = [compliance_out(rows, year, half) for rows in found[:limit]]
        more = len(found) > limit
        next_cursor = encode_cursor(scope, (str(page[-1].community_id),)) if more else None
        return read_response(CompliancePage(tuple(page), next_cursor), position)
