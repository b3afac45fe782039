"""``/api/v1/communities``: the principal's communities, founding one, and grids.

The pattern every controller follows: resolve the target (404 if missing),
:func:`authorise` on its community (404 if the principal may not see it, 403 if
they may see it but not do this), run the command in a worker thread with
``expected_version`` from ``If-Match``, answer through :func:`written` (ETag and
X-Log-Position); POSTs go through :func:`idempotent`. Lists read the views, with
``?wait_for=`` and keyset cursors; single objects load the aggregate (current,
with their version as ETag).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from wushe.platform.commands import community as commands
from wushe.platform.domain.community import Community, Grid
from wushe.platform.domain.errors import NotFoundError
from wushe.platform.http.api.authz import (
    Action,
    authorise,
    can_community,
    can_found_community,
)
from wushe.platform.http.api.communities_list import list_page
from wushe.platform.http.api.problems import PermissionDeniedError
from wushe.platform.http.api.reads import PageLimit, WaitFor, read_response, views_reached
from wushe.platform.http.api.schemas.communities import (
    CommunitiesPage,
    CommunityIn,
    CommunityOut,
    GridChangeIn,
    GridIn,
    GridOut,
)
from wushe.platform.http.api.writes import Written, expected_version, idempotent, written
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking

__all__ = ["CommunitiesController", "community_not_found"]

_VIEWS = ("compliance",)  # the view the communities list reads


def community_not_found(community_id: UUID) -> NotFoundError:
    """The 404 of a community that is missing or not the principal's (the same answer)."""
    return NotFoundError("community.not_found", "找不到该记录（community）",
                         f"no community with id {community_id}")


def community_out(community: Community) -> CommunityOut:
    """The wire form of a community."""
    grids = tuple(GridOut(g.grid_id, g.name, g.households, g.special, g.kind)
                  for g in community.grids)
    return CommunityOut(community.id, community.code, community.name, community.district,
                        community.permanent_population, community.households, grids,
                        community.version)


async def _visible(request: Request[Any, Any, Any], principal: Principal, community_id: UUID,
                   action: Action) -> Community:
    """The community, if the principal may ``action`` it (else 404 / 403)."""
    try:
        community = await blocking(application(request).load, Community, community_id)
    except NotFoundError:
        raise community_not_found(community_id) from None
    authorise(can_community, principal, action, community.id, community_not_found(community_id))
    return community


async def _grid_written(request: Request[Any, Any, Any], principal: Principal,
                        community_id: UUID, change: Any) -> Written:  # noqa: ANN401
    expected = expected_version(request)
    await _visible(request, principal, community_id, Action.WRITE)
    app = application(request)
    recorded = await blocking(change, app, community_id=community_id,
                              expected_version=expected)
    community = await blocking(app.load, Community, community_id)
    return Written(200, community_out(community), recorded)


class CommunitiesController(Controller):
    """Communities the principal may see, and their grids."""

    path = "/api/v1/communities"
    tags = ["communities"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/", operation_id="listCommunities")
    async def list_communities(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        limit: PageLimit = 50,
        cursor: FromQuery[str | None] = None, wait_for: WaitFor = None,
    ) -> Response[CommunitiesPage]:
        """The communities the principal may see, by id, a page at a time."""
        position = await views_reached(request, _VIEWS, wait_for)
        page = await list_page(request, principal, limit, cursor)
        return read_response(page, position)

    @get("/{community_id:uuid}", operation_id="getCommunity")
    async def get_community(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], wait_for: WaitFor = None,
    ) -> Response[CommunityOut]:
        """One community with its grids; the ETag is its version (for ``If-Match``)."""
        position = await views_reached(request, _VIEWS, wait_for)
        community = await _visible(request, principal, community_id, Action.READ)
        return read_response(community_out(community), position, community.version)

    @post("/", operation_id="foundCommunity", status_code=201)
    async def found(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                    data: JSONBody[CommunityIn]) -> Response[CommunityOut]:
        """Found a community (administrators only); honours ``Idempotency-Key``."""
        if not can_found_community(principal):
            raise PermissionDeniedError("auth.forbidden", "只有管理员可以新建社区",
                                        "only an administrator founds communities")

        async def run(request_key: str | None) -> Written:
            app = application(request)
            recorded = await blocking(
                commands.found_community, app, code=data.code, name=data.name,
                district=data.district, permanent_population=data.permanent_population,
                households=data.households, at=datetime.now(UTC), request_key=request_key)
            community = await blocking(app.load, Community, recorded.id)
            return Written(201, community_out(community), recorded)

        return await idempotent(request, principal, run)

    @post("/{community_id:uuid}/grids", operation_id="addGrid", status_code=200)
    async def add_grid(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                       community_id: FromPath[UUID],
                       data: JSONBody[GridIn]) -> Response[CommunityOut]:
        """Add a grid; needs ``If-Match``."""
        grid = Grid(data.grid_id, data.name, data.households, data.special, data.kind)

        async def run(_: str | None) -> Written:
            return await _grid_written(request, principal, community_id,
                                       lambda app, **kw: commands.add_grid(app, grid=grid, **kw))

        return await idempotent(request, principal, run)

    @put("/{community_id:uuid}/grids/{grid_id:str}", operation_id="changeGrid")
    async def change_grid(self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
                          community_id: FromPath[UUID], grid_id: FromPath[str],
                          data: JSONBody[GridChangeIn]) -> Response[CommunityOut]:
        """Change a grid's name, size or kind; needs ``If-Match``."""
        grid = Grid(grid_id, data.name, data.households, data.special, data.kind)
        outcome = await _grid_written(request, principal, community_id,
                                      lambda app, **kw: commands.change_grid(app, grid=grid, **kw))
        return written(outcome)
