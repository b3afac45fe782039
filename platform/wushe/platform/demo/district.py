"""Build a realistic synthetic district (standard.md "Realistic sizes") and record it.

Everything is recorded through the application commands a user's request runs
(:mod:`wushe.platform.commands`, or ``app.update`` with an aggregate method, as the
HTTP API does), so every rule and reference check applies. Creations carry a
request key derived from the seed, so ids are deterministic; times derive from
the demo week, so the same :class:`DemoSpec` always gives the same log.

Each community is first *planned* — sizes and make-up drawn from its own seeded
random generator — and then *built*; the plans give the progress bar its total.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import msgspec

from wushe.platform.commands import add_grid, found_community
from wushe.platform.demo import activity, needs, people, requests
from wushe.platform.demo.context import DemoContext, Tally
from wushe.platform.demo.organisations import OrganisationPlan, plan_organisations
from wushe.platform.demo.organisations import build as build_organisations
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.community import Community, Grid
from wushe.platform.domain.errors import ConflictError

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.platform.application import WusheApplication

__all__ = [
    "CommunityPlan",
    "DemoExistsError",
    "DemoSpec",
    "DemoSummary",
    "load_demo",
]

DISTRICT = "福州市鼓楼区"
COMMUNITY_NAMES = ("东街", "南街", "温泉", "乌山", "屏山", "湖前", "杨桥", "鼓东", "鼓西",
                   "安泰", "华大", "五凤", "洪山", "水部", "三坊", "南营")
HOUSEHOLDS = (2000, 5000)  # a typical urban community (standard.md "Realistic sizes")
PEOPLE_PER_HOUSEHOLD = (2.5, 3.0)
VOLUNTEER_SHARE = (0.10, 0.20)  # registered volunteers, share of the residents
GRID_HOUSEHOLDS = 400  # 8.7.1: a grid covers 300-500 households; aim for the middle
MIN_GRIDS = 5
SPECIAL_GRID_CHANCE = 0.7  # a school as a special grid (8.7.1)
WORKERS_PER_10K = 18  # 6.1.2; the demo draws a little above and below it
WORKER_SPREAD = (-3, 2)
RESIDENTS_PER_NEED = 100  # about one open or recent request per hundred residents
PROJECTS_PER_WEEK = (8, 15)
TEAMS = (5, 12)  # 6.2.3: at least 5 teams ...
TEAM_SIZE = (5, 12)  # ... of at least 5 volunteers
LAST_WEEK_VOLUNTEERS = (5, 9)
FOUNDED_DAYS_AGO = 1100  # the community joined the platform about three years ago
VENUE_BASE_M2, VENUE_STEP_M2, VENUE_STEP_RESIDENTS, VENUE_FROM = 600, 100, 2000, 6000  # 6.3
SERVICE_SHARE = (0.78, 0.92)  # 6.3 asks for ≥ 80 %; some venues fall short
ROOMS = ("服务大厅", "社工室", "调解室", "阅览室", "多功能室", "慈善超市", "微型消防站")


class DemoSpec(msgspec.Struct, frozen=True, kw_only=True):
    """What demo district to build."""

    seed: int = 2026
    communities: int = 3
    volunteers: int | None = None  # total across the district; default 10–20 % of residents
    week_of: date  # the Monday of the demo week

    @classmethod
    def for_next_week(cls, today: date, **options: int | None) -> DemoSpec:
        """A spec whose demo week is the week after ``today``."""
        monday = today + timedelta(days=7 - today.weekday())
        return msgspec.convert({**options, "week_of": monday}, cls)


class DemoSummary(msgspec.Struct, frozen=True):
    """How much the demo recorded."""

    aggregates: int
    events: int
    counts: dict[str, int]


class DemoExistsError(ConflictError):
    """The store already holds the demo district of this seed."""


class CommunityPlan(msgspec.Struct, frozen=True, kw_only=True):
    """The sizes and make-up of one community, drawn before anything is recorded."""

    index: int
    seed: int  # of the generator the community is built with
    name: str
    residents: int
    households: int
    volunteers: int
    staff: int
    organisations: tuple[OrganisationPlan, ...]
    team_sizes: tuple[int, ...]
    needs: int
    projects: int
    last_week_volunteers: int

    @property
    def aggregates(self) -> int:
        """How many aggregates building the community creates."""
        offers = sum(len(o.offers) for o in self.organisations)
        # Last week's project, its assignments (one more offer is declined), and the
        # pair of offers already made for this week's first home visit.
        assignments = activity.assignments_for(self.volunteers, self.last_week_volunteers)
        return (1 + self.staff + len(self.organisations) + offers + self.volunteers
                + len(self.team_sizes) + self.needs + requests.REQUESTS + self.projects + 1
                + assignments)


def load_demo(
    app: WusheApplication, spec: DemoSpec, progress: Callable[[int, int], None] | None = None
) -> DemoSummary:
    """Plan the district, then record it community by community, reporting progress.

    Raises:
        DemoExistsError: the store already holds the demo district of this seed.
    """
    rng = random.Random(spec.seed)
    plans = plan_district(rng, spec)
    tally = Tally(total=sum(p.aggregates for p in plans), progress=progress)
    start = app.log_position()
    for plan in plans:
        build_community(app, spec, plan, tally)
    return DemoSummary(aggregates=tally.done, events=app.log_position() - start,
                       counts=tally.counts)


def plan_district(rng: random.Random, spec: DemoSpec) -> list[CommunityPlan]:
    """Every community's plan; each draws from its own generator, seeded from ``rng``."""
    populations = [_population(rng) for _ in range(spec.communities)]
    shares = _volunteer_shares(rng, populations, spec.volunteers)
    return [
        plan_community(random.Random(rng.random()), index, residents, households, volunteers)
        for index, ((residents, households), volunteers)
        in enumerate(zip(populations, shares, strict=True))
    ]


