"""Working days for deadlines (限时办结): Monday–Friday, minus public holidays,
plus make-up working days (调休上班) — both configurable policy, never constants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import msgspec

from wushe.platform.domain.rules import require

__all__ = ["CHINA_TIME", "WorkingCalendar", "local_date"]

# China has one time zone and no daylight saving, so a fixed offset is exact and
# keeps the domain free of the tz database.
CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
_SATURDAY = 5
MAX_DEADLINE_WORKING_DAYS = 365


def local_date(moment: datetime) -> date:
    """The calendar date in China of an aware ``moment``."""
    require(moment.tzinfo is not None, "input.naive_datetime", "时间必须带时区",
            "a time must carry its time zone")
    return moment.astimezone(CHINA_TIME).date()


class WorkingCalendar(msgspec.Struct, frozen=True):
    """Which dates are working days."""

    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        if day in self.makeup_workdays:
            return True
        return day.weekday() < _SATURDAY and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
        require(0 <= days <= MAX_DEADLINE_WORKING_DAYS, "input.out_of_range",
                "工作日数必须在 0 到 365 之间", "working days must be between 0 and 365",
                field="working_days")
        day = start
        remaining = days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )

    def deadline_after(self, moment: datetime, days: int) -> datetime:
        """The end (24:00 China time) of the working day ``days`` working days after ``moment``."""
        due = self.add_working_days(local_date(moment), days)
        return datetime.combine(due + timedelta(days=1), time(), CHINA_TIME).astimezone(UTC)
