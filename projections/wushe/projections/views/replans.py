"""Re-plans due (the staffing re-planner's to-do list).

A volunteer who declines an offer, or does not show up, leaves a place open: the
community's week should be re-planned. ``pending`` holds one row per such trigger
(the assignment) with its community and week. A project serving an urgent (or
emergency) need makes every week of its shifts due when it is published, when the
need is linked to it while published, and when a shift is added or changed while
published (8.6: urgent requests come first). A staffing run for that community and
week claims the week's triggers when it is requested (it re-plans the whole week as
the log stands then); when it completes they leave the list, when it fails they are
due again. The re-planner (``wushe match --follow``, or
``wushe serve`` on SQLite) reads this list and requests the runs.

``projects``, ``shifts``, ``urgent_needs``, ``offers`` and ``runs`` are this view's own
look-ups (project → community, published, serves an urgent need; shift → week;
assignment → community and week; run in progress → community, week and when it was
requested, so that the re-planner can fail a run whose process died). No personal data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from wushe.platform.domain.calendar import local_date
from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, integer_columns, text_columns, utc_text

if TYPE_CHECKING:
    from datetime import datetime

    from wushe.projections.writer import ViewWriter

__all__ = ["PENDING", "RUNS", "Replans", "monday_of"]

PENDING = Table(
    name="pending",
    columns=text_columns("community_id", "week_of", "trigger_id", "reason", "run_id"),
    key=("community_id", "week_of", "trigger_id"),
    indexes=(("week_of",),),
)
PROJECTS = Table(name="projects",
                 columns=(*text_columns("project_id", "community_id"),
                          *integer_columns("published", "urgent")),
                 key=("project_id",))
SHIFTS = Table(name="shifts", columns=text_columns("project_id", "shift_id", "week_of"),
               key=("project_id", "shift_id"))
URGENT_NEEDS = Table(name="urgent_needs", columns=text_columns("need_id"), key=("need_id",))
OFFERS = Table(name="offers", columns=text_columns("assignment_id", "community_id", "week_of"),
               key=("assignment_id",))
RUNS = Table(name="runs",
             columns=text_columns("run_id", "community_id", "week_of", "requested_at"),
             key=("run_id",))


def monday_of(moment: datetime) -> str:
    """The ISO date of the Monday of ``moment``'s China-time week."""
    day = local_date(moment)
    return (day - timedelta(days=day.weekday())).isoformat()


class Replans(Projection):
    """Maintains the ``pending`` re-plans."""

    name: ClassVar[str] = "replans"
    tables: ClassVar[tuple[Table, ...]] = (PENDING, PROJECTS, OFFERS, RUNS, SHIFTS,
                                           URGENT_NEEDS)

    @handles("wushe.service_project.drafted")
    def drafted(self, event: Any, view: ViewWriter) -> None:
        view.put("projects", {"project_id": event.originator_id,
                              "community_id": event.community_id, "published": False,
                              "urgent": False})

    # -- a new urgent need: its project's weeks are re-planned --------------------------

    @handles("wushe.need.received")
    def need_received(self, event: Any, view: ViewWriter) -> None:
        if event.urgency != "routine":
            view.put("urgent_needs", {"need_id": event.originator_id})

    @handles("wushe.service_project.need_served")
    def need_served(self, event: Any, view: ViewWriter) -> None:
        if view.get("urgent_needs", event.need_id) is not None:
            _urgent_weeks(view, _project(view, event.originator_id, urgent=True))

    @handles("wushe.service_project.published")
    def published(self, event: Any, view: ViewWriter) -> None:
        _urgent_weeks(view, _project(view, event.originator_id, published=True))

    @handles("wushe.service_project.cancelled", "wushe.service_project.completed")
    def closed(self, event: Any, view: ViewWriter) -> None:
        _project(view, event.originator_id, published=False)

    @handles("wushe.service_project.shift_added", "wushe.service_project.shift_changed")
    def shift_set(self, event: Any, view: ViewWriter) -> None:
        shift = event.shift
        view.put("shifts", {"project_id": event.originator_id, "shift_id": shift.shift_id,
                            "week_of": monday_of(shift.span.start)})
        project = view.require("projects", event.originator_id)
        if project["published"] and project["urgent"]:
            _due(view, project["community_id"], monday_of(shift.span.start), shift.shift_id,
                 "urgent_need")

    @handles("wushe.service_project.shift_removed")
    def shift_removed(self, event: Any, view: ViewWriter) -> None:
        view.delete("shifts", event.originator_id, event.shift_id)

    @handles("wushe.assignment.proposed")
    def proposed(self, event: Any, view: ViewWriter) -> None:
        project = view.require("projects", event.project_id)
        view.put("offers", {"assignment_id": event.originator_id,
                            "community_id": project["community_id"],
                            "week_of": monday_of(event.span.start)})

    @handles("wushe.assignment.declined")
    def declined(self, event: Any, view: ViewWriter) -> None:
        offer = view.require("offers", event.originator_id)
        _due(view, offer["community_id"], offer["week_of"], event.originator_id, "declined")

    @handles("wushe.assignment.marked_no_show")
    def marked_no_show(self, event: Any, view: ViewWriter) -> None:
        offer = view.require("offers", event.originator_id)
        _due(view, offer["community_id"], offer["week_of"], event.originator_id, "no_show")

    @handles("wushe.staffing_run.requested")
    def run_requested(self, event: Any, view: ViewWriter) -> None:
        """The run re-plans its week as the log stands now: it claims the week's triggers."""
        week = event.week_of.isoformat()
        view.put("runs", {"run_id": event.originator_id, "community_id": event.community_id,
                          "week_of": week, "requested_at": utc_text(event.at)})
        for row in _week_rows(view, event.community_id, week):
            if row["run_id"] is None:
                view.put("pending", {**row, "run_id": event.originator_id})

    @handles("wushe.staffing_run.completed")
    def run_completed(self, event: Any, view: ViewWriter) -> None:
        run = view.require("runs", event.originator_id)
        view.delete("runs", event.originator_id)
        for row in _week_rows(view, run["community_id"], run["week_of"]):
            if row["run_id"] == run["run_id"]:
                view.delete("pending", row["community_id"], row["week_of"], row["trigger_id"])

    @handles("wushe.staffing_run.failed")
    def run_failed(self, event: Any, view: ViewWriter) -> None:
        """A failed run leaves its triggers due."""
        run = view.require("runs", event.originator_id)
        view.delete("runs", event.originator_id)
        for row in _week_rows(view, run["community_id"], run["week_of"]):
            if row["run_id"] == run["run_id"]:
                view.put("pending", {**row, "run_id": None})


def _due(view: ViewWriter, community_id: Any, week: Any, trigger_id: Any, reason: str) -> None:
    view.put("pending", {"community_id": community_id, "week_of": week,
                         "trigger_id": trigger_id, "reason": reason, "run_id": None})


def _week_rows(view: ViewWriter, community_id: Any, week: Any) -> list[dict[str, Any]]:
    return [r for r in view.where("pending", "community_id", community_id)
            if r["week_of"] == week]


def _project(view: ViewWriter, project_id: Any, **changes: Any) -> dict[str, Any]:
    project = view.require("projects", project_id)
    project.update(changes)
    view.put("projects", project)
    return project


def _urgent_weeks(view: ViewWriter, project: dict[str, Any]) -> None:
    """A published project serving an urgent need: every week of its shifts is due."""
    if not (project["published"] and project["urgent"]):
        return
    for shift in view.where("shifts", "project_id", project["project_id"]):
        _due(view, project["community_id"], shift["week_of"], project["project_id"],
             "urgent_need")