def plan_community(
    rng: random.Random, index: int, residents: int, households: int, volunteers: int
) -> CommunityPlan:
    """Draw one community's sizes; every second one meets the 6.2.3 organisation count."""
    name = _community_name(index)
    workers = math.ceil(residents * WORKERS_PER_10K / 10_000) + rng.randint(*WORKER_SPREAD)
    return CommunityPlan(
        index=index, seed=rng.getrandbits(32), name=name, residents=residents,
        households=households, volunteers=volunteers, staff=workers,
        organisations=plan_organisations(rng, name, meets_standard=index % 2 == 0),
        team_sizes=_team_sizes(rng, volunteers), needs=residents // RESIDENTS_PER_NEED,
        projects=rng.randint(*PROJECTS_PER_WEEK),
        last_week_volunteers=min(volunteers, rng.randint(*LAST_WEEK_VOLUNTEERS)),
    )


def build_community(app: WusheApplication, spec: DemoSpec, plan: CommunityPlan,
                    tally: Tally) -> None:
    """Record one community, in an order that respects what refers to what."""
    rng = random.Random(plan.seed)
    now = datetime.combine(spec.week_of - timedelta(days=3), time(9), CHINA_TIME)
    recorded = found_community(
        app, code=f"350102{plan.index + 1:03d}{rng.randint(1, 999):03d}", name=plan.name,
        district=DISTRICT, permanent_population=plan.residents, households=plan.households,
        at=now - timedelta(days=FOUNDED_DAYS_AGO),
        request_key=f"demo:{spec.seed}:{plan.index}:community")
    if not recorded.created:
        raise DemoExistsError(
            "demo.already_loaded", f"该数据库已载入种子 {spec.seed} 的示范社区，请换一个种子",
            f"this store already holds the demo district of seed {spec.seed}; "
            "use another --seed")
    ctx = DemoContext(app=app, spec=spec, plan=plan, rng=rng, tally=tally,
                      community_id=recorded.id, now=now)
    tally.created("Community")
    _grids(ctx)
    _venue(ctx)
    people.appoint_staff(ctx)
    build_organisations(ctx)
    people.register_volunteers(ctx)
    people.form_teams(ctx)
    needs.receive_needs(ctx)
    requests.post_requests(ctx)  # before projects take the needs they serve
    activity.plan_projects(ctx)


def _community_name(index: int) -> str:
    base, rounds = COMMUNITY_NAMES[index % len(COMMUNITY_NAMES)], index // len(COMMUNITY_NAMES)
    return f"{base}社区" if rounds == 0 else f"{base}{rounds + 1}社区"


def _population(rng: random.Random) -> tuple[int, int]:
    households = rng.randint(*HOUSEHOLDS)
    return int(households * rng.uniform(*PEOPLE_PER_HOUSEHOLD)), households


def _volunteer_shares(rng: random.Random, populations: list[tuple[int, int]],
                      total: int | None) -> list[int]:
    if total is None:
        return [int(people * rng.uniform(*VOLUNTEER_SHARE)) for people, _ in populations]
    residents = sum(people for people, _ in populations)
    shares = [total * people // residents for people, _ in populations]
    shares[0] += total - sum(shares)
    return shares


def _team_sizes(rng: random.Random, volunteers: int) -> tuple[int, ...]:
    """Teams of 5-12 while volunteers remain, at least five teams if there are enough.

    Each team leaves room for the smallest size of every team still needed to
    reach five; most volunteers join no team.
    """
    smallest = TEAM_SIZE[0]
    required = min(TEAMS[0], volunteers // smallest)
    sizes: list[int] = []
    left = volunteers
    for n in range(rng.randint(*TEAMS)):
        reserve = max(0, required - n - 1) * smallest
        size = min(rng.randint(*TEAM_SIZE), left - reserve)
        if size < smallest:
            break
        sizes.append(size)
        left -= size
    return tuple(sizes)


def _grids(ctx: DemoContext) -> None:
    households = ctx.plan.households
    count = max(MIN_GRIDS, round(households / GRID_HOUSEHOLDS))
    base, extra = divmod(households, count)
    for n in range(count):
        grid = Grid(grid_id=f"G{n + 1:02d}", name=f"第{n + 1}网格",
                    households=base + (1 if n < extra else 0))
        add_grid(ctx.app, community_id=ctx.community_id, grid=grid)
        ctx.grids.append(grid.grid_id)
    if ctx.rng.random() < SPECIAL_GRID_CHANCE:
        school = Grid(grid_id="S01", name="中心小学专属网格", households=1, special=True,
                      kind="school")
        add_grid(ctx.app, community_id=ctx.community_id, grid=school)


def _venue(ctx: DemoContext) -> None:
    total = VENUE_BASE_M2 + (max(0, ctx.plan.residents - VENUE_FROM) // VENUE_STEP_RESIDENTS
                             * VENUE_STEP_M2)
    service = int(total * ctx.rng.uniform(*SERVICE_SHARE))
    ctx.app.update(Community, ctx.community_id,
                   lambda c: c.set_venue(total, service, ROOMS))
