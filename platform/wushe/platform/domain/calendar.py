"""Working days for deadlines (限时办结): Monday–Friday, minus public holidays,
plus make-up working days (调休上班) — both configurable policy, never constants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import msgspec

from wushe.platform.domain.rules import require_aware, require_date, require_int

__all__ = ["CHINA_TIME", "WorkingCalendar", "local_date"]

# China has one time zone and no daylight saving, so a fixed offset is exact and
# keeps the domain free of the tz database.
CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
_SATURDAY = 5
MAX_DEADLINE_WORKING_DAYS = 365


def local_date(moment: datetime) -> date:
    """The calendar date in China of an aware ``moment``."""
    return require_aware(moment, "at").astimezone(CHINA_TIME).date()


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
        day = require_date(start, "start")
        remaining = require_int(days, "working_days", 0, MAX_DEADLINE_WORKING_DAYS)
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if earlier)."""
        start, end = require_date(start, "start"), require_date(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )

    def deadline_after(self, moment: datetime, days: int) -> datetime:
        """The end (24:00 China time) of the working day ``days`` working days after ``moment``."""
        due = self.add_working_days(local_date(moment), days)
        return datetime.combine(due + timedelta(days=1), time(), CHINA_TIME).astimezone(UTC)
