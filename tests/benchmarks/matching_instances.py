"""Deterministic staffing instances: a realistic community week, at any size.

``generate(volunteers, shifts, seed)`` draws one week of a community (or, at the
larger sizes, a street of communities sharing one roster) from a seeded RNG:

- **Grids** (5–15, more for larger rosters) on a small lattice with positions.
- **Volunteers**: ``Knobs.active_share`` of them free this week, each in one to
  four windows drawn by profile (office workers: evenings and weekends; retirees:
  weekday mornings and afternoons; students: weekends); 0–3 of 12 skills (most
  0–2, rare ones such as sign language rare), a cap of 4–12 h, a long-tailed spread
  of hours this year, residents visited before, preferred categories, organisations.
- **Teams** (≥ 5, 5–20 members) with a regular slot most members keep free.
- **Projects** of 1–6 shifts of 1–3 h in the usual slots: home-visit projects (two
  people, a vulnerable resident each), team projects (team-only shifts of ≥ 5 people
  at a team's slot, plus open ones) and ordinary ones; some urgent.

``replan_case`` turns a solved plan into the re-plan after one decline.
"""

from __future__ import annotations

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
CATEGORIES: dict[str, tuple[int, tuple[str, ...]]] = {
    "ELDER": (20, ("elder_care", "first_aid", "cooking", "driving")),
    "DISAB": (6, ("rehab", "sign_language", "driving")),
    "CHILD": (10, ("child_care", "first_aid")),
    "EDU": (12, ("tutoring", "it_help")),
    "HEALTH": (8, ("first_aid", "rehab")),
    "PSY": (4, ("counselling",)),
    "LEGAL": (3, ("legal",)),
    "MEDIATE": (3, ("mediation", "legal")),
    "CULT": (10, ()),
    "ENV": (10, ()),
    "SAFE": (6, ("first_aid", "driving")),
    "CONV": (8, ("it_help", "cooking")),
    "ASSIST": (5, ("driving", "cooking")),
}
VISIT_CATEGORIES = {"ELDER": 7, "DISAB": 2, "PSY": 1}


def _slots(days: Sequence[int], start: int, end: int) -> tuple[Window, ...]:
    return tuple(Window(d * DAY + start, d * DAY + end) for d in days)


WEEKDAYS, WEEKEND = range(5), (5, 6)
EVENINGS = _slots(WEEKDAYS, 18 * 60, 21 * 60)
WEEKDAY_DAYTIME = _slots(WEEKDAYS, 8 * 60 + 30, 11 * 60 + 30) + _slots(WEEKDAYS, 14 * 60, 17 * 60)
WEEKENDS = _slots(WEEKEND, 8 * 60, 12 * 60) + _slots(WEEKEND, 14 * 60, 18 * 60)
# Volunteer profile → (share of the active, its slot pools with weights).
PROFILES: dict[str, tuple[float, tuple[tuple[tuple[Window, ...], int], ...]]] = {
    "worker": (0.5, ((EVENINGS, 3), (WEEKENDS, 2))),
    "retiree": (0.3, ((WEEKDAY_DAYTIME, 4), (WEEKENDS, 1), (EVENINGS, 1))),
    "student": (0.2, ((WEEKENDS, 3), (EVENINGS, 1))),
}


@dataclass(frozen=True)
class Knobs:
    """What shapes an instance; the defaults are the benchmark's."""

    active_share: float = 0.30  # volunteers with any window this week
    windows: tuple[int, ...] = (30, 35, 25, 10)  # weights of 1, 2, 3, 4 windows
    skill_counts: tuple[int, ...] = (35, 40, 20, 5)  # weights of 0–3 skills
    home_visit_share: float = 0.15
    urgent_share: float = 0.10
    team_only_share: float = 0.05
    extra_vulnerable_share: float = 0.05  # ordinary shifts serving vulnerable residents
    shift_skills: tuple[int, ...] = (45, 45, 10)  # weights of 0–2 skills on an ordinary shift
    durations: tuple[tuple[int, int], ...] = ((60, 30), (90, 20), (120, 35), (180, 15))
    # When ordinary and home-visit shifts happen: evenings, weekday daytime, weekends.
    ordinary_times: tuple[int, int, int] = (35, 25, 40)
    visit_times: tuple[int, int, int] = (15, 55, 30)
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
    return Problem(
        shifts=problem.shifts, volunteers=problem.volunteers, teams=problem.teams,
        projects=problem.projects, grid_positions=problem.grid_positions,
        participating_organisations=problem.participating_organisations,
        fixed=fixed, previous=frozenset(rest) - fixed, declined=frozenset({declined}),
        fixed_teams={t.project: t.team for t in plan.teams}, params=problem.params)


