"""Staffing runs (排班记录): every optimiser run per community, as the run list shows it.

``runs`` has one row per :class:`~wushe.platform.domain.staffing_run.StaffingRun`:
its community, week (the Monday, China time), why it was asked for (and the
assignment or need that triggered it), its status (``requested`` → ``completed`` or
``failed``), when it was requested and when it finished, the aggregate's version,
and, once completed, the solver's figures and what the plan changed: status,
objective, bound, gap, seconds, tiers, offers proposed / kept / withdrawn, teams
given projects, and the unfilled places with their reasons (JSON). A failed run
keeps its failure text. So the list of a community's runs is one indexed query,
where it used to be a scan of the log.

The ``replans`` view keeps only the runs in progress (the re-planner's look-up);
this one keeps them all. No personal data: ids of communities, projects, shifts
and the triggering assignment or need only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Column, Table, integer_columns, text_columns

if TYPE_CHECKING:
    from wushe.projections.writer import ViewWriter

__all__ = ["RUNS", "StaffingRuns"]

RUNS = Table(
    name="runs",
    columns=(
        *text_columns("run_id", "community_id", "week_of", "reason", "trigger_id", "status",
                      "requested_at", "finished_at", "failure", "solver_status", "tiers",
                      "unfilled"),
        *integer_columns("version", "objective", "bound", "eligible_pairs", "proposed",
                         "kept", "withdrawn", "teams_assigned"),
        Column("gap", "real"), Column("seconds", "real"), Column("first_plan_seconds", "real"),
    ),
    key=("run_id",),
    indexes=(("community_id", "requested_at", "run_id"), ("community_id", "week_of")),
)
_FIGURES = ("solver_status", "objective", "bound", "gap", "seconds", "first_plan_seconds",
            "eligible_pairs", "proposed", "kept", "withdrawn", "teams_assigned")


class StaffingRuns(Projection):
    """Maintains the ``runs`` table."""

    name: ClassVar[str] = "runs"
    tables: ClassVar[tuple[Table, ...]] = (RUNS,)

    @handles("wushe.staffing_run.requested")
    def requested(self, event: Any, view: ViewWriter) -> None:
        view.put("runs", {
            "run_id": event.originator_id, "community_id": event.community_id,
            "week_of": event.week_of.isoformat(), "reason": event.reason,
            "trigger_id": event.trigger_id, "status": "requested", "requested_at": event.at,
            "version": event.originator_version,
        })

    @handles("wushe.staffing_run.completed")
    def completed(self, event: Any, view: ViewWriter) -> None:
        result = event.result
        figures = {name: getattr(result, name) for name in _FIGURES}
        _finish(view, event, "completed", **figures,
                tiers=msgspec.json.encode(list(result.tiers)).decode(),
                unfilled=msgspec.json.encode(result.unfilled).decode())

    @handles("wushe.staffing_run.failed")
    def failed(self, event: Any, view: ViewWriter) -> None:
        _finish(view, event, "failed", failure=event.reason)


def _finish(view: ViewWriter, event: Any, status: str, **changes: Any) -> None:
    run = view.require("runs", event.originator_id)
    run.update(status=status, finished_at=event.at, version=event.originator_version,
               **changes)
    view.put("runs", run)
