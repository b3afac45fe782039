"""The runs view: every staffing run of a community, its status and solver figures.

Runs are recorded through the aggregate (requested, then completed or failed) on
SQLite and PostgreSQL, followed live event by event, checked row for row, and
rebuilt from scratch to the same rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import msgspec
import pytest

from tests.helpers import MONDAY_9AM
from wushe.platform.domain.staffing_run import (
    RunReason,
    RunResult,
    RunStatus,
    StaffingRun,
    UnfilledPlace,
)
from wushe.projections.catalog import physical_name
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views.runs import RUNS, StaffingRuns

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

AT = MONDAY_9AM - timedelta(days=7)
WEEK = date(2026, 11, 30)
UNFILLED = UnfilledPlace(project_id=uuid4(), shift_id=uuid4(), shortfall=1,
                         reason="no volunteer with the skill first_aid is free")
RESULT = RunResult(solver_status="OPTIMAL", objective=12, bound=12, gap=0.0, seconds=0.25,
                   first_plan_seconds=0.125, eligible_pairs=40, tiers=(1, 0, 3, 8, 0),
                   proposed=3, kept=1, withdrawn=2, teams_assigned=1, unfilled=(UNFILLED,))


def record_runs(app: WusheApplication, community_id: UUID) -> dict[str, UUID]:
    """Three runs of the community's week: completed, failed, and still requested."""
    runs: dict[str, UUID] = {}
    for n, (name, reason) in enumerate((("completed", RunReason.MANUAL),
                                        ("failed", RunReason.DECLINED),
                                        ("requested", RunReason.SCHEDULED))):
        run = StaffingRun.request(id=uuid4(), community_id=community_id, week_of=WEEK,
                                  reason=reason, at=AT + timedelta(minutes=n),
                                  trigger_id=uuid4() if reason is RunReason.DECLINED else None)
        if name == "completed":
            run.complete(RESULT, AT + timedelta(minutes=5))
        elif name == "failed":
            run.fail("the solver process died", AT + timedelta(minutes=6))
        app.create(run)
        runs[name] = run.id
    return runs


@pytest.fixture
def views(app: WusheApplication) -> Iterator[Projections]:
    store = ViewStore.open(app.settings)
    yield Projections(app, store, views=(StaffingRuns,))
    store.close()


def rows(views: Projections) -> dict[str, dict[str, Any]]:
    """Every row of the live generation, by run id."""
    store = views.catalog.store
    generation = views.catalog.active_generation(StaffingRuns.name) or 0
    names = RUNS.column_names
    found = store.fetchall(f'SELECT {", ".join(names)} FROM '  # noqa: S608
                           f'{store.name(physical_name("runs", generation, "runs"))}')
    return {row[0]: dict(zip(names, row, strict=True)) for row in found}


def test_each_run_has_its_status_times_and_figures(app: WusheApplication,
                                                    views: Projections) -> None:
    community = uuid4()
    runs = record_runs(app, community)
    views.catch_up(batch_size=1)  # live, event by event
    live = rows(views)
    assert set(live) == {str(r) for r in runs.values()}
    done, failed, waiting = (live[str(runs[n])] for n in ("completed", "failed", "requested"))
    assert {r["community_id"] for r in live.values()} == {str(community)}
    assert {r["week_of"] for r in live.values()} == {"2026-11-30"}
    assert (done["status"], done["version"], done["reason"]) == ("completed", 2, "manual")
    assert (done["requested_at"], done["finished_at"]) == \
        ("2026-11-23T01:00:00.000000Z", "2026-11-23T01:05:00.000000Z")
    assert (done["solver_status"], done["objective"], done["gap"], done["seconds"]) == \
        ("OPTIMAL", 12, 0.0, 0.25)
    assert (done["proposed"], done["kept"], done["withdrawn"], done["teams_assigned"]) == \
        (3, 1, 2, 1)
    assert msgspec.json.decode(done["tiers"]) == [1, 0, 3, 8, 0]
    assert msgspec.json.decode(done["unfilled"]) == [msgspec.to_builtins(UNFILLED)]
    assert (failed["status"], failed["failure"], failed["solver_status"]) == \
        ("failed", "the solver process died", None)
    assert failed["trigger_id"] is not None
    assert (waiting["status"], waiting["finished_at"], waiting["version"]) == \
        (RunStatus.REQUESTED, None, 1)

    views.rebuild(StaffingRuns.name)
    assert rows(views) == live
