"""Whether a community exists, remembered once seen: communities are never removed.

Nearly every request of the API names a community (its lists, its needs) and must
answer 404 for one that does not exist. Loading the community from the log for
that costs a thread hand-off, a query and the decoding of its events on every
request; once a community has been seen it exists for good, so each process
remembers the ids it has seen (in the app's state, so each app has its own) and
loads only the ones it has not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.platform.domain.community import Community
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

__all__ = ["require_community"]

_STATE_KEY = "known_communities"


async def require_community(connection: ASGIConnection[Any, Any, Any, Any],
                            community_id: UUID) -> None:
    """Return if the community exists.

    Raises:
        NotFoundError: there is no community with this id.
    """
    known: set[UUID] = connection.app.state.setdefault(_STATE_KEY, set())
    if community_id not in known:
        await blocking(application(connection).load, Community, community_id)
        known.add(community_id)
