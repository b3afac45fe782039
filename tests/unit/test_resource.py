"""Resource offer: offering, allocating, booking venues, use, release, withdrawal."""

from __future__ import annotations

from datetime import date, datetime, timedelta
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
from wushe.platform.domain.resource import (
    Allocation,
    OfferStatus,
    ResourceOffer,
    ResourceType,
)
from wushe.platform.domain.values import TimeSpan

HOUR = timedelta(hours=1)
WINDOW = TimeSpan(MONDAY_9AM, MONDAY_9AM + timedelta(days=30))
PROJECT = UUID(int=1)
NEED = UUID(int=2)


def span(start_hour: int, hours: int = 2) -> TimeSpan:
    start = MONDAY_9AM + start_hour * HOUR
    return TimeSpan(start, start + hours * HOUR)


def offer(**overrides: Any) -> ResourceOffer:
    fields: dict[str, Any] = {
        "id": uuid4(), "community_id": uuid4(), "organisation_id": uuid4(),
        "resource_type": ResourceType.GOODS, "title": "爱心米面油", "description": "100 份慰问品",
        "quantity": 10, "unit": "件", "window": WINDOW, "conditions": None, "at": MONDAY_9AM,
    }
    fields.update(overrides)
    resource = ResourceOffer.offer(**fields)
    resource.collect_events()
    return resource


def venue(quantity: int = 1) -> ResourceOffer:
    return offer(resource_type=ResourceType.VENUE, title="多功能厅", description="可容纳 80 人",
                 quantity=quantity, unit="间")


def allocate(resource: ResourceOffer, quantity: int = 1, **overrides: Any) -> UUID:
    fields: dict[str, Any] = {
        "allocation_id": uuid4(), "quantity": quantity, "to_project": PROJECT, "to_need": None,
        "span": None, "at": MONDAY_9AM,
    }
    fields.update(overrides)
    resource.allocate(**fields)
    allocation_id: UUID = fields["allocation_id"]
    return allocation_id


def assert_rejected(resource: ResourceOffer, error: type[WusheError], code: str,
                    command: Any) -> None:
    version = resource.version
    remaining = resource.remaining
    with pytest.raises(error) as raised:
        command()
    assert raised.value.code == code
    assert resource.version == version
    assert resource.remaining == remaining
    assert resource.collect_events() == []


