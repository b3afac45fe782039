"""The re-planner: re-plan a community's week after a decline or a no-show.

It follows the ``replans`` view (:mod:`wushe.projections.views.replans`): every
pending trigger of a week that has not ended yet gets one staffing run for its
community and week, whose completion takes the week's triggers off the list. Weeks that are
over are left alone (nothing can be staffed in the past). A failed run is logged
and retried on the next pass; the run itself records ``failed`` with the reason.

A run whose process died between its request and its result would keep its week's
triggers claimed for ever: a run still in progress :data:`ABANDONED_AFTER` after its
request (longer than the longest time limit ``wushe match`` accepts, an hour, plus
building the problem) is recorded ``failed`` as abandoned, which makes its triggers due
again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from wushe.platform.domain.errors import ConflictError, InvalidStateError
from wushe.platform.domain.staffing_run import RunReason, StaffingRun
from wushe.platform.staffing.horizon import Week
from wushe.projections.schema import utc_text
from wushe.projections.service import Projections
from wushe.projections.views.replans import PENDING, RUNS, Replans, monday_of

if TYPE_CHECKING:
    import threading

    from wushe.platform.staffing.service import StaffingService

__all__ = ["ABANDONED_AFTER", "POLL_SECONDS", "fail_abandoned", "replan_due", "run_replanner"]

ABANDONED_AFTER = timedelta(minutes=75)
POLL_SECONDS = 1.0
RETRY_SECONDS = 30.0
_log = logging.getLogger("wushe.replanner")


def replan_due(service: StaffingService, now: datetime | None = None) -> list[UUID]:
    """Run every re-plan that is due now; return the runs' ids."""
    now = now or service.now()
    views = Projections(service.app, service.store, views=(Replans,))
    if fail_abandoned(service, views, now):
        views.catch_up()
    pending = views.reader(Replans.name).rows(PENDING, "week_of >= ? AND run_id IS NULL",
                                              monday_of(now))
    done: list[UUID] = []
    for community, week in dict.fromkeys((r["community_id"], r["week_of"]) for r in pending):
        first = next(r for r in pending if (r["community_id"], r["week_of"]) == (community, week))
        outcome = service.run(UUID(community), Week(date.fromisoformat(week)),
                              reason=RunReason(first["reason"]),
                              trigger_id=UUID(first["trigger_id"]))
        done.append(outcome.run_id)
    return done


def fail_abandoned(service: StaffingService, views: Projections, now: datetime) -> list[UUID]:
    """Record ``failed`` for every run still in progress :data:`ABANDONED_AFTER` after its
    request; return their ids (the views catch up first)."""
    views.catch_up()
    stale = views.reader(Replans.name).rows(RUNS, "requested_at < ?",
                                            utc_text(now - ABANDONED_AFTER))
    failed: list[UUID] = []
    for row in stale:
        run_id = UUID(row["run_id"])
        try:
            service.app.update(StaffingRun, run_id, lambda run: run.fail(
                "abandoned: no result within the time allowed (its process stopped)", now))
        except (InvalidStateError, ConflictError):  # it finished meanwhile
            continue
        _log.warning("staffing run %s was abandoned; its re-plans are due again", run_id)
        failed.append(run_id)
    return failed


def run_replanner(service: StaffingService, stop: threading.Event,
                  poll_seconds: float = POLL_SECONDS) -> None:
    """Re-plan what is due, every ``poll_seconds``, until ``stop`` is set."""
    while not stop.is_set():
        try:
            replan_due(service)
        # Logged with its traceback; the next pass retries (a run records its failure).
        except Exception:  # noqa: BLE001
            _log.exception("re-planning failed; retrying in %.0f s", RETRY_SECONDS)
            stop.wait(RETRY_SECONDS)
        stop.wait(poll_seconds)


