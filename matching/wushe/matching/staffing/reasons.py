"""The most specific rule that kept anyone else from an unfilled place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.matching.staffing.eligibility import AT_CAP, OVERLAP, PAIR_RULE, TEAM_TOO_SMALL
from wushe.matching.staffing.instance import conflict
from wushe.matching.staffing.plan import UnfilledReason

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Selection
    from wushe.matching.staffing.instance import Instance
    from wushe.matching.staffing.problem import Shift

__all__ = ["unfilled_reason"]

Reason = tuple[UnfilledReason, str]


def unfilled_reason(instance: Instance, pairs: Pairs, selection: Selection, s: int,
                    on: set[int]) -> Reason:
    """Reason code and sentence for shift ``s``, short with the people ``on`` it."""
    shift = instance.shifts[s]
    candidates = {pairs.volunteer[p] for p in pairs.by_shift[s]} - on
    blocked = {v: why for v, why in pairs.blocked[s] if v not in on}
    if not candidates and not blocked:
        return _nobody_eligible(instance, pairs, shift, on)
    team = _team_filter(instance, selection, shift, candidates | set(blocked))
    if isinstance(team, tuple):
        return team
    candidates &= team
    blocked = {v: why for v, why in blocked.items() if v in team}
    states = _states(instance, pairs, selection, shift, candidates) | blocked
    free = [v for v, state in states.items() if state is None]
    if not free:
        return _blocked_reason(states)
    least = instance.minimum(shift)
    if not on and len(free) < least:
        if shift.home_visit and len(free) == 1:
            return UnfilledReason.PAIR_RULE, "only one person could go, and home visits take two."
        return UnfilledReason.TEAM_TOO_SMALL, \
            f"only {len(free)} team members free, the shift needs {least}."
    return UnfilledReason.USED_ELSEWHERE, \
        f"{len(free)} possible people serve on higher-priority or better-suited shifts."


def _nobody_eligible(instance: Instance, pairs: Pairs, shift: Shift, on: set[int]) -> Reason:
    """No usable pair left: find the first rule (skills, time, decline, team) that bound."""
    index = pairs.index
    if index is None:
        return UnfilledReason.USED_ELSEWHERE, "the possible people serve elsewhere."
    if not index.anyone_skilled(shift.skills):
        return UnfilledReason.NO_SKILL, \
            f"nobody holds {', '.join(sorted(shift.skills)) or 'the skills'}."
    free = set(index.skilled_and_free(shift)) - on
    if not free:
        return UnfilledReason.NO_AVAILABILITY, "the skilled people are not free in the window."
    declined = instance.problem.declined
    free = {v for v in free if (instance.volunteers[v].id, shift.id) not in declined}
    if not free:
        return UnfilledReason.DECLINED, "the skilled, free people declined."
    return _team_reason(instance, shift)


def _team_reason(instance: Instance, shift: Shift) -> Reason:
    if shift.team_only and not instance.candidate_teams.get(shift.project_id):
        return UnfilledReason.NO_TEAM, "team-only, and no team can adopt the project."
    if shift.team_only:
        return UnfilledReason.TEAM_TOO_SMALL, "no member of a team that may adopt it is free."
    return UnfilledReason.USED_ELSEWHERE, "the possible people serve elsewhere."


def _team_filter(instance: Instance, selection: Selection, shift: Shift,
                 people: set[int]) -> set[int] | Reason:
    """Team-only: the adopted team's members among ``people``, or why there is none."""
    if not shift.team_only:
        return people
    teams = instance.candidate_teams.get(shift.project_id, ())
    if not teams:
        return UnfilledReason.NO_TEAM, "team-only, and no team can adopt the project."
    adopted = selection.teams.get(shift.project_id)
    if adopted is None:
        return UnfilledReason.TEAM_TOO_SMALL, \
            f"no team can field the {instance.minimum(shift)} members it needs."
    members = set(instance.teams[adopted].members)
    inside = {v for v in people if instance.volunteers[v].id in members}
    if not inside:
        return UnfilledReason.TEAM_TOO_SMALL, \
            f"team {instance.teams[adopted].id} has no other member who can serve."
    return inside


def _states(instance: Instance, pairs: Pairs, selection: Selection, shift: Shift,
            candidates: set[int]) -> dict[int, str | None]:
    """Per candidate: at_cap, overlap (given the plan) or None (could join)."""
    own: dict[int, list[Shift]] = {}
    for p in selection.pairs:
        if pairs.volunteer[p] in candidates:
            own.setdefault(pairs.volunteer[p], []).append(instance.shifts[pairs.shift[p]])
    gap = instance.params.travel_gap_minutes
    states: dict[int, str | None] = {}
    for v in candidates:
        plan = own.get(v, [])
        if sum(s.minutes for s in plan) + shift.minutes > instance.volunteers[v].cap_minutes:
            states[v] = AT_CAP
        elif any(conflict(gap, shift, other) for other in plan):
            states[v] = OVERLAP
        else:
            states[v] = None
    return states


_BLOCKED = {
    AT_CAP: (UnfilledReason.AT_CAP, "every possible person lacks hour room."),
    OVERLAP: (UnfilledReason.OVERLAP, "the possible people are on overlapping shifts."),
    PAIR_RULE: (UnfilledReason.PAIR_RULE, "only one person could go, and home visits take two."),
    TEAM_TOO_SMALL: (UnfilledReason.TEAM_TOO_SMALL,
                     "no team can field the members it needs at that time."),
}


def _blocked_reason(states: dict[int, str | None]) -> Reason:
    """Everyone possible is blocked: one shared cause, else overlap before the cap."""
    causes = {state for state in states.values() if state is not None}
    if len(causes) == 1:
        return _BLOCKED[causes.pop()]
    for cause in (OVERLAP, AT_CAP, TEAM_TOO_SMALL, PAIR_RULE):
        if cause in causes:
            return _BLOCKED[cause]
    return UnfilledReason.USED_ELSEWHERE, "the possible people serve elsewhere."