class TestOffer:
    def test_records_an_open_offer(self) -> None:
        resource = ResourceOffer.offer(
            id=uuid4(), community_id=uuid4(), organisation_id=uuid4(),
            resource_type=ResourceType.FUNDS, title=" 助老基金 ", description="专项资金",
            quantity=5000, unit="元", window=WINDOW, conditions=" 仅限助老项目 ", at=MONDAY_9AM)
        assert resource.status is OfferStatus.OPEN
        assert (resource.title, resource.conditions) == ("助老基金", "仅限助老项目")
        assert (resource.quantity, resource.unit, resource.remaining) == (5000, "元", 5000)
        assert resource.allocations == ()
        assert resource.offered_at == MONDAY_9AM
        assert len(resource.collect_events()) == 1

    @pytest.mark.parametrize(("overrides", "code"), [
        ({"quantity": 0}, "input.out_of_range"),
        ({"quantity": -1}, "input.out_of_range"),
        ({"title": ""}, "input.required"),
        ({"description": " "}, "input.required"),
        ({"unit": ""}, "input.required"),
        ({"conditions": ""}, "input.required"),
        ({"window": TimeSpan(MONDAY_9AM, MONDAY_9AM)}, "input.empty_window"),
        ({"window": TimeSpan(datetime(2026, 12, 1), datetime(2026, 12, 2))},  # noqa: DTZ001
         "input.naive_datetime"),
        ({"at": datetime(2026, 12, 1)}, "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_rejects_bad_input(self, overrides: dict[str, Any], code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            offer(**overrides)
        assert raised.value.code == code


class TestAllocate:
    def test_allocates_part(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 4, to_project=None, to_need=NEED)
        assert resource.remaining == 6
        assert resource.allocated == 4
        assert resource.status is OfferStatus.OPEN
        assert resource.allocation(allocation_id) == Allocation(
            allocation_id, 4, None, NEED, None, MONDAY_9AM)
        assert len(resource.collect_events()) == 1

    def test_allocating_everything_exhausts(self) -> None:
        resource = offer()
        allocate(resource, 7)
        allocate(resource, 3)
        assert resource.remaining == 0
        assert resource.status is OfferStatus.EXHAUSTED

    def test_a_counted_offer_may_carry_a_span_inside_the_window(self) -> None:
        resource = offer(resource_type=ResourceType.VOLUNTEER_TIME, unit="小时")
        first = allocate(resource, 2, span=span(1))
        second = allocate(resource, 2, span=span(1))  # time of different volunteers may overlap
        assert resource.allocation(first).span == resource.allocation(second).span

    @pytest.mark.parametrize(("overrides", "error", "code"), [
        ({"quantity": 0}, ValidationError, "input.out_of_range"),
        ({"quantity": 9}, DomainRuleError, "resource.over_allocation"),
        ({"to_project": None}, ValidationError, "resource.allocation_target"),
        ({"to_need": NEED}, ValidationError, "resource.allocation_target"),
        ({"span": span(-2)}, ValidationError, "resource.outside_window"),
        ({"span": TimeSpan(MONDAY_9AM + HOUR, MONDAY_9AM)}, ValidationError,
         "input.empty_window"),
        ({"at": datetime(2026, 12, 1)}, ValidationError, "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_rejects(self, overrides: dict[str, Any], error: type[WusheError], code: str) -> None:
        resource = offer()
        allocate(resource, 2)
        resource.collect_events()
        assert_rejected(resource, error, code, lambda: allocate(resource, **overrides))

    def test_rejects_a_duplicate_id(self) -> None:
        resource = offer()
        allocation_id = allocate(resource)
        resource.collect_events()
        assert_rejected(resource, DomainRuleError, "resource.duplicate_allocation",
                        lambda: allocate(resource, allocation_id=allocation_id))

    def test_rejected_when_exhausted(self) -> None:
        resource = offer()
        allocate(resource, 10)
        resource.collect_events()
        assert_rejected(resource, InvalidStateError, "state.allocate", lambda: allocate(resource))

    def test_rejected_when_withdrawn(self) -> None:
        resource = offer()
        resource.withdraw("单位撤回", MONDAY_9AM)
        resource.collect_events()
        assert_rejected(resource, InvalidStateError, "state.allocate", lambda: allocate(resource))


class TestVenueBooking:
    def test_books_time_without_consuming_quantity(self) -> None:
        resource = venue()
        first = allocate(resource, span=span(1))
        allocate(resource, span=span(3))  # back to back: [10:00, 12:00) then [12:00, 14:00)
        assert resource.remaining == 1
        assert resource.status is OfferStatus.OPEN
        assert [b.span for b in resource.bookings()] == [span(1), span(3)]
        assert resource.allocation(first).span == span(1)

    @pytest.mark.parametrize("start", [0, 1, 2])
    def test_rejects_double_booking(self, start: int) -> None:
        resource = venue()
        allocate(resource, span=span(1))
        resource.collect_events()
        assert_rejected(resource, DomainRuleError, "resource.double_booking",
                        lambda: allocate(resource, span=span(start)))

    def test_a_released_booking_frees_its_slot(self) -> None:
        resource = venue()
        booking = allocate(resource, span=span(1))
        resource.release(booking)
        allocate(resource, span=span(1))
        assert len(resource.bookings()) == 1

    @pytest.mark.parametrize(("overrides", "error", "code"), [
        ({"span": None}, ValidationError, "resource.venue_needs_span"),
        ({"span": span(24 * 30)}, ValidationError, "resource.outside_window"),
        ({"span": span(1), "quantity": 2}, DomainRuleError, "resource.over_allocation"),
    ])
    def test_rejects(self, overrides: dict[str, Any], error: type[WusheError], code: str) -> None:
        resource = venue()
        assert_rejected(resource, error, code, lambda: allocate(resource, **overrides))

    def test_booking_may_use_the_whole_window(self) -> None:
        resource = venue()
        allocate(resource, span=WINDOW)
        assert resource.bookings()[0].span == WINDOW


class TestRecordUse:
    def test_adds_use_up_to_the_allocation(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 5)
        resource.collect_events()
        resource.record_use(allocation_id, 2)
        resource.record_use(allocation_id, 3)
        assert resource.allocation(allocation_id).used == 5
        assert resource.remaining == 5
        assert len(resource.collect_events()) == 2

    @pytest.mark.parametrize(("used", "error", "code"), [
        (0, ValidationError, "input.out_of_range"),
        (4, DomainRuleError, "resource.overuse"),
    ])
    def test_rejects(self, used: int, error: type[WusheError], code: str) -> None:
        resource = offer()
        allocation_id = allocate(resource, 5)
        resource.record_use(allocation_id, 2)
        resource.collect_events()
        assert_rejected(resource, error, code, lambda: resource.record_use(allocation_id, used))

    def test_rejects_unknown_and_released(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 5)
        resource.release(allocation_id)
        resource.collect_events()
        assert_rejected(resource, DomainRuleError, "resource.unknown_allocation",
                        lambda: resource.record_use(uuid4(), 1))
        assert_rejected(resource, DomainRuleError, "resource.allocation_released",
                        lambda: resource.record_use(allocation_id, 1))

    def test_allowed_after_withdrawal(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 5)
        resource.withdraw("单位撤回", MONDAY_9AM)
        resource.record_use(allocation_id, 5)
        assert resource.allocation(allocation_id).used == 5


class TestRelease:
    def test_returns_the_unused_part(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 6)
        resource.record_use(allocation_id, 2)
        resource.collect_events()
        resource.release(allocation_id)
        assert resource.allocation(allocation_id).released
        assert resource.remaining == 8
        assert resource.allocated == 2
        assert len(resource.collect_events()) == 1

    def test_reopens_an_exhausted_offer(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 10)
        resource.record_use(allocation_id, 9)
        assert resource.status is OfferStatus.EXHAUSTED
        resource.release(allocation_id)
        assert (resource.status, resource.remaining) == (OfferStatus.OPEN, 1)

    def test_a_fully_used_release_stays_exhausted(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 10)
        resource.record_use(allocation_id, 10)
        resource.release(allocation_id)
        assert (resource.status, resource.remaining) == (OfferStatus.EXHAUSTED, 0)

    def test_rejects_unknown_and_twice(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 5)
        resource.release(allocation_id)
        resource.collect_events()
        assert_rejected(resource, DomainRuleError, "resource.unknown_allocation",
                        lambda: resource.release(uuid4()))
        assert_rejected(resource, DomainRuleError, "resource.allocation_released",
                        lambda: resource.release(allocation_id))

    def test_after_withdrawal_returns_to_the_provider(self) -> None:
        resource = offer()
        allocation_id = allocate(resource, 5)
        resource.withdraw("单位撤回", MONDAY_9AM)
        resource.release(allocation_id)
        assert (resource.status, resource.remaining) == (OfferStatus.WITHDRAWN, 0)


class TestWithdraw:
    @pytest.mark.parametrize("allocated", [0, 4, 10])
    def test_withdraws_the_remainder_and_keeps_allocations(self, allocated: int) -> None:
        resource = offer()
        if allocated:
            allocate(resource, allocated)
        resource.collect_events()
        resource.withdraw("单位撤回", MONDAY_9AM + HOUR)
        assert resource.status is OfferStatus.WITHDRAWN
        assert resource.withdrawn_at == MONDAY_9AM + HOUR
        assert resource.remaining == 0
        assert len(resource.allocations) == (1 if allocated else 0)
        events = resource.collect_events()
        assert len(events) == 1
        assert events[0].withdrawn_quantity == 10 - allocated  # type: ignore[attr-defined]

    def test_rejects_twice(self) -> None:
        resource = offer()
        resource.withdraw("单位撤回", MONDAY_9AM)
        resource.collect_events()
        assert_rejected(resource, InvalidStateError, "state.withdraw",
                        lambda: resource.withdraw("again", MONDAY_9AM))

    @pytest.mark.parametrize(("reason", "at", "code"), [
        (" ", MONDAY_9AM, "input.required"),
        ("撤回", datetime(2026, 12, 1), "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_rejects_bad_input(self, reason: str, at: datetime, code: str) -> None:
        resource = offer()
        assert_rejected(resource, ValidationError, code, lambda: resource.withdraw(reason, at))


@pytest.mark.parametrize("resource_type", [ResourceType.GOODS, ResourceType.VENUE])
def test_replay_gives_the_same_state(resource_type: ResourceType) -> None:
    resource = ResourceOffer.offer(
        id=uuid4(), community_id=uuid4(), organisation_id=uuid4(), resource_type=resource_type,
        title="活动室", description="二楼", quantity=3, unit="间", window=WINDOW,
        conditions="工作日", at=MONDAY_9AM)
    first = allocate(resource, span=span(1))
    allocate(resource, 2, to_project=None, to_need=NEED, span=span(3))
    resource.record_use(first, 1)
    resource.release(first)
    resource.withdraw("装修", MONDAY_9AM + HOUR)
    assert_replays_equal(resource, resource.collect_events())


# -- wrongly typed input ----------------------------------------------------------

NOT_UUID: tuple[Any, ...] = ("not-an-id", 5, None)
NOT_DATETIME: tuple[Any, ...] = ("2026-12-01T09:00:00+08:00", date(2026, 12, 1), 5, None)
NOT_INT: tuple[Any, ...] = (4.5, 2.0, "2", True, None)
NOT_TEXT: tuple[Any, ...] = (5, b"x", None)
NOT_SPAN: tuple[tuple[Any, str], ...] = (
    ((WINDOW.start, WINDOW.end), "input.bad_type"),
    ("2026-12-01/2026-12-02", "input.bad_type"),
    (TimeSpan(WINDOW.start.isoformat(), WINDOW.end), "input.not_datetime"),  # type: ignore[arg-type]
    (TimeSpan(WINDOW.start, date(2026, 12, 31)), "input.not_datetime"),  # type: ignore[arg-type]
)


class TestWrongTypes:
    """A wrongly typed argument is a ValidationError, and nothing is recorded."""

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [(f, v, "input.bad_id") for f in ("id", "community_id", "organisation_id")
         for v in NOT_UUID]
        + [("resource_type", v, "input.bad_choice")
           for v in ("cash", "GOODS", 1, None, OfferStatus.OPEN)]
        + [("quantity", v, "input.not_integer") for v in NOT_INT]
        + [(f, v, "input.not_text") for f in ("title", "description", "unit") for v in NOT_TEXT]
        + [("conditions", v, "input.not_text") for v in NOT_TEXT[:-1]]
        + [("window", v, code) for v, code in (*NOT_SPAN, (None, "input.bad_type"))]
        + [("at", v, "input.not_datetime") for v in NOT_DATETIME],
    )
    def test_offer(self, field: str, value: Any, code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            offer(**{field: value})
        assert raised.value.code == code
        assert raised.value.field is not None
        assert raised.value.field.startswith(field)

    def test_the_type_may_be_given_by_its_value(self) -> None:
        assert offer(resource_type="venue").resource_type is ResourceType.VENUE

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [("allocation_id", v, "input.bad_id") for v in NOT_UUID]
        + [("quantity", v, "input.not_integer") for v in NOT_INT]
        + [(f, v, "input.bad_id") for f in ("to_project", "to_need") for v in NOT_UUID[:-1]]
        + [("span", v, code) for v, code in NOT_SPAN]
        + [("at", v, "input.not_datetime") for v in NOT_DATETIME],
    )
    def test_allocate(self, field: str, value: Any, code: str) -> None:
        resource = offer()
        overrides = {"to_project": None} if field == "to_need" else {}
        assert_rejected(resource, ValidationError, code,
                        lambda: allocate(resource, **(overrides | {field: value})))

    @pytest.mark.parametrize(
        ("command", "value", "code"),
        [(c, v, "input.bad_id") for c in ("use_id", "release") for v in NOT_UUID]
        + [("used_quantity", v, "input.not_integer") for v in NOT_INT]
        + [("reason", v, "input.not_text") for v in NOT_TEXT]
        + [("at", v, "input.not_datetime") for v in NOT_DATETIME],
    )
    def test_commands(self, command: str, value: Any, code: str) -> None:
        resource = offer()
        allocation_id = allocate(resource, 3)
        resource.collect_events()
        calls: dict[str, Any] = {
            "use_id": lambda: resource.record_use(value, 1),
            "release": lambda: resource.release(value),
            "used_quantity": lambda: resource.record_use(allocation_id, value),
            "reason": lambda: resource.withdraw(value, MONDAY_9AM),
            "at": lambda: resource.withdraw("撤回", value),
        }
        assert_rejected(resource, ValidationError, code, calls[command])
