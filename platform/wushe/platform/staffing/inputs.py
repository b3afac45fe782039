"""The optimiser's input for one community's week, read from the views.

Roster (volunteers, their windows and caps, teams, this week's assignments), project
list (published and staffed projects' shifts in the week, their needs), needs list
(urgency, vulnerable groups), hours ledger (minutes this year) and participation
(organisations that took part this year). Accepted assignments become ``fixed``,
pending offers ``previous``, declined, expired and no-show pairs ``declined``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from wushe.matching.staffing.problem import Params, Problem, Project, Shift, Team, Volunteer
from wushe.projections.schema import utc_text
from wushe.projections.views.hours import TOTALS
from wushe.projections.views.needs import NEEDS
from wushe.projections.views.participation import PARTICIPATION
from wushe.projections.views.projects import PROJECT_NEEDS, PROJECTS, SHIFTS
from wushe.projections.views.roster import ASSIGNMENTS, TEAM_MEMBERS, TEAMS, VOLUNTEERS

if TYPE_CHECKING:
    from wushe.platform.staffing.horizon import Week
    from wushe.projections.reader import ViewReader

__all__ = ["HELD", "StaffingInput", "ViewSet"]

HELD = ("accepted", "checked_in", "checked_out", "confirmed", "disputed")
# Pairs never offered again this week: the volunteer said no, did not answer, or did
# not come. A cancelled offer (the coordinator's, or a re-plan's) may be made again.
_REFUSED = ("declined", "expired", "no_show")
_SERVED = ("checked_out", "confirmed")
_STAFFABLE = ("published", "staffed")


@dataclass(frozen=True)
class ViewSet:
    """Readers of the live generations the input comes from."""

    roster: ViewReader
    projects: ViewReader
    needs: ViewReader
    hours: ViewReader
    participation: ViewReader


@dataclass
class StaffingInput:
    """The problem, and how its opaque ids map back to the log."""

    problem: Problem
    shift_projects: dict[str, UUID] = field(default_factory=dict)  # shift → project
    team_only: set[str] = field(default_factory=set)
    pending: dict[tuple[str, str], UUID] = field(default_factory=dict)  # → assignment
    project_teams: dict[str, str] = field(default_factory=dict)


def read_input(views: ViewSet, community_id: UUID, week: Week, params: Params) -> StaffingInput:
    """Everything one solve needs for ``community_id``'s ``week``."""
    community = str(community_id)
    projects = views.projects.rows(PROJECTS, "community_id = ? AND status IN (?, ?)",
                                   community, *_STAFFABLE)
    staffable = {p["project_id"] for p in projects}
    shift_rows = [s for s in views.projects.rows(
        SHIFTS, "community_id = ? AND span_start >= ? AND span_start < ?", community,
        utc_text(week.start), utc_text(week.end)) if s["project_id"] in staffable]
    urgency = _project_urgency(views, community)
    built = StaffingInput(problem=Problem(shifts=(), volunteers=()))
    shifts = tuple(_shift(row, week, projects, urgency, built) for row in shift_rows)
    assignments = views.roster.rows(ASSIGNMENTS, "community_id = ?", community)
    in_problem = {s.id for s in shifts}
    volunteers = _volunteers(views, community, week, assignments, in_problem)
    teams = _teams(views, community, week, projects)
    fixed, previous, declined = _pairs(assignments, in_problem, built)
    built.project_teams = {p["project_id"]: p["team_id"] for p in projects if p["team_id"]}
    used = {s.project_id for s in shifts}
    built.problem = Problem(
        shifts=shifts, volunteers=volunteers, teams=teams,
        projects=tuple(_project(p, shift_rows) for p in projects if p["project_id"] in used),
        participating_organisations=_participating(views, community, week),
        fixed=fixed, previous=previous, declined=declined,
        fixed_teams={p: t for p, t in built.project_teams.items() if p in used},
        params=params)
    return built


def _project_urgency(views: ViewSet, community: str) -> dict[str, tuple[bool, bool]]:
    """Per project: (serves an urgent need, serves a vulnerable resident)."""
    needs = {n["need_id"]: n for n in views.needs.rows(NEEDS, "community_id = ?", community)}
    found: dict[str, tuple[bool, bool]] = {}
    for link in views.projects.rows(PROJECT_NEEDS, "community_id = ?", community):
        need = needs.get(link["need_id"])
        if need is None:
            continue
        urgent, vulnerable = found.get(link["project_id"], (False, False))
        found[link["project_id"]] = (urgent or need["urgency"] != "routine",
                                     vulnerable or need["vulnerable_groups"] not in (None, "[]"))
    return found


def _shift(row: dict[str, Any], week: Week, projects: tuple[dict[str, Any], ...],
           urgency: dict[str, tuple[bool, bool]], built: StaffingInput) -> Shift:
    project = next(p for p in projects if p["project_id"] == row["project_id"])
    urgent, vulnerable = urgency.get(row["project_id"], (False, False))
    built.shift_projects[row["shift_id"]] = UUID(row["project_id"])
    if row["team_only"]:
        built.team_only.add(row["shift_id"])
    return Shift(
        id=row["shift_id"], project_id=row["project_id"], start=week.minute(row["span_start"]),
        end=week.minute(row["span_end"]), grid=row["grid"], category=project["category"],
        skills=frozenset(_json_list(row["required_skills"])),
        min_headcount=row["min_headcount"], max_headcount=row["max_headcount"],
        urgent=urgent, vulnerable=vulnerable or bool(row["home_visit"]),
        home_visit=bool(row["home_visit"]), team_only=bool(row["team_only"]),
        resident=row["resident_ref"])


