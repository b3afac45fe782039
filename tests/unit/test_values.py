"""Shared value objects: time spans, weekly windows and vocabulary codes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from tests.helpers import MONDAY_9AM
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.errors import ValidationError
from wushe.platform.domain.values import (
    CATEGORY_PATTERN,
    SKILL_PATTERN,
    TimeSpan,
    WeeklyWindow,
    require_code,
    require_codes,
)

NAIVE = datetime(2026, 11, 30, 9)  # noqa: DTZ001


def hours(start: float, end: float) -> TimeSpan:
    """The span from ``start`` to ``end`` hours after Monday 09:00 China time."""
    return TimeSpan(MONDAY_9AM + timedelta(hours=start), MONDAY_9AM + timedelta(hours=end))


class TestTimeSpanValidate:
    def test_returns_itself_when_sound(self) -> None:
        span = hours(0, 2)
        assert span.validate() is span

    def test_mixed_time_zones_are_fine(self) -> None:
        span = TimeSpan(MONDAY_9AM, datetime(2026, 11, 30, 11, tzinfo=CHINA_TIME))
        assert span.validate().minutes == 120

    @pytest.mark.parametrize("span", [
        TimeSpan(NAIVE, MONDAY_9AM + timedelta(hours=1)),
        TimeSpan(MONDAY_9AM - timedelta(hours=1), NAIVE),
        TimeSpan(NAIVE, NAIVE + timedelta(hours=1)),
    ])
    def test_rejects_naive_times(self, span: TimeSpan) -> None:
        with pytest.raises(ValidationError) as raised:
            span.validate()
        assert (raised.value.code, raised.value.field) == ("input.naive_datetime", "window")

    @pytest.mark.parametrize("span", [hours(2, 2), hours(2, 1)])
    def test_rejects_an_empty_or_reversed_span(self, span: TimeSpan) -> None:
        with pytest.raises(ValidationError) as raised:
            span.validate("shift")
        assert (raised.value.code, raised.value.field) == ("input.empty_window", "shift")

    def test_names_the_field_it_checks(self) -> None:
        with pytest.raises(ValidationError) as raised:
            TimeSpan(NAIVE, NAIVE).validate("service_window")
        assert raised.value.field == "service_window"


class TestTimeSpanRelations:
    @pytest.mark.parametrize(("first", "second", "overlap"), [
        (hours(0, 2), hours(1, 3), True),
        (hours(0, 4), hours(1, 2), True),
        (hours(0, 2), hours(0, 2), True),
        (hours(0, 2), hours(2, 4), False),  # half-open: touching is not overlapping
        (hours(0, 1), hours(3, 4), False),
    ])
    def test_overlaps_is_symmetric(self, first: TimeSpan, second: TimeSpan,
                                   overlap: bool) -> None:
        assert first.overlaps(second) is overlap
        assert second.overlaps(first) is overlap

    def test_overlap_compares_instants_across_time_zones(self) -> None:
        china = TimeSpan(datetime(2026, 11, 30, 10, tzinfo=CHINA_TIME),
                         datetime(2026, 11, 30, 12, tzinfo=CHINA_TIME))
        assert hours(0, 2).overlaps(china)
        assert not hours(3, 4).overlaps(china)

    @pytest.mark.parametrize(("outer", "inner", "contained"), [
        (hours(0, 4), hours(1, 2), True),
        (hours(0, 4), hours(0, 4), True),
        (hours(0, 4), hours(0, 1), True),
        (hours(0, 4), hours(3, 4), True),
        (hours(0, 4), hours(3, 5), False),
        (hours(1, 4), hours(0, 2), False),
        (hours(1, 2), hours(0, 4), False),
        (hours(0, 1), hours(2, 3), False),
    ])
    def test_contains(self, outer: TimeSpan, inner: TimeSpan, contained: bool) -> None:
        assert outer.contains(inner) is contained

    @pytest.mark.parametrize(("span", "minutes"), [
        (hours(0, 1), 60),
        (hours(0, 1.5), 90),
        (TimeSpan(MONDAY_9AM, MONDAY_9AM + timedelta(minutes=90, seconds=59)), 90),
        (TimeSpan(MONDAY_9AM, MONDAY_9AM + timedelta(seconds=59)), 0),
        (hours(0, 24 * 7), 7 * 24 * 60),
    ])
    def test_minutes_are_whole_minutes(self, span: TimeSpan, minutes: int) -> None:
        assert span.minutes == minutes

    def test_spans_order_by_start_then_end(self) -> None:
        spans = [hours(2, 3), hours(0, 2), hours(0, 1)]
        assert sorted(spans) == [hours(0, 1), hours(0, 2), hours(2, 3)]

    def test_is_immutable(self) -> None:
        span = hours(0, 1)
        with pytest.raises(AttributeError):
            span.start = datetime(2026, 1, 1, tzinfo=UTC)  # type: ignore[misc]


class TestWeeklyWindow:
    @pytest.mark.parametrize("weekday", range(7))
    def test_any_day_of_the_week(self, weekday: int) -> None:
        window = WeeklyWindow(weekday, time(9), time(12))
        assert window.validate() is window

    @pytest.mark.parametrize("weekday", [-1, 7, 100])
    def test_rejects_a_weekday_out_of_range(self, weekday: int) -> None:
        with pytest.raises(ValidationError) as raised:
            WeeklyWindow(weekday, time(9), time(12)).validate()
        assert (raised.value.code, raised.value.field) == ("input.out_of_range", "weekday")

    @pytest.mark.parametrize(("start", "end"), [(time(12), time(9)), (time(9), time(9))])
    def test_rejects_an_empty_window(self, start: time, end: time) -> None:
        with pytest.raises(ValidationError) as raised:
            WeeklyWindow(0, start, end).validate()
        assert (raised.value.code, raised.value.field) == ("input.empty_window", "end")

    def test_windows_order_by_weekday_then_start(self) -> None:
        windows = [WeeklyWindow(1, time(9), time(10)), WeeklyWindow(0, time(14), time(15)),
                   WeeklyWindow(0, time(9), time(12))]
        assert sorted(windows) == [windows[2], windows[1], windows[0]]


class TestCodes:
    @pytest.mark.parametrize("code", ["ELDER", "CHILD_CARE", "A1", "X" * 32])
    def test_category_codes(self, code: str) -> None:
        assert require_code(code, "category", CATEGORY_PATTERN) == code

    @pytest.mark.parametrize("code", ["elder", "E", "1ELDER", "ELDER-CARE", "X" * 33, "",
                                      " ELDER", "养老"])
    def test_rejects_bad_category_codes(self, code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            require_code(code, "category", CATEGORY_PATTERN)
        assert (raised.value.code, raised.value.field) == ("input.bad_code", "category")

    @pytest.mark.parametrize("code", ["first_aid", "elder.care", "sign-language", "f1",
                                      "a" * 48])
    def test_skill_codes(self, code: str) -> None:
        assert require_code(code, "skill", SKILL_PATTERN) == code

    @pytest.mark.parametrize("code", ["First_aid", "f", "1st_aid", "first aid", "a" * 49, "",
                                      "_aid", "急救"])
    def test_rejects_bad_skill_codes(self, code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            require_code(code, "skill", SKILL_PATTERN)
        assert (raised.value.code, raised.value.field) == ("input.bad_code", "skill")

    def test_require_codes_sorts_and_removes_duplicates(self) -> None:
        codes = ("elder_care", "driving", "elder_care", "casework")
        assert require_codes(codes, "skills", SKILL_PATTERN) == (
            "casework", "driving", "elder_care")

    def test_require_codes_accepts_none(self) -> None:
        assert require_codes((), "skills", SKILL_PATTERN) == ()

    def test_require_codes_rejects_any_bad_code(self) -> None:
        with pytest.raises(ValidationError) as raised:
            require_codes(("driving", "Bad Code"), "skills", SKILL_PATTERN)
        assert (raised.value.code, raised.value.field) == ("input.bad_code", "skills")
        assert "Bad Code" in raised.value.message_en
        assert "Bad Code" in raised.value.message("zh-CN")


def test_a_code_with_a_trailing_newline_is_rejected() -> None:
    from wushe.platform.domain.errors import ValidationError  # noqa: PLC0415
    from wushe.platform.domain.values import (  # noqa: PLC0415
        CATEGORY_PATTERN,
        SKILL_PATTERN,
        require_code,
        require_codes,
    )

    with pytest.raises(ValidationError):
        require_code("ELDER\n", "category", CATEGORY_PATTERN)
    with pytest.raises(ValidationError):
        require_codes(("first_aid\n",), "skills", SKILL_PATTERN)


def test_a_weekly_window_with_a_time_zone_is_a_clear_error() -> None:
    from datetime import UTC, time  # noqa: PLC0415

    from wushe.platform.domain.errors import ValidationError  # noqa: PLC0415
    from wushe.platform.domain.values import WeeklyWindow  # noqa: PLC0415

    with pytest.raises(ValidationError) as error:
        WeeklyWindow(weekday=0, start=time(9, tzinfo=UTC), end=time(10)).validate()
    assert error.value.code == "input.zoned_time"
