"""Resource request: what a project or a need requires, allocations recorded, withdrawal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.helpers import MONDAY_9AM, assert_replays_equal
from wushe.platform.domain.errors import (
    DomainRuleError,
    InvalidStateError,
    ValidationError,
    WusheError,
)
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.resource_request import (
    RequestAllocation,
    RequestStatus,
    ResourceRequest,
)
from wushe.platform.domain.values import TimeSpan

SPAN = TimeSpan(MONDAY_9AM + timedelta(days=7), MONDAY_9AM + timedelta(days=7, hours=3))
PROJECT, NEED, OFFER = UUID(int=1), UUID(int=2), UUID(int=3)


def requested(**overrides: Any) -> ResourceRequest:
    fields: dict[str, Any] = {
        "id": uuid4(), "community_id": uuid4(), "project_id": PROJECT, "need_id": None,
        "resource_type": ResourceType.GOODS, "unit": "份", "quantity": 10, "span": SPAN,
        "grid": "G01", "urgent": False, "at": MONDAY_9AM,
    }
    fields.update(overrides)
    return ResourceRequest.request(**fields)


def record(request: ResourceRequest, quantity: int, allocation_id: UUID | None = None) -> UUID:
    allocation_id = allocation_id or uuid4()
    request.record_allocation(offer_id=OFFER, allocation_id=allocation_id, quantity=quantity,
                              at=MONDAY_9AM)
    return allocation_id


class TestRequest:
    def test_a_project_request_starts_open(self) -> None:
        request = requested(unit=" 份 ", grid=" G01 ", urgent=True)
        assert (request.status, request.allocated, request.remaining) == (
            RequestStatus.OPEN, 0, 10)
        assert (request.unit, request.grid, request.urgent, request.owner_id) == (
            "份", "G01", True, PROJECT)
        assert_replays_equal(request, request.collect_events())

    def test_a_need_request(self) -> None:
        request = requested(project_id=None, need_id=NEED, resource_type="venue", unit="间",
                            quantity=1)
        assert (request.owner_id, request.resource_type) == (NEED, ResourceType.VENUE)

    @pytest.mark.parametrize(("overrides", "code"), [
        ({"project_id": None}, "resource_request.owner"),
        ({"need_id": NEED}, "resource_request.owner"),
        ({"project_id": "p1"}, "input.bad_id"),
        ({"resource_type": "land"}, "input.bad_choice"),
        ({"unit": " "}, "input.required"),
        ({"unit": "x" * 11}, "input.too_long"),
        ({"quantity": 0}, "input.out_of_range"),
        ({"quantity": 2.5}, "input.not_integer"),
        ({"quantity": True}, "input.not_integer"),
        ({"span": TimeSpan(SPAN.end, SPAN.start)}, "input.empty_window"),
        ({"span": (SPAN.start, SPAN.end)}, "input.bad_type"),
        ({"grid": ""}, "input.required"),
        ({"urgent": 1}, "input.not_boolean"),
        ({"at": datetime(2026, 12, 1, 9)}, "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_bad_requests_are_refused(self, overrides: dict[str, Any], code: str) -> None:
        with pytest.raises(WusheError) as refused:
            requested(**overrides)
        assert refused.value.code == code
        assert refused.value.message_zh and refused.value.message_en


class TestAllocations:
    def test_partly_then_fully_allocated(self) -> None:
        request = requested()
        first = record(request, 4)
        assert (request.status, request.allocated, request.remaining) == (
            RequestStatus.PARTLY_ALLOCATED, 4, 6)
        second = record(request, 6)
        assert (request.status, request.allocated, request.remaining) == (
            RequestStatus.MET, 10, 0)
        assert request.allocations == (RequestAllocation(OFFER, first, 4, MONDAY_9AM),
                                       RequestAllocation(OFFER, second, 6, MONDAY_9AM))
        assert_replays_equal(request, request.collect_events())

    def test_never_more_than_asked(self) -> None:
        request = requested()
        record(request, 7)
        request.collect_events()
        with pytest.raises(DomainRuleError) as refused:
            record(request, 4)
        assert (refused.value.code, refused.value.field) == (
            "resource_request.over_allocation", "quantity")
        assert (request.allocated, request.collect_events()) == (7, [])

    def test_a_met_request_takes_nothing_more(self) -> None:
        request = requested(quantity=2)
        record(request, 2)
        with pytest.raises(InvalidStateError, match="record_allocation"):
            record(request, 1)

    def test_an_allocation_is_recorded_once(self) -> None:
        request = requested()
        allocation_id = record(request, 2)
        with pytest.raises(DomainRuleError) as refused:
            record(request, 2, allocation_id)
        assert refused.value.code == "resource_request.duplicate_allocation"
        assert request.allocated == 2

    def test_a_venue_seats_everyone_at_once(self) -> None:
        request = requested(resource_type=ResourceType.VENUE, unit="人", quantity=40)
        with pytest.raises(DomainRuleError) as refused:
            record(request, 30)
        assert refused.value.code == "resource_request.venue_whole"
        record(request, 40)
        assert request.status is RequestStatus.MET

    @pytest.mark.parametrize(("overrides", "code"), [
        ({"quantity": 0}, "input.out_of_range"),
        ({"offer_id": "o1"}, "input.bad_id"),
        ({"allocation_id": None}, "input.bad_id"),
        ({"at": datetime(2026, 12, 1, 9)}, "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_bad_allocations_are_refused(self, overrides: dict[str, Any], code: str) -> None:
        request = requested()
        request.collect_events()
        fields: dict[str, Any] = {"offer_id": OFFER, "allocation_id": uuid4(), "quantity": 1,
                                  "at": MONDAY_9AM}
        fields.update(overrides)
        with pytest.raises(ValidationError) as refused:
            request.record_allocation(**fields)
        assert refused.value.code == code
        assert request.collect_events() == []


class TestWithdrawal:
    def test_withdrawing_keeps_the_allocations_and_ends_what_remains(self) -> None:
        request = requested()
        record(request, 3)
        request.withdraw("活动取消", MONDAY_9AM + timedelta(days=1))
        assert (request.status, request.allocated, request.remaining) == (
            RequestStatus.WITHDRAWN, 3, 0)
        assert (request.withdrawal_reason, request.withdrawn_at) == (
            "活动取消", MONDAY_9AM + timedelta(days=1))
        assert_replays_equal(request, request.collect_events())
        with pytest.raises(InvalidStateError):
            record(request, 1)
        with pytest.raises(InvalidStateError):
            request.withdraw("again", MONDAY_9AM)

    def test_a_met_request_is_not_withdrawn(self) -> None:
        request = requested(quantity=1)
        record(request, 1)
        with pytest.raises(InvalidStateError, match="withdraw"):
            request.withdraw("不需要了", MONDAY_9AM)

    def test_a_reason_is_required(self) -> None:
        with pytest.raises(ValidationError) as refused:
            requested().withdraw("  ", MONDAY_9AM)
        assert refused.value.code == "input.required"
