"""Staffing runs for the API: the app's own StaffingService, the runs of a community.

**One service per app.** :func:`staffing_service` makes the app's
:class:`StaffingService` on first use, with a :class:`ViewStore` of its own and the
app's business clock; :func:`close_staffing` (from the app's lifespan) closes both.
Runs of one app are serialised by a lock: the service has one solver process and
one set of parameters, which each run sets (time limit and gap from the request).

**Listing runs.** No view keeps finished runs (the ``replans`` view forgets a run
once it completes), so the list reads the log itself: the ``requested`` events of
staffing runs, by topic, from the cursor's position on, keeping the community's;
each run is then loaded for its current state. That is a scan of one topic, fine
for the few runs a community makes a week; a ``runs`` view would replace it if the
log grows large (a later session).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.matching.staffing import Params
from wushe.platform.domain.staffing_run import StaffingRun
from wushe.platform.http.api.clock import app_now
from wushe.platform.http.api.schemas.staffing import RunResultOut, StaffingRunOut, UnfilledOut
from wushe.platform.staffing.service import StaffingService
from wushe.projections.store import ViewStore

if TYPE_CHECKING:
    from litestar import Litestar

    from wushe.platform.application import WusheApplication
    from wushe.platform.staffing.horizon import Week
    from wushe.platform.staffing.service import RunOutcome

__all__ = ["close_staffing", "run_out", "run_staffing", "runs_of", "staffing_service"]

_REQUESTED = "wushe.staffing_run.requested"
_SCAN_BATCH = 500
_MAKING = threading.Lock()  # guards making each app's service once


class _Staffing:
    """An app's staffing service, its view store, and the lock its runs take."""

    def __init__(self, app: Litestar) -> None:
        wushe: WusheApplication = app.state.wushe
        self.store = ViewStore.open(wushe.settings)
        self.service = StaffingService(wushe, self.store, app.state.policy,
                                       clock=lambda: app_now(app))
        self.running = threading.Lock()

    def close(self) -> None:
        self.service.close()
        self.store.close()


def staffing_service(app: Litestar) -> _Staffing:
    """The app's staffing service, made on first use."""
    with _MAKING:
        made: _Staffing | None = app.state.get("staffing")
        if made is None:
            made = app.state.staffing = _Staffing(app)
        return made


def close_staffing(app: Litestar) -> None:
    """Close the app's staffing service, if one was made (the lifespan calls this)."""
    made: _Staffing | None = app.state.get("staffing")
    if made is not None:
        made.close()
        app.state.staffing = None


def run_staffing(app: Litestar, community_id: UUID, week: Week, params: Params) -> RunOutcome:
    """Run the optimiser for the week with ``params`` (blocking; one run at a time per app)."""
    staffing = staffing_service(app)
    with staffing.running:
        staffing.service.params = params
        return staffing.service.run(community_id, week)


def run_out(run: StaffingRun) -> StaffingRunOut:
    """The wire form of a run."""
    result = run.result
    out = None if result is None else RunResultOut(
        solver_status=result.solver_status, objective=result.objective, bound=result.bound,
        gap=result.gap, seconds=result.seconds, first_plan_seconds=result.first_plan_seconds,
        eligible_pairs=result.eligible_pairs, tiers=result.tiers, proposed=result.proposed,
        kept=result.kept, withdrawn=result.withdrawn, teams_assigned=result.teams_assigned,
        unfilled=tuple(UnfilledOut(u.project_id, u.shift_id, u.shortfall, u.reason)
                       for u in result.unfilled))
    return StaffingRunOut(id=run.id, community_id=run.community_id, week_of=run.week_of,
                          reason=run.reason, trigger_id=run.trigger_id, status=run.status,
                          requested_at=run.requested_at, result=out, failure=run.failure,
                          version=run.version)


def runs_of(app: WusheApplication, community_id: UUID, after: int,
            limit: int) -> tuple[list[StaffingRun], int | None]:
    """Up to ``limit`` runs of the community requested after log position ``after``,
    oldest first, and the position to continue from (None: no more)."""
    found: list[tuple[int, Any]] = []
    start = after + 1
    while len(found) <= limit:
        notifications = app.recorder.select_notifications(
            start=start, limit=_SCAN_BATCH, topics=[_REQUESTED])
        for notification in notifications:
            event: Any = app.mapper.to_domain_event(notification)
            if str(event.community_id) == str(community_id):
                found.append((notification.id, event.originator_id))
        if len(notifications) < _SCAN_BATCH:
            break
        start = notifications[-1].id + 1
    runs = [app.load(StaffingRun, run_id) for _, run_id in found[:limit]]
    return runs, found[limit - 1][0] if len(found) > limit else None
