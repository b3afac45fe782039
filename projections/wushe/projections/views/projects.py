"""The project list (项目清单): projects, their shifts and staffing, needs and resources.

``projects`` holds one row per service project with its counts: shifts, the
headcount its shifts require (Σ minimum) and allow (Σ maximum), how many places
are filled and how many offers are pending, the needs it serves, the resources
reserved for it and the organisations taking part. ``shifts`` holds each shift
with ``filled`` (assignments accepted, checked in, checked out, confirmed or
disputed: the volunteer holds or held the place) and ``proposed`` (offers not yet
answered). ``assignments`` is the helper that remembers each assignment's shift
and status, so a status change moves exactly one count; it holds no personal data
(a home visit's ``resident_ref`` is the community's opaque reference of the resident,
kept so the optimiser can send the same volunteer again; never a name or number).
``project_needs`` and ``project_resources`` list what the project serves and uses.

A removed shift takes its counts off the project; its assignments stay in the
helper, so a shift added again with the same id finds its counts again. Counting
them is a query, so it is only made when the project's ``detached`` flag says a
counted assignment names a shift the project did not have (a shift removed while
staffed or offered); otherwise a new shift starts at zero without a lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, count, integer_columns, text_columns

if TYPE_CHECKING:
    from wushe.projections.writer import ViewWriter

__all__ = ["ASSIGNMENTS", "PROJECTS", "PROJECT_NEEDS", "PROJECT_RESOURCES", "SHIFTS",
           "ProjectList"]

PROJECTS = Table(
    name="projects",
    columns=(
        *text_columns("project_id", "community_id", "category", "title", "status",
                      "undertaking_organisation_id", "team_id", "span_start", "span_end",
                      "drafted_at", "published_at", "closed_at"),
        *integer_columns("government_purchased", "requires_team", "has_plan", "shifts",
                         "required", "capacity", "filled", "proposed", "needs_served",
                         "resources_reserved", "participating_organisations", "detached",
                         "version"),
    ),
    key=("project_id",),
    indexes=(("community_id", "status"), ("community_id", "category"),
             ("undertaking_organisation_id",), ("team_id",)),
)
SHIFTS = Table(
    name="shifts",
    columns=(
        *text_columns("project_id", "shift_id", "community_id", "span_start", "span_end",
                      "grid", "place", "required_skills", "resident_ref"),
        *integer_columns("min_headcount", "max_headcount", "home_visit", "team_only",
                         "filled", "proposed"),
    ),
    key=("project_id", "shift_id"),
    indexes=(("span_start",), ("community_id", "span_start"), ("shift_id",)),
)
ASSIGNMENTS = Table(
    name="assignments",
    columns=text_columns("assignment_id", "project_id", "shift_id", "status"),
    key=("assignment_id",),
    indexes=(("shift_id",),),
)
PROJECT_NEEDS = Table(
    name="project_needs",
    columns=text_columns("project_id", "need_id", "community_id"),
    key=("project_id", "need_id"),
    indexes=(("need_id",),),
)
PROJECT_RESOURCES = Table(
    name="project_resources",
    columns=(*text_columns("project_id", "allocation_id", "offer_id", "community_id"),
             *integer_columns("quantity", "used")),
    key=("project_id", "allocation_id"),
    indexes=(("allocation_id",), ("offer_id",)),
)

# Where an assignment in each status counts: a place held (or served), or an open offer.
_FILLED = frozenset({"accepted", "checked_in", "checked_out", "confirmed", "disputed"})
_PROPOSED = frozenset({"proposed"})
_COUNTS = ("filled", "proposed")


class ProjectList(Projection):
    """Maintains the project list and its shifts, staffing, needs and resources."""

    name: ClassVar[str] = "projects"
    tables: ClassVar[tuple[Table, ...]] = (PROJECTS, SHIFTS, ASSIGNMENTS, PROJECT_NEEDS,
                                           PROJECT_RESOURCES)

    # -- lifecycle ------------------------------------------------------------

    @handles("wushe.service_project.drafted")
    def drafted(self, event: Any, view: ViewWriter) -> None:
        span = event.span
        view.put("projects", {
            "project_id": event.originator_id, "community_id": event.community_id,
            "category": event.category, "title": event.title, "status": "draft",
            "undertaking_organisation_id": event.undertaking_organisation_id,
            "span_start": None if span is None else span.start,
            "span_end": None if span is None else span.end, "drafted_at": event.at,
            "government_purchased": event.government_purchased,
            "requires_team": event.requires_team, "has_plan": False, "shifts": 0,
            "required": 0, "capacity": 0, "filled": 0, "proposed": 0, "needs_served": 0,
            "resources_reserved": 0, "participating_organisations": 0, "detached": False,
            "version": event.originator_version,
        })

    @handles("wushe.service_project.plan_set")
    def plan_set(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, has_plan=True)

    @handles("wushe.service_project.span_set")
    def span_set(self, event: Any, view: ViewWriter) -> None:
        span = event.span
        _project(view, event, span_start=None if span is None else span.start,
                 span_end=None if span is None else span.end)

    @handles("wushe.service_project.published")
    def published(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, status="published", published_at=event.at)

    @handles("wushe.service_project.staffed")
    def staffed(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, status="staffed")

    @handles("wushe.service_project.staffing_reopened")
    def staffing_reopened(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, status="published")

    @handles("wushe.service_project.started")
    def started(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, status="running")

    @handles("wushe.service_project.completed")
    def completed(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, status="completed")

    @handles("wushe.service_project.summarised")
    def summarised(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, status="summarised", closed_at=event.at)

    @handles("wushe.service_project.cancelled")
    def cancelled(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, status="cancelled", closed_at=event.at)

    @handles("wushe.service_project.team_assigned")
    def team_assigned(self, event: Any, view: ViewWriter) -> None:
        _project(view, event, team_id=event.team_id)

    @handles("wushe.service_project.participant_organisation_added")
    def participant_added(self, event: Any, view: ViewWriter) -> None:
        row = _project_row(view, event.originator_id)
        _project(view, event, participating_organisations=count(
            row, "participating_organisations") + 1)

    # -- shifts ---------------------------------------------------------------

    @handles("wushe.service_project.shift_added")
    def shift_added(self, event: Any, view: ViewWriter) -> None:
        project = _project_row(view, event.originator_id)
        counts = dict.fromkeys(_COUNTS, 0)
        if project["detached"]:  # rare: only then can assignments already name this shift
            counts = _staffing_of(view, event.originator_id, event.shift.shift_id)
        row = _shift_row(view, event, event.shift, counts)
        view.put("shifts", row)
        _add_to_project(view, event, row, sign=1)

    @handles("wushe.service_project.shift_changed")
    def shift_changed(self, event: Any, view: ViewWriter) -> None:
        old = view.require("shifts", event.originator_id, event.shift.shift_id)
        row = _shift_row(view, event, event.shift, {c: count(old, c) for c in _COUNTS})
        view.put("shifts", row)
        _add_to_project(view, event, old, sign=-1)
        _add_to_project(view, event, row, sign=1)

    @handles("wushe.service_project.shift_removed")
    def shift_removed(self, event: Any, view: ViewWriter) -> None:
        old = view.require("shifts", event.originator_id, event.shift_id)
        view.delete("shifts", event.originator_id, event.shift_id)
        _add_to_project(view, event, old, sign=-1)
        if any(count(old, c) for c in _COUNTS):
            _detach(view, event.originator_id)

    # -- needs and resources ------------------------------------------------------

    @handles("wushe.service_project.need_served")
    def need_served(self, event: Any, view: ViewWriter) -> None:
        row = _project_row(view, event.originator_id)
        view.put("project_needs", {"project_id": event.originator_id, "need_id": event.need_id,
                                   "community_id": row["community_id"]})
        _project(view, event, needs_served=count(row, "needs_served") + 1)

    @handles("wushe.service_project.need_unserved")
    def need_unserved(self, event: Any, view: ViewWriter) -> None:
        row = _project_row(view, event.originator_id)
        view.delete("project_needs", event.originator_id, event.need_id)
        _project(view, event, needs_served=count(row, "needs_served") - 1)

    @handles("wushe.service_project.resource_reserved")
    def resource_reserved(self, event: Any, view: ViewWriter) -> None:
        row = _project_row(view, event.originator_id)
        reservation = event.reservation
        view.put("project_resources", {
            "project_id": event.originator_id, "allocation_id": reservation.allocation_id,
            "offer_id": reservation.offer_id, "community_id": row["community_id"],
            "quantity": reservation.quantity, "used": 0,
        })
        _project(view, event, resources_reserved=count(row, "resources_reserved") + 1)

    @handles("wushe.service_project.resource_released")
    def resource_released(self, event: Any, view: ViewWriter) -> None:
        row = _project_row(view, event.originator_id)
        view.delete("project_resources", event.originator_id, event.allocation_id)
        _project(view, event, resources_reserved=count(row, "resources_reserved") - 1)

    @handles("wushe.resource.use_recorded")
    def resource_used(self, event: Any, view: ViewWriter) -> None:
        for row in view.where("project_resources", "allocation_id", event.allocation_id):
            if row["offer_id"] == str(event.originator_id):
                row["used"] = count(row, "used") + event.used_quantity
                view.put("project_resources", row)

    # -- staffing ---------------------------------------------------------------------

    @handles("wushe.assignment.proposed")
    def proposed(self, event: Any, view: ViewWriter) -> None:
        row = {"assignment_id": event.originator_id, "project_id": event.project_id,
               "shift_id": event.shift_id, "status": None}
        _move(view, row, "proposed")

    @handles("wushe.assignment.accepted")
    def accepted(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "accepted")

    @handles("wushe.assignment.declined")
    def declined(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "declined")

    @handles("wushe.assignment.expired")
    def expired(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "expired")

    @handles("wushe.assignment.cancelled")
    def assignment_cancelled(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "cancelled")

    @handles("wushe.assignment.marked_no_show")
    def marked_no_show(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "no_show")

    @handles("wushe.assignment.checked_in")
    def checked_in(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "checked_in")

    @handles("wushe.assignment.checked_out")
    def checked_out(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "checked_out")

    @handles("wushe.assignment.hours_confirmed", "wushe.assignment.dispute_resolved")
    def confirmed(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "confirmed")

    @handles("wushe.assignment.disputed")
    def disputed(self, event: Any, view: ViewWriter) -> None:
        _move(view, _assignment(view, event), "disputed")


def _project_row(view: ViewWriter, project_id: Any) -> dict[str, Any]:
    return view.require("projects", project_id)


def _project(view: ViewWriter, event: Any, **changes: Any) -> None:
    """Apply ``changes`` to the project of a project event, and take its version."""
    row = _project_row(view, event.originator_id)
    row.update(changes, version=event.originator_version)
    view.put("projects", row)


def _shift_row(view: ViewWriter, event: Any, shift: Any,
               counts: dict[str, int]) -> dict[str, Any]:
    project = _project_row(view, event.originator_id)
    return {
        "project_id": event.originator_id, "shift_id": shift.shift_id,
        "community_id": project["community_id"], "span_start": shift.span.start,
        "span_end": shift.span.end, "grid": shift.grid, "place": shift.place,
        "required_skills": shift.required_skills, "min_headcount": shift.min_headcount,
        "max_headcount": shift.max_headcount, "home_visit": shift.home_visit,
        "resident_ref": shift.resident_ref,
        "team_only": shift.team_only, **counts,
    }


def _add_to_project(view: ViewWriter, event: Any, shift: dict[str, Any], *, sign: int) -> None:
    """Add a shift's headcounts to its project's totals (``sign=-1`` takes them off)."""
    row = _project_row(view, event.originator_id)
    row.update(
        shifts=count(row, "shifts") + sign,
        required=count(row, "required") + sign * count(shift, "min_headcount"),
        capacity=count(row, "capacity") + sign * count(shift, "max_headcount"),
        filled=count(row, "filled") + sign * count(shift, "filled"),
        proposed=count(row, "proposed") + sign * count(shift, "proposed"),
        version=event.originator_version,
    )
    view.put("projects", row)


def _counted_in(status: str | None) -> tuple[str, ...]:
    if status in _FILLED:
        return ("filled",)
    if status in _PROPOSED:
        return ("proposed",)
    return ()


def _assignment(view: ViewWriter, event: Any) -> dict[str, Any]:
    return view.require("assignments", event.originator_id)


def _move(view: ViewWriter, assignment: dict[str, Any], status: str) -> None:
    """Record the assignment's new status and move its count on its shift and project."""
    before, after = _counted_in(assignment["status"]), _counted_in(status)
    assignment["status"] = status
    view.put("assignments", assignment)
    if before == after:
        return
    shift = view.get("shifts", assignment["project_id"], assignment["shift_id"])
    if shift is None:  # the shift was removed (or is not there yet): nothing lists it
        if after:
            _detach(view, assignment["project_id"])
        return
    project = _project_row(view, assignment["project_id"])
    for rows in (shift, project):
        for column in before:
            rows[column] = count(rows, column) - 1
        for column in after:
            rows[column] = count(rows, column) + 1
    view.put("shifts", shift)
    view.put("projects", project)


def _detach(view: ViewWriter, project_id: Any) -> None:
    """Note that some counted assignment of the project names a shift it does not have."""
    project = view.get("projects", project_id)
    if project is not None and not project["detached"]:
        project["detached"] = True
        view.put("projects", project)


def _staffing_of(view: ViewWriter, project_id: Any, shift_id: Any) -> dict[str, int]:
    """Count the assignments of a shift from the helper table (a query: used rarely)."""
    counts = dict.fromkeys(_COUNTS, 0)
    for assignment in view.where("assignments", "shift_id", shift_id):
        if assignment["project_id"] == str(project_id):
            for column in _counted_in(str(assignment["status"])):
                counts[column] += 1
    return counts
