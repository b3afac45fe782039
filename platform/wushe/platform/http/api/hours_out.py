"""Reading the hours ledger view for the API: a volunteer's records and totals, a
community's volunteers by hours.

A volunteer's records are the ledger's rows of that volunteer, newest confirmation
first (records not confirmed yet last), keyset on (confirmed_at, assignment_id). A
community's page is the ledger's ``volunteer`` totals of its volunteers for one
period, most minutes first, keyset on (minutes, volunteer_id); the masked names come
from the roster view (a second query for the page's ids), and each star level from
the volunteer's all-time total under the app's policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.platform.http.api.reads import decode_cursor, encode_cursor
from wushe.platform.http.api.schemas.hours import (
    CommunityHoursPage,
    HoursRecord,
    HoursStatus,
    HoursTotal,
    VolunteerHoursItem,
    VolunteerHoursPage,
)
from wushe.platform.http.context import policy, read_model
from wushe.projections.read import ViewNotBuiltError
from wushe.projections.views.hours import ALL_TIME, MINUTES_PER_HOUR, HoursLedger, star_level
from wushe.projections.views.roster import Roster

if TYPE_CHECKING:
    from collections.abc import Sequence

    from litestar import Request

    from wushe.platform.domain.policy import Policy
    from wushe.projections.read import ResultRow
    from wushe.projections.schema import DbValue

__all__ = ["COMMUNITY_VIEWS", "VOLUNTEER_VIEWS", "HoursQuery", "community_hours",
           "volunteer_hours"]

VOLUNTEER_VIEWS = (HoursLedger.name,)
COMMUNITY_VIEWS = (HoursLedger.name, Roster.name)
_RECORD_COLUMNS = ('"assignment_id", "project_id", "team_id", "organisation_id", '
                   '"community_id", "year", "status", "credited_minutes", "confirmed_at"')
_CONFIRMED_AT = "COALESCE(\"confirmed_at\", '')"  # not confirmed yet: after every date


@dataclass(frozen=True, slots=True)
class HoursQuery:
    """One page request: a volunteer's records, or a community's volunteers."""

    subject_id: UUID
    year: int | None
    limit: int
    cursor: str | None
    statuses: frozenset[HoursStatus] = frozenset({HoursStatus.CONFIRMED})

    @property
    def period(self) -> str:
        """The totals' period: the year, or all time."""
        return ALL_TIME if self.year is None else str(self.year)


async def _read(request: Request[Any, Any, Any], view: str, sql: str,
                params: Sequence[DbValue]) -> list[ResultRow]:
    try:
        return await read_model(request).query(view, sql, params)
    except ViewNotBuiltError:
        return []


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _uuid(value: str | None) -> UUID | None:
    return None if value is None else UUID(value)


def _next_star_hours(total_minutes: int, rules: Policy) -> int | None:
    return next((hours for hours in rules.star_thresholds_hours
                 if total_minutes < hours * MINUTES_PER_HOUR), None)


# -- a volunteer's ledger ------------------------------------------------------------


def _record(row: ResultRow) -> HoursRecord:
    return HoursRecord(
        assignment_id=UUID(row["assignment_id"]), project_id=UUID(row["project_id"]),
        team_id=_uuid(row["team_id"]), organisation_id=_uuid(row["organisation_id"]),
        community_id=_uuid(row["community_id"]), year=int(row["year"]),
        status=HoursStatus(row["status"]), credited_minutes=int(row["credited_minutes"] or 0),
        confirmed_at=row["confirmed_at"])


async def _records(request: Request[Any, Any, Any],
                   query: HoursQuery) -> tuple[list[ResultRow], str | None]:
    statuses = sorted(s.value for s in query.statuses)
    conditions = ['"volunteer_id" = ?', f'"status" IN ({_marks(statuses)})']
    params: list[DbValue] = [str(query.subject_id), *statuses]
    if query.year is not None:
        conditions.append('"year" = ?')
        params.append(query.year)
    scope = ("volunteer-hours", str(query.subject_id), statuses, query.year)
    if query.cursor is not None:
        confirmed, assignment = decode_cursor(scope, query.cursor, 2)
        conditions.append(f'({_CONFIRMED_AT} < ? OR ({_CONFIRMED_AT} = ? '
                          'AND "assignment_id" < ?))')
        params.extend((confirmed, confirmed, assignment))
    sql = (f'SELECT {_RECORD_COLUMNS} FROM {{ledger}} WHERE {" AND ".join(conditions)} '  # noqa: S608  (names from code, values bound)
           f'ORDER BY {_CONFIRMED_AT} DESC, "assignment_id" DESC LIMIT ?')
    rows = await _read(request, HoursLedger.name, sql, (*params, query.limit + 1))
    last = rows[query.limit - 1] if len(rows) > query.limit else None
    cursor = None if last is None else encode_cursor(
        scope, (last["confirmed_at"] or "", last["assignment_id"]))
    return rows[:query.limit], cursor


