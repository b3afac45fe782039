"""Hours ledger (志愿服务时长): confirmed service minutes per volunteer, team,
organisation and community, per year and all time.

* ``ledger`` — one row per assignment that earns or may earn hours: its volunteer,
  team, the organisation undertaking its project, community, year (of the shift's
  start, China time), status and the minutes it counts. ``status`` is ``pending``
  (not confirmed yet), ``confirmed`` (the minutes count) or ``disputed`` (hours
  under dispute count nothing until resolved). A correction *replaces* the row's
  minutes, and the totals move by the difference. Declined, expired, cancelled and
  no-show assignments never earn hours and leave the ledger.
* ``totals`` — ``(scope, subject_id, period)`` → minutes and confirmed assignments,
  for scope ``volunteer``, ``team`` (the assignment's team), ``organisation`` (the
  project's undertaking organisation) and ``community``; ``period`` is a year
  (``"2026"``) or ``"all"``.
* ``projects`` and ``forgotten_volunteers`` — this view's own lookups: each
  project's community and undertaking organisation, and who has been forgotten.

Minutes are stored, stars are not: the star level depends on the policy in force,
so :func:`star_level` computes it when asked from the ``all`` total.

Forgetting a volunteer deletes their ``volunteer`` totals and blanks their id in
the ledger. Team, organisation and community totals keep those hours: they are not
personal, and a community's service record does not shrink because a volunteer
left. The blanked ledger rows keep the totals correctable when a forgotten
volunteer's hours are disputed later; no per-volunteer row is made again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from wushe.platform.domain.calendar import local_date
from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, integer_columns, text_columns

if TYPE_CHECKING:
    from wushe.platform.domain.policy import Policy
    from wushe.projections.writer import Row, ViewWriter

__all__ = ["ALL_TIME", "FORGOTTEN", "LEDGER", "PROJECTS", "TOTALS", "HoursLedger",
           "star_level"]

ALL_TIME = "all"
MINUTES_PER_HOUR = 60
PENDING, CONFIRMED, DISPUTED = "pending", "confirmed", "disputed"

LEDGER = Table(
    name="ledger",
    columns=(
        *text_columns("assignment_id", "volunteer_id", "project_id", "team_id",
                      "organisation_id", "community_id", "status", "confirmed_at"),
        *integer_columns("year", "credited_minutes"),
    ),
    key=("assignment_id",),
    indexes=(("volunteer_id",), ("community_id", "year", "status")),
)
TOTALS = Table(
    name="totals",
    columns=(*text_columns("scope", "subject_id", "period", "community_id"),
             *integer_columns("minutes", "assignments")),
    key=("scope", "subject_id", "period"),
    indexes=(("subject_id",), ("community_id", "scope", "period", "minutes")),
)
PROJECTS = Table(
    name="projects",
    columns=text_columns("project_id", "community_id", "organisation_id"),
    key=("project_id",),
)
FORGOTTEN = Table(
    name="forgotten_volunteers",
    columns=text_columns("volunteer_id"),
    key=("volunteer_id",),
)


def star_level(total_minutes: int, policy: Policy) -> int:
    """Stars (0–5) for cumulative confirmed minutes under ``policy``'s thresholds in hours."""
    return sum(total_minutes >= hours * MINUTES_PER_HOUR
               for hours in policy.star_thresholds_hours)


class HoursLedger(Projection):
    """Maintains the ``ledger`` and ``totals`` tables."""

    name: ClassVar[str] = "hours"
    tables: ClassVar[tuple[Table, ...]] = (LEDGER, TOTALS, PROJECTS, FORGOTTEN)

    @handles("wushe.service_project.drafted")
    def drafted(self, event: Any, view: ViewWriter) -> None:
        view.put("projects", {"project_id": event.originator_id,
                              "community_id": event.community_id,
                              "organisation_id": event.undertaking_organisation_id})

    @handles("wushe.assignment.proposed")
    def proposed(self, event: Any, view: ViewWriter) -> None:
        project = view.get("projects", event.project_id) or {}
        forgotten = view.get("forgotten_volunteers", event.volunteer_id) is not None
        view.put("ledger", {
            "assignment_id": event.originator_id,
            "volunteer_id": None if forgotten else event.volunteer_id,
            "project_id": event.project_id, "team_id": event.team_id,
            "organisation_id": project.get("organisation_id"),
            "community_id": project.get("community_id"),
            "year": local_date(event.span.start).year, "status": PENDING,
            "credited_minutes": 0,
        })

    @handles("wushe.assignment.declined", "wushe.assignment.expired",
             "wushe.assignment.cancelled", "wushe.assignment.marked_no_show")
    def never_served(self, event: Any, view: ViewWriter) -> None:
        view.delete("ledger", event.originator_id)  # still pending: it counted nothing

    @handles("wushe.assignment.hours_confirmed", "wushe.assignment.dispute_resolved")
    def confirmed(self, event: Any, view: ViewWriter) -> None:
        _settle(view, event, CONFIRMED, event.credited_minutes, confirmed_at=event.at)

    @handles("wushe.assignment.disputed")
    def disputed(self, event: Any, view: ViewWriter) -> None:
        _settle(view, event, DISPUTED, 0, confirmed_at=None)

    @handles("wushe.volunteer.forgotten")
    def forgotten(self, event: Any, view: ViewWriter) -> None:
        volunteer_id = event.originator_id
        view.put("forgotten_volunteers", {"volunteer_id": volunteer_id})
        for total in view.where("totals", "subject_id", volunteer_id):
            if total["scope"] == "volunteer":
                view.delete("totals", "volunteer", volunteer_id, total["period"])
        for entry in view.where("ledger", "volunteer_id", volunteer_id):
            entry["volunteer_id"] = None
            view.put("ledger", entry)


def _settle(view: ViewWriter, event: Any, status: str, minutes: int, *,
            confirmed_at: Any) -> None:
    """Replace what the assignment counts: take its old minutes out, put the new in."""
    entry = view.get("ledger", event.originator_id)
    if entry is None:  # pragma: no cover  (the log always starts with "proposed")
        return
    _count(view, entry, -1)
    entry.update(status=status, credited_minutes=minutes, confirmed_at=confirmed_at)
    _count(view, entry, +1)
    view.put("ledger", entry)


def _count(view: ViewWriter, entry: Row, sign: int) -> None:
    if entry["status"] != CONFIRMED:
        return
    minutes = sign * int(entry["credited_minutes"] or 0)
    for scope, subject in _subjects(entry):
        for period in (str(entry["year"]), ALL_TIME):
            _add(view, (scope, subject, period), entry["community_id"], minutes, sign)


def _subjects(entry: Row) -> list[tuple[str, Any]]:
    subjects = (("volunteer", entry["volunteer_id"]), ("team", entry["team_id"]),
                ("organisation", entry["organisation_id"]),
                ("community", entry["community_id"]))
    return [(scope, subject) for scope, subject in subjects if subject is not None]


def _add(view: ViewWriter, key: tuple[str, Any, str], community_id: Any, minutes: int,
         assignments: int) -> None:
    total = view.get("totals", *key) or {
        "scope": key[0], "subject_id": key[1], "period": key[2],
        "community_id": community_id, "minutes": 0, "assignments": 0}
    total["minutes"] = int(total["minutes"] or 0) + minutes
    total["assignments"] = int(total["assignments"] or 0) + assignments
    if total["assignments"]:
        view.put("totals", total)
    else:
        view.delete("totals", *key)
