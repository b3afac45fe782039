"""One resource run: request → read the views → match in a worker process → record.

The match runs in a separate process (``spawn``), like a staffing solve, so a server
or CLI stays responsive and a crash in the solver cannot take the caller down; the
run then records ``failed`` with the reason and nothing is allocated. Each allocation
is recorded with a request key of the run, so a retried recording allocates once; a
second run of the same week finds only what is still short, so it changes nothing
unless the offers or the requests changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from wushe.matching.resources import ResourceParams, ResourcePlan, match_resources
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.resource_run import ResourceRun, ResourceRunResult, UnmetRequest
from wushe.platform.domain.staffing_run import RunReason
from wushe.platform.resourcing.apply import Changes, apply_plan
from wushe.platform.resourcing.inputs import ResourceViews, ResourcingInput, read_input
from wushe.platform.solver_process import SolverProcess, failure_text
from wushe.projections.service import Projections
from wushe.projections.views.needs import NeedsList
from wushe.projections.views.projects import ProjectList
from wushe.projections.views.resources import ResourceList

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.matching.resources import ResourceProblem
    from wushe.platform.application import WusheApplication
    from wushe.platform.domain.policy import Policy
    from wushe.platform.staffing.horizon import Week
    from wushe.projections.store import ViewStore

__all__ = ["ResourcingOutcome", "ResourcingService"]

INPUT_VIEWS = (ResourceList, ProjectList, NeedsList)


class ResourcingOutcome:
    """A finished run: its id, the input, the plan and what recording it changed."""

    def __init__(self, run_id: UUID, given: ResourcingInput, plan: ResourcePlan,
                 changes: Changes) -> None:
        self.run_id, self.input, self.plan, self.changes = run_id, given, plan, changes


class ResourcingService:
    """Matches a community's week of resource requests to its offers and records the result."""

    def __init__(self, app: WusheApplication, store: ViewStore, policy: Policy,
                 params: ResourceParams | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.app, self.store, self.policy = app, store, policy
        self.params = params or ResourceParams()
        self.now = clock or _now
        self.views = Projections(app, store, views=INPUT_VIEWS)
        self._solver = SolverProcess()

    def run(self, community_id: UUID, week: Week, *,
            reason: RunReason = RunReason.MANUAL) -> ResourcingOutcome:
        """Match ``week``'s requests for ``community_id`` and record it (see the module docstring).

        Raises:
            Exception: whatever made the run fail, after recording ``failed``.
        """
        run_id = uuid4()
        self.app.create(ResourceRun.request(id=run_id, community_id=community_id,
                                            week_of=week.monday, reason=reason, at=self.now()))
        try:
            self.views.catch_up()  # read-your-writes: the views include every earlier run
            given = read_input(self._readers(), community_id, week, self.params)
            plan = self._solve(given.problem)
            changes = apply_plan(self.app, plan, run_id=run_id, at=self.now())
        except BaseException as error:
            failure = failure_text(error)
            self.app.update(ResourceRun, run_id, lambda r: r.fail(failure, self.now()))
            raise
        self.app.update(ResourceRun, run_id,
                        lambda r: r.complete(_result(plan, given, changes), self.now()))
        return ResourcingOutcome(run_id, given, plan, changes)

    def close(self) -> None:
        self._solver.close()

    def _solve(self, problem: ResourceProblem) -> ResourcePlan:
        if not problem.requirements:
            return match_resources(problem)  # nothing to match: not worth a process
        return self._solver.run(match_resources, problem)

    def _readers(self) -> ResourceViews:
        read = self.views.reader
        return ResourceViews(resources=read(ResourceList.name), projects=read(ProjectList.name),
                             needs=read(NeedsList.name))


def _result(plan: ResourcePlan, given: ResourcingInput, changes: Changes) -> ResourceRunResult:
    tiers = plan.tiers
    met, partly, _ = changes.standing(given)
    return ResourceRunResult(
        solver_status=str(plan.status), objective=plan.objective, bound=plan.bound,
        gap=plan.gap, seconds=plan.seconds, eligible_pairs=plan.eligible_pairs,
        tiers=(tiers.priority_shortfall, tiers.other_shortfall, tiers.distance, tiers.spread),
        requests=len(given.problem.requirements), allocations=changes.allocations, met=met,
        partly_met=partly, skipped=changes.skipped,
        unmet=tuple(UnmetRequest(UUID(u.requirement), u.shortfall, str(u.reason))
                    for u in plan.unmet))


def _now() -> datetime:
    return datetime.now(CHINA_TIME)