async def volunteer_hours(request: Request[Any, Any, Any],
                          query: HoursQuery) -> VolunteerHoursPage:
    """The volunteer's totals, star level and one page of their records."""
    sql = ('SELECT "period", "minutes", "assignments" FROM {totals} '
           'WHERE "scope" = ? AND "subject_id" = ? ORDER BY "period"')
    totals = [HoursTotal(r["period"], int(r["minutes"]), int(r["assignments"]))
              for r in await _read(request, HoursLedger.name, sql,
                                   ("volunteer", str(query.subject_id)))]
    total = next((t.minutes for t in totals if t.period == ALL_TIME), 0)
    rows, cursor = await _records(request, query)
    rules = policy(request)
    return VolunteerHoursPage(
        volunteer_id=query.subject_id, total_minutes=total,
        star_level=star_level(total, rules), next_star_hours=_next_star_hours(total, rules),
        totals=tuple(totals), items=tuple(map(_record, rows)), next_cursor=cursor)


# -- a community's volunteers ----------------------------------------------------------


async def _all_time(request: Request[Any, Any, Any], query: HoursQuery,
                    page: list[ResultRow]) -> dict[str, int]:
    """Each volunteer's all-time minutes (the page's own, when it is of all time)."""
    if query.year is None or not page:
        return {r["subject_id"]: int(r["minutes"]) for r in page}
    ids = [r["subject_id"] for r in page]
    sql = (f'SELECT "subject_id", "minutes" FROM {{totals}} WHERE "scope" = ? '  # noqa: S608  (marks only)
           f'AND "period" = ? AND "subject_id" IN ({_marks(ids)})')
    rows = await _read(request, HoursLedger.name, sql, ("volunteer", ALL_TIME, *ids))
    return {r["subject_id"]: int(r["minutes"]) for r in rows}


async def _names(request: Request[Any, Any, Any], ids: list[str]) -> dict[str, str | None]:
    sql = (f'SELECT "volunteer_id", "name" FROM {{volunteers}} '  # noqa: S608  (marks only)
           f'WHERE "volunteer_id" IN ({_marks(ids)})')
    return {r["volunteer_id"]: r["name"] for r in await _read(request, Roster.name, sql, ids)}


async def _community_total(request: Request[Any, Any, Any], query: HoursQuery) -> tuple[int, int]:
    sql = ('SELECT "minutes", "assignments" FROM {totals} '
           'WHERE "scope" = ? AND "subject_id" = ? AND "period" = ?')
    rows = await _read(request, HoursLedger.name, sql,
                       ("community", str(query.subject_id), query.period))
    return (int(rows[0]["minutes"]), int(rows[0]["assignments"])) if rows else (0, 0)


async def _volunteer_totals(request: Request[Any, Any, Any],
                            query: HoursQuery) -> tuple[list[ResultRow], str | None]:
    conditions = ['"community_id" = ?', '"scope" = ?', '"period" = ?']
    params: list[DbValue] = [str(query.subject_id), "volunteer", query.period]
    scope = ("community-hours", str(query.subject_id), query.period)
    if query.cursor is not None:
        minutes, volunteer = decode_cursor(scope, query.cursor, 2)
        conditions.append('("minutes" < ? OR ("minutes" = ? AND "subject_id" > ?))')
        params.extend((int(minutes), int(minutes), volunteer))
    sql = (f'SELECT "subject_id", "minutes", "assignments" FROM {{totals}} '  # noqa: S608  (names from code, values bound)
           f'WHERE {" AND ".join(conditions)} ORDER BY "minutes" DESC, "subject_id" LIMIT ?')
    rows = await _read(request, HoursLedger.name, sql, (*params, query.limit + 1))
    last = rows[query.limit - 1] if len(rows) > query.limit else None
    cursor = None if last is None else encode_cursor(
        scope, (str(last["minutes"]), last["subject_id"]))
    return rows[:query.limit], cursor


async def community_hours(request: Request[Any, Any, Any],
                          query: HoursQuery) -> CommunityHoursPage:
    """The community's total for the period and a page of its volunteers' totals."""
    minutes, assignments = await _community_total(request, query)
    rows, cursor = await _volunteer_totals(request, query)
    names = await _names(request, [r["subject_id"] for r in rows]) if rows else {}
    all_time = await _all_time(request, query, rows)
    rules = policy(request)
    items = tuple(VolunteerHoursItem(
        volunteer_id=UUID(r["subject_id"]), name=names.get(r["subject_id"]),
        minutes=int(r["minutes"]), assignments=int(r["assignments"]),
        star_level=star_level(all_time.get(r["subject_id"], 0), rules)) for r in rows)
    return CommunityHoursPage(community_id=query.subject_id, period=query.period,
                              minutes=minutes, assignments=assignments, items=items,
                              next_cursor=cursor)
