"""Organisation participation (6.2.3): the projects each organisation took part in, per year.

6.2.3 asks that every registered or filed social organisation takes part in at
least one community service project or activity a year. An organisation takes
part in a :class:`~wushe.platform.domain.project.ServiceProject` as its
undertaking organisation (承接组织) or as a participant organisation; the
``participation`` table has one row per organisation and project, with both
roles as flags.

**The year of a project** is the China-time year of its span's start or, while
it has no span, of its earliest shift's start. A project with neither has no
year yet (``year`` is NULL) and counts in no year. The year is recomputed on
every ``span_set``, ``shift_added``, ``shift_changed`` and ``shift_removed``
event; when it changes, every participation row of the project is rewritten
with the new year, so the project moves from one year to the other (and back)
as its schedule moves. Span and shifts change only while a project is being
planned (draft or published), so once staffed its year is fixed.

**Which rows count**: every row whose project is not cancelled — a project
planned, running or done this year is participation this year; a cancelled one
is kept (status ``cancelled``) but does not count. :func:`yearly_participation`
answers 6.2.3 per community from these rows and the ``organisations`` helper
table (kind, registration, status).

No personal data is kept (the contact person is not copied), so there is no
erasure to handle. The handlers here are shared with the compliance view, which
keeps its own copy of these tables (views never read each other's tables).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

from wushe.platform.domain.calendar import local_date
from wushe.projections.catalog import physical_name
from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, integer_columns, text_columns, utc_text

if TYPE_CHECKING:
    from wushe.projections.store import ViewStore
    from wushe.projections.writer import Row, ViewWriter

__all__ = [
    "COUNTED_ORGANISATION_KINDS",
    "ORGANISATIONS",
    "PARTICIPATION",
    "PROJECTS",
    "OrganisationParticipation",
    "project_year",
    "yearly_participation",
]

ORGANISATIONS = Table(
    name="organisations",
    columns=text_columns("organisation_id", "community_id", "name", "kind", "registration",
                         "status"),
    key=("organisation_id",),
    indexes=(("community_id", "kind"),),
)
PROJECTS = Table(
    name="projects",
    columns=(
        *text_columns("project_id", "community_id", "title", "category", "status",
                      "undertaker_id", "organisations", "span_start", "shift_starts"),
        *integer_columns("government_purchased", "year"),
    ),
    key=("project_id",),
)
PARTICIPATION = Table(
    name="participation",
    columns=(
        *text_columns("organisation_id", "project_id", "community_id", "title", "category",
                      "status"),
        *integer_columns("year", "undertaker", "participant", "government_purchased"),
    ),
    key=("organisation_id", "project_id"),
    indexes=(("community_id", "year"), ("organisation_id", "year")),
)
# 6.2.3 counts social organisations: community social organisations and others.
COUNTED_ORGANISATION_KINDS = ("community_social_organisation", "social_organisation")
_NOT_COUNTED = "cancelled"
_PROJECT_STATUS = {
    "wushe.service_project.published": "published",
    "wushe.service_project.staffed": "staffed",
    "wushe.service_project.staffing_reopened": "published",
    "wushe.service_project.started": "running",
    "wushe.service_project.completed": "completed",
    "wushe.service_project.summarised": "summarised",
    "wushe.service_project.cancelled": "cancelled",
}


class OrganisationParticipation(Projection):
    """Maintains ``organisations``, ``projects`` (bookkeeping) and ``participation``."""

    name: ClassVar[str] = "participation"
    tables: ClassVar[tuple[Table, ...]] = (ORGANISATIONS, PROJECTS, PARTICIPATION)

    # -- organisations ------------------------------------------------------

    @handles("wushe.organisation.registered")
    def organisation_registered(self, event: Any, view: ViewWriter) -> None:
        view.put("organisations", {
            "organisation_id": event.originator_id, "community_id": event.community_id,
            "name": event.name, "kind": event.kind, "registration": event.registration,
            "status": "active",
        })

    @handles("wushe.organisation.registration_changed")
    def registration_changed(self, event: Any, view: ViewWriter) -> None:
        _organisation(view, event, registration=event.registration)

    @handles("wushe.organisation.deactivated")
    def organisation_deactivated(self, event: Any, view: ViewWriter) -> None:
        _organisation(view, event, status="inactive")

    @handles("wushe.organisation.reactivated")
    def organisation_reactivated(self, event: Any, view: ViewWriter) -> None:
        _organisation(view, event, status="active")

    # -- projects -------------------------------------------------------------

    @handles("wushe.service_project.drafted")
    def project_drafted(self, event: Any, view: ViewWriter) -> None:
        project: Row = {
            "project_id": str(event.originator_id), "community_id": str(event.community_id),
            "title": event.title, "category": event.category, "status": "draft",
            "undertaker_id": _text(event.undertaking_organisation_id), "organisations": "[]",
            "span_start": None if event.span is None else utc_text(event.span.start),
            "shift_starts": "{}", "government_purchased": int(event.government_purchased),
        }
        project["year"] = project_year(project)
        if event.undertaking_organisation_id is not None:
            _take_part(view, project, str(event.undertaking_organisation_id), "undertaker")
        view.put("projects", project)

    @handles("wushe.service_project.span_set")
    def span_set(self, event: Any, view: ViewWriter) -> None:
        project = _project(view, event)
        project["span_start"] = None if event.span is None else utc_text(event.span.start)
        _reschedule(view, project)

    @handles("wushe.service_project.shift_added", "wushe.service_project.shift_changed")
    def shift_set(self, event: Any, view: ViewWriter) -> None:
        project = _project(view, event)
        starts = _shift_starts(project)
        starts[str(event.shift.shift_id)] = utc_text(event.shift.span.start)
        project["shift_starts"] = _encode(starts)
        _reschedule(view, project)

    @handles("wushe.service_project.shift_removed")
    def shift_removed(self, event: Any, view: ViewWriter) -> None:
        project = _project(view, event)
        starts = _shift_starts(project)
        starts.pop(str(event.shift_id), None)
        project["shift_starts"] = _encode(starts)
        _reschedule(view, project)

    @handles("wushe.service_project.participant_organisation_added")
    def participant_added(self, event: Any, view: ViewWriter) -> None:
        project = _project(view, event)
        _take_part(view, project, str(event.organisation_id), "participant")
        view.put("projects", project)

    @handles(*_PROJECT_STATUS)
    def project_status(self, event: Any, view: ViewWriter) -> None:
        project = _project(view, event)
        project["status"] = _PROJECT_STATUS[event.TOPIC]
        _rewrite(view, project, status=project["status"])
        view.put("projects", project)


# -- reading -----------------------------------------------------------------------


def yearly_participation(
    store: ViewStore, generation: int, community_id: str, year: int, *,
    view: str = OrganisationParticipation.name,
) -> list[dict[str, Any]]:
    """Each registered or filed social organisation of the community, with its projects.

    Rows: ``organisation_id``, ``name``, ``kind``, ``registration``, ``status`` and
    ``projects`` (not cancelled, in ``year``); 6.2.3 asks ``projects >= 1`` of every
    active one. ``view`` names the projection whose tables are read.
    """
    organisations = store.name(physical_name(view, generation, ORGANISATIONS.name))
    participation = store.name(physical_name(view, generation, PARTICIPATION.name))
    found = store.fetchall(
        f"SELECT o.organisation_id, o.name, o.kind, o.registration, o.status, "
        f"COUNT(p.project_id) FROM {organisations} o LEFT JOIN {participation} p "
        "ON p.organisation_id = o.organisation_id AND p.year = ? AND p.status <> ? "
        "WHERE o.community_id = ? AND o.kind IN (?, ?) AND o.registration <> 'none' "
        "GROUP BY o.organisation_id, o.name, o.kind, o.registration, o.status "
        "ORDER BY o.organisation_id",
        (year, _NOT_COUNTED, community_id, *COUNTED_ORGANISATION_KINDS))
    names = ("organisation_id", "name", "kind", "registration", "status", "projects")
    return [dict(zip(names, row, strict=True)) for row in found]


# -- helpers -----------------------------------------------------------------------


def project_year(project: Row) -> int | None:
    """The China-time year of the span's start, else of the earliest shift's, else None."""
    start = project["span_start"] or min(_shift_starts(project).values(), default=None)
    if start is None:
        return None
    return local_date(datetime.fromisoformat(str(start))).year


def _reschedule(view: ViewWriter, project: Row) -> None:
    """Recompute the year; on a change, move every participation row to the new year."""
    year = project_year(project)
    if year != project["year"]:
        project["year"] = year
        _rewrite(view, project, year=year)
    view.put("projects", project)


def _take_part(view: ViewWriter, project: Row, organisation_id: str, role: str) -> None:
    row = view.get("participation", organisation_id, project["project_id"]) or {
        "organisation_id": organisation_id, "project_id": project["project_id"],
        "undertaker": 0, "participant": 0,
    }
    row.update({column: project[column] for column in
                ("community_id", "title", "category", "status", "year", "government_purchased")})
    row[role] = 1
    view.put("participation", row)
    members = _organisations(project)
    if organisation_id not in members:
        project["organisations"] = _encode(sorted([*members, organisation_id]))


def _rewrite(view: ViewWriter, project: Row, **changes: Any) -> None:
    for organisation_id in _organisations(project):
        row = view.get("participation", organisation_id, project["project_id"])
        if row is not None:
            row.update(changes)
            view.put("participation", row)


def _project(view: ViewWriter, event: Any) -> Row:
    row = view.get("projects", event.originator_id)
    if row is None:  # pragma: no cover  (the log always starts with "drafted")
        msg = f"project {event.originator_id} has no row"
        raise LookupError(msg)
    return row


def _organisation(view: ViewWriter, event: Any, **changes: Any) -> None:
    row = view.get("organisations", event.originator_id)
    if row is None:  # pragma: no cover  (the log always starts with "registered")
        msg = f"organisation {event.originator_id} has no row"
        raise LookupError(msg)
    row.update(changes)
    view.put("organisations", row)


def _organisations(project: Row) -> list[str]:
    return msgspec.json.decode(str(project["organisations"]), type=list[str])


def _shift_starts(project: Row) -> dict[str, str]:
    return msgspec.json.decode(str(project["shift_starts"]), type=dict[str, str])


def _encode(value: object) -> str:
    return msgspec.json.encode(value, order="sorted").decode()


def _text(value: object) -> str | None:
    return None if value is None else str(value)
