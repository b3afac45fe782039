"""The HTTP application (Litestar): health, the ``/api/v1`` API and its OpenAPI document.

On SQLite the server also keeps the views live (:mod:`wushe.platform.http.live_views`).
"""

from __future__ import annotations

import asyncio
from contextlib import ExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from litestar import Litestar, Request, Router, get
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig

from wushe.platform.application import WusheApplication
from wushe.platform.domain.errors import WusheError
from wushe.platform.domain.policy import Policy
from wushe.platform.http.api.assignments import AssignmentsController
from wushe.platform.http.api.communities import CommunitiesController
from wushe.platform.http.api.needs import NeedsController
from wushe.platform.http.api.organisations import OrganisationsController
from wushe.platform.http.api.problems import Problem, http_problem, problem_response
from wushe.platform.http.api.projects import ProjectsController
from wushe.platform.http.api.staffing import StaffingController
from wushe.platform.http.api.staffing_runs import close_staffing
from wushe.platform.http.api.teams import TeamsController
from wushe.platform.http.api.volunteers import VolunteersController
from wushe.platform.http.auth.controller import AuthController
from wushe.platform.http.auth.principal import provide_principal, require_principal
from wushe.platform.http.live_views import live_views, replanning
from wushe.platform.http.store import open_api_store
from wushe.projections.read import open_read_model

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from wushe.infra.settings import Settings
    from wushe.projections.read import ReadModel

__all__ = ["Health", "Problem", "create_app", "problem_response"]

VERSION = "0.1.0"

class Health(msgspec.Struct, frozen=True):
    """Whether the service can reach its event store, and how far the log goes."""

    status: Literal["ok"]
    store: Literal["sqlite", "postgresql"]
    log_position: int
    views_position: int  # how far every view has applied the log (read-your-writes)
    version: str

@get("/health", operation_id="getHealth", tags=["service"])
async def health(request: Request[Any, Any, Any]) -> Health:
    """Liveness and readiness: the event store and the views answer."""
    application: WusheApplication = request.app.state.wushe
    reads: ReadModel = request.app.state.reads
    store: Literal["sqlite", "postgresql"] = (
        "sqlite" if application.settings.postgres is None else "postgresql"
    )
    log_position = await asyncio.to_thread(application.log_position)
    views_position = min((await reads.positions()).values(), default=log_position)
    return Health(status="ok", store=store, log_position=log_position,
                  views_position=views_position, version=VERSION)

def create_app(settings: Settings, *, live: bool | None = None) -> Litestar:
    """The Litestar app over one :class:`WusheApplication` opened for its lifetime.

    ``live``: keep the views up to date and re-plan after declines in background
    threads of this process (default: on SQLite only; on PostgreSQL ``wushe
    projections run`` and ``wushe match --follow`` do it).
    """
    follow = settings.postgres is None if live is None else live

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        with ExitStack() as stack:
            app.state.wushe = WusheApplication(settings)
            stack.callback(app.state.wushe.close)
            if follow:
                stack.enter_context(live_views(settings))
                stack.enter_context(replanning(settings))
            app.state.reads = open_read_model(settings)
            app.state.api_store = open_api_store(settings)
            stack.callback(app.state.api_store.close)
            stack.callback(close_staffing, app)  # the API's staffing service, if one was made
            app.state.policy = Policy()
            try:
                yield
            finally:
                await app.state.reads.close()

    api = Router(path="/", route_handlers=[AuthController, CommunitiesController, NeedsController,
                                           OrganisationsController, TeamsController,
                                           VolunteersController, ProjectsController,
                                           AssignmentsController, StaffingController],
                 guards=[require_principal],
                 dependencies={"principal": Provide(provide_principal)})
    return Litestar(
        route_handlers=[health, api],
        lifespan=[lifespan],
        exception_handlers={WusheError: problem_response, HTTPException: http_problem},
        openapi_config=OpenAPIConfig(title="wushe 五社联动 API", version=VERSION, path="/schema"),
        debug=False,
    )
