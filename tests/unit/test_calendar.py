"""Working days for deadlines (限时办结): weekends, holidays, make-up days, 24:00 China time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import MONDAY_9AM
from wushe.platform.domain.calendar import (
    CHINA_TIME,
    MAX_DEADLINE_WORKING_DAYS,
    WorkingCalendar,
    local_date,
)
from wushe.platform.domain.errors import ValidationError

# National Day 2026: Thursday 1 to Wednesday 7 October off, with the Sunday before
# (27 September) and the Saturday after (10 October) worked instead.
NATIONAL_DAY = frozenset(date(2026, 10, d) for d in range(1, 8))
MAKEUP = frozenset({date(2026, 9, 27), date(2026, 10, 10)})
CALENDAR = WorkingCalendar(holidays=NATIONAL_DAY, makeup_workdays=MAKEUP)
PLAIN = WorkingCalendar()
MONDAY = date(2026, 11, 30)
FRIDAY = date(2026, 12, 4)
SATURDAY = date(2026, 12, 5)
SUNDAY = date(2026, 12, 6)


class TestIsWorkingDay:
    @pytest.mark.parametrize(("day", "working"), [
        (MONDAY, True), (FRIDAY, True), (SATURDAY, False), (SUNDAY, False),
    ])
    def test_monday_to_friday_by_default(self, day: date, working: bool) -> None:
        assert PLAIN.is_working_day(day) is working

    @pytest.mark.parametrize("day", sorted(NATIONAL_DAY))
    def test_holidays_are_not_working_days(self, day: date) -> None:
        assert not CALENDAR.is_working_day(day)

    @pytest.mark.parametrize("day", sorted(MAKEUP))
    def test_makeup_days_are_working_days_at_the_weekend(self, day: date) -> None:
        assert day.weekday() >= 5
        assert CALENDAR.is_working_day(day)
        assert not PLAIN.is_working_day(day)

    def test_a_makeup_day_wins_over_a_holiday(self) -> None:
        both = WorkingCalendar(holidays=frozenset({MONDAY}), makeup_workdays=frozenset({MONDAY}))
        assert both.is_working_day(MONDAY)


class TestAddWorkingDays:
    @pytest.mark.parametrize("start", [MONDAY, SATURDAY, date(2026, 10, 3)])
    def test_zero_days_is_the_same_day(self, start: date) -> None:
        assert CALENDAR.add_working_days(start, 0) == start

    @pytest.mark.parametrize(("start", "days", "due"), [
        (MONDAY, 1, date(2026, 12, 1)),
        (MONDAY, 4, FRIDAY),
        (FRIDAY, 1, date(2026, 12, 7)),       # over the weekend
        (SATURDAY, 1, date(2026, 12, 7)),     # from a weekend day
        (MONDAY, 5, date(2026, 12, 7)),
        (MONDAY, 10, date(2026, 12, 14)),
    ])
    def test_skips_weekends(self, start: date, days: int, due: date) -> None:
        assert PLAIN.add_working_days(start, days) == due

    @pytest.mark.parametrize(("start", "days", "due"), [
        (date(2026, 9, 25), 1, date(2026, 9, 27)),   # Friday → make-up Sunday
        (date(2026, 9, 27), 1, date(2026, 9, 28)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),   # over the whole holiday
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # … to the make-up Saturday
        (date(2026, 10, 3), 1, date(2026, 10, 8)),   # from inside the holiday
        (date(2026, 9, 29), 5, date(2026, 10, 12)),
    ])
    def test_skips_holidays_and_counts_makeup_days(self, start: date, days: int,
                                                   due: date) -> None:
        assert CALENDAR.add_working_days(start, days) == due

    def test_plain_calendar_ignores_the_holiday(self) -> None:
        assert PLAIN.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 1)

    def test_accepts_the_bound(self) -> None:
        due = PLAIN.add_working_days(MONDAY, MAX_DEADLINE_WORKING_DAYS)
        assert PLAIN.working_days_between(MONDAY, due) == MAX_DEADLINE_WORKING_DAYS

    @pytest.mark.parametrize("days", [-1, MAX_DEADLINE_WORKING_DAYS + 1, 10_000])
    def test_rejects_days_outside_the_bound(self, days: int) -> None:
        with pytest.raises(ValidationError) as raised:
            CALENDAR.add_working_days(MONDAY, days)
        assert (raised.value.code, raised.value.field) == ("input.out_of_range", "working_days")


class TestWorkingDaysBetween:
    @pytest.mark.parametrize(("start", "end", "days"), [
        (MONDAY, MONDAY, 0),
        (MONDAY, date(2026, 12, 1), 1),
        (MONDAY, FRIDAY, 4),
        (FRIDAY, SATURDAY, 0),
        (FRIDAY, date(2026, 12, 7), 1),
        (SATURDAY, SUNDAY, 0),
        (MONDAY, date(2026, 12, 7), 5),
    ])
    def test_counts_working_days_after_start_up_to_end(self, start: date, end: date,
                                                       days: int) -> None:
        assert PLAIN.working_days_between(start, end) == days
        assert PLAIN.working_days_between(end, start) == -days

    def test_holidays_and_makeup_days(self) -> None:
        start, end = date(2026, 9, 25), date(2026, 10, 11)
        # 27, 28, 29, 30 September, then 8, 9, 10 October.
        assert CALENDAR.working_days_between(start, end) == 7
        assert CALENDAR.working_days_between(end, start) == -7
        assert PLAIN.working_days_between(start, end) == 10  # two plain weeks


class TestDeadlineAfter:
    def test_ends_at_midnight_china_time_of_the_due_day(self) -> None:
        deadline = PLAIN.deadline_after(MONDAY_9AM, 1)
        assert deadline == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
        assert deadline.tzinfo is UTC
        assert deadline.astimezone(CHINA_TIME) == datetime(2026, 12, 2, tzinfo=CHINA_TIME)

    def test_zero_days_is_the_end_of_today(self) -> None:
        assert PLAIN.deadline_after(MONDAY_9AM, 0) == datetime(2026, 11, 30, 16, tzinfo=UTC)

    def test_over_the_weekend(self) -> None:
        friday_afternoon = datetime(2026, 12, 4, 15, tzinfo=CHINA_TIME)
        assert PLAIN.deadline_after(friday_afternoon, 1) == datetime(2026, 12, 7, 16, tzinfo=UTC)

    def test_counts_from_the_china_date_not_the_utc_date(self) -> None:
        # 17:00 UTC on Friday is 01:00 on Saturday in China.
        late = datetime(2026, 12, 4, 17, tzinfo=UTC)
        assert local_date(late) == SATURDAY
        assert PLAIN.deadline_after(late, 0) == datetime(2026, 12, 5, 16, tzinfo=UTC)
        assert PLAIN.deadline_after(late, 1) == datetime(2026, 12, 7, 16, tzinfo=UTC)

    def test_across_a_holiday(self) -> None:
        moment = datetime(2026, 9, 30, 10, tzinfo=CHINA_TIME)
        assert CALENDAR.deadline_after(moment, 1) == datetime(2026, 10, 8, 16, tzinfo=UTC)

    def test_rejects_a_naive_moment(self) -> None:
        with pytest.raises(ValidationError) as raised:
            PLAIN.deadline_after(datetime(2026, 11, 30, 9), 1)  # noqa: DTZ001
        assert raised.value.code == "input.naive_datetime"

    def test_rejects_days_outside_the_bound(self) -> None:
        with pytest.raises(ValidationError) as raised:
            PLAIN.deadline_after(MONDAY_9AM, MAX_DEADLINE_WORKING_DAYS + 1)
        assert raised.value.code == "input.out_of_range"


class TestLocalDate:
    @pytest.mark.parametrize(("moment", "day"), [
        (datetime(2026, 11, 30, 15, 59, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2026, 11, 30, 16, 0, tzinfo=UTC), date(2026, 12, 1)),
        (datetime(2026, 12, 1, 0, 0, tzinfo=CHINA_TIME), date(2026, 12, 1)),
        (datetime(2026, 11, 30, 23, 0, tzinfo=CHINA_TIME), date(2026, 11, 30)),
    ])
    def test_is_the_date_in_china(self, moment: datetime, day: date) -> None:
        assert local_date(moment) == day

    def test_rejects_a_naive_datetime(self) -> None:
        with pytest.raises(ValidationError) as raised:
            local_date(datetime(2026, 11, 30, 9))  # noqa: DTZ001
        assert raised.value.code == "input.naive_datetime"


START = st.dates(date(2025, 1, 1), date(2027, 12, 31))
SOME_DAYS = st.frozensets(st.dates(date(2025, 1, 1), date(2028, 3, 31)), max_size=40)
CALENDARS = st.builds(WorkingCalendar, holidays=SOME_DAYS, makeup_workdays=SOME_DAYS)


class TestProperties:
    @settings(max_examples=150, deadline=None, database=None)
    @given(calendar=CALENDARS, start=START, days=st.integers(1, 60))
    def test_adding_days_lands_on_a_working_day_that_many_days_later(
            self, calendar: WorkingCalendar, start: date, days: int) -> None:
        due = calendar.add_working_days(start, days)
        assert due > start
        assert calendar.is_working_day(due)
        assert calendar.working_days_between(start, due) == days
        assert calendar.working_days_between(due, start) == -days
        # The earliest such day: the day before it is one working day short.
        assert calendar.working_days_between(start, due - timedelta(days=1)) == days - 1

    @settings(max_examples=50, deadline=None, database=None)
    @given(calendar=CALENDARS, start=START)
    def test_zero_days_is_the_start(self, calendar: WorkingCalendar, start: date) -> None:
        assert calendar.add_working_days(start, 0) == start
        assert calendar.working_days_between(start, start) == 0


class TestWrongTypes:
    """Wrongly typed days or dates are rejected at once (a float would never terminate)."""

    @pytest.mark.parametrize("days", [2.5, 2.0, "2", True, None, float("inf")])
    def test_working_days_must_be_an_integer(self, days: object) -> None:
        with pytest.raises(ValidationError) as raised:
            PLAIN.add_working_days(date(2026, 12, 1), days)  # type: ignore[arg-type]
        assert (raised.value.code, raised.value.field) == ("input.not_integer", "working_days")

    @pytest.mark.parametrize("days", [2.5, True, "2"])
    def test_deadline_days_must_be_an_integer(self, days: object) -> None:
        with pytest.raises(ValidationError) as raised:
            PLAIN.deadline_after(MONDAY_9AM, days)  # type: ignore[arg-type]
        assert raised.value.code == "input.not_integer"

    @pytest.mark.parametrize("start", [MONDAY_9AM, "2026-12-01", None])
    def test_start_must_be_a_date(self, start: object) -> None:
        with pytest.raises(ValidationError) as raised:
            PLAIN.add_working_days(start, 2)  # type: ignore[arg-type]
        assert raised.value.code == "input.not_date"

    @pytest.mark.parametrize("moment", [date(2026, 12, 1), "2026-12-01T09:00+08:00", None])
    def test_moment_must_be_a_datetime(self, moment: object) -> None:
        with pytest.raises(ValidationError) as raised:
            PLAIN.deadline_after(moment, 2)  # type: ignore[arg-type]
        assert raised.value.code == "input.not_datetime"

    def test_days_between_takes_dates(self) -> None:
        with pytest.raises(ValidationError) as raised:
            PLAIN.working_days_between(date(2026, 12, 1), MONDAY_9AM)
        assert (raised.value.code, raised.value.field) == ("input.not_date", "end")
