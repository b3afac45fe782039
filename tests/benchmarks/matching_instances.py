"""Deterministic staffing instances: a realistic community week, at any size.

``generate(volunteers, shifts, seed)`` draws one week of a community (or, at the
larger sizes, a street of communities sharing one roster) from a seeded RNG:

- **Grids** (5–15, more for larger rosters) on a small lattice with positions.
- **Volunteers**: ``Knobs.active_share`` free this week in one to four windows
  by profile (office workers: evenings and weekends; retirees: weekday daytime;
  students: weekends); 0–3 of 12 skills (rare ones rare), a cap of 4–12 h, a
  long-tailed spread of hours this year, residents visited before, preferred
  categories, organisations.
- **Teams** (≥ 5, 5–20 members) with two regular slots most members keep free.
- **Projects** of 1–6 shifts of 1–3 h: home visits (two people, a vulnerable
  resident each), team projects (team-only shifts of ≥ 5 at a team's slot, sized
  for that team, plus open shifts) and ordinary ones; some urgent. Most shifts are
  timed by the window of someone who could take them, as coordinators do.

The defaults leave about 84–90 % of the required places coverable at 500×50 and
about 95 % at 5,000×500 and above (the rest: rare skills at awkward times, teams
and pairs that cannot be fielded). ``replan_case`` turns a solved plan into the
re-plan after one decline.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from wushe.matching.staffing.problem import Problem, Project, Shift, Team, Volunteer, Window

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wushe.matching.staffing.plan import Plan

__all__ = ["DEFAULT_KNOBS", "HORIZON", "SKILLS", "Knobs", "generate", "replan_case"]

_K = TypeVar("_K")

DAY = 24 * 60
HORIZON = 7 * DAY
SKILLS: dict[str, int] = {  # skill → relative frequency among volunteers
    "first_aid": 18, "elder_care": 14, "tutoring": 12, "cooking": 10, "driving": 10,
    "it_help": 9, "child_care": 9, "counselling": 5, "rehab": 4, "mediation": 4,
    "legal": 2, "sign_language": 1,
}
# Category codes of the platform's policy → (weight among projects, skills its shifts ask for).
CATEGORIES: dict[str, tuple[int, tuple[str, ...]]] = {  # the order matters to the RNG
    "ELDER": (20, ("elder_care", "first_aid", "cooking", "driving")),
    "DISAB": (6, ("rehab", "sign_language", "driving")), "CHILD": (10, ("child_care", "first_aid")),
    "EDU": (12, ("tutoring", "it_help")), "HEALTH": (8, ("first_aid", "rehab")),
    "PSY": (4, ("counselling",)), "LEGAL": (3, ("legal",)), "MEDIATE": (3, ("mediation", "legal")),
    "CULT": (10, ()), "ENV": (10, ()), "SAFE": (6, ("first_aid", "driving")),
    "CONV": (8, ("it_help", "cooking")), "ASSIST": (5, ("driving", "cooking")),
}
VISIT_CATEGORIES = {"ELDER": 7, "DISAB": 2, "PSY": 1}


def _slots(days: Sequence[int], start: int, end: int) -> tuple[Window, ...]:
    return tuple(Window(d * DAY + start, d * DAY + end) for d in days)


WEEKDAYS, WEEKEND = range(5), (5, 6)
EVENINGS = _slots(WEEKDAYS, 18 * 60, 21 * 60)
WEEKDAY_DAYTIME = _slots(WEEKDAYS, 8 * 60 + 30, 11 * 60 + 30) + _slots(WEEKDAYS, 14 * 60, 17 * 60)
WEEKENDS = _slots(WEEKEND, 8 * 60, 12 * 60) + _slots(WEEKEND, 14 * 60, 18 * 60)
# Volunteer profiles (office worker, retiree, student): their slot pools with weights.
PROFILES: tuple[tuple[tuple[tuple[Window, ...], int], ...], ...] = (
    ((EVENINGS, 3), (WEEKENDS, 2)),
    ((WEEKDAY_DAYTIME, 4), (WEEKENDS, 1), (EVENINGS, 1)),
    ((WEEKENDS, 3), (EVENINGS, 1)),
)


@dataclass(frozen=True)
class Knobs:
    """What shapes an instance; the defaults are the benchmark's."""

    active_share: float = 0.20  # volunteers with any window this week
    profiles: tuple[int, int, int] = (50, 30, 20)  # workers, retirees, students (weights)
    windows: tuple[int, ...] = (55, 30, 12, 3)  # weights of 1, 2, 3, 4 windows
    skill_counts: tuple[int, ...] = (35, 40, 20, 5)  # weights of 0–3 skills
    home_visit_share: float = 0.15
    urgent_share: float = 0.10
    team_only_share: float = 0.05
    extra_vulnerable_share: float = 0.05  # ordinary shifts serving vulnerable residents
    visit_skills: tuple[int, ...] = (80, 20)  # weights of 0–1 skills on a home visit
    headcounts: tuple[int, ...] = (30, 30, 25, 15)  # weights of 1–4 required on ordinary shifts
    shift_skills: tuple[int, ...] = (70, 28, 2)  # weights of 0–2 skills on an ordinary shift
    durations: tuple[tuple[int, int], ...] = ((60, 30), (90, 20), (120, 35), (180, 15))
    # When ordinary and home-visit shifts happen: evenings, weekday daytime, weekends.
    ordinary_times: tuple[int, int, int] = (35, 25, 40)
    visit_times: tuple[int, int, int] = (15, 55, 30)
    weekend_slots: tuple[int, int, int, int] = (4, 2, 2, 1)  # Sat, Sun mornings; afternoons
    planned_around: float = 0.6  # shifts timed by the window of someone who could come
    fixed_share: float = 0.7  # re-plan: accepted share of the other assignments


