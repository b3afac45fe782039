"""Volunteer availability and roster (志愿者可服务时间与排班).

Three tables, and one of this view's own:

* ``volunteers`` — one row per registered volunteer: community, home grid, skills,
  how many certifications, weekly windows as ``[weekday, "HH:MM", "HH:MM"]`` (China
  time, 0 = Monday), date exceptions, weekly hour cap, status, masked name and the
  teams they are in. This is the optimiser's input: only rows with
  ``status = 'active'`` are available.
* ``assignments`` — one row per assignment: volunteer, project, shift, team, span,
  status, service and credited minutes. "Who is busy when" and "each volunteer's
  assignments and hours this week" are queries on ``volunteer_id`` (or
  ``community_id``) and ``span_start`` between the bounds :func:`week_bounds` gives,
  made when asked: nothing stored depends on the clock.
* ``teams`` — each team's community, organisation, home grid and status (the
  optimiser's teams).
* ``team_members`` — who is in which active team (from the team's events), so that
  a dissolved team leaves its members' ``team_ids`` and a forgotten volunteer leaves
  every team.

Forgetting a volunteer (PIPL) deletes their volunteer row, their team memberships
and their assignment rows: an assignment says where a person was and when, and a
roster row with no volunteer serves nobody (shift staffing is the project list's
business). Events that arrive about them afterwards find no row and change nothing,
and an assignment proposed to them later is not recorded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

from wushe.platform.domain.calendar import CHINA_TIME
from wushe.projections.masking import mask_name
from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, integer_columns, text_columns, utc_text

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wushe.platform.domain.values import WeeklyWindow
    from wushe.platform.domain.volunteer import AvailabilityException
    from wushe.projections.writer import ViewWriter

__all__ = ["ASSIGNMENTS", "TEAMS", "TEAM_MEMBERS", "VOLUNTEERS", "Roster", "week_bounds"]

VOLUNTEERS = Table(
    name="volunteers",
    columns=(
        *text_columns("volunteer_id", "community_id", "home_grid", "skills", "weekly_windows",
                      "exceptions", "status", "name", "team_ids"),
        *integer_columns("certifications", "weekly_hour_cap", "version"),
    ),
    key=("volunteer_id",),
    indexes=(("community_id", "status"), ("community_id", "home_grid")),
)
ASSIGNMENTS = Table(
    name="assignments",
    columns=(
        *text_columns("assignment_id", "volunteer_id", "community_id", "project_id",
                      "shift_id", "team_id", "span_start", "span_end", "status", "updated_at"),
        *integer_columns("shift_minutes", "service_minutes", "credited_minutes", "overrun"),
    ),
    key=("assignment_id",),
    indexes=(("volunteer_id", "span_start"), ("community_id", "span_start")),
)
TEAMS = Table(
    name="teams",
    columns=text_columns("team_id", "community_id", "organisation_id", "home_grid", "status"),
    key=("team_id",),
    indexes=(("community_id", "status"),),
)
TEAM_MEMBERS = Table(
    name="team_members",
    columns=text_columns("team_id", "volunteer_id"),
    key=("team_id", "volunteer_id"),
    indexes=(("volunteer_id",),),
)
_DAYS_IN_WEEK = 7


def week_bounds(day: date) -> tuple[str, str]:
    """The stored-text bounds ``[start, end)`` of the China-time week (Monday–Sunday) of
    ``day``, to compare with ``span_start``."""
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(), CHINA_TIME)
    return utc_text(start), utc_text(start + timedelta(days=_DAYS_IN_WEEK))


class Roster(Projection):
    """Maintains the ``volunteers``, ``assignments`` and ``team_members`` tables."""

    name: ClassVar[str] = "roster"
    tables: ClassVar[tuple[Table, ...]] = (VOLUNTEERS, ASSIGNMENTS, TEAMS, TEAM_MEMBERS)

    # -- volunteers ---------------------------------------------------------------

    @handles("wushe.volunteer.registered")
    def registered(self, event: Any, view: ViewWriter) -> None:
        view.put("volunteers", {
            "volunteer_id": event.originator_id, "community_id": event.community_id,
            "home_grid": event.home_grid, "skills": event.skills, "certifications": 0,
            "weekly_windows": _json([]), "exceptions": _json([]),
            "weekly_hour_cap": event.weekly_hour_cap, "status": "active",
            "name": mask_name(event.name), "team_ids": _json([]),
            "version": event.originator_version,
        })

    @handles("wushe.volunteer.skills_set")
    def skills_set(self, event: Any, view: ViewWriter) -> None:
        _update_volunteer(view, event, skills=event.skills)

    @handles("wushe.volunteer.certification_added")
    def certification_added(self, event: Any, view: ViewWriter) -> None:
        row = view.get("volunteers", event.originator_id)
        if row is None:
            return
        skills = set(_decoded(row["skills"]))
        if event.skill is not None:
            skills.add(event.skill)
        _update_volunteer(view, event, skills=tuple(sorted(skills)),
                          certifications=int(row["certifications"] or 0) + 1)

    @handles("wushe.volunteer.availability_set")
    def availability_set(self, event: Any, view: ViewWriter) -> None:
        _update_volunteer(view, event, weekly_windows=_json(_windows(event.windows)),
                          exceptions=_json([_exception(e) for e in event.exceptions]))

    @handles("wushe.volunteer.home_grid_set")
    def home_grid_set(self, event: Any, view: ViewWriter) -> None:
        _update_volunteer(view, event, home_grid=event.grid)

    @handles("wushe.volunteer.weekly_hour_cap_set")
    def weekly_hour_cap_set(self, event: Any, view: ViewWriter) -> None:
        _update_volunteer(view, event, weekly_hour_cap=event.hours)

    @handles("wushe.volunteer.deactivated")
    def deactivated(self, event: Any, view: ViewWriter) -> None:
        _update_volunteer(view, event, status="inactive")

    @handles("wushe.volunteer.reactivated")
    def reactivated(self, event: Any, view: ViewWriter) -> None:
        _update_volunteer(view, event, status="active")

    @handles("wushe.volunteer.forgotten")
    def forgotten(self, event: Any, view: ViewWriter) -> None:
        volunteer_id = event.originator_id
        for membership in view.where("team_members", "volunteer_id", volunteer_id):
            view.delete("team_members", membership["team_id"], volunteer_id)
        for assignment in view.where("assignments", "volunteer_id", volunteer_id):
            view.delete("assignments", assignment["assignment_id"])
        view.delete("volunteers", volunteer_id)

    # -- teams --------------------------------------------------------------------

    @handles("wushe.team.formed")
    def team_formed(self, event: Any, view: ViewWriter) -> None:
        view.put("teams", {"team_id": event.originator_id, "community_id": event.community_id,
                           "organisation_id": event.organisation_id,
                           "home_grid": event.home_grid, "status": "active"})
        _join(view, event.originator_id, event.leader_id)

    @handles("wushe.team.member_added")
    def member_added(self, event: Any, view: ViewWriter) -> None:
        _join(view, event.originator_id, event.volunteer_id)

    @handles("wushe.team.member_removed")
    def member_removed(self, event: Any, view: ViewWriter) -> None:
        _leave(view, event.originator_id, event.volunteer_id)

    @handles("wushe.team.dissolved")
    def team_dissolved(self, event: Any, view: ViewWriter) -> None:
        team = view.require("teams", event.originator_id)
        view.put("teams", {**team, "status": "dissolved"})
        for membership in view.where("team_members", "team_id", event.originator_id):
            _leave(view, event.originator_id, membership["volunteer_id"])

    # -- assignments -----------------------------------------------------------------

    @handles("wushe.assignment.proposed")
    def proposed(self, event: Any, view: ViewWriter) -> None:
        volunteer = view.get("volunteers", event.volunteer_id)
        if volunteer is None:  # forgotten: nothing about them is recorded any more
            return
        view.put("assignments", {
            "assignment_id": event.originator_id, "volunteer_id": event.volunteer_id,
            "community_id": volunteer["community_id"], "project_id": event.project_id,
            "shift_id": event.shift_id, "team_id": event.team_id,
            "span_start": event.span.start, "span_end": event.span.end,
            "shift_minutes": event.span.minutes, "status": "proposed", "overrun": False,
            "updated_at": event.at,
        })

    @handles("wushe.assignment.accepted")
    def accepted(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="accepted")

    @handles("wushe.assignment.declined")
    def declined(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="declined")

    @handles("wushe.assignment.expired")
    def expired(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="expired")

    @handles("wushe.assignment.cancelled")
    def cancelled(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="cancelled")

    @handles("wushe.assignment.marked_no_show")
    def marked_no_show(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="no_show")

    @handles("wushe.assignment.checked_in")
    def checked_in(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="checked_in")

    @handles("wushe.assignment.checked_out")
    def checked_out(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="checked_out",
                           service_minutes=event.service_minutes,
                           credited_minutes=event.credited_minutes, overrun=event.overrun)

    @handles("wushe.assignment.hours_confirmed")
    def hours_confirmed(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="confirmed",
                           credited_minutes=event.credited_minutes)

    @handles("wushe.assignment.disputed")
    def disputed(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="disputed")

    @handles("wushe.assignment.dispute_resolved")
    def dispute_resolved(self, event: Any, view: ViewWriter) -> None:
        _update_assignment(view, event, status="confirmed",
                           credited_minutes=event.credited_minutes)


# -- rows ---------------------------------------------------------------------------


def _update_volunteer(view: ViewWriter, event: Any, **changes: Any) -> None:
    row = view.get("volunteers", event.originator_id)
    if row is None:  # forgotten
        return
    row.update(changes, version=event.originator_version)
    view.put("volunteers", row)


def _update_assignment(view: ViewWriter, event: Any, **changes: Any) -> None:
    row = view.get("assignments", event.originator_id)
    if row is None:  # the volunteer was forgotten
        return
    row.update(changes, updated_at=event.at)
    view.put("assignments", row)


def _join(view: ViewWriter, team_id: Any, volunteer_id: Any) -> None:
    if view.get("volunteers", volunteer_id) is None:  # forgotten
        return
    view.put("team_members", {"team_id": team_id, "volunteer_id": volunteer_id})
    _set_team(view, volunteer_id, str(team_id), member=True)


def _leave(view: ViewWriter, team_id: Any, volunteer_id: Any) -> None:
    view.delete("team_members", team_id, volunteer_id)
    _set_team(view, volunteer_id, str(team_id), member=False)


def _set_team(view: ViewWriter, volunteer_id: Any, team_id: str, *, member: bool) -> None:
    row = view.get("volunteers", volunteer_id)
    if row is None:
        return
    teams = set(_decoded(row["team_ids"])) - {team_id}
    row["team_ids"] = _json(sorted(teams | {team_id} if member else teams))
    view.put("volunteers", row)


# -- JSON -----------------------------------------------------------------------------


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


def _decoded(text: object) -> list[str]:
    return msgspec.json.decode(str(text or "[]"), type=list[str])


def _clock(moment: time) -> str:
    """``HH:MM`` (with seconds only if a window has them)."""
    return moment.isoformat("minutes" if not moment.second and not moment.microsecond
                            else "auto")


def _windows(windows: Iterable[WeeklyWindow]) -> list[list[int | str]]:
    return [[w.weekday, _clock(w.start), _clock(w.end)] for w in windows]


def _exception(exception: AvailabilityException) -> dict[str, object]:
    return {"day": exception.day.isoformat(), "available": exception.available,
            "windows": _windows(exception.windows)}
