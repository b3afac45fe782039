"""``/api/v1/communities/{id}/staffing-runs``: run the optimiser for a week, and past runs.

A run is a POST (coordinators; ``Idempotency-Key``): it plans the week with the
app's :class:`StaffingService` in a worker thread (the solve itself runs in the
service's worker process) and answers 201 with the run — solver figures, offers
proposed, kept and withdrawn, unfilled places with reasons — and
``X-Log-Position`` (read the new offers with ``?wait_for=``). A run that fails is
recorded as failed and answered 503 ``staffing.run_failed``. Reading runs is
open to whoever may read the community: the list from the ``runs`` view
(:mod:`staffing_list`), one run loaded from the log.
"""

from __future__ import annotations

import asyncio
from datetime import date
from http import HTTPStatus
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.matching.staffing import Params
from wushe.platform.application import Recorded, deterministic_id
from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import NotFoundError, ValidationError
from wushe.platform.domain.staffing_run import RunStatus, StaffingRun
from wushe.platform.http.api.authz import Action, authorise, can_community
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.communities import community_not_found
from wushe.platform.http.api.problems import HttpError, problem_responses
from wushe.platform.http.api.projects_list import require_monday
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.staffing import (
    RunsSort,
    StaffingRunIn,
    StaffingRunOut,
    StaffingRunsPage,
)
from wushe.platform.http.api.staffing_list import VIEWS, RunsQuery, runs_page
from wushe.platform.http.api.staffing_runs import run_out, run_staffing
from wushe.platform.http.api.writes import Written, idempotent
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking
from wushe.platform.staffing.horizon import Week

__all__ = ["StaffingController", "StaffingFailedError"]


class StaffingFailedError(HttpError):
    """The run could not produce a plan (recorded as failed); try again later."""

    status = HTTPStatus.SERVICE_UNAVAILABLE


def _run_not_found(run_id: UUID) -> NotFoundError:
    return NotFoundError("staffing_run.not_found", "找不到该记录（staffing_run）",
                         f"no staffing_run with id {run_id}")


async def _community(request: Request[Any, Any, Any], principal: Principal,
                     community_id: UUID, action: Action) -> None:
    try:
        await blocking(application(request).load, Community, community_id)
    except NotFoundError:
        raise community_not_found(community_id) from None
    authorise(can_community, principal, action, community_id, community_not_found(community_id))


def _plannable(request: Request[Any, Any, Any], data: StaffingRunIn) -> Week:
    """The week to plan: a Monday whose week has not ended yet."""
    require_monday(data.week)
    week = Week(data.week)
    if week.end <= business_now(request):
        raise ValidationError("staffing.week_over", "该周已结束，无法再排班",
                              "that week is over; nothing can be staffed in it", field="week")
    return week


def _run_id(request_key: str | None) -> UUID | None:
    """The run's id fixed by the request's ``Idempotency-Key``, if any."""
    return None if request_key is None else deterministic_id("staffing_run", request_key)


async def _run(request: Request[Any, Any, Any], community_id: UUID, week: Week,
               params: Params, request_key: str | None) -> Written:
    try:
        run_id = await asyncio.to_thread(run_staffing, request.app, community_id, week, params,
                                         _run_id(request_key))
    except Exception as error:
        raise StaffingFailedError(
            "staffing.run_failed", f"排班未能完成（已记录）：{type(error).__name__}",
            f"the staffing run failed (recorded): {type(error).__name__}") from error
    app = application(request)
    run = await blocking(app.load, StaffingRun, run_id)
    position = await blocking(app.log_position)
    return Written(201, run_out(run), Recorded(run.id, run.version, position, created=True))


class StaffingController(Controller):
    """Staffing runs (排班): the optimiser over a community's week."""

    path = "/api/v1/communities/{community_id:uuid}/staffing-runs"
    tags = ["staffing"]  # noqa: RUF012  (Litestar's class attribute)

    @post("/", operation_id="runStaffing", status_code=201,
          responses=problem_responses(503))  # a failed solve (the other problems: app.py)
    async def run(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                  community_id: FromPath[UUID],
                  data: JSONBody[StaffingRunIn]) -> Response[StaffingRunOut]:
        """Plan the week and record offers (coordinators); honours ``Idempotency-Key``."""
        await _community(request, principal, community_id, Action.WRITE)
        week = _plannable(request, data)
        params = Params(time_limit_s=data.time_limit_s, relative_gap=data.gap)
        return await idempotent(request, principal,
                                lambda key: _run(request, community_id, week, params, key))

    @get("/", operation_id="listStaffingRuns")
    async def list_runs(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *,
        status: FromQuery[list[RunStatus] | None] = None, week: FromQuery[date | None] = None,
        sort: FromQuery[RunsSort] = RunsSort.REQUESTED_ASC, limit: PageLimit = 50,
        cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[StaffingRunsPage]:
        """The community's runs from the runs view, oldest first (``sort``: newest first)."""
        await _community(request, principal, community_id, Action.READ)
        position = await views_reached(request, VIEWS, wait_for)
        query = RunsQuery(community_id, frozenset(status or ()), week, sort, limit, cursor)
        return read_response(await runs_page(request, query), position)

    @get("/{run_id:uuid}", operation_id="getStaffingRun")
    async def get_run(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      community_id: FromPath[UUID], run_id: FromPath[UUID],
                      wait_for: WaitFor = None) -> Response[StaffingRunOut]:
        """One run; ETag = version."""
        await _community(request, principal, community_id, Action.READ)
        try:
            run = await blocking(application(request).load, StaffingRun, run_id)
        except NotFoundError:
            raise _run_not_found(run_id) from None
        if run.community_id != community_id:
            raise _run_not_found(run_id)
        del wait_for  # loaded from the log: always current
        position = await blocking(application(request).log_position)
        return read_response(run_out(run), position, run.version)
