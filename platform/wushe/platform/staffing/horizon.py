"""A planning week as the optimiser sees it: minutes from Monday 00:00, China time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import msgspec

from wushe.matching.staffing.problem import Window
from wushe.platform.domain.calendar import CHINA_TIME

__all__ = ["Week"]

_DAYS = 7
_MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True)
class Week:
    """Monday–Sunday of ``monday`` in China time."""

    monday: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(), CHINA_TIME)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=_DAYS)

    def minute(self, moment: datetime | str) -> int:
        """Minutes from the week's start to ``moment`` (an aware datetime or stored UTC text)."""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return int((moment - self.start).total_seconds() // 60)

    def at(self, minute: int) -> datetime:
        return self.start + timedelta(minutes=minute)

    def windows(self, weekly: str | None, exceptions: str | None) -> tuple[Window, ...]:
        """A volunteer's concrete windows this week from the roster's JSON columns.

        ``weekly`` is ``[[weekday, "HH:MM", "HH:MM"], …]``; ``exceptions`` is
        ``[{"day", "available", "windows"}, …]``: a day off removes that day's windows,
        an available day with windows replaces them.
        """
        by_day: dict[int, list[list[Any]]] = {d: [] for d in range(_DAYS)}
        for window in msgspec.json.decode(weekly or "[]", type=list[list[Any]]):
            by_day[int(window[0])].append(window)
        for exception in msgspec.json.decode(exceptions or "[]", type=list[dict[str, Any]]):
            offset = (date.fromisoformat(exception["day"]) - self.monday).days
            if 0 <= offset < _DAYS:
                by_day[offset] = list(exception["windows"]) if exception["available"] else []
        return tuple(sorted(
            Window(day * _MINUTES_A_DAY + _clock(w[1]), day * _MINUTES_A_DAY + _clock(w[2]))
            for day, windows in by_day.items() for w in windows))


def _clock(text: str) -> int:
    moment = time.fromisoformat(text)
    return moment.hour * 60 + moment.minute
