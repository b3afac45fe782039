"""Commands on residents' needs that use the community, its staff and the policy.

A need records staff by :class:`~wushe.platform.domain.staff.StaffMember` id; the
commands check that the id is an active staff member of the need's community.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.platform.commands._common import (
    community_of,
    create,
    require_active,
    require_category,
    require_same_community,
)
from wushe.platform.domain.need import Need
from wushe.platform.domain.rules import require_uuid
from wushe.platform.domain.staff import StaffMember, StaffStatus

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from wushe.platform.application import Recorded, WusheApplication
    from wushe.platform.domain.need import NeedSource
    from wushe.platform.domain.policy import Policy
    from wushe.platform.domain.values import Urgency, VulnerableGroup

__all__ = ["accept_need", "active_staff", "close_need", "extend", "object_to_reply", "receive_need",
           "start_handling"]


def active_staff(
    app: WusheApplication, staff_id: UUID, community_id: UUID, field: str
) -> StaffMember:
    """The staff member, if they exist, work in the community and have not left."""
    staff = app.load(StaffMember, require_uuid(staff_id, field))
    require_same_community(community_id, staff.community_id, field)
    require_active(staff.status, StaffStatus.ACTIVE, field)
    return staff


def receive_need(
    app: WusheApplication, *, policy: Policy, community_id: UUID, grid: str,
    source: NeedSource, category: str, title: str, details: str, urgency: Urgency,
    resident_name: str, received_by: UUID, at: datetime,
    vulnerable_groups: frozenset[VulnerableGroup] = frozenset(),
    resident_phone: str | None = None, resident_address: str | None = None,
    request_key: str | None = None,
) -> Recorded:
    """Register a request from a grid of the community, in a category of the policy.

    ``received_by`` is an active staff member of the community.
    """
    def build(need_id: UUID) -> Need:
        community_of(app, community_id, grid, "grid")
        require_category(policy, category)
        active_staff(app, received_by, community_id, "received_by")
        return Need.receive(
            id=need_id, community_id=community_id, grid=grid, source=source, category=category,
            title=title, details=details, urgency=urgency, vulnerable_groups=vulnerable_groups,
            resident_name=resident_name, resident_phone=resident_phone,
            resident_address=resident_address, received_by=received_by, at=at,
        )
    return create(app, Need, "need", request_key, build)


def accept_need(
    app: WusheApplication, *, need_id: UUID, by: UUID, at: datetime,
    expected_version: int | None = None,
) -> Recorded:
    """Accept a received request on the spot; ``by`` is an active staff member of its community."""
    def run(need: Need) -> None:
        active_staff(app, by, need.community_id, "by")
        need.accept(by, at)

    return app.update(Need, need_id, run, expected_version=expected_version)


def close_need(
    app: WusheApplication, *, need_id: UUID, result: str, at: datetime,
    expected_version: int | None = None,
) -> Recorded:
    """Close a request being handled (办结), noting whether its deadline was missed."""
    return app.update(Need, need_id, lambda n: n.close(result, at),
                      expected_version=expected_version)


def start_handling(
    app: WusheApplication, *, policy: Policy, need_id: UUID, handler: UUID,
    committed_working_days: int, at: datetime, expected_version: int | None = None,
) -> Recorded:
    """Commit to a deadline in the policy's working days and start handling.

    ``handler`` is an active staff member of the need's community.
    """
    def run(need: Need) -> None:
        active_staff(app, handler, need.community_id, "handler")
        need.start_handling(handler, committed_working_days, policy.calendar, at)

    return app.update(Need, need_id, run, expected_version=expected_version)


def extend(
    app: WusheApplication, *, policy: Policy, need_id: UUID, extra_working_days: int,
    reason: str, notice_to_resident: str, at: datetime, expected_version: int | None = None,
) -> Recorded:
    """Extend the deadline by working days of the policy's calendar."""
    return app.update(
        Need, need_id,
        lambda n: n.extend(extra_working_days, reason, notice_to_resident, policy.calendar, at),
        expected_version=expected_version,
    )


def object_to_reply(
    app: WusheApplication, *, policy: Policy, need_id: UUID, objection: str, at: datetime,
    expected_version: int | None = None,
) -> Recorded:
    """Record the resident's objection; the answer is due by the policy's calendar."""
    return app.update(Need, need_id, lambda n: n.object_to_reply(
        objection, at, policy.calendar, policy.objection_answer_working_days),
                      expected_version=expected_version)
