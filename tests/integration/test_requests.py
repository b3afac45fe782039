"""Resource request commands on SQLite and PostgreSQL: request, withdraw, allocate for a request.

Each refusal leaves the log where it was; allocating records on the offer, the request
and (for a project) the project in one transaction, once per request key.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.test_commands import (
    AT,
    MISSING,
    SHIFT,
    found,
    need,
    offer,
    organisation,
    project,
    refused,
    retried,
)
from wushe.platform import commands as cmd
from wushe.platform.domain.errors import (
    DomainRuleError,
    InvalidStateError,
    NotFoundError,
    StaleVersionError,
    ValidationError,
    WusheError,
)
from wushe.platform.domain.need import Need
from wushe.platform.domain.project import ServiceProject
from wushe.platform.domain.resource import ResourceOffer, ResourceType
from wushe.platform.domain.resource_request import RequestStatus, ResourceRequest
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    from uuid import UUID

    from wushe.platform.application import Recorded, WusheApplication


def request(app: WusheApplication, community_id: UUID, **overrides: Any) -> Recorded:
    """A request of 40 portions for ``SHIFT`` (of a new project unless an owner is given)."""
    fields: dict[str, Any] = {
        "community_id": community_id, "resource_type": ResourceType.GOODS, "unit": "份",
        "quantity": 40, "span": SHIFT, "grid": "G01", "at": AT,
    }
    fields.update(overrides)
    if "project_id" not in fields and "need_id" not in fields:
        fields["project_id"] = project(app, community_id)
    return cmd.request_resource(app, **fields)


def venue(app: WusheApplication, community_id: UUID, unit: str = "间") -> UUID:
    return cmd.offer_resource(
        app, community_id=community_id, organisation_id=organisation(app, community_id),
        resource_type=ResourceType.VENUE, title="社区多功能室", description="可容纳 60 人",
        quantity=1, unit=unit, window=TimeSpan(AT, AT + timedelta(days=90)), at=AT).id


class TestRequestResource:
    def test_a_project_and_a_need_request(self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id, need_id = project(app, community_id), need(app, community_id)
        for_project = request(app, community_id, project_id=project_id, urgent=True)
        for_need = request(app, community_id, need_id=need_id, grid="G02")
        first = app.load(ResourceRequest, for_project.id)
        second = app.load(ResourceRequest, for_need.id)
        assert (first.project_id, first.need_id, first.urgent, first.status) == (
            project_id, None, True, RequestStatus.OPEN)
        assert (second.owner_id, second.grid, second.remaining) == (need_id, "G02", 40)

    def test_a_retry_with_a_request_key_records_once(self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id = project(app, community_id)
        retried(app, lambda: request(app, community_id, project_id=project_id,
                                     request_key="r-1"))

    def test_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        elsewhere = found(app, "350102001002")
        project_id, need_id = project(app, community_id), need(app, community_id)
        closed = project(app, community_id)
        app.update(ServiceProject, closed, lambda p: p.cancel("经费未到位", AT))
        other_project, other_need = project(app, elsewhere), need(app, elsewhere)
        cases: list[tuple[type[WusheError], str, dict[str, Any], str | None]] = [
            (NotFoundError, "community.not_found", {"community_id": MISSING}, None),
            (DomainRuleError, "reference.other_community", {"project_id": other_project},
             "project_id"),
            (DomainRuleError, "reference.other_community", {"need_id": other_need}, "need_id"),
            (NotFoundError, "service_project.not_found", {"project_id": MISSING}, None),
            (NotFoundError, "need.not_found", {"need_id": MISSING}, None),
            (DomainRuleError, "reference.inactive", {"project_id": closed}, "project_id"),
            (ValidationError, "reference.unknown_grid",
             {"project_id": project_id, "grid": "G09"}, "grid"),
            (ValidationError, "resource_request.owner",
             {"project_id": project_id, "need_id": need_id}, "project_id"),
            (ValidationError, "input.out_of_range", {"project_id": project_id, "quantity": 0},
             "quantity"),
        ]
        for error, code, overrides, field in cases:
            fields = {"community_id": community_id, **overrides}
            refused(app, error, code, partial(request, app, **fields), field)

    def test_a_closed_need_takes_nothing(self, app: WusheApplication) -> None:
        community_id = found(app)
        need_id = need(app, community_id)
        app.update(Need, need_id, lambda n: n.refuse("不属于社区受理范围", appeal_notice=True,
                                                     by=n.received_by, at=AT))
        refused(app, DomainRuleError, "reference.inactive",
                lambda: request(app, community_id, need_id=need_id), "need_id")


class TestWithdrawRequest:
    def test_withdraw_then_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        request_id = request(app, community_id).id
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.withdraw_request(app, request_id=request_id, reason="活动取消",
                                             at=AT, expected_version=5))
        cmd.withdraw_request(app, request_id=request_id, reason="活动取消", at=AT,
                             expected_version=1)
        assert app.load(ResourceRequest, request_id).status is RequestStatus.WITHDRAWN
        refused(app, InvalidStateError, "state.withdraw",
                lambda: cmd.withdraw_request(app, request_id=request_id, reason="再次",
                                             at=AT))
        refused(app, NotFoundError, "resource_request.not_found",
                lambda: cmd.withdraw_request(app, request_id=MISSING, reason="x", at=AT))


class TestAllocateForRequest:
    def allocate(self, app: WusheApplication, *, request_id: UUID, offer_id: UUID,
                 quantity: int = 30, **extra: Any) -> Recorded:
        return cmd.allocate_for_request(app, request_id=request_id, offer_id=offer_id,
                                        quantity=quantity, at=AT, **extra)

    def test_records_on_the_offer_the_request_and_the_project_together(
            self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id = project(app, community_id)
        request_id = request(app, community_id, project_id=project_id).id
        offer_id = offer(app, community_id)
        before = app.log_position()
        recorded = self.allocate(app, request_id=request_id, offer_id=offer_id, expected_version=1)
        (allocation,) = app.load(ResourceOffer, offer_id).allocations
        (taken,) = app.load(ResourceRequest, request_id).allocations
        (reservation,) = app.load(ServiceProject, project_id).reservations
        assert (allocation.to_project, allocation.quantity, allocation.span) == (
            project_id, 30, SHIFT)
        assert (taken.offer_id, taken.allocation_id, taken.quantity) == (
            offer_id, allocation.allocation_id, 30)
        assert reservation.allocation_id == allocation.allocation_id
        assert (recorded.id, recorded.version, recorded.created) == (request_id, 2, True)
        assert app.log_position() == before + 3
        assert app.load(ResourceRequest, request_id).status is RequestStatus.PARTLY_ALLOCATED

    def test_a_need_request_books_a_venue_for_its_span(self, app: WusheApplication) -> None:
        community_id = found(app)
        need_id = need(app, community_id)
        first = request(app, community_id, need_id=need_id, resource_type=ResourceType.VENUE,
                        unit="间", quantity=1).id
        second = request(app, community_id, need_id=need_id, resource_type=ResourceType.VENUE,
                         unit="间", quantity=1).id
        room = venue(app, community_id)
        self.allocate(app, request_id=first, offer_id=room, quantity=1)
        (booking,) = app.load(ResourceOffer, room).bookings()
        assert (booking.to_need, booking.span) == (need_id, SHIFT)
        assert app.load(ResourceRequest, first).status is RequestStatus.MET
        refused(app, DomainRuleError, "resource.double_booking",
                lambda: self.allocate(app, request_id=second, offer_id=room, quantity=1), "span")

    def test_a_retry_with_a_request_key_allocates_once(self, app: WusheApplication) -> None:
        community_id = found(app)
        request_id, offer_id = request(app, community_id).id, offer(app, community_id)
        retried(app, lambda: self.allocate(app, request_id=request_id, offer_id=offer_id,
                                           request_key="k-1", expected_version=1))
        assert app.load(ResourceOffer, offer_id).remaining == 70
        assert app.load(ResourceRequest, request_id).allocated == 30

    def test_refusals_record_nothing_anywhere(self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id = project(app, community_id)
        request_id = request(app, community_id, project_id=project_id).id
        offer_id = offer(app, community_id, quantity=20)
        plenty = offer(app, community_id)
        elsewhere = offer(app, found(app, "350102001002"))
        room = venue(app, community_id)
        cases: list[tuple[type[WusheError], str, dict[str, Any], str | None]] = [
            (NotFoundError, "resource_request.not_found", {"request_id": MISSING}, None),
            (NotFoundError, "resource.not_found", {"offer_id": MISSING}, None),
            (DomainRuleError, "reference.other_community", {"offer_id": elsewhere}, "offer_id"),
            (DomainRuleError, "resource_request.offer_mismatch", {"offer_id": room},
             "offer_id"),
            (DomainRuleError, "resource.over_allocation", {"quantity": 25}, "quantity"),
            (DomainRuleError, "resource_request.over_allocation",
             {"offer_id": plenty, "quantity": 41}, "quantity"),
            (ValidationError, "input.out_of_range", {"quantity": 0}, "quantity"),
            (StaleVersionError, "version.stale", {"expected_version": 4}, None),
        ]
        for error, code, overrides, field in cases:
            fields = {"request_id": request_id, "offer_id": offer_id, **overrides}
            refused(app, error, code, partial(self.allocate, app, **fields), field)
        assert app.load(ResourceRequest, request_id).allocations == ()
        assert app.load(ServiceProject, project_id).reservations == ()
        assert all(app.load(ResourceOffer, o).allocations == ()
                   for o in (offer_id, plenty, room))

    def test_nothing_goes_to_a_withdrawn_request_or_a_closed_owner(
            self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id = project(app, community_id)
        withdrawn = request(app, community_id, project_id=project_id).id
        cmd.withdraw_request(app, request_id=withdrawn, reason="不需要了", at=AT)
        open_request = request(app, community_id, project_id=project_id).id
        offer_id = offer(app, community_id)
        refused(app, InvalidStateError, "state.record_allocation",
                lambda: self.allocate(app, request_id=withdrawn, offer_id=offer_id))
        app.update(ServiceProject, project_id, lambda p: p.cancel("经费未到位", AT))
        refused(app, DomainRuleError, "reference.inactive",
                lambda: self.allocate(app, request_id=open_request, offer_id=offer_id),
                "project_id")
        assert app.load(ResourceOffer, offer_id).allocations == ()


@pytest.mark.parametrize("store_settings", ["sqlite"], indirect=True)
def test_the_commands_are_exported(app: WusheApplication) -> None:
    assert {"request_resource", "withdraw_request", "allocate_for_request"} <= set(cmd.__all__)
