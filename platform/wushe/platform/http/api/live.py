"""``/api/v1``: live updates as Server-Sent Events (:mod:`wushe.platform.http.streams`).

Three streams, each authorised as the read it follows, once when it opens (and
again at each reconnection: a stream lasts at most ``max_stream_seconds``):

* a volunteer's offers and assignments — as ``GET /volunteers/{id}/assignments``;
* a community's needs — as ``GET /communities/{id}/needs``;
* a community's staffing runs — as ``GET /communities/{id}/staffing-runs``.

Anyone else gets the 404 of a missing volunteer or community. Events carry ids
and log positions only; ``Last-Event-ID`` (or ``?after=``, for a client that
cannot set headers) resumes after a position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.params import FromPath, HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent

from wushe.platform.domain.community import Community
from wushe.platform.domain.errors import NotFoundError, ValidationError
from wushe.platform.http.api.assignments import readable_volunteer
from wushe.platform.http.api.authz import Action, authorise, can_community, can_need
from wushe.platform.http.api.communities import community_not_found
from wushe.platform.http.auth.principal import CurrentPrincipal, Principal
from wushe.platform.http.context import application, blocking
from wushe.platform.http.streams.feed import StreamKind
from wushe.platform.http.streams.sse import event_stream

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.platform.http.streams.hub import Hub

__all__ = ["LiveController"]

# Resume after this log position: the header a reconnecting EventSource sends, or
# the query parameter a first connection uses (after reading a list at a position).
LastEventId = Annotated[str | None, HeaderParameter(name="Last-Event-ID")]
After = Annotated[int | None, QueryParameter(ge=0)]
EVENT_STREAM = "text/event-stream"
STREAM_DESCRIPTION = (
    "Server-Sent Events: any replayed events (or `reset`), `open` {position}, then one "
    "event per change {kind, id, version, position} with `id:` = its log position, "
    "`: keep-alive` comments, and `closing` {reason} at the end (reconnect with "
    "Last-Event-ID).")


def _hub(request: Request[Any, Any, Any]) -> Hub:
    found: Hub = request.app.state.live
    return found




async def _readable_community(request: Request[Any, Any, Any], principal: Principal,
                              community_id: UUID,
                              can: Callable[[Principal, Action, UUID], bool]) -> None:
    """Refuse unless the community exists and ``can`` lets the principal read it."""
    try:
        await blocking(application(request).load, Community, community_id)
    except NotFoundError:
        raise community_not_found(community_id) from None
    authorise(can, principal, Action.READ, community_id, community_not_found(community_id))


class LiveController(Controller):
    """Live updates (实时推送): Server-Sent Events from the log."""

    path = "/api/v1"
    tags = ["live"]  # noqa: RUF012  (Litestar's class attribute)

    @get("/volunteers/{volunteer_id:uuid}/offers/events", operation_id="streamVolunteerOffers",
         media_type=EVENT_STREAM, response_description=STREAM_DESCRIPTION)
    async def stream_offers(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        volunteer_id: FromPath[UUID], last_event_id: LastEventId = None, after: After = None,
    ) -> ServerSentEvent:
        """The volunteer's offers and assignments as they change (``assignment`` events)."""
        resume = _resume(last_event_id, after)
        await readable_volunteer(request, principal, volunteer_id)
        return event_stream(_hub(request), (StreamKind.OFFERS, volunteer_id), resume)

    @get("/communities/{community_id:uuid}/needs/events", operation_id="streamNeeds",
         media_type=EVENT_STREAM, response_description=STREAM_DESCRIPTION)
    async def stream_needs(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], last_event_id: LastEventId = None, after: After = None,
    ) -> ServerSentEvent:
        """The community's needs as they change (``need`` events)."""
        resume = _resume(last_event_id, after)
        await _readable_community(request, principal, community_id, can_need)
        return event_stream(_hub(request), (StreamKind.NEEDS, community_id), resume)

    @get("/communities/{community_id:uuid}/staffing/events", operation_id="streamStaffingRuns",
         media_type=EVENT_STREAM, response_description=STREAM_DESCRIPTION)
    async def stream_staffing_runs(
        self, request: Request[Any, Any, Any], principal: CurrentPrincipal,
        community_id: FromPath[UUID], last_event_id: LastEventId = None, after: After = None,
    ) -> ServerSentEvent:
        """The community's staffing runs as they are requested and finish (``staffing_run``)."""
        resume = _resume(last_event_id, after)
        await _readable_community(request, principal, community_id, can_community)
        return event_stream(_hub(request), (StreamKind.STAFFING, community_id), resume)


def _resume(last_event_id: str | None, after: int | None) -> int | None:
    """Where to resume: the header a reconnecting EventSource sends (it keeps its URL,
    and so ``after``), else ``after``.

    Raises:
        ValidationError: the header is not a log position (field ``Last-Event-ID``).
    """
    if last_event_id is None:
        return after
    text = last_event_id.strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationError("input.bad_type", "Last-Event-ID 须为日志位置（非负整数）",
                              "Last-Event-ID must be a log position (a whole number ≥ 0)",
                              field="Last-Event-ID")
    return int(text)
