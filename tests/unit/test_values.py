"""Shared value objects: time spans, weekly windows and vocabulary codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

import msgspec
import pytest

from tests.helpers import MONDAY_9AM
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.errors import ValidationError
from wushe.platform.domain.rules import (
    require_aware,
    require_bool,
    require_choice,
    require_date,
    require_duration,
    require_int,
    require_optional_uuid,
    require_phone,
    require_sequence,
    require_struct,
    require_text,
    require_uuid,
)
from wushe.platform.domain.values import (
    CATEGORY_PATTERN,
    SKILL_PATTERN,
    TimeSpan,
    WeeklyWindow,
    require_code,
    require_codes,
    require_span,
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


# -- the shared type guards (rules.py) --------------------------------------------


class _Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class _Inner(msgspec.Struct, frozen=True):
    colour: _Colour
    count: int
    when: date | None = None


class _Outer(msgspec.Struct, frozen=True):
    inner: _Inner
    inners: tuple[_Inner, ...]
    ids: frozenset[UUID]
    flag: bool
    at: datetime
    at_time: time
    note: str | None = None


def _outer(**overrides: Any) -> _Outer:
    fields: dict[str, Any] = {
        "inner": _Inner(_Colour.RED, 1), "inners": (_Inner(_Colour.BLUE, 2, date(2026, 1, 1)),),
        "ids": frozenset({UUID(int=1)}), "flag": True, "at": MONDAY_9AM, "at_time": time(9),
    }
    return _Outer(**(fields | overrides))


def _code(command: Any) -> tuple[str, str | None]:
    with pytest.raises(ValidationError) as raised:
        command()
    return raised.value.code, raised.value.field


class TestRequireInt:
    @pytest.mark.parametrize("value", [0, 5, 10])
    def test_accepts_integers_in_range(self, value: int) -> None:
        assert require_int(value, "n", 0, 10) == value

    @pytest.mark.parametrize("value", [4.5, 5.0, "5", True, False, None, Decimal(5)])
    def test_rejects_non_integers(self, value: object) -> None:
        assert _code(lambda: require_int(value, "n", 0, 10)) == ("input.not_integer", "n")

    @pytest.mark.parametrize("value", [-1, 11])
    def test_rejects_out_of_range(self, value: int) -> None:
        assert _code(lambda: require_int(value, "n", 0, 10)) == ("input.out_of_range", "n")


class TestRequireChoice:
    @pytest.mark.parametrize("value", [_Colour.RED, "red"])
    def test_accepts_a_member_or_its_value(self, value: object) -> None:
        assert require_choice(value, _Colour, "colour") is _Colour.RED

    @pytest.mark.parametrize("value", ["RED", "green", "", 1, None, ["red"]])
    def test_rejects_anything_else_listing_the_choices(self, value: object) -> None:
        with pytest.raises(ValidationError) as raised:
            require_choice(value, _Colour, "colour")
        assert (raised.value.code, raised.value.field) == ("input.bad_choice", "colour")
        assert "red, blue" in raised.value.message_en
        assert "red, blue" in raised.value.message_zh


class TestOtherGuards:
    @pytest.mark.parametrize(("guard", "value", "code"), [
        (require_bool, 1, "input.not_boolean"),
        (require_bool, "true", "input.not_boolean"),
        (require_bool, None, "input.not_boolean"),
        (require_uuid, str(UUID(int=1)), "input.bad_id"),
        (require_uuid, 1, "input.bad_id"),
        (require_optional_uuid, "x", "input.bad_id"),
        (require_aware, "2026-12-01T09:00+08:00", "input.not_datetime"),
        (require_aware, date(2026, 12, 1), "input.not_datetime"),
        (require_aware, NAIVE, "input.naive_datetime"),
        (require_date, MONDAY_9AM, "input.not_date"),
        (require_date, "2026-12-01", "input.not_date"),
        (require_sequence, "abc", "input.not_sequence"),
        (require_sequence, {"a": 1}, "input.not_sequence"),
        (require_sequence, None, "input.not_sequence"),
        (require_text, 5, "input.not_text"),
        (require_text, None, "input.not_text"),
        (require_phone, 13905912345, "input.not_text"),
    ])
    def test_rejects(self, guard: Any, value: object, code: str) -> None:
        assert _code(lambda: guard(value, "f")) == (code, "f")

    def test_accepts(self) -> None:
        assert require_bool(False, "f") is False  # noqa: FBT003
        assert require_uuid(UUID(int=1), "f") == UUID(int=1)
        assert require_optional_uuid(None, "f") is None
        assert require_aware(MONDAY_9AM, "f") == MONDAY_9AM
        assert require_date(date(2026, 12, 1), "f") == date(2026, 12, 1)
        assert require_sequence(["a", "b"], "f") == ("a", "b")

    @pytest.mark.parametrize(("value", "code"), [
        (30, "input.not_duration"), ("PT30M", "input.not_duration"),
        (timedelta(minutes=-1), "input.out_of_range"), (timedelta(hours=2), "input.out_of_range"),
    ])
    def test_durations(self, value: object, code: str) -> None:
        assert _code(lambda: require_duration(value, "d", timedelta(0), timedelta(hours=1))) \
            == (code, "d")
        assert require_duration(timedelta(hours=1), "d", timedelta(0), timedelta(hours=1)) \
            == timedelta(hours=1)


class TestRequireStruct:
    def test_a_sound_struct_comes_back_unchanged(self) -> None:
        outer = _outer()
        assert require_struct(outer, _Outer, "o") is outer

    def test_values_and_lists_are_normalised(self) -> None:
        outer = _outer(inner=_Inner("red", 1), inners=[_Inner("blue", 2)], ids={UUID(int=1)})  # type: ignore[arg-type]
        checked = require_struct(outer, _Outer, "o")
        assert checked.inner.colour is _Colour.RED
        assert checked.inners == (_Inner(_Colour.BLUE, 2),)
        assert checked.ids == frozenset({UUID(int=1)})
        assert msgspec.json.decode(msgspec.json.encode(checked), type=_Outer) == checked

    @pytest.mark.parametrize(("overrides", "code", "field"), [
        ({"inner": None}, "input.bad_type", "o.inner"),
        ({"inner": _Inner(_Colour.RED, 1.5)}, "input.not_integer", "o.inner.count"),  # type: ignore[arg-type]
        ({"inner": _Inner("green", 1)}, "input.bad_choice", "o.inner.colour"),  # type: ignore[arg-type]
        ({"inner": _Inner(_Colour.RED, 1, MONDAY_9AM)}, "input.not_date", "o.inner.when"),
        ({"inners": _Inner(_Colour.RED, 1)}, "input.not_sequence", "o.inners"),
        ({"inners": (_Inner(_Colour.RED, count=True),)}, "input.not_integer", "o.inners.count"),
        ({"ids": frozenset({"x"})}, "input.bad_id", "o.ids"),
        ({"flag": 1}, "input.not_boolean", "o.flag"),
        ({"at": "2026-12-01"}, "input.not_datetime", "o.at"),
        ({"at_time": "09:00"}, "input.not_time", "o.at_time"),
        ({"note": 5}, "input.not_text", "o.note"),
    ])
    def test_rejects_a_wrong_field(self, overrides: dict[str, Any], code: str,
                                   field: str) -> None:
        assert _code(lambda: require_struct(_outer(**overrides), _Outer, "o")) == (code, field)

    def test_rejects_another_type(self) -> None:
        assert _code(lambda: require_struct(_Inner(_Colour.RED, 1), _Outer, "o")) \
            == ("input.bad_type", "o")


class TestValueObjectTypes:
    @pytest.mark.parametrize(("window", "code"), [
        (WeeklyWindow(0.0, time(9), time(10)), "input.not_integer"),  # type: ignore[arg-type]
        (WeeklyWindow(weekday=True, start=time(9), end=time(10)), "input.not_integer"),
        (WeeklyWindow(0, "09:00", time(10)), "input.not_time"),  # type: ignore[arg-type]
        (WeeklyWindow(7, time(9), time(10)), "input.out_of_range"),
    ])
    def test_weekly_window(self, window: WeeklyWindow, code: str) -> None:
        assert _code(window.validate)[0] == code

    @pytest.mark.parametrize("span", [
        TimeSpan(MONDAY_9AM.isoformat(), MONDAY_9AM + timedelta(hours=1)),  # type: ignore[arg-type]
        TimeSpan(MONDAY_9AM, date(2026, 12, 31)),  # type: ignore[arg-type]
    ])
    def test_time_span(self, span: TimeSpan) -> None:
        assert _code(lambda: span.validate("s")) == ("input.not_datetime", "s." + (
            "start" if isinstance(span.start, str) else "end"))

    @pytest.mark.parametrize("value", [None, (MONDAY_9AM, MONDAY_9AM), "span"])
    def test_require_span(self, value: object) -> None:
        assert _code(lambda: require_span(value, "s")) == ("input.bad_type", "s")

    @pytest.mark.parametrize("value", [5, None, ("ELDER",)])
    def test_a_code_must_be_text(self, value: object) -> None:
        assert _code(lambda: require_code(value, "c", CATEGORY_PATTERN))[0] == "input.bad_code"

    def test_codes_must_be_a_sequence_not_a_string(self) -> None:
        assert _code(lambda: require_codes("first_aid", "s", SKILL_PATTERN)) \
            == ("input.not_sequence", "s")
