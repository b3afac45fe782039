"""The HTTP application (Litestar): health, the ``/api/v1`` API and its OpenAPI document.

On SQLite the server also keeps the views live (:mod:`wushe.platform.http.live_views`),
in one worker process of the data directory (:mod:`wushe.platform.http.leadership`).
"""

from __future__ import annotations

import asyncio
import os
import threading
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
from wushe.platform.http.api.accounts import AccountsController
from wushe.platform.http.api.assignments import AssignmentsController
from wushe.platform.http.api.communities import CommunitiesController
from wushe.platform.http.api.hours import HoursController
from wushe.platform.http.api.live import LiveController
from wushe.platform.http.api.needs import NeedsController
from wushe.platform.http.api.nul_text import refuse_nul
from wushe.platform.http.api.openapi_structs import ClosedStructSchemas
from wushe.platform.http.api.organisations import OrganisationsController
from wushe.platform.http.api.problems import (
    Problem,
    declare_problems,
    http_problem,
    problem_response,
)
from wushe.platform.http.api.projects import ProjectsController
from wushe.platform.http.api.reports import ReportsController
from wushe.platform.http.api.resources import RESOURCE_CONTROLLERS
from wushe.platform.http.api.staffing import StaffingController
from wushe.platform.http.api.staffing_runs import close_staffing
from wushe.platform.http.api.teams import TeamsController
from wushe.platform.http.api.volunteers import VolunteersController
from wushe.platform.http.api.webhooks import WebhooksController
from wushe.platform.http.auth.controller import AuthController
from wushe.platform.http.auth.principal import provide_principal, require_principal
from wushe.platform.http.context import use_blocking_threads
from wushe.platform.http.leadership import lead
from wushe.platform.http.live_views import followers
from wushe.platform.http.store import open_api_store
from wushe.platform.http.streams.lifecycle import open_hub
from wushe.platform.webhooks.store import WebhookStore
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
    worker: int  # the process id of the worker that answered (``serve --workers N``)
    follows_log: bool  # this worker keeps the views live and re-plans (SQLite: one does)

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
                  views_position=views_position, version=VERSION, worker=os.getpid(),
                  follows_log=request.app.state.leading.is_set())

def create_app(settings: Settings, *, live: bool | None = None) -> Litestar:
    """The Litestar app over one :class:`WusheApplication` opened for its lifetime.

    ``live``: keep the views up to date and re-plan after declines in background
    threads (default: on SQLite only; on PostgreSQL ``wushe projections run`` and
    ``wushe match --follow`` do it), in the one process of the data directory that
    holds its lock: with ``serve --workers N`` one worker follows, and another takes
    over if it dies.
    """
    follow = settings.postgres is None if live is None else live

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        use_blocking_threads()
        with ExitStack() as stack:
            app.state.wushe = WusheApplication(settings)
            stack.callback(app.state.wushe.close)
            app.state.leading = (stack.enter_context(lead(settings.data_dir,
                                                          lambda: followers(settings)))
                                 if follow else threading.Event())
            app.state.reads = open_read_model(settings)
            app.state.api_store = open_api_store(settings)
            stack.callback(app.state.api_store.close)
            stack.callback(close_staffing, app)  # the API's staffing service, if one was made
            app.state.webhooks = WebhookStore.open(settings)  # subscriptions, delivery log
            stack.callback(app.state.webhooks.close)
            app.state.policy = Policy()
            app.state.live = open_hub(app.state.wushe)  # the SSE streams' log follower
            try:
                yield
            finally:
                await app.state.live.close()
                await app.state.reads.close()

    api = Router(path="/", route_handlers=[AuthController, CommunitiesController, NeedsController,
                                           OrganisationsController, TeamsController,
                                           VolunteersController, ProjectsController,
                                           AssignmentsController, StaffingController,
                                           AccountsController, *RESOURCE_CONTROLLERS,
                                           HoursController, ReportsController,
                                           WebhooksController, LiveController],
                 guards=[require_principal],
                 before_request=refuse_nul,  # no text holds a NUL (422)
                 dependencies={"principal": Provide(provide_principal)})
    declare_problems(api)  # every handler's problem answers, in the OpenAPI document
    return Litestar(
        route_handlers=[health, api],
        lifespan=[lifespan],
        exception_handlers={WusheError: problem_response, HTTPException: http_problem},
        openapi_config=OpenAPIConfig(title="wushe 五社联动 API", version=VERSION, path="/schema"),
        plugins=[ClosedStructSchemas()],  # bodies that refuse unknown fields say so
        debug=False,
    )