DEFAULT_KNOBS = Knobs()


def generate(volunteers: int, shifts: int, seed: int, knobs: Knobs = DEFAULT_KNOBS) -> Problem:
    """One week of ``volunteers`` (≥ 100) and ``shifts`` (≥ 10); the same for the same seed."""
    return _Builder(volunteers, shifts, random.Random(seed), knobs).build()


def replan_case(problem: Problem, plan: Plan, seed: int = 0,
                knobs: Knobs = DEFAULT_KNOBS) -> Problem:
    """The re-plan after one decline of ``plan``: most accepted, one declined, the rest pending.

    The declined assignment is on an ordinary shift (a home visit or a team-only
    shift left with one accepted person could have no valid completion at all).
    """
    rng = random.Random(seed)
    by_id = {s.id: s for s in problem.shifts}
    pairs = sorted((a.volunteer, a.shift) for a in plan.assignments)
    ordinary = [p for p in pairs if not (by_id[p[1]].home_visit or by_id[p[1]].team_only)]
    declined = rng.choice(ordinary or pairs)
    rest = [p for p in pairs if p != declined]
    fixed = frozenset(p for p in rest if rng.random() < knobs.fixed_share)
    return msgspec.structs.replace(
        problem, fixed=fixed, previous=frozenset(rest) - fixed, declined=frozenset({declined}),
        fixed_teams={t.project: t.team for t in plan.teams})


class _Draft:
    """A volunteer being drawn (teams add windows and move homes before it is frozen)."""

    def __init__(self, ident: str, home_grid: str) -> None:
        self.id, self.home_grid = ident, home_grid
        self.skills: frozenset[str] = frozenset()
        self.windows: list[Window] = []
        self.visited: set[str] = set()


