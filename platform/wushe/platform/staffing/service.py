"""One staffing run: request → read the views → solve in a worker process → record.

The solve runs in a separate process (``spawn``) so a server or CLI stays responsive
and a crash in the solver cannot take the caller down; the run then records
``failed`` with the reason. Every run after a week's first is a re-plan: accepted
assignments are fixed, pending offers kept where the plan allows, refusals respected.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from wushe.matching.staffing import Params, Plan, solve
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.errors import ConflictError
from wushe.platform.domain.staffing_run import (
    RunReason,
    RunResult,
    StaffingRun,
    UnfilledPlace,
)
from wushe.platform.solver_process import SolverProcess, failure_text
from wushe.platform.staffing.apply import Changes, apply_plan
from wushe.platform.staffing.inputs import StaffingInput, ViewSet, read_input
from wushe.projections.service import Projections
from wushe.projections.views.hours import HoursLedger
from wushe.projections.views.needs import NeedsList
from wushe.projections.views.participation import OrganisationParticipation
from wushe.projections.views.projects import ProjectList
from wushe.projections.views.roster import Roster

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.matching.staffing import Problem
    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.policy import Policy
    from wushe.platform.staffing.horizon import Week
    from wushe.projections.store import ViewStore

__all__ = ["RunAlreadyRequestedError", "RunOutcome", "StaffingService"]

INPUT_VIEWS = (Roster, ProjectList, NeedsList, HoursLedger, OrganisationParticipation)


class RunAlreadyRequestedError(ConflictError):
    """A run with this id was requested before (a retried request): it is not run again."""


class RunOutcome:
    """A finished run: its id, the plan and what recording it changed."""

    def __init__(self, run_id: UUID, given: StaffingInput, plan: Plan, changes: Changes) -> None:
        self.run_id, self.input, self.plan, self.changes = run_id, given, plan, changes


class StaffingService:
    """Runs the optimiser for a community's week and records the result."""

    def __init__(self, app: WusheApplication, store: ViewStore, policy: Policy,
                 params: Params | None = None, clock: Callable[[], datetime] | None = None,
                 ) -> None:
        self.app, self.store, self.policy = app, store, policy
        self.params = params or Params()
        self.now = clock or _now
        self.views = Projections(app, store, views=INPUT_VIEWS)
        self._solver = SolverProcess()

    def run(self, community_id: UUID, week: Week, *, reason: RunReason = RunReason.MANUAL,
            trigger_id: UUID | None = None, run_id: UUID | None = None) -> RunOutcome:
        """Plan ``week`` for ``community_id`` and record it (see the module docstring).

        ``run_id`` (default: a new one) makes a retried request idempotent.

        Raises:
            RunAlreadyRequestedError: a run with ``run_id`` exists; nothing was done.
            Exception: whatever made the run fail, after recording ``failed``.
        """
        run_id = run_id or uuid4()
        recorded = self.app.create(StaffingRun.request(
            id=run_id, community_id=community_id, week_of=week.monday, reason=reason,
            trigger_id=trigger_id, at=self.now()))
        if not recorded.created:
            raise RunAlreadyRequestedError("staffing.run_exists", "该排班请求已提交过",
                                           f"run {run_id} was requested before")
        try:
            self.views.catch_up()  # read-your-writes: the views include the request
            given = read_input(self._readers(), community_id, week, self.params)
            plan = self._solve(given.problem)
            changes = apply_plan(self.app, self.policy, plan, given, run_id=run_id,
                                 at=self.now())
        except BaseException as error:
            failure = failure_text(error)
            self.app.update(StaffingRun, run_id, lambda r: r.fail(failure, self.now()))
            raise
        self.app.update(StaffingRun, run_id,
                        lambda r: r.complete(_result(plan, given, changes), self.now()))
        return RunOutcome(run_id, given, plan, changes)

    def close(self) -> None:
        self._solver.close()

    def _solve(self, problem: Problem) -> Plan:
        return self._solver.run(solve, problem)

    def _readers(self) -> ViewSet:
        read = self.views.reader
        return ViewSet(roster=read(Roster.name), projects=read(ProjectList.name),
                       needs=read(NeedsList.name), hours=read(HoursLedger.name),
                       participation=read(OrganisationParticipation.name))


def _result(plan: Plan, given: StaffingInput, changes: Changes) -> RunResult:
    tiers = plan.tiers
    return RunResult(
        solver_status=str(plan.status), objective=plan.objective, bound=plan.bound,
        gap=plan.gap, seconds=plan.seconds, first_plan_seconds=plan.first_plan_seconds,
        eligible_pairs=plan.eligible_pairs,
        tiers=(tiers.priority_shortfall, tiers.other_shortfall, tiers.changes, tiers.quality,
               tiers.fairness),
        proposed=changes.proposed, kept=changes.kept, withdrawn=changes.withdrawn,
        teams_assigned=changes.teams_assigned,
        unfilled=tuple(UnfilledPlace(given.shift_projects[u.shift], UUID(u.shift), u.shortfall,
                                     str(u.reason)) for u in plan.unfilled))


def _now() -> datetime:
    return datetime.now(CHINA_TIME)
