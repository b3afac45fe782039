"""The staffing-runs list: the ``runs`` view's rows of one community.

Oldest first by default (``sort=requested_desc``: newest first). Filters: status
(repeatable) and week (a Monday, the week planned). Keyset cursors on
(requested_at, run_id), bound to the community, the filters and the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from wushe.platform.domain.staffing_run import RunReason, RunStatus
from wushe.platform.http.api.projects_list import require_monday
from wushe.platform.http.api.reads import decode_cursor, encode_cursor
from wushe.platform.http.api.schemas.staffing import (
    RunResultOut,
    RunsSort,
    StaffingRunOut,
    StaffingRunsPage,
    UnfilledOut,
)
from wushe.platform.http.context import read_model
from wushe.projections.read import ViewNotBuiltError
from wushe.projections.views.runs import RUNS, StaffingRuns

if TYPE_CHECKING:
    from litestar import Request

    from wushe.projections.read import ResultRow
    from wushe.projections.schema import DbValue

__all__ = ["VIEWS", "RunsQuery", "runs_page"]

VIEWS = (StaffingRuns.name,)
_COLUMNS = ", ".join(f'"{c}"' for c in RUNS.column_names)
# (comparison after the cursor, ORDER BY direction) per order.
_ORDER = {RunsSort.REQUESTED_ASC: (">", "ASC"), RunsSort.REQUESTED_DESC: ("<", "DESC")}


@dataclass(frozen=True, slots=True)
class RunsQuery:
    """One page request of a community's runs."""

    community_id: UUID
    statuses: frozenset[RunStatus]
    week: date | None
    sort: RunsSort
    limit: int
    cursor: str | None


def _filters(query: RunsQuery) -> tuple[list[str], list[DbValue]]:
    conditions: list[str] = ['"community_id" = ?']
    params: list[DbValue] = [str(query.community_id)]
    if query.statuses:
        statuses = sorted(s.value for s in query.statuses)
        conditions.append(f'"status" IN ({", ".join("?" for _ in statuses)})')
        params.extend(statuses)
    if query.week is not None:
        require_monday(query.week)
        conditions.append('"week_of" = ?')
        params.append(query.week.isoformat())
    return conditions, params


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _result(row: ResultRow) -> RunResultOut | None:
    if row["status"] != RunStatus.COMPLETED:
        return None
    return RunResultOut(
        solver_status=row["solver_status"], objective=int(row["objective"]),
        bound=int(row["bound"]), gap=float(row["gap"]), seconds=float(row["seconds"]),
        first_plan_seconds=float(row["first_plan_seconds"]),
        eligible_pairs=int(row["eligible_pairs"]),
        tiers=msgspec.json.decode(row["tiers"], type=tuple[int, ...]),
        proposed=int(row["proposed"]), kept=int(row["kept"]), withdrawn=int(row["withdrawn"]),
        teams_assigned=int(row["teams_assigned"]),
        unfilled=msgspec.json.decode(row["unfilled"], type=tuple[UnfilledOut, ...]))


def _run(row: ResultRow) -> StaffingRunOut:
    trigger = row["trigger_id"]
    return StaffingRunOut(
        id=UUID(row["run_id"]), community_id=UUID(row["community_id"]),
        week_of=date.fromisoformat(row["week_of"]), reason=RunReason(row["reason"]),
        trigger_id=None if trigger is None else UUID(trigger), status=RunStatus(row["status"]),
        requested_at=datetime.fromisoformat(row["requested_at"]),
        finished_at=_moment(row["finished_at"]), result=_result(row), failure=row["failure"],
        version=int(row["version"]))


async def runs_page(request: Request[Any, Any, Any], query: RunsQuery) -> StaffingRunsPage:
    """One page of the community's runs, in the query's order."""
    conditions, params = _filters(query)
    after, direction = _ORDER[query.sort]
    fingerprint = ("staffing-runs", str(query.community_id), sorted(query.statuses),
                   str(query.week), query.sort.value)
    if query.cursor is not None:
        requested, run = decode_cursor(fingerprint, query.cursor, 2)
        conditions.append(f'("requested_at" {after} ? OR '
                          f'("requested_at" = ? AND "run_id" {after} ?))')
        params.extend((requested, requested, run))
    sql = (f'SELECT {_COLUMNS} FROM {{runs}} WHERE {" AND ".join(conditions)} '  # noqa: S608  (names from code, values bound)
           f'ORDER BY "requested_at" {direction}, "run_id" {direction} LIMIT ?')
    try:
        rows = await read_model(request).query(StaffingRuns.name, sql,
                                               (*params, query.limit + 1))
    except ViewNotBuiltError:
        rows = []
    page = rows[:query.limit]
    last = page[-1] if len(rows) > query.limit else None
    cursor = None if last is None else encode_cursor(
        fingerprint, (last["requested_at"], last["run_id"]))
    return StaffingRunsPage(tuple(_run(r) for r in page), cursor)
