"""A volunteer on the wire, full or masked, the 404 that hides one, and wire → domain values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.values import WeeklyWindow
from wushe.platform.domain.volunteer import AvailabilityException, Volunteer
from wushe.platform.http.api.authz_people import Act, can_volunteer, refuse_unless
from wushe.platform.http.api.schemas.volunteers import (
    AvailabilityOut,
    ExceptionIn,
    VolunteerOut,
    WindowIn,
)
from wushe.platform.http.context import application, blocking
from wushe.projections.masking import mask_name, mask_phone

if TYPE_CHECKING:
    from uuid import UUID

    from litestar import Request

    from wushe.platform.http.auth.principal import Principal

__all__ = ["exceptions_in", "mask_id_number", "shown", "visible_volunteer",
           "volunteer_not_found", "volunteer_out", "windows_in"]

_ID_VISIBLE = 4  # trailing characters of an ID number a masked profile keeps


def volunteer_not_found(volunteer_id: UUID) -> NotFoundError:
    """The 404 of a volunteer who is missing or not the principal's (the same answer)."""
    return NotFoundError("volunteer.not_found", "找不到该记录（volunteer）",
                         f"no volunteer with id {volunteer_id}")


def mask_id_number(number: str | None) -> str | None:
    """``350102199003071234`` → ``**************1234``."""
    if not number:
        return None
    return "*" * max(len(number) - _ID_VISIBLE, 0) + number[-_ID_VISIBLE:]


def _windows_out(windows: tuple[WeeklyWindow, ...]) -> tuple[WindowIn, ...]:
    return tuple(WindowIn(w.weekday, w.start, w.end) for w in windows)


def _availability(volunteer: Volunteer) -> AvailabilityOut:
    exceptions = tuple(ExceptionIn(e.day, e.available, _windows_out(e.windows))
                       for e in volunteer.exceptions)
    return AvailabilityOut(_windows_out(volunteer.weekly_windows), exceptions)


def volunteer_out(volunteer: Volunteer, *, full: bool) -> VolunteerOut:
    """The wire form of a volunteer: the personal fields in full, or masked."""
    return VolunteerOut(
        id=volunteer.id, community_id=volunteer.community_id, status=volunteer.status,
        personal_data="full" if full else "masked",
        name=volunteer.name if full else mask_name(volunteer.name),
        id_type=volunteer.id_type,
        id_number=volunteer.id_number if full else mask_id_number(volunteer.id_number),
        phone=volunteer.phone if full else mask_phone(volunteer.phone),
        address=volunteer.address if full else None,
        health_notes=volunteer.health_notes if full else None,
        consent_version=volunteer.consent_version, consented_at=volunteer.consented_at,
        home_grid=volunteer.home_grid, skills=tuple(volunteer.skills),
        certifications=len(volunteer.certifications), availability=_availability(volunteer),
        weekly_hour_cap=volunteer.weekly_hour_cap, version=volunteer.version,
    )


def shown(principal: Principal, volunteer: Volunteer) -> VolunteerOut:
    """The volunteer as this principal may see them."""
    full = can_volunteer(principal, Act.READ_PERSONAL, volunteer.id, volunteer.community_id)
    return volunteer_out(volunteer, full=full)


async def visible_volunteer(request: Request[Any, Any, Any], principal: Principal,
                            volunteer_id: UUID, act: Act) -> Volunteer:
    """The volunteer, if the principal may ``act`` on them (else 404 / 403)."""
    try:
        volunteer = await blocking(application(request).load, Volunteer, volunteer_id)
    except NotFoundError:
        raise volunteer_not_found(volunteer_id) from None
    refuse_unless(lambda a: can_volunteer(principal, a, volunteer.id, volunteer.community_id),
                  act, volunteer_not_found(volunteer_id))
    return volunteer


def windows_in(windows: tuple[WindowIn, ...]) -> tuple[WeeklyWindow, ...]:
    """Wire windows as the domain's (the aggregate validates them)."""
    return tuple(WeeklyWindow(w.weekday, w.start, w.end) for w in windows)


def exceptions_in(exceptions: tuple[ExceptionIn, ...]) -> tuple[AvailabilityException, ...]:
    """Wire date exceptions as the domain's (the aggregate validates them)."""
    return tuple(AvailabilityException(e.day, e.available, windows_in(e.windows))
                 for e in exceptions)
