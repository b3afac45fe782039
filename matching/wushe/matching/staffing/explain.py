"""Why each assignment and adoption, and which rule left each place unfilled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.matching.staffing.plan import Assignment, TeamAdoption, Unfilled
from wushe.matching.staffing.reasons import unfilled_reason

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Selection
    from wushe.matching.staffing.instance import Instance

__all__ = ["explain"]


_TEENS = range(10, 21)


def _ordinal(n: int) -> str:
    suffix = "th" if n % 100 in _TEENS else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def explain(instance: Instance, pairs: Pairs, selection: Selection
            ) -> tuple[tuple[Assignment, ...], tuple[TeamAdoption, ...], tuple[Unfilled, ...]]:
    return (
        _assignments(instance, pairs, selection),
        _adoptions(instance, pairs, selection),
        _unfilled(instance, pairs, selection),
    )


def _assignments(instance: Instance, pairs: Pairs, selection: Selection
                 ) -> tuple[Assignment, ...]:
    own: dict[int, list[int]] = {}
    for p in selection.pairs:
        own.setdefault(pairs.volunteer[p], []).append(p)
    found: list[Assignment] = []
    for plan in own.values():
        plan.sort(key=lambda p: (instance.shifts[pairs.shift[p]].start, pairs.shift[p]))
        found.extend(_assignment(instance, pairs, selection, p, k)
                     for k, p in enumerate(plan, start=1))
    found.sort(key=lambda a: (a.shift, a.volunteer))
    return tuple(found)


def _assignment(instance: Instance, pairs: Pairs, selection: Selection, p: int,
                load: int) -> Assignment:
    volunteer, shift = instance.volunteers[pairs.volunteer[p]], instance.shifts[pairs.shift[p]]
    distance = instance.distance(volunteer.home_grid, shift.grid)
    visited = shift.resident is not None and shift.resident in volunteer.visited_residents
    adopted = selection.teams.get(shift.project_id)
    team = None
    if adopted is not None and volunteer.id in instance.teams[adopted].members:
        team = instance.teams[adopted].id
    parts = [
        "Accepted earlier (fixed)." if pairs.fixed[p] else "",
        f"Holds {', '.join(sorted(shift.skills))}." if shift.skills else "No skill required.",
        f"{distance} grid steps from home.",
        "Visited this resident before." if visited else "",
        (f"{_ordinal(load)} shift this week; "
         f"{volunteer.minutes_this_year} minutes served this year."),
        f"Serves through team {team}, which adopted the project." if team else "",
    ]
    return Assignment(
        volunteer=volunteer.id, shift=shift.id, fixed=pairs.fixed[p],
        skills=tuple(sorted(shift.skills)), distance=distance, visited_before=visited,
        load=load, minutes_this_year=volunteer.minutes_this_year, team=team,
        explanation=" ".join(part for part in parts if part),
    )


def _adoptions(instance: Instance, pairs: Pairs, selection: Selection
               ) -> tuple[TeamAdoption, ...]:
    found: list[TeamAdoption] = []
    for project, t in sorted(selection.teams.items()):
        team = instance.teams[t]
        shifts = {s for s, shift in enumerate(instance.shifts) if shift.project_id == project}
        members = {instance.volunteer_at[m] for m in team.members if m in instance.volunteer_at}
        free = {pairs.volunteer[p] for s in shifts for p in pairs.by_shift[s]} & members
        distance = instance.adoption_distance(project, t)
        fixed = project in instance.problem.fixed_teams
        found.append(TeamAdoption(
            project=project, team=team.id, members_free=len(free), distance=distance,
            explanation=(
                f"{'Adopted earlier. ' if fixed else ''}{len(free)} of {len(team.members)} "
                f"members can serve its shifts; {distance} grid steps from the team's home; "
                f"{team.projects_this_year} projects this year."
            ),
        ))
    return tuple(found)


def _unfilled(instance: Instance, pairs: Pairs, selection: Selection) -> tuple[Unfilled, ...]:
    people: dict[int, set[int]] = {}
    for p in selection.pairs:
        people.setdefault(pairs.shift[p], set()).add(pairs.volunteer[p])
    found: list[Unfilled] = []
    for s, shift in enumerate(instance.shifts):
        on = people.get(s, set())
        shortfall = shift.min_headcount - len(on)
        if shortfall > 0:
            reason, why = unfilled_reason(instance, pairs, selection, s, on)
            found.append(Unfilled(shift=shift.id, shortfall=shortfall, reason=reason,
                                  explanation=f"{shortfall} of {shift.min_headcount} places "
                                              f"unfilled: {why}"))
    return tuple(found)