class _Draft:
    """A volunteer being drawn (teams add windows and move homes before it is frozen)."""

    def __init__(self, ident: str, home_grid: str) -> None:
        self.id, self.home_grid = ident, home_grid
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
        self.team_slots: dict[str, Window] = {}
        self.projects: list[Project] = []
        self.categories: dict[str, str] = {}  # project → category
        self.shifts: list[Shift] = []

    def build(self) -> Problem:
        drafts = self.drafts()
        teams = self.teams(drafts)
        residents = [(f"R{i:05d}", self.grid()) for i in range(
            max(3, round(0.7 * self.knobs.home_visit_share * self.n_shifts)))]
        shifts = self.projects_and_shifts(teams, residents)
        active = [d for d in drafts if d.windows]
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
        for draft in self.rng.sample(drafts, round(self.knobs.active_share * len(drafts))):
            draft.windows.extend(self.windows())
        return drafts

    def windows(self) -> list[Window]:
        rng = self.rng
        profile = rng.choices(list(PROFILES.values()), [p[0] for p in PROFILES.values()])[0]
        pools = [pool for pool, _ in profile[1]]
        count = rng.choices(range(1, 5), self.knobs.windows)[0]
        return [_personal(rng.choice(rng.choices(pools, [w for _, w in profile[1]])[0]), rng)
                for _ in range(count)]

    def volunteer(self, draft: _Draft) -> Volunteer:
        rng = self.rng
        skills = _distinct(rng, SKILLS, rng.choices(range(4), self.knobs.skill_counts)[0])
        preferred = _distinct(rng, {c: w for c, (w, _) in CATEGORIES.items()},
                              rng.randint(1, 2) if rng.random() < 0.4 else 0)
        roll = rng.random()
        organisations = rng.sample(self.organisations, 2 if roll < 0.05 else int(roll < 0.4))
        return Volunteer(
            id=draft.id, skills=skills, windows=_merged(draft.windows),
            home_grid=draft.home_grid, cap_minutes=60 * rng.randint(4, 12),
            minutes_this_year=_year_minutes(rng), visited_residents=frozenset(draft.visited),
            preferred_categories=preferred, organisations=frozenset(organisations))

    def teams(self, drafts: list[_Draft]) -> list[Team]:
        rng, pool = self.rng, self.rng.sample(drafts, len(drafts))
        teams = []
        for i in range(max(5, round(self.n_volunteers / 200))):
            members, pool = pool[:rng.randint(5, 20)], pool[20:]
            slot, home = rng.choice(EVENINGS[:3] + WEEKENDS), self.grid()
            for member in members:
                if rng.random() < 0.8:  # most keep the team's regular slot free
                    member.windows.append(slot)
                if rng.random() < 0.5:
                    member.home_grid = home
            team = Team(id=f"T{i:03d}", members=tuple(m.id for m in members), home_grid=home,
                        organisation=rng.choice(self.organisations) if rng.random() < 0.4
                        else None, projects_this_year=rng.randint(0, 5))
            self.team_slots[team.id] = slot
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
                self.shift(project, self.slot(self.knobs.visit_times), 2, 1, grid=grid,
                           skills=self.shift_skills(project, (50, 50)), home_visit=True,
                           vulnerable=True, resident=resident)
            count -= size

    def team_projects(self, count: int, teams: list[Team], ordinary: int) -> int:
        """Projects that take a team; returns how many open (ordinary) shifts they have."""
        projects, opened = max(2, math.ceil(count / 1.5)), 0
        for i in range(projects):
            project = self.project(self.category(), requires_team=True)
            slot = self.team_slots[self.rng.choice(teams).id]  # a team that could do it
            for _ in range(count // projects + (i < count % projects)):
                self.shift(project, slot, self.rng.randint(5, 8), 3, team_only=True)
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
        low = self.rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
        self.shift(project, self.slot(self.knobs.ordinary_times), low, 3,
                   skills=self.shift_skills(project, self.knobs.shift_skills))

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

    def slot(self, weights: tuple[int, int, int]) -> Window:
        return self.rng.choice(self.rng.choices((EVENINGS, WEEKDAY_DAYTIME, WEEKENDS), weights)[0])

    def shift_skills(self, project: Project, weights: Sequence[int]) -> frozenset[str]:
        wanted = CATEGORIES[self.categories[project.id]][1]
        count = self.rng.choices(range(len(weights)), weights)[0] if wanted else 0
        return frozenset(self.rng.sample(wanted, min(count, len(wanted))))

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
