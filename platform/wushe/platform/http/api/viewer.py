"""Who is asking, with the community of their volunteer record (for project visibility)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.volunteer import Volunteer, VolunteerStatus
from wushe.platform.http.api.authz_work import Viewer
from wushe.platform.http.context import application, blocking

if TYPE_CHECKING:
    from uuid import UUID

    from litestar import Request

    from wushe.platform.application import WusheApplication
    from wushe.platform.http.auth.principal import Principal

__all__ = ["viewer_of"]


def _volunteer_community(app: WusheApplication, volunteer_id: UUID) -> UUID | None:
    try:
        volunteer = app.load(Volunteer, volunteer_id)
    except NotFoundError:
        return None
    return None if volunteer.status is VolunteerStatus.FORGOTTEN else volunteer.community_id


async def viewer_of(request: Request[Any, Any, Any], principal: Principal) -> Viewer:
    """The principal as a :class:`Viewer` (a volunteer's community read from the log)."""
    volunteer_id = principal.roles.volunteer_id
    if volunteer_id is None:
        return Viewer(principal)
    community = await blocking(_volunteer_community, application(request), volunteer_id)
    return Viewer(principal, community)
