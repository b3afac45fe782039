"""Value objects and vocabularies shared by several aggregates."""

from __future__ import annotations

import re
from datetime import datetime, time
from enum import StrEnum

import msgspec

from wushe.platform.domain.rules import require, require_int, require_sequence, require_struct

__all__ = [
    "CATEGORY_PATTERN",
    "SKILL_PATTERN",
    "TimeSpan",
    "Urgency",
    "VulnerableGroup",
    "WeeklyWindow",
    "require_code",
    "require_codes",
    "require_span",
]

# Category and skill vocabularies are policy (standard.md: "configurable"); the
# domain only checks the shape of a code, the application checks membership.
CATEGORY_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
SKILL_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{1,47}$")
SUNDAY = 6


def require_code(value: object, field: str, pattern: re.Pattern[str]) -> str:
    """Reject ``value`` unless it is text with the shape of a vocabulary code."""
    code = value if isinstance(value, str) else ""
    require(bool(pattern.fullmatch(code)), "input.bad_code",
            f"{field} 编码格式不正确：{value!r}", f"{field} is not a valid code: {value!r}",
            field=field)
    return code


def require_codes(values: object, field: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Validate a sequence of codes and return them sorted without duplicates."""
    return tuple(sorted({require_code(v, field, pattern) for v in require_sequence(values, field)}))


def require_span(value: object, field: str) -> TimeSpan:
    """Reject ``value`` unless it is a well-formed :class:`TimeSpan`."""
    return require_struct(value, TimeSpan, field).validate(field)


class Urgency(StrEnum):
    """How soon a need must be met."""

    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class VulnerableGroup(StrEnum):
    """Residents the standard singles out for priority and home visits (8.7.6)."""

    ELDERLY_ALONE = "elderly_alone"
    ELDERLY_LIMITED_MOBILITY = "elderly_limited_mobility"
    DISABLED = "disabled"
    SERIOUSLY_ILL = "seriously_ill"
    HOME_ISOLATED = "home_isolated"
    CHILD_IN_DIFFICULTY = "child_in_difficulty"
    LOW_INCOME = "low_income"


class WeeklyWindow(msgspec.Struct, frozen=True, order=True):
    """A recurring slot in the week: ``weekday`` 0 = Monday, local China time."""

    weekday: int
    start: time
    end: time

    def validate(self) -> WeeklyWindow:
        """Return self, or raise if the window is malformed."""
        require_struct(self, WeeklyWindow, "window")
        require_int(self.weekday, "weekday", 0, SUNDAY)
        require(self.start.tzinfo is None and self.end.tzinfo is None, "input.zoned_time",
                "每周时段使用当地时间，不带时区", "weekly windows are local times without a zone",
                field="start")
        require(self.start < self.end, "input.empty_window", "结束时间必须晚于开始时间",
                "a window must end after it starts", field="end")
        return self


class TimeSpan(msgspec.Struct, frozen=True, order=True):
    """A half-open interval ``[start, end)`` of aware datetimes."""

    start: datetime
    end: datetime

    def validate(self, field: str = "window") -> TimeSpan:
        """Return self, or raise if the span is malformed."""
        require_struct(self, TimeSpan, field)
        require(self.start.tzinfo is not None and self.end.tzinfo is not None,
                "input.naive_datetime", "时间必须带时区", "times must carry a time zone",
                field=field)
        require(self.start < self.end, "input.empty_window", "结束时间必须晚于开始时间",
                "a time span must end after it starts", field=field)
        return self

    def overlaps(self, other: TimeSpan) -> bool:
        """Whether the two spans share any instant."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: TimeSpan) -> bool:
        """Whether ``other`` lies entirely within this span."""
        return self.start <= other.start and other.end <= self.end

    @property
    def minutes(self) -> int:
        """Length in whole minutes."""
        return int((self.end - self.start).total_seconds() // 60)