def _project(row: dict[str, Any], shifts: list[dict[str, Any]]) -> Project:
    grids = Counter(s["grid"] for s in shifts if s["project_id"] == row["project_id"])
    return Project(id=row["project_id"], grid=grids.most_common(1)[0][0],
                   requires_team=bool(row["requires_team"]),
                   organisation=row["undertaking_organisation_id"])


def _volunteers(views: ViewSet, community: str, week: Week,
                assignments: tuple[dict[str, Any], ...],
                in_problem: set[str]) -> tuple[Volunteer, ...]:
    year = str(week.monday.year)
    minutes = {t["subject_id"]: int(t["minutes"] or 0) for t in views.hours.rows(
        TOTALS, "community_id = ? AND scope = ? AND period = ?", community, "volunteer", year)}
    busy: defaultdict[str, int] = defaultdict(int)
    visited: defaultdict[str, set[str]] = defaultdict(set)
    residents = _residents(views, community)
    start, end = utc_text(week.start), utc_text(week.end)
    for a in assignments:
        if a["status"] in HELD and start <= a["span_start"] < end \
                and a["shift_id"] not in in_problem:
            busy[a["volunteer_id"]] += int(a["shift_minutes"] or 0)
        if a["status"] in _SERVED and a["shift_id"] in residents:
            visited[a["volunteer_id"]].add(residents[a["shift_id"]])
    organisations = _organisations(views, community)
    return tuple(Volunteer(
        id=v["volunteer_id"], skills=frozenset(_json_list(v["skills"])),
        windows=week.windows(v["weekly_windows"], v["exceptions"]), home_grid=v["home_grid"],
        cap_minutes=max(0, int(v["weekly_hour_cap"]) * 60 - busy[v["volunteer_id"]]),
        minutes_this_year=minutes.get(v["volunteer_id"], 0),
        visited_residents=frozenset(visited[v["volunteer_id"]]),
        organisations=frozenset(organisations[v["volunteer_id"]]),
    ) for v in views.roster.rows(VOLUNTEERS, "community_id = ? AND status = ?", community,
                                 "active"))


def _residents(views: ViewSet, community: str) -> dict[str, str]:
    return {s["shift_id"]: s["resident_ref"] for s in views.projects.rows(
        SHIFTS, "community_id = ? AND resident_ref IS NOT NULL", community)}


def _organisations(views: ViewSet, community: str) -> defaultdict[str, set[str]]:
    """Each volunteer's organisations, through the teams they are in."""
    team_orgs = {t["team_id"]: t["organisation_id"] for t in views.roster.rows(
        TEAMS, "community_id = ? AND status = ?", community, "active")}
    found: defaultdict[str, set[str]] = defaultdict(set)
    for member in views.roster.rows(TEAM_MEMBERS, "1 = 1"):
        organisation = team_orgs.get(member["team_id"])
        if organisation is not None:
            found[member["volunteer_id"]].add(organisation)
    return found


def _teams(views: ViewSet, community: str, week: Week,
           projects: tuple[dict[str, Any], ...]) -> tuple[Team, ...]:
    members: defaultdict[str, list[str]] = defaultdict(list)
    for member in views.roster.rows(TEAM_MEMBERS, "1 = 1"):
        members[member["team_id"]].append(member["volunteer_id"])
    adopted = Counter(p["team_id"] for p in views.projects.rows(
        PROJECTS, "community_id = ? AND team_id IS NOT NULL AND span_start >= ?", community,
        f"{week.monday.year}-01-01") if p["project_id"] not in {q["project_id"] for q in projects})
    return tuple(Team(id=t["team_id"], members=tuple(sorted(members[t["team_id"]])),
                      home_grid=t["home_grid"], organisation=t["organisation_id"],
                      projects_this_year=adopted[t["team_id"]])
                 for t in views.roster.rows(TEAMS, "community_id = ? AND status = ?",
                                            community, "active"))


def _pairs(assignments: tuple[dict[str, Any], ...], in_problem: set[str], built: StaffingInput,
           ) -> tuple[frozenset[tuple[str, str]], ...]:
    fixed, previous, declined = set(), set(), set()
    for a in assignments:
        if a["shift_id"] not in in_problem:
            continue
        pair = (a["volunteer_id"], a["shift_id"])
        if a["status"] in HELD:
            fixed.add(pair)
        elif a["status"] == "proposed":
            previous.add(pair)
            built.pending[pair] = UUID(a["assignment_id"])
        elif a["status"] in _REFUSED:
            declined.add(pair)
    return frozenset(fixed), frozenset(previous), frozenset(declined - fixed - previous)


def _participating(views: ViewSet, community: str, week: Week) -> frozenset[str]:
    return frozenset(p["organisation_id"] for p in views.participation.rows(
        PARTICIPATION, "community_id = ? AND year = ?", community, week.monday.year))


def _json_list(text: str | None) -> list[str]:
    return msgspec.json.decode(text or "[]", type=list[str])
