"""Staffing runs for the API: the app's own StaffingService, and a run on the wire.

**One service per app.** :func:`staffing_service` makes the app's
:class:`StaffingService` on first use, with a :class:`ViewStore` of its own and the
app's business clock; :func:`close_staffing` (from the app's lifespan) closes both.
Runs of one app are serialised by a lock: the service has one solver process and
one set of parameters, which each run sets (time limit and gap from the request).

**Listing runs** reads the ``runs`` view (see
:mod:`wushe.platform.http.api.staffing_list`); one run is loaded from the log and
answered through :func:`run_out`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from wushe.matching.staffing import Params
from wushe.platform.domain.staffing_run import RunStatus
from wushe.platform.http.api.clock import app_now
from wushe.platform.http.api.schemas.staffing import RunResultOut, StaffingRunOut, UnfilledOut
from wushe.platform.staffing.service import RunAlreadyRequestedError, StaffingService
from wushe.projections.store import ViewStore

if TYPE_CHECKING:
    from uuid import UUID

    from litestar import Litestar

    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.staffing_run import StaffingRun
    from wushe.platform.staffing.horizon import Week

__all__ = ["close_staffing", "run_out", "run_staffing", "staffing_service"]

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


def run_staffing(app: Litestar, community_id: UUID, week: Week, params: Params,
                 run_id: UUID | None = None) -> UUID:
    """Run the optimiser for the week with ``params`` (blocking; one run at a time per app);
    return the run's id.

    A ``run_id`` requested before (a retry racing its first attempt, perhaps in another
    worker) is not run again: its id is returned as the run stands.
    """
    staffing = staffing_service(app)
    with staffing.running:
        staffing.service.params = params
        try:
            return staffing.service.run(community_id, week, run_id=run_id).run_id
        except RunAlreadyRequestedError:
            assert run_id is not None  # noqa: S101  (only a given id can exist already)
            return run_id


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
                          requested_at=run.requested_at,
                          finished_at=None if run.status is RunStatus.REQUESTED else run.last_at,
                          result=out, failure=run.failure, version=run.version)

