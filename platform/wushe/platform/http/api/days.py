"""China dates in query parameters: a day's start, refused outside the safe calendar range.

A date filter becomes a moment (the start of the China day, or of the day after):
``date.max`` has no day after, and the first days have no UTC start, so such dates
are a field error (422) rather than an overflow (500).
"""

from __future__ import annotations

from datetime import date, datetime, time

from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.errors import ValidationError

__all__ = ["FIRST_DAY", "LAST_DAY", "china_midnight", "require_day"]

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9999, 12, 30)


def require_day(day: date | None, field: str) -> None:
    """Refuse a date outside [:data:`FIRST_DAY`, :data:`LAST_DAY`] (422 on ``field``)."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError("input.out_of_range", f"{field} 超出允许范围",
                              f"{field} is out of range", field=field)


def china_midnight(day: date, field: str) -> datetime:
    """The start of a China date (422 on ``field`` outside the safe range)."""
    require_day(day, field)
    return datetime.combine(day, time(), CHINA_TIME)
