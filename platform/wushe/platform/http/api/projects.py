"""``/api/v1``: a community's projects, one project, drafting, planning, shifts, lifecycle.

The list reads the project list view (counts of required, filled and proposed
places); one project is loaded from the log with its shifts' counts from the view.
Drafting is a POST with ``Idempotency-Key``; every change to a project needs
``If-Match`` (POSTs also honour ``Idempotency-Key``). Coordinators (and
administrators) change projects; organisations and volunteers only read them
(see :mod:`authz_work`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import projects as commands
from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.project import ProjectStatus, ServiceProject
from wushe.platform.domain.values import TimeSpan
from wushe.platform.http.api import project_writes as writes
from wushe.platform.http.api.authz import Action
from wushe.platform.http.api.authz_work import can_projects_of, decide
from wushe.platform.http.api.clock import business_now
from wushe.platform.http.api.communities import community_not_found
from wushe.platform.http.api.projects_list import ProjectsQuery, list_projects
from wushe.platform.http.api.projects_out import shown_project, visible_project
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.projects import (
    CancelIn,
    PlanIn,
    ProjectIn,
    ProjectOut,
    ProjectsPage,
    ServeNeedIn,
    ShiftIn,
)
from wushe.platform.http.api.viewer import viewer_of
from wushe.platform.http.api.writes import Written, expected_version, idempotent, written
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking, policy

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["ProjectsController"]

_VIEWS = ("projects", "participation")


async def _community(request: Request[Any, Any, Any], principal: Principal,
                     community_id: UUID, action: Action) -> None:
    """Refuse unless the community exists and the principal may ``action`` its projects."""
    try:
        await blocking(application(request).load, Community, community_id)
    except NotFoundError:
        raise community_not_found(community_id) from None
    viewer = await viewer_of(request, principal)
    decide(sees=can_projects_of(viewer, Action.READ, community_id),
           may=can_projects_of(viewer, action, community_id),
           not_found=community_not_found(community_id))


async def _change(request: Request[Any, Any, Any], principal: Principal, project_id: UUID,
                  command: Callable[[Any, UUID, int], Any], status: int = 200) -> Written:
    """One change to a project: If-Match, authorise, command, the project as written."""
    expected = expected_version(request)
    viewer = await viewer_of(request, principal)
    await visible_project(request, viewer, project_id, Action.WRITE)
    app = application(request)
    recorded = await blocking(command, app, project_id, expected)
    project = await blocking(app.load, ServiceProject, project_id)
    return Written(status, await shown_project(request, viewer, project), recorded)


async def _post(request: Request[Any, Any, Any], principal: Principal, project_id: UUID,
                command: Callable[[Any, UUID, int], Any]) -> Response[Any]:
    async def run(_: str | None) -> Written:
        return await _change(request, principal, project_id, command)
    return await idempotent(request, principal, run)


class ProjectsController(Controller):
    """Service projects (服务项目), their plans and shifts."""

    path = "/api/v1"
    tags = ["projects"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/communities/{community_id:uuid}/projects", operation_id="listProjects")
    async def list_projects(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], *,
        status: FromQuery[list[ProjectStatus] | None] = None,
        category: FromQuery[str | None] = None, week: FromQuery[date | None] = None,
        limit: PageLimit = 50, cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[ProjectsPage]:
        """The community's projects the principal may see, newest first, with staffing counts."""
        await _community(request, principal, community_id, Action.READ)
        position = await views_reached(request, _VIEWS, wait_for)
        query = ProjectsQuery(community_id, frozenset(status or ()), category, week, limit,
                              cursor)
        page = await list_projects(request, await viewer_of(request, principal), query)
        return read_response(page, position)

    @get("/projects/{project_id:uuid}", operation_id="getProject")
    async def get_project(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                          project_id: FromPath[UUID],
                          wait_for: WaitFor = None) -> Response[ProjectOut]:
        """One project with its shifts (required, filled, proposed); ETag = version."""
        position = await views_reached(request, _VIEWS, wait_for)
        viewer = await viewer_of(request, principal)
        project = await visible_project(request, viewer, project_id, Action.READ)
        body = await shown_project(request, viewer, project)
        return read_response(body, position, project.version)

    @post("/communities/{community_id:uuid}/projects", operation_id="draftProject",
          status_code=201)
    async def draft(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                    community_id: FromPath[UUID],
                    data: JSONBody[ProjectIn]) -> Response[ProjectOut]:
        """Start planning a project (coordinators); honours ``Idempotency-Key``."""
        await _community(request, principal, community_id, Action.WRITE)
        span = None if data.span is None else TimeSpan(data.span.start, data.span.end)

        async def run(request_key: str | None) -> Written:
            app = application(request)
            recorded = await blocking(
                commands.draft_project, app, policy=policy(request), community_id=community_id,
                category=data.category, title=data.title, description=data.description,
                government_purchased=data.government_purchased,
                undertaking_organisation_id=data.undertaking_organisation_id,
                requires_team=data.requires_team, span=span, at=business_now(request),
                request_key=request_key)
            project = await blocking(app.load, ServiceProject, recorded.id)
            viewer = await viewer_of(request, principal)
            return Written(201, await shown_project(request, viewer, project), recorded)

        return await idempotent(request, principal, run)

    @put("/projects/{project_id:uuid}/plan", operation_id="setProjectPlan")
    async def set_plan(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       project_id: FromPath[UUID], data: JSONBody[PlanIn]) -> Response[ProjectOut]:
        """Replace the activity plan (goals, content, methods, safety measures); ``If-Match``."""
        return written(await _change(request, principal, project_id,
                                     lambda app, pid, v: writes.set_plan(app, pid, v, data)))

    @post("/projects/{project_id:uuid}/shifts", operation_id="addShift", status_code=200)
    async def add_shift(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                        project_id: FromPath[UUID],
                        data: JSONBody[ShiftIn]) -> Response[ProjectOut]:
        """Add a shift (its id is made here); ``If-Match``, ``Idempotency-Key``."""
        async def run(request_key: str | None) -> Written:
            shift = writes.shift_of(writes.new_shift_id(request_key), data)
            return await _change(request, principal, project_id,
                                 lambda app, pid, v: writes.add_shift(app, pid, v, shift))
        return await idempotent(request, principal, run)

    @put("/projects/{project_id:uuid}/shifts/{shift_id:uuid}", operation_id="changeShift")
    async def change_shift(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                           project_id: FromPath[UUID], shift_id: FromPath[UUID],
                           data: JSONBody[ShiftIn]) -> Response[ProjectOut]:
        """Replace a shift; ``If-Match``."""
        shift = writes.shift_of(shift_id, data)
        return written(await _change(request, principal, project_id,
                                     lambda app, pid, v: writes.change_shift(app, pid, v, shift)))

    @delete("/projects/{project_id:uuid}/shifts/{shift_id:uuid}", operation_id="removeShift",
            status_code=200)
    async def remove_shift(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                           project_id: FromPath[UUID],
                           shift_id: FromPath[UUID]) -> Response[ProjectOut]:
        """Remove a shift; ``If-Match``."""
        return written(await _change(
            request, principal, project_id,
            lambda app, pid, v: writes.remove_shift(app, pid, v, shift_id)))

    @post("/projects/{project_id:uuid}/publish", operation_id="publishProject", status_code=200)
    async def publish(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                      project_id: FromPath[UUID]) -> Response[ProjectOut]:
        """Open the project for staffing (needs a plan with safety measures and a shift)."""
        at = business_now(request)
        return await _post(request, principal, project_id,
                           lambda app, pid, v: writes.publish(app, pid, v, at))

    @post("/projects/{project_id:uuid}/cancel", operation_id="cancelProject", status_code=200)
    async def cancel(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                     project_id: FromPath[UUID], data: JSONBody[CancelIn]) -> Response[ProjectOut]:
        """Call the project off before it starts; ``If-Match``."""
        at = business_now(request)
        return await _post(request, principal, project_id,
                           lambda app, pid, v: writes.cancel(app, pid, v, data.reason, at))

    @post("/projects/{project_id:uuid}/needs", operation_id="serveNeed", status_code=200)
    async def serve_need(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                         project_id: FromPath[UUID],
                         data: JSONBody[ServeNeedIn]) -> Response[ProjectOut]:
        """Record that the project serves a need of its community; ``If-Match``."""
        return await _post(request, principal, project_id,
                           lambda app, pid, v: writes.serve_need(app, pid, v, data.need_id))
