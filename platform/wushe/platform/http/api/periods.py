"""The periods hours and reports are asked for: a year, a half-year, and their defaults.

A year is a calendar year in China time (2000–2100); a half is 1 (January–June) or
2 (July–December). A report left without them is for the business clock's year
and half (:mod:`clock`), or the second half of any other year, as
``wushe report compliance`` does with the wall clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from litestar.params import QueryParameter

from wushe.platform.domain.calendar import local_date
from wushe.platform.http.api.clock import business_now
from wushe.projections.views.compliance import half_of

if TYPE_CHECKING:
    from litestar import Request

__all__ = ["Half", "Year", "report_period", "this_year"]

FIRST_YEAR, LAST_YEAR = 2000, 2100
_SECOND_HALF = 2
Year: TypeAlias = Annotated[int | None, QueryParameter(ge=FIRST_YEAR, le=LAST_YEAR)]
Half: TypeAlias = Annotated[int | None, QueryParameter(ge=1, le=_SECOND_HALF)]


def this_year(request: Request[Any, Any, Any], year: int | None) -> int:
    """``year``, or the business clock's year (China time)."""
    return year if year is not None else local_date(business_now(request)).year


def report_period(request: Request[Any, Any, Any], year: int | None,
                  half: int | None) -> tuple[int, int]:
    """The year and half a report is for (defaults from the business clock)."""
    today = local_date(business_now(request))
    year = this_year(request, year)
    if half is None:
        half = half_of(today.month) if year == today.year else _SECOND_HALF
    return year, half
