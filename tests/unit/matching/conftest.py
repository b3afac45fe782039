"""Instances for the staffing tests: a seeded generator and an independent rule checker."""

from __future__ import annotations

import random
from itertools import combinations, product

from hypothesis import strategies as st

from wushe.matching.staffing import (
    Params,
    Plan,
    Problem,
    Project,
    Shift,
    Team,
    Volunteer,
    Window,
)

DAY = 24 * 60
SKILLS = ("first_aid", "nursing", "driving", "cooking", "counselling", "repair")


def generate(volunteers: int, shifts: int, seed: int = 0, *, side: bool = True,
             params: Params | None = None) -> Problem:
    """A synthetic week: grids 6×5, skills, windows, projects; with ``side`` also home
    visits, residents, team projects, organisations."""
    rng = random.Random(seed)
    grids = {f"g{x}{y}": (x, y) for x in range(6) for y in range(5)}
    names = sorted(grids)
    projects = [Project(id=f"p{i}", grid=rng.choice(names),
                        requires_team=side and i % 10 == 0,
                        organisation=f"o{i % 10}" if side else None)
                for i in range(max(1, shifts // 5))]
    residents = [f"r{i}" for i in range(max(1, shifts // 10))]
    shift_list = [_shift(rng, i, projects, residents, names, side=side) for i in range(shifts)]
    people = [_volunteer(rng, i, names, residents, side=side) for i in range(volunteers)]
    teams = []
    if side:
        ids = [v.id for v in people]
        teams = [Team(id=f"t{i}", members=tuple(rng.sample(ids, min(8, len(ids)))),
                      home_grid=rng.choice(names), organisation=f"o{i % 10}",
                      projects_this_year=rng.randrange(4))
                 for i in range(max(1, volunteers // 250))]
    return Problem(shifts=tuple(shift_list), volunteers=tuple(people), teams=tuple(teams),
                   projects=tuple(projects), grid_positions=grids,
                   participating_organisations=frozenset({"o0", "o1"}),
                   params=params or Params())


def _shift(rng: random.Random, i: int, projects: list[Project], residents: list[str],
           grids: list[str], *, side: bool) -> Shift:
    project = rng.choice(projects)
    start = rng.randrange(7) * DAY + rng.randrange(16, 38) * 30
    least = rng.randint(1, 3)
    home = side and rng.random() < 0.1
    team_only = side and project.requires_team and rng.random() < 0.5
    return Shift(
        id=f"s{i}", project_id=project.id, start=start, end=start + rng.choice((60, 90, 120, 180)),
        grid=project.grid if rng.random() < 0.7 else rng.choice(grids),
        category=rng.choice(("elderly", "children", "environment", "culture")),
        skills=frozenset(rng.sample(SKILLS, 1)) if rng.random() < 0.3 else frozenset(),
        min_headcount=2 if home else (least if not team_only else 5),
        max_headcount=(2 if home else least + rng.randint(0, 2)) if not team_only else 6,
        urgent=rng.random() < 0.1, vulnerable=home and rng.random() < 0.5,
        home_visit=home, team_only=team_only,
        resident=rng.choice(residents) if home else None,
    )


def _volunteer(rng: random.Random, i: int, grids: list[str], residents: list[str], *,
               side: bool) -> Volunteer:
    windows = []
    for day in sorted(rng.sample(range(7), rng.randint(1, 4))):
        start = day * DAY + rng.randrange(14, 30) * 30
        windows.append(Window(start, start + rng.choice((240, 360, 480, 600))))
    return Volunteer(
        id=f"v{i}", skills=frozenset(rng.sample(SKILLS, rng.randint(0, 3))),
        windows=tuple(windows), home_grid=rng.choice(grids),
        cap_minutes=rng.choice((240, 480, 720, 960)),
        minutes_this_year=rng.randrange(0, 20000),
        visited_residents=frozenset(rng.sample(residents, 1)) if side and rng.random() < 0.2
        else frozenset(),
        preferred_categories=frozenset({"elderly"}) if rng.random() < 0.3 else frozenset(),
        organisations=frozenset({f"o{rng.randrange(10)}"}) if side and rng.random() < 0.3
        else frozenset(),
    )


def broken_rules(problem: Problem, plan: Plan) -> list[str]:
    """Every hard rule the plan breaks, checked from the problem alone (not solver code)."""
    shifts = {s.id: s for s in problem.shifts}
    people = {v.id: v for v in problem.volunteers}
    adopted = {a.project: a.team for a in plan.teams}
    broken = [] if len(adopted) == len(plan.teams) else ["two teams for one project"]
    mine: dict[str, list[Shift]] = {}
    on: dict[str, list[str]] = {}
    for a in plan.assignments:
        mine.setdefault(a.volunteer, []).append(shifts[a.shift])
        on.setdefault(a.shift, []).append(a.volunteer)
        broken += _pair_rules(problem, people[a.volunteer], shifts[a.shift], adopted)
    for v_id, own in mine.items():
        broken += _volunteer_rules(problem, people[v_id], own)
    for s_id, who in on.items():
        broken += _shift_rules(problem, shifts[s_id], who)
    planned = {(a.volunteer, a.shift) for a in plan.assignments}
    broken += [f"fixed dropped {v} {s}" for v, s in problem.fixed - planned]
    broken += [f"fixed team dropped {p}" for p, t in problem.fixed_teams.items()
               if adopted.get(p) != t]
    return broken


def _pair_rules(problem: Problem, v: Volunteer, s: Shift, adopted: dict[str, str]) -> list[str]:
    teams = {t.id: t for t in problem.teams}
    broken = []
    if not s.skills <= v.skills:
        broken.append(f"skills {v.id} {s.id}")
    if not any(w.start <= s.start and s.end <= w.end for w in v.windows):
        broken.append(f"availability {v.id} {s.id}")
    if (v.id, s.id) in problem.declined:
        broken.append(f"declined {v.id} {s.id}")
    if s.team_only and (s.project_id not in adopted
                        or v.id not in teams[adopted[s.project_id]].members):
        broken.append(f"team member {v.id} {s.id}")
    return broken


def _volunteer_rules(problem: Problem, v: Volunteer, own: list[Shift]) -> list[str]:
    gap = problem.params.travel_gap_minutes
    broken = [f"cap {v.id}"] if sum(s.end - s.start for s in own) > v.cap_minutes else []
    broken += [f"overlap {v.id} {a.id} {b.id}" for a, b in combinations(own, 2)
               if not (a.end + gap <= b.start or b.end + gap <= a.start)]
    return broken


def _shift_rules(problem: Problem, s: Shift, who: list[str]) -> list[str]:
    broken = [f"twice on {s.id}"] if len(who) != len(set(who)) else []
    if len(who) > s.max_headcount:
        broken.append(f"headcount {s.id}")
    if s.home_visit and len(who) < 2:
        broken.append(f"pair rule {s.id}")
    if s.team_only and len(who) < min(problem.params.team_slot_min, s.max_headcount):
        broken.append(f"team slot {s.id}")
    return broken


def _distance(problem: Problem, a: str, b: str) -> int:
    p = problem.params
    if a == b:
        return 0
    pa, pb = problem.grid_positions.get(a), problem.grid_positions.get(b)
    if pa is None or pb is None:
        return min(p.unknown_distance, p.max_distance)
    return min(abs(pa[0] - pb[0]) + abs(pa[1] - pb[1]), p.max_distance)


def team_projects(problem: Problem) -> dict[str, tuple[str, ...]]:
    """Projects that take a team, with the teams each may adopt."""
    wanted = {p.id for p in problem.projects if p.requires_team}
    wanted |= {s.project_id for s in problem.shifts if s.team_only}
    every = tuple(t.id for t in problem.teams)
    return {p: (problem.fixed_teams[p],) if p in problem.fixed_teams else every
            for p in sorted(wanted)}


def simply_eligible(problem: Problem, v: Volunteer, s: Shift) -> bool:
    """Rules 1, 2, 8 and membership of some team the project may adopt."""
    if (v.id, s.id) in problem.fixed:
        return True
    if not s.skills <= v.skills or (v.id, s.id) in problem.declined:
        return False
    if not any(w.start <= s.start and s.end <= w.end for w in v.windows):
        return False
    if s.team_only:
        teams = {t.id: t for t in problem.teams}
        return any(v.id in teams[t].members for t in team_projects(problem)[s.project_id])
    return True


def tiers_by_definition(problem: Problem, plan: set[tuple[str, str]],
                        adopted: dict[str, str]) -> tuple[int, ...]:
    """The five tiers of a plan straight from docs/matching.md (not solver code)."""
    p = problem.params
    shifts = {s.id: s for s in problem.shifts}
    people = {v.id: v for v in problem.volunteers}
    teams = {t.id: t for t in problem.teams}
    projects = {pr.id: pr for pr in problem.projects}
    count = dict.fromkeys(shifts, 0)
    for _, s_id in plan:
        count[s_id] += 1
    short = [0, 0]
    for shift in shifts.values():
        short[0 if shift.priority else 1] += max(0, shift.min_headcount - count[shift.id])
    changes = len(problem.previous - problem.fixed - plan)
    quality = 0
    faces = set()
    for v_id, s_id in plan:
        v, s = people[v_id], shifts[s_id]
        quality += _distance(problem, v.home_grid, s.grid)
        quality += p.preference_cost if v.preferred_categories and \
            s.category not in v.preferred_categories else 0
        if s.resident is not None and s.resident not in v.visited_residents:
            faces.add((v_id, s.resident))
    quality += p.new_face_cost * len(faces)
    for project, team in adopted.items():
        grid = projects[project].grid if project in projects else \
            next(s.grid for s in problem.shifts if s.project_id == project)
        quality += _distance(problem, teams[team].home_grid, grid)
    return (*short, changes, quality, _fairness(problem, plan, adopted))


def _fairness(problem: Problem, plan: set[tuple[str, str]], adopted: dict[str, str]) -> int:
    p = problem.params
    people = {v.id: v for v in problem.volunteers}
    teams = {t.id: t for t in problem.teams}
    total = 0
    for v in problem.volunteers:
        n = sum(1 for v_id, _ in plan if v_id == v.id)
        steps = min(v.minutes_this_year // p.year_minutes_step, p.year_steps_cap)
        total += sum(k + steps for k in range(1, n + 1))
    for t in problem.teams:
        n = sum(1 for team in adopted.values() if team == t.id)
        total += sum(k + t.projects_this_year for k in range(1, n + 1))
    eligible_teams = {t for ts in team_projects(problem).values() for t in ts}
    orgs: set[str] = set()
    for v in problem.volunteers:
        if any(simply_eligible(problem, v, s) for s in problem.shifts):
            orgs |= v.organisations
    orgs |= {o for t in eligible_teams if (o := teams[t].organisation) is not None}
    orgs -= problem.participating_organisations
    serving = {o for v_id, _ in plan for o in people[v_id].organisations}
    serving |= {o for t in adopted.values() if (o := teams[t].organisation) is not None}
    return total + p.organisation_cost * len(orgs - serving)


def _subsets(problem: Problem, v: Volunteer) -> list[tuple[str, ...]]:
    """Shift sets one volunteer may work: eligible, no overlap, within the cap, fixed kept."""
    gap = problem.params.travel_gap_minutes
    options = [s for s in problem.shifts if simply_eligible(problem, v, s)]
    fixed = {s for v_id, s in problem.fixed if v_id == v.id}
    found = []
    for n in range(len(options) + 1):
        for chosen in combinations(options, n):
            if sum(s.end - s.start for s in chosen) > v.cap_minutes and not fixed:
                continue
            if any(not (a.end + gap <= b.start or b.end + gap <= a.start)
                   for a, b in combinations(chosen, 2)):
                continue
            ids = tuple(s.id for s in chosen)
            if fixed <= set(ids):
                found.append(ids)
    return found


def _shifts_valid(problem: Problem, plan: set[tuple[str, str]]) -> bool:
    for s in problem.shifts:
        n = sum(1 for _, s_id in plan if s_id == s.id)
        least = max(2 if s.home_visit else 1,
                    min(problem.params.team_slot_min, s.max_headcount) if s.team_only else 1)
        if n > s.max_headcount or 0 < n < least:
            return False
    return True


def _teams_valid(problem: Problem, plan: set[tuple[str, str]], adopted: dict[str, str]) -> bool:
    teams = {t.id: t for t in problem.teams}
    shifts = {s.id: s for s in problem.shifts}
    for v_id, s_id in plan:
        shift = shifts[s_id]
        if shift.team_only and (v_id, s_id) not in problem.fixed:
            team = adopted.get(shift.project_id)
            if team is None or v_id not in teams[team].members:
                return False
    return True


def brute_force(problem: Problem) -> tuple[int, ...]:
    """The lexicographically least tier vector over every valid plan."""
    per_volunteer = [[(v.id, ids) for ids in _subsets(problem, v)] for v in problem.volunteers]
    projects = team_projects(problem)
    choices = [
        [(p, t) for t in teams] if p in problem.fixed_teams
        else [(p, None), *((p, t) for t in teams)]
        for p, teams in projects.items()
    ]
    best: tuple[int, ...] | None = None
    for combo in product(*per_volunteer):
        plan = {(v_id, s_id) for v_id, ids in combo for s_id in ids}
        if not _shifts_valid(problem, plan):
            continue
        for picked in product(*choices):
            adopted = {p: t for p, t in picked if t is not None}
            if _teams_valid(problem, plan, adopted):
                tiers = tiers_by_definition(problem, plan, adopted)
                best = tiers if best is None or tiers < best else best
    assert best is not None
    return best


GRIDS = {"a": (0, 0), "b": (1, 0), "c": (3, 2)}  # "d" has no position


@st.composite
def tiny_problems(draw: st.DrawFn, *, most_volunteers: int = 3, most_shifts: int = 4,
                  gap: float = 0.0) -> Problem:
    """Random problems small enough for the brute force (≤ 3 × 4 by default)."""
    n_shifts = draw(st.integers(1, most_shifts))
    shifts = tuple(draw(_tiny_shift(i)) for i in range(n_shifts))
    n_volunteers = draw(st.integers(1, most_volunteers))
    volunteers = tuple(draw(_tiny_volunteer(i)) for i in range(n_volunteers))
    ids = [v.id for v in volunteers]
    teams = tuple(
        Team(id=f"t{i}", members=tuple(draw(st.lists(st.sampled_from(ids), unique=True))),
             home_grid=draw(st.sampled_from("abcd")),
             organisation=draw(st.sampled_from((None, "o2"))),
             projects_this_year=draw(st.integers(0, 2)))
        for i in range(draw(st.integers(0, 2)))
    )
    pairs = sorted((v, s.id) for v in ids for s in shifts)
    projects = (Project(id="p0", grid="a"),
                Project(id="p1", grid="b", requires_team=draw(st.booleans()), organisation="o1"))
    return Problem(
        shifts=shifts, volunteers=volunteers, teams=teams, projects=projects,
        grid_positions=GRIDS,
        participating_organisations=frozenset(draw(st.sampled_from(((), ("o1",))))),
        previous=frozenset(draw(st.lists(st.sampled_from(pairs), max_size=3))),
        declined=frozenset(draw(st.lists(st.sampled_from(pairs), max_size=2))),
        params=Params(travel_gap_minutes=draw(st.sampled_from((0, 30))), team_slot_min=2,
                      time_limit_s=5, relative_gap=gap, workers=1),
    )


@st.composite
def _tiny_shift(draw: st.DrawFn, i: int) -> Shift:
    start = draw(st.sampled_from((0, 60, 120, 180)))
    least = draw(st.sampled_from((0, 1, 1, 2)))
    team_only = draw(st.booleans()) and draw(st.booleans())
    return Shift(
        id=f"s{i}", project_id="p1" if team_only or draw(st.booleans()) else "p0",
        start=start, end=start + draw(st.sampled_from((60, 90))),
        grid=draw(st.sampled_from("abcd")), category=draw(st.sampled_from("xy")),
        skills=frozenset(("nurse",)) if draw(st.booleans()) and draw(st.booleans())
        else frozenset(),
        min_headcount=least, max_headcount=max(1, least + draw(st.integers(0, 1))),
        urgent=draw(st.booleans()), vulnerable=draw(st.booleans()) and draw(st.booleans()),
        home_visit=draw(st.booleans()) and draw(st.booleans()), team_only=team_only,
        resident=draw(st.sampled_from((None, "r1", "r2"))),
    )


@st.composite
def _tiny_volunteer(draw: st.DrawFn, i: int) -> Volunteer:
    windows = draw(st.sampled_from(((Window(0, 300),), (Window(0, 300),), (Window(0, 150),),
                                    (Window(100, 300),), (Window(0, 90), Window(120, 300)))))
    return Volunteer(
        id=f"v{i}", skills=frozenset(draw(st.sampled_from(((), ("nurse",))))),
        windows=windows, home_grid=draw(st.sampled_from("abcd")),
        cap_minutes=draw(st.sampled_from((60, 150, 240))),
        minutes_this_year=draw(st.sampled_from((0, 3000, 40000))),
        visited_residents=frozenset(draw(st.sampled_from(((), ("r1",))))),
        preferred_categories=frozenset(draw(st.sampled_from(((), ("x",))))),
        organisations=frozenset(draw(st.sampled_from(((), ("o1",), ("o2",))))),
    )