class _Builder:
    def __init__(self, volunteers: int, shifts: int, rng: random.Random, knobs: Knobs) -> None:
        if volunteers < 100 or shifts < 10:
            raise ValueError("an instance has at least 100 volunteers and 10 shifts")
        self.n_volunteers, self.n_shifts, self.rng, self.knobs = volunteers, shifts, rng, knobs
        self.grids = _grid_layout(_grid_count(volunteers), rng)
        self.grid_weights = [rng.randint(1, 3) for _ in self.grids]
        self.organisations = [f"O{i:04d}" for i in range(max(8, volunteers // 40))]
        self.team_slots: dict[str, list[Window]] = {}  # team → its two regular slots
        self.projects: list[Project] = []
        self.categories: dict[str, str] = {}  # project → category
        self.shifts: list[Shift] = []
        self.holders: dict[frozenset[str], list[_Draft]] = {}  # skills → active holders

    def build(self) -> Problem:
        drafts = self.drafts()
        teams = self.teams(drafts)
        active = [d for d in drafts if d.windows]
        self.holders[frozenset()] = active
        for skill in SKILLS:
            self.holders[frozenset({skill})] = [d for d in active if skill in d.skills]
        residents = [(f"R{i:05d}", self.grid()) for i in range(
            max(3, round(0.7 * self.knobs.home_visit_share * self.n_shifts)))]
        shifts = self.projects_and_shifts(teams, residents)
        for resident, _ in residents:  # some have been visited before, by one to three people
            for draft in self.rng.sample(active, min(len(active), self.rng.randint(0, 3))):
                draft.visited.add(resident)
        return Problem(
            shifts=tuple(shifts), volunteers=tuple(self.volunteer(d) for d in drafts),
            teams=tuple(teams), projects=tuple(self.projects), grid_positions=self.grids,
            participating_organisations=frozenset(
                o for o in self.organisations if self.rng.random() < 0.5))

    def grid(self) -> str:
        return self.rng.choices(list(self.grids), self.grid_weights)[0]

    # -- volunteers and teams -----------------------------------------------

    def drafts(self) -> list[_Draft]:
        width = len(str(self.n_volunteers))
        drafts = [_Draft(f"V{i:0{width}d}", self.grid()) for i in range(self.n_volunteers)]
        for draft in drafts:
            draft.skills = _distinct(self.rng, SKILLS, self.rng.choices(
                range(4), self.knobs.skill_counts)[0])
        for draft in self.rng.sample(drafts, round(self.knobs.active_share * len(drafts))):
            draft.windows.extend(self.windows())
        return drafts

    def windows(self) -> list[Window]:
        rng = self.rng
        profile = rng.choices(PROFILES, self.knobs.profiles)[0]
        pools, weights = [pool for pool, _ in profile], [w for _, w in profile]
        count = rng.choices(range(1, 5), self.knobs.windows)[0]
        return [_personal(rng.choice(rng.choices(pools, weights)[0]), rng) for _ in range(count)]

    def volunteer(self, draft: _Draft) -> Volunteer:
        rng = self.rng
        preferred = _distinct(rng, {c: w for c, (w, _) in CATEGORIES.items()},
                              rng.randint(1, 2) if rng.random() < 0.4 else 0)
        roll = rng.random()
        organisations = rng.sample(self.organisations, 2 if roll < 0.05 else int(roll < 0.4))
        return Volunteer(
            id=draft.id, skills=draft.skills, windows=_merged(draft.windows),
            home_grid=draft.home_grid, cap_minutes=60 * rng.randint(4, 12),
            minutes_this_year=_year_minutes(rng), visited_residents=frozenset(draft.visited),
            preferred_categories=preferred, organisations=frozenset(organisations))

    def teams(self, drafts: list[_Draft]) -> list[Team]:
        rng, pool = self.rng, self.rng.sample(drafts, len(drafts))
        teams = []
        for i in range(max(5, round(self.n_volunteers / 200))):
            members, pool = pool[:rng.randint(5, 20)], pool[20:]
            slots, home = rng.sample(EVENINGS + WEEKENDS, 2), self.grid()
            for member, slot in itertools.product(members, slots):
                if rng.random() < 0.8:  # most keep the team's regular slots free
                    member.windows.append(slot)
            for member in members:
                if rng.random() < 0.5:
                    member.home_grid = home
            team = Team(id=f"T{i:03d}", members=tuple(m.id for m in members), home_grid=home,
                        organisation=rng.choice(self.organisations) if i % 5 < 2 else None,
                        projects_this_year=rng.randint(0, 5))
            self.team_slots[team.id] = slots
            teams.append(team)
        return teams

    # -- projects and shifts ------------------------------------------------

    def projects_and_shifts(self, teams: list[Team], residents: list[tuple[str, str]],
                            ) -> list[Shift]:
        """Home-visit, team and ordinary projects; every kind present at every size."""
        n = self.n_shifts
        visits = max(2, round(self.knobs.home_visit_share * n))
        team_only = max(2, round(self.knobs.team_only_share * n))
        self.visit_projects(visits, residents)
        opened = self.team_projects(team_only, teams, n - visits - team_only)
        self.ordinary_projects(n - visits - team_only - opened)
        return self.flagged(self.shifts)

    def visit_projects(self, count: int, residents: list[tuple[str, str]]) -> None:
        while count > 0:
            size = min(count, self.rng.randint(3, 8))
            project = self.project(_draw(self.rng, VISIT_CATEGORIES))
            for _ in range(size):
                resident, grid = self.rng.choice(residents)
                skills = self.shift_skills(project, self.knobs.visit_skills)
                self.shift(project, self.when(skills, self.knobs.visit_times), 2, 1, grid=grid,
                           skills=skills, home_visit=True, vulnerable=True, resident=resident)
            count -= size

    def team_projects(self, count: int, teams: list[Team], ordinary: int) -> int:
        """Projects that take a team; returns how many open (ordinary) shifts they have."""
        projects, opened = max(2, math.ceil(count / 1.5)), 0
        able = [t for t in teams if len(t.members) >= 10] or teams
        free = {t.id: list(self.team_slots[t.id]) for t in able}  # slots no project took yet
        for i in range(projects):  # each designed for a team, at its free slots, for its size
            project = self.project(self.category(), requires_team=True)
            team = max(able, key=lambda t: len(free[t.id]))
            most = min(8, max(5, len(team.members) - 5))
            for _ in range(count // projects + (i < count % projects)):
                slots = free[team.id]
                slot = slots.pop() if slots else self.rng.choice(self.team_slots[team.id])
                self.shift(project, slot, self.rng.randint(5, most), 3, team_only=True)
            if opened < ordinary and self.rng.random() < 0.5:
                self.ordinary_shift(project)
                opened += 1
        return opened

    def ordinary_projects(self, count: int) -> None:
        while count > 0:
            size = min(count, self.rng.randint(1, 6))
            project = self.project(self.category())
            for _ in range(size):
                self.ordinary_shift(project)
            count -= size

    def ordinary_shift(self, project: Project) -> None:
        low = self.rng.choices((1, 2, 3, 4), self.knobs.headcounts)[0]
        skills = self.shift_skills(project, self.knobs.shift_skills)
        self.shift(project, self.when(skills, self.knobs.ordinary_times), low, 3, skills=skills)

    def project(self, category: str, *, requires_team: bool = False) -> Project:
        organisation = self.rng.choice(self.organisations) if self.rng.random() < 0.5 else None
        project = Project(id=f"P{len(self.projects):05d}", grid=self.grid(),
                          requires_team=requires_team, organisation=organisation)
        self.projects.append(project)
        self.categories[project.id] = category
        return project

    def shift(self, project: Project, slot: Window, low: int, spread: int, *,
              grid: str | None = None, **flags: Any) -> None:
        start, end = self.place(slot)
        if grid is None:
            grid = project.grid if self.rng.random() < 0.85 else self.grid()
        self.shifts.append(Shift(
            id=f"S{len(self.shifts):05d}", project_id=project.id, start=start, end=end,
            grid=grid, category=self.categories[project.id], min_headcount=low,
            max_headcount=low + self.rng.randint(0, spread), **flags))

    def place(self, slot: Window) -> tuple[int, int]:
        length = slot.end - slot.start
        fitting = {d: w for d, w in self.knobs.durations if d <= length}
        minutes = _draw(self.rng, fitting)
        start = slot.start + 30 * self.rng.randint(0, (length - minutes) // 30)
        return start, start + minutes

    def when(self, skills: frozenset[str], weights: tuple[int, int, int]) -> Window:
        """Most shifts are planned around when someone who could take them is free."""
        holders = self.holders.get(skills, [])
        if holders and self.rng.random() < self.knobs.planned_around:
            return self.rng.choice(self.rng.choice(holders).windows)
        return self.slot(weights)

    def slot(self, weights: tuple[int, int, int]) -> Window:
        pool = self.rng.choices((EVENINGS, WEEKDAY_DAYTIME, WEEKENDS), weights)[0]
        if pool is WEEKENDS:  # activities crowd into Saturday morning
            return self.rng.choices(WEEKENDS, self.knobs.weekend_slots)[0]
        return self.rng.choice(pool)

    def shift_skills(self, project: Project, weights: Sequence[int]) -> frozenset[str]:
        wanted = {k: SKILLS[k] for k in CATEGORIES[self.categories[project.id]][1]}
        return _distinct(self.rng, wanted, self.rng.choices(range(len(weights)), weights)[0])

    def category(self) -> str:
        return _draw(self.rng, {c: w for c, (w, _) in CATEGORIES.items()})

    def flagged(self, shifts: list[Shift]) -> list[Shift]:
        """Mark the urgent shifts and ordinary ones serving vulnerable residents."""
        n, open_ = len(shifts), [i for i, s in enumerate(shifts) if not s.team_only]
        urgent = set(self.rng.sample(open_, min(len(open_), round(self.knobs.urgent_share * n))))
        ordinary = [i for i in open_ if not shifts[i].home_visit]
        vulnerable = set(self.rng.sample(
            ordinary, min(len(ordinary), round(self.knobs.extra_vulnerable_share * n))))
        return [msgspec.structs.replace(s, urgent=i in urgent, vulnerable=s.vulnerable
                                        or i in vulnerable) for i, s in enumerate(shifts)]


def _grid_count(volunteers: int) -> int:
    """5 grids for one community's roster, up to 15 for a street's."""
    return min(15, 5 + round(10 * math.log(max(volunteers, 500) / 500) / math.log(40)))


def _grid_layout(count: int, rng: random.Random) -> dict[str, tuple[int, int]]:
    columns = math.ceil(math.sqrt(count))
    return {f"G{i + 1:02d}": (2 * (i % columns) + rng.randint(0, 1),
                              2 * (i // columns) + rng.randint(0, 1)) for i in range(count)}


def _personal(slot: Window, rng: random.Random) -> Window:
    """A volunteer's own version of a slot: some arrive late, leave early or stay longer."""
    start = slot.start + rng.choices((-30, 0, 30, 60), (10, 60, 20, 10))[0]
    end = slot.end + rng.choices((-30, 0, 30), (20, 65, 15))[0]
    return Window(start, max(end, start + 60))


def _merged(windows: list[Window]) -> tuple[Window, ...]:
    merged: list[Window] = []
    for w in sorted(windows):
        if merged and w.start <= merged[-1].end:
            merged[-1] = Window(merged[-1].start, max(merged[-1].end, w.end))
        else:
            merged.append(w)
    return tuple(merged)


def _year_minutes(rng: random.Random) -> int:
    """Confirmed minutes this year: a fifth are new, the rest a long tail around 50 h."""
    if rng.random() < 0.2:
        return 0
    return min(60_000, 30 * round(rng.lognormvariate(math.log(3000), 1.0) / 30))


def _draw(rng: random.Random, weighted: dict[_K, int]) -> _K:
    return rng.choices(list(weighted), list(weighted.values()))[0]


def _distinct(rng: random.Random, weighted: dict[str, int], count: int) -> frozenset[str]:
    chosen: set[str] = set()
    while len(chosen) < min(count, len(weighted)):
        chosen.add(_draw(rng, weighted))
    return frozenset(chosen)
