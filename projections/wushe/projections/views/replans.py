"""Re-plans due (the staffing re-planner's to-do list).

A volunteer who declines an offer, or does not show up, leaves a place open: the
community's week should be re-planned. ``pending`` holds one row per such trigger
(the assignment) with its community and week; a staffing run for that community and
week that *completes* takes off the list every trigger of the week recorded before
the run was requested (a run re-plans the whole week as the log stood then); a run
that fails leaves them due. The re-planner (``wushe match --follow``, or
``wushe serve`` on SQLite) reads this list and requests the runs.

``projects``, ``offers`` and ``runs`` are this view's own look-ups (project →
community, assignment → community and week, run in progress → community, week and
request time). No personal data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from wushe.platform.domain.calendar import local_date
from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, text_columns

if TYPE_CHECKING:
    from datetime import datetime

    from wushe.projections.writer import ViewWriter

__all__ = ["PENDING", "Replans", "monday_of"]

PENDING = Table(
    name="pending",
    columns=text_columns("community_id", "week_of", "trigger_id", "reason", "at"),
    key=("community_id", "week_of", "trigger_id"),
    indexes=(("week_of",),),
)
PROJECTS = Table(name="projects", columns=text_columns("project_id", "community_id"),
                 key=("project_id",))
OFFERS = Table(name="offers", columns=text_columns("assignment_id", "community_id", "week_of"),
               key=("assignment_id",))
RUNS = Table(name="runs", columns=text_columns("run_id", "community_id", "week_of", "at"),
             key=("run_id",))


def monday_of(moment: datetime) -> str:
    """The ISO date of the Monday of ``moment``'s China-time week."""
    day = local_date(moment)
    return (day - timedelta(days=day.weekday())).isoformat()


class Replans(Projection):
    """Maintains the ``pending`` re-plans."""

    name: ClassVar[str] = "replans"
    tables: ClassVar[tuple[Table, ...]] = (PENDING, PROJECTS, OFFERS, RUNS)

    @handles("wushe.service_project.drafted")
    def drafted(self, event: Any, view: ViewWriter) -> None:
        view.put("projects", {"project_id": event.originator_id,
                              "community_id": event.community_id})

    @handles("wushe.assignment.proposed")
    def proposed(self, event: Any, view: ViewWriter) -> None:
        project = view.require("projects", event.project_id)
        view.put("offers", {"assignment_id": event.originator_id,
                            "community_id": project["community_id"],
                            "week_of": monday_of(event.span.start)})

    @handles("wushe.assignment.declined")
    def declined(self, event: Any, view: ViewWriter) -> None:
        _due(view, event, "declined")

    @handles("wushe.assignment.marked_no_show")
    def marked_no_show(self, event: Any, view: ViewWriter) -> None:
        _due(view, event, "no_show")

    @handles("wushe.staffing_run.requested")
    def run_requested(self, event: Any, view: ViewWriter) -> None:
        view.put("runs", {"run_id": event.originator_id, "community_id": event.community_id,
                          "week_of": event.week_of.isoformat(), "at": event.at})

    @handles("wushe.staffing_run.completed")
    def run_completed(self, event: Any, view: ViewWriter) -> None:
        """A completed run re-planned its week as the log stood when it was requested."""
        run = view.require("runs", event.originator_id)
        view.delete("runs", event.originator_id)
        for row in view.where("pending", "community_id", run["community_id"]):
            if row["week_of"] == run["week_of"] and str(row["at"]) <= str(run["at"]):
                view.delete("pending", row["community_id"], row["week_of"], row["trigger_id"])

    @handles("wushe.staffing_run.failed")
    def run_failed(self, event: Any, view: ViewWriter) -> None:
        view.delete("runs", event.originator_id)  # its triggers stay due


def _due(view: ViewWriter, event: Any, reason: str) -> None:
    offer = view.require("offers", event.originator_id)
    view.put("pending", {"community_id": offer["community_id"], "week_of": offer["week_of"],
                         "trigger_id": event.originator_id, "reason": reason, "at": event.at})
