"""``wushe match``: staff a week of service projects with the optimiser and record the plan,
then match the week's resource requests to the resource list."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

import click
from rich.console import Console
from rich.table import Table

from wushe.matching.resources import ResourceParams
from wushe.matching.staffing import Params
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.policy import Policy
from wushe.platform.resourcing.service import ResourcingService
from wushe.platform.staffing.horizon import Week
from wushe.platform.staffing.replanner import run_replanner
from wushe.platform.staffing.service import StaffingService
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views.compliance import COMMUNITIES, ComplianceIndicators
from wushe.projections.worker import stop_on_signals

if TYPE_CHECKING:
    from wushe.platform.application import WusheApplication
    from wushe.platform.resourcing.service import ResourcingOutcome
    from wushe.platform.staffing.service import RunOutcome

__all__ = ["match"]


@click.command()
@click.option("--community", "communities", multiple=True,
              help="Community id or statistical code (repeatable; default: every community).")
@click.option("--week", "week_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Monday of the week to staff (default: next week, China time).")
@click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=20.0, show_default=True,
              help="Seconds the solver may take per community.")
@click.option("--gap", type=click.FloatRange(0, 1), default=0.01, show_default=True,
              help="Stop at this proven relative gap.")
@click.option("--follow", is_flag=True,
              help="Keep running: re-plan a week whenever a volunteer declines or does not "
                   "show up (Ctrl-C or SIGTERM stops).")
@click.option("--no-resources", is_flag=True,
              help="Staff only: do not match the week's resource requests to the offers.")
def match(*, communities: tuple[str, ...], week_of: datetime | None, time_limit: float,
          gap: float, follow: bool, no_resources: bool) -> None:
    """Staff a week's shifts with volunteers and teams, then allocate offers of the resource
    list to the week's resource requests; print each plan and its gap.

    A run on a week that already has offers is a re-plan: accepted assignments stay,
    pending offers are kept where the plan allows, and refusals are respected. A second
    resource run allocates only what is still short.
    """
    week = _week(week_of)
    from wushe.platform.cli import open_application  # noqa: PLC0415  (cli imports this module)

    application = open_application()
    store = ViewStore.open(application.settings)
    service = StaffingService(application, store, Policy(),
                              Params(time_limit_s=time_limit, relative_gap=gap, workers=2))
    resourcing = None if no_resources else ResourcingService(
        application, store, Policy(),
        ResourceParams(time_limit_s=time_limit, relative_gap=gap, workers=2))
    try:
        if follow:
            click.echo("re-planner running; Ctrl-C to stop")
            run_replanner(service, stop_on_signals())
            return
        console = Console()
        for community in _communities(application, store, communities):
            outcome = service.run(community[0], week)
            console.print(_summary(community[1], week, outcome))
            if resourcing is not None:
                console.print(_resources(community[1], resourcing.run(community[0], week)))
    finally:
        if resourcing is not None:
            resourcing.close()
        service.close()
        store.close()
        application.close()


def _week(week_of: datetime | None) -> Week:
    if week_of is None:
        today = datetime.now(CHINA_TIME).date()
        return Week(today + timedelta(days=7 - today.weekday()))
    if week_of.weekday() != 0:
        raise click.BadParameter("must be a Monday", param_hint="--week")
    return Week(date(week_of.year, week_of.month, week_of.day))


def _communities(application: WusheApplication, store: ViewStore,
                 wanted: tuple[str, ...]) -> list[tuple[UUID, str]]:
    views = Projections(application, store, views=(ComplianceIndicators,))
    views.catch_up()
    rows = views.reader(ComplianceIndicators.name).rows(COMMUNITIES, "1 = 1")
    found = [r for r in rows if not wanted or {r["community_id"], r["code"]} & set(wanted)]
    missing = set(wanted) - {r["community_id"] for r in found} - {r["code"] for r in found}
    if missing:
        raise click.ClickException(f"no community {min(missing)!r}")
    if not found:
        raise click.ClickException("no community recorded yet (try `wushe demo`)")
    return [(UUID(r["community_id"]), f"{r['name']} ({r['code']})") for r in found]


def _summary(name: str, week: Week, outcome: RunOutcome) -> Table:
    plan, changes, problem = outcome.plan, outcome.changes, outcome.input.problem
    required = sum(s.min_headcount for s in problem.shifts)
    short = sum(u.shortfall for u in plan.unfilled)
    reasons: Counter[str] = Counter()
    for unfilled in plan.unfilled:
        reasons[str(unfilled.reason)] += unfilled.shortfall
    table = Table("", "", title=f"{name} — week of {week.monday.isoformat()}",
                  caption=f"run {outcome.run_id}")
    for label, value in (
        ("shifts / required places", f"{len(problem.shifts)} / {required}"),
        ("volunteers / eligible pairs", f"{len(problem.volunteers)} / {plan.eligible_pairs:,}"),
        ("places filled", f"{required - short} / {required}"),
        ("accepted (kept as they are)", str(len(problem.fixed))),
        ("offers: new / kept / withdrawn",
         f"{changes.proposed} / {changes.kept} / {changes.withdrawn}"),
        ("teams given projects", str(changes.teams_assigned)),
        ("unfilled places by reason", ", ".join(f"{r} {n}" for r, n in reasons.most_common())
         or "—"),
        ("solver", f"{plan.status} · gap {plan.gap:.2%} · {plan.seconds:.2f} s"),
    ):
        table.add_row(label, value)
    return table


def _resources(name: str, outcome: ResourcingOutcome) -> Table:
    plan, changes, given = outcome.plan, outcome.changes, outcome.input
    met, partly, nothing = changes.standing(given)
    reasons = Counter(str(u.reason) for u in plan.unmet)
    table = Table("", "", title=f"{name} — resources", caption=f"resource run {outcome.run_id}")
    for label, value in (
        ("requests / offers", f"{len(given.problem.requirements)} / {len(given.problem.offers)}"),
        ("met / partly met / unmet", f"{met} / {partly} / {nothing}"),
        ("allocations made", str(changes.allocations)),
        ("short by reason", ", ".join(f"{r} {n}" for r, n in reasons.most_common()) or "—"),
        ("solver", f"{plan.status} · gap {plan.gap:.2%} · {plan.seconds:.2f} s"),
    ):
        table.add_row(label, value)
    return table
