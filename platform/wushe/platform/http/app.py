"""The HTTP application (Litestar): health and the OpenAPI document for now.

On SQLite the server also keeps the views live (:mod:`wushe.platform.http.live_views`).
"""

from __future__ import annotations

import asyncio
from contextlib import ExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from litestar import Litestar, Request, Response, get
from litestar.openapi import OpenAPIConfig
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_412_PRECONDITION_FAILED,
    HTTP_422_UNPROCESSABLE_ENTITY,
)

from wushe.platform.application import WusheApplication
from wushe.platform.domain.errors import (
    ConflictError,
    DomainRuleError,
    NotFoundError,
    StaleVersionError,
    WusheError,
)
from wushe.platform.http.live_views import live_views, replanning
from wushe.projections.read import open_read_model

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from wushe.infra.settings import Settings
    from wushe.projections.read import ReadModel

__all__ = ["Health", "Problem", "create_app"]

VERSION = "0.1.0"

class Health(msgspec.Struct, frozen=True):
    """Whether the service can reach its event store, and how far the log goes."""

    status: Literal["ok"]
    store: Literal["sqlite", "postgresql"]
    log_position: int
    views_position: int  # how far every view has applied the log (read-your-writes)
    version: str

class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    """An RFC 9457 problem detail."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None

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

def _status_of(error: WusheError) -> int:
    if isinstance(error, StaleVersionError):
        return HTTP_412_PRECONDITION_FAILED
    if isinstance(error, ConflictError):
        return HTTP_409_CONFLICT
    if isinstance(error, NotFoundError):
        return HTTP_404_NOT_FOUND
    if isinstance(error, DomainRuleError):
        return HTTP_409_CONFLICT
    if isinstance(error, WusheError) and error.field is not None:
        return HTTP_422_UNPROCESSABLE_ENTITY
    return HTTP_400_BAD_REQUEST

def problem_response(
    request: Request[Any, Any, Any], error: WusheError
) -> Response[Problem]:
    """Translate any wushe error into problem details, in the caller's language."""
    language = request.headers.get("accept-language", "zh")
    status = _status_of(error)
    return Response(
        Problem(type=f"https://wushe.dev/problems/{error.code}", title=error.code,
                status=status, detail=error.message(language), code=error.code,
                field=error.field),
        status_code=status,
        media_type="application/problem+json",
    )

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
            try:
                yield
            finally:
                await app.state.reads.close()

    return Litestar(
        route_handlers=[health],
        lifespan=[lifespan],
        exception_handlers={WusheError: problem_response},
        openapi_config=OpenAPIConfig(title="wushe 五社联动 API", version=VERSION, path="/schema"),
        debug=False,
    )
