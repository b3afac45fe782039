"""A need on the wire, full or masked, and the 404 that hides one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wushe.platform.domain.errors import NotFoundError
from wushe.platform.domain.need import Need
from wushe.platform.http.api.authz import Action, authorise, can_need
from wushe.platform.http.api.schemas.needs import NeedOut
from wushe.platform.http.context import application, blocking
from wushe.projections.masking import mask_name, mask_phone

if TYPE_CHECKING:
    from uuid import UUID

    from litestar import Request

    from wushe.platform.http.auth.principal import Principal

__all__ = ["need_not_found", "need_out", "visible_need"]


def need_not_found(need_id: UUID) -> NotFoundError:
    """The 404 of a need that is missing or not the principal's (the same answer)."""
    return NotFoundError("need.not_found", "找不到该记录（need）", f"no need with id {need_id}")


def need_out(need: Need, *, full: bool) -> NeedOut:
    """The wire form of a need: the resident's fields in full, or masked."""
    return NeedOut(
        id=need.id, community_id=need.community_id, grid=need.grid, source=need.source,
        category=need.category, title=need.title, urgency=need.urgency,
        vulnerable_groups=tuple(sorted(need.vulnerable_groups)), status=need.status,
        personal_data="full" if full else "masked",
        resident_name=need.resident_name if full else mask_name(need.resident_name),
        resident_phone=need.resident_phone if full else mask_phone(need.resident_phone),
        resident_address=need.resident_address if full else None,
        details=need.details if full else None, received_by=need.received_by,
        received_at=need.received_at, handler=need.handler,
        committed_working_days=need.committed_working_days, deadline=need.deadline,
        closed_at=need.closed_at, closed_overdue=need.closed_overdue, forgotten=need.forgotten,
        version=need.version,
    )


async def visible_need(request: Request[Any, Any, Any], principal: Principal, need_id: UUID,
                       action: Action) -> Need:
    """The need, if the principal may ``action`` it (else 404 / 403)."""
    try:
        need = await blocking(application(request).load, Need, need_id)
    except NotFoundError:
        raise need_not_found(need_id) from None
    authorise(can_need, principal, action, need.community_id, need_not_found(need_id))
    return need


def shown(principal: Principal, need: Need) -> NeedOut:
    """The need as this principal may see it."""
    return need_out(need, full=can_need(principal, Action.READ_PERSONAL, need.community_id))
