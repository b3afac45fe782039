"""Compliance indicators (DB35/T 2074-2022) per community: the raw counts, and the check.

The view stores rows and counts only; :func:`indicators` turns one community's
rows into indicators at query time against a versioned
:class:`~wushe.platform.domain.compliance_policy.ComplianceThresholds`, so a new
threshold version needs no rebuild, and "this year" is chosen by the reader.

What is stored, and what counts:

* ``communities``: permanent population and households (6.1.2 denominators).
* ``staff``: role, certificate, window flag and status, no name. *Community
  workers* are active staff in the community-worker or social-worker role (6.1.1;
  "other staff" do not count); *certified social workers* are those of them with
  a certificate (6.1.2). A forgotten member's rows are purged.
* ``staff_trainings``: trainings per member, year and half-year (by the
  training's date). Every kind of training counts toward 6.1.3.4.
* ``volunteers``: status per volunteer; *registered volunteers* are the active
  ones (a forgotten volunteer's row is purged, an inactive one does not count).
* ``teams``: size (members, leader included, as the team records them) and status.
* ``grids``: households and the special flag; special grids (8.7.1) are exempt
  from the 300–500 range.
* ``organisations``, ``projects``, ``participation``: this view's own copy of the
  participation tables, kept by the same handlers as the participation view
  (see :mod:`wushe.projections.views.participation` for how a project's year is
  decided and moves).
* ``needs``: per request, its community, the year it was closed and whether
  after the committed deadline (``closed_overdue``), the year an objection was
  answered and whether late (the need's ``late`` flag, judged against the
  answer deadline recorded when the objection was made).

Roster indicators (trainings, participation, grid sizes) fail when the roster
is empty: the standard expects those people and grids to exist. Case indicators
(objections, closures) pass when there were no cases that year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from wushe.platform.domain.calendar import local_date
from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, integer_columns, text_columns
from wushe.projections.views.participation import (
    ORGANISATIONS,
    PARTICIPATION,
    PROJECTS,
    OrganisationParticipation,
)

if TYPE_CHECKING:

    from wushe.projections.writer import ViewWriter

__all__ = [
    "COMMUNITIES",
    "COMMUNITY_WORKER_ROLES",
    "GRIDS",
    "NEEDS",
    "STAFF",
    "STAFF_TRAININGS",
    "TEAMS",
    "VOLUNTEERS",
    "ComplianceIndicators",
    "half_of",
]

COMMUNITIES = Table(
    name="communities",
    columns=(*text_columns("community_id", "code", "name", "district"),
             *integer_columns("permanent_population", "households")),
    key=("community_id",),
)
GRIDS = Table(
    name="grids",
    columns=(*text_columns("community_id", "grid_id", "name"),
             *integer_columns("households", "special")),
    key=("community_id", "grid_id"),
)
STAFF = Table(
    name="staff",
    columns=(*text_columns("staff_id", "community_id", "role", "status"),
             *integer_columns("certified", "window_staff")),
    key=("staff_id",),
    indexes=(("community_id",),),
)
STAFF_TRAININGS = Table(
    name="staff_trainings",
    columns=(*text_columns("staff_id", "community_id"),
             *integer_columns("year", "half", "trainings")),
    key=("staff_id", "year", "half"),
    indexes=(("staff_id",), ("community_id", "year")),
)
VOLUNTEERS = Table(
    name="volunteers",
    columns=text_columns("volunteer_id", "community_id", "status"),
    key=("volunteer_id",),
    indexes=(("community_id", "status"),),
)
TEAMS = Table(
    name="teams",
    columns=(*text_columns("team_id", "community_id", "status"), *integer_columns("size")),
    key=("team_id",),
    indexes=(("community_id",),),
)
NEEDS = Table(
    name="needs",
    columns=(*text_columns("need_id", "community_id"),
             *integer_columns("closed_year", "closed_overdue", "answered_year", "answer_late")),
    key=("need_id",),
    indexes=(("community_id", "closed_year"), ("community_id", "answered_year")),
)
# 6.1.1: community workers (社区工作者) and social workers count; "other staff" do not.
COMMUNITY_WORKER_ROLES = frozenset({"community_worker", "social_worker"})
_FIRST_HALF_MONTHS = 6


def half_of(month: int) -> int:
    """1 for January–June, 2 for July–December."""
    return 1 if month <= _FIRST_HALF_MONTHS else 2


class ComplianceIndicators(Projection):
    """Maintains the raw counts behind the DB35/T 2074-2022 indicators."""

    name: ClassVar[str] = "compliance"
    tables: ClassVar[tuple[Table, ...]] = (COMMUNITIES, GRIDS, STAFF, STAFF_TRAININGS,
                                           VOLUNTEERS, TEAMS, NEEDS, ORGANISATIONS, PROJECTS,
                                           PARTICIPATION)

    # -- community and grids (6.1.2, 8.7.1) -----------------------------------

    @handles("wushe.community.founded")
    def founded(self, event: Any, view: ViewWriter) -> None:
        view.put("communities", {
            "community_id": event.originator_id, "code": event.code, "name": event.name,
            "district": event.district, "permanent_population": event.permanent_population,
            "households": event.households,
        })

    @handles("wushe.community.population_set")
    def population_set(self, event: Any, view: ViewWriter) -> None:
        _change(view, "communities", (event.originator_id,),
                permanent_population=event.permanent_population, households=event.households)

    @handles("wushe.community.grid_added", "wushe.community.grid_changed")
    def grid_set(self, event: Any, view: ViewWriter) -> None:
        grid = event.grid
        view.put("grids", {"community_id": event.originator_id, "grid_id": grid.grid_id,
                           "name": grid.name, "households": grid.households,
                           "special": grid.special})

    @handles("wushe.community.grid_removed")
    def grid_removed(self, event: Any, view: ViewWriter) -> None:
        view.delete("grids", event.originator_id, event.grid_id)

    # -- staff (6.1.2, 6.1.3.4) ------------------------------------------------

    @handles("wushe.staff.appointed")
    def staff_appointed(self, event: Any, view: ViewWriter) -> None:
        view.put("staff", {
            "staff_id": event.originator_id, "community_id": event.community_id,
            "role": event.role, "status": "active",
            "certified": event.certified_social_worker, "window_staff": event.window_staff,
        })

    @handles("wushe.staff.social_worker_certified")
    def social_worker_certified(self, event: Any, view: ViewWriter) -> None:
        _change(view, "staff", (event.originator_id,), certified=1)

    @handles("wushe.staff.window_staff_set")
    def window_staff_set(self, event: Any, view: ViewWriter) -> None:
        _change(view, "staff", (event.originator_id,), window_staff=int(event.window_staff))

    @handles("wushe.staff.left")
    def staff_left(self, event: Any, view: ViewWriter) -> None:
        _change(view, "staff", (event.originator_id,), status="left")

    @handles("wushe.staff.training_recorded")
    def training_recorded(self, event: Any, view: ViewWriter) -> None:
        staff = view.require("staff", event.originator_id)
        on = event.training.on
        key = (event.originator_id, on.year, half_of(on.month))
        row = view.get("staff_trainings", *key) or {
            "staff_id": key[0], "year": key[1], "half": key[2], "trainings": 0}
        row["community_id"] = staff["community_id"]
        row["trainings"] = int(row["trainings"] or 0) + 1
        view.put("staff_trainings", row)

    @handles("wushe.staff.forgotten")
    def staff_forgotten(self, event: Any, view: ViewWriter) -> None:
        view.delete("staff", event.originator_id)
        for row in view.where("staff_trainings", "staff_id", event.originator_id):
            view.delete("staff_trainings", row["staff_id"], row["year"], row["half"])

    # -- volunteers and teams (6.1.2, 6.2.3) -------------------------------------

    @handles("wushe.volunteer.registered")
    def volunteer_registered(self, event: Any, view: ViewWriter) -> None:
        view.put("volunteers", {"volunteer_id": event.originator_id,
                                "community_id": event.community_id, "status": "active"})

    @handles("wushe.volunteer.deactivated")
    def volunteer_deactivated(self, event: Any, view: ViewWriter) -> None:
        _change(view, "volunteers", (event.originator_id,), status="inactive")

    @handles("wushe.volunteer.reactivated")
    def volunteer_reactivated(self, event: Any, view: ViewWriter) -> None:
        _change(view, "volunteers", (event.originator_id,), status="active")

    @handles("wushe.volunteer.forgotten")
    def volunteer_forgotten(self, event: Any, view: ViewWriter) -> None:
        view.delete("volunteers", event.originator_id)

    @handles("wushe.team.formed")
    def team_formed(self, event: Any, view: ViewWriter) -> None:
        view.put("teams", {"team_id": event.originator_id, "community_id": event.community_id,
                           "status": "active", "size": 1})

    @handles("wushe.team.member_added")
    def member_added(self, event: Any, view: ViewWriter) -> None:
        _resize(view, event, +1)

    @handles("wushe.team.member_removed")
    def member_removed(self, event: Any, view: ViewWriter) -> None:
        _resize(view, event, -1)

    @handles("wushe.team.dissolved")
    def team_dissolved(self, event: Any, view: ViewWriter) -> None:
        _change(view, "teams", (event.originator_id,), status="dissolved")

    # -- needs (8.6.2, 8.6.3) ------------------------------------------------------

    @handles("wushe.need.received")
    def need_received(self, event: Any, view: ViewWriter) -> None:
        view.put("needs", {"need_id": event.originator_id, "community_id": event.community_id,
                           "closed_overdue": 0, "answer_late": 0})

    @handles("wushe.need.closed")
    def need_closed(self, event: Any, view: ViewWriter) -> None:
        _change(view, "needs", (event.originator_id,), closed_year=local_date(event.at).year,
                closed_overdue=int(event.overdue))

    @handles("wushe.need.objection_answered")
    def objection_answered(self, event: Any, view: ViewWriter) -> None:
        _change(view, "needs", (event.originator_id,), answered_year=local_date(event.at).year,
                answer_late=int(event.late))

    # -- organisations and their participation (6.2.3) --------------------------------
    # This view's own participation counters: the participation view's handlers,
    # writing this view's copies of its tables (views never read each other).

    organisation_registered = OrganisationParticipation.organisation_registered
    registration_changed = OrganisationParticipation.registration_changed
    organisation_deactivated = OrganisationParticipation.organisation_deactivated
    organisation_reactivated = OrganisationParticipation.organisation_reactivated
    project_drafted = OrganisationParticipation.project_drafted
    span_set = OrganisationParticipation.span_set
    shift_set = OrganisationParticipation.shift_set
    shift_removed = OrganisationParticipation.shift_removed
    participant_added = OrganisationParticipation.participant_added
    project_status = OrganisationParticipation.project_status


# -- handler helpers ---------------------------------------------------------------------


def _change(view: ViewWriter, table: str, key: tuple[Any, ...], **changes: Any) -> None:
    row = view.require(table, *key)
    row.update(changes)
    view.put(table, row)


def _resize(view: ViewWriter, event: Any, step: int) -> None:
    team = view.require("teams", event.originator_id)
    _change(view, "teams", (event.originator_id,), size=int(team["size"] or 0) + step)
