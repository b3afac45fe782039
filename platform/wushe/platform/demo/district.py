"""Build a realistic synthetic district (standard.md "Realistic sizes") and record it.

Every object is made through the same aggregate commands a user would issue, with
deterministic ids and times, so a seed always gives the same log.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import msgspec

from wushe.platform.application import deterministic_id
from wushe.platform.demo import activity
from wushe.platform.demo.people import fake_address, fake_id_number, fake_name, fake_phone
from wushe.platform.domain.calendar import CHINA_TIME, local_date
from wushe.platform.domain.community import Community, Grid
from wushe.platform.domain.organisation import Organisation, OrganisationKind, Registration
from wushe.platform.domain.resource import ResourceOffer, ResourceType
from wushe.platform.domain.staff import StaffMember, StaffRole, TrainingKind
from wushe.platform.domain.team import VolunteerTeam
from wushe.platform.domain.values import TimeSpan, WeeklyWindow
from wushe.platform.domain.volunteer import IdType, PersonalProfile, Volunteer

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from eventsourcing.domain import Aggregate

    from wushe.platform.application import WusheApplication

__all__ = ["DemoContext", "DemoSpec", "DemoSummary", "load_demo"]

SKILLS = ("first_aid", "elderly_care", "tutoring", "counselling", "legal_advice", "driving",
          "cooking", "haircut", "it_help", "rehabilitation", "nursing", "photography",
          "mediation", "sign_language", "event_hosting")
SAVE_CHUNK = 250
TEAM_NAMES = ("红色", "银龄", "青春", "巾帼", "邻里")
GRID_HOUSEHOLDS = (300, 500)  # 8.7.1
WORKERS_PER_10K = 18  # 6.1.2


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


@dataclass
class DemoContext:
    """One community while it is being built."""

    spec: DemoSpec
    rng: random.Random
    index: int
    now: datetime
    community: Community
    grids: list[str] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    volunteers: list[Volunteer] = field(default_factory=list)
    teams: list[VolunteerTeam] = field(default_factory=list)
    offers: list[ResourceOffer] = field(default_factory=list)
    built: list[Aggregate] = field(default_factory=list)

    def id(self, *parts: object) -> UUID:
        """A deterministic id for this seed and community."""
        key = ":".join(str(p) for p in (self.spec.seed, self.index, *parts))
        return deterministic_id("demo", key)

    def add(self, *aggregates: Aggregate) -> None:
        """Queue aggregates for saving."""
        self.built.extend(aggregates)


def load_demo(
    app: WusheApplication, spec: DemoSpec, progress: Callable[[int, int], None] | None = None
) -> DemoSummary:
    """Build the district and save it in chunks, reporting ``progress(done, total)``."""
    rng = random.Random(spec.seed)
    populations = [_population(rng) for _ in range(spec.communities)]
    shares = _volunteer_shares(rng, populations, spec.volunteers)
    built: list[Aggregate] = []
    for index, (population, volunteers) in enumerate(zip(populations, shares, strict=True)):
        built += build_community(spec, random.Random(rng.random()), index, population, volunteers)
    events = 0
    for start in range(0, len(built), SAVE_CHUNK):
        chunk = built[start:start + SAVE_CHUNK]
        events += sum(len(a.pending_events) for a in chunk)
        app.save(*chunk)
        if progress is not None:
            progress(min(start + SAVE_CHUNK, len(built)), len(built))
    counts: dict[str, int] = {}
    for aggregate in built:
        counts[type(aggregate).__name__] = counts.get(type(aggregate).__name__, 0) + 1
    return DemoSummary(aggregates=len(built), events=events, counts=counts)


def build_community(spec: DemoSpec, rng: random.Random, index: int,
                    population: tuple[int, int], volunteers: int) -> list[Aggregate]:
    """Every aggregate of one community, in an order that respects references."""
    now = datetime.combine(spec.week_of - timedelta(days=3), time(9), CHINA_TIME)
    residents, households = population
    community = Community.found(
        id=deterministic_id("demo", f"{spec.seed}:{index}:community"),
        code=f"350102{index + 1:03d}{rng.randint(1, 999):03d}",
        name=f"{rng.choice('东西南北中')}{rng.choice(('湖', '街', '营', '桥', '屏'))}社区",
        district="福州市鼓楼区", permanent_population=residents, households=households,
        at=now - timedelta(days=400),
    )
    ctx = DemoContext(spec=spec, rng=rng, index=index, now=now, community=community)
    _grids(ctx, households)
    _venue(ctx, residents)
    ctx.add(community)
    _staff(ctx, residents)
    _organisations(ctx)
    _volunteers(ctx, volunteers)
    _teams(ctx)
    _offers(ctx)
    activity.needs(ctx)
    activity.projects(ctx)
    return ctx.built


def _population(rng: random.Random) -> tuple[int, int]:
    households = rng.randint(2000, 5000)
    return int(households * rng.uniform(2.5, 3.0)), households


def _volunteer_shares(rng: random.Random, populations: list[tuple[int, int]],
                      total: int | None) -> list[int]:
    if total is None:
        return [int(people * rng.uniform(0.10, 0.20)) for people, _ in populations]
    residents = sum(people for people, _ in populations)
    shares = [total * people // residents for people, _ in populations]
    shares[0] += total - sum(shares)
    return shares


def _grids(ctx: DemoContext, households: int) -> None:
    count = max(5, round(households / 400))
    base, extra = divmod(households, count)
    for n in range(count):
        grid_id = f"G{n + 1:02d}"
        size = base + (1 if n < extra else 0)
        ctx.community.add_grid(Grid(grid_id=grid_id, name=f"第{n + 1}网格", households=size))
        ctx.grids.append(grid_id)
    if ctx.rng.random() < 0.7:  # a school or market as a special grid (8.7.1)
        ctx.community.add_grid(Grid(grid_id="S01", name="学校专属网格", households=1,
                                    special=True, kind="school"))


def _venue(ctx: DemoContext, residents: int) -> None:
    total = 600 + max(0, residents - 6000) // 2000 * 100
    service = int(total * ctx.rng.uniform(0.78, 0.92))
    ctx.community.set_venue(total, service, ("服务大厅", "社工室", "调解室", "阅览室",
                                             "多功能室", "慈善超市"))


def _staff(ctx: DemoContext, residents: int) -> None:
    workers = math.ceil(residents * WORKERS_PER_10K / 10_000) + ctx.rng.randint(-3, 2)
    for n in range(workers):
        certified = n < ctx.rng.choice((1, 2, 3))
        member = StaffMember.appoint(
            id=ctx.id("staff", n), community_id=ctx.community.id, name=fake_name(ctx.rng),
            role=StaffRole.SOCIAL_WORKER if certified else StaffRole.COMMUNITY_WORKER,
            certified_social_worker=certified, window_staff=n % 4 == 0,
            at=ctx.now - timedelta(days=ctx.rng.randint(30, 2000)),
        )
        member.record_training(TrainingKind.PRE_JOB, on=local_date(member.appointed_at), hours=16,
                               passed_assessment=True)
        if ctx.rng.random() < 0.85:
            member.record_training(TrainingKind.ANNUAL, on=ctx.now.date() - timedelta(days=60),
                                   hours=8, passed_assessment=None)
        ctx.add(member)


_ORG_PLAN = (
    (OrganisationKind.RESIDENTS_COMMITTEE, 1, "居民委员会"),
    (OrganisationKind.PARTY_ORGANISATION, 1, "社区党委"),
    (OrganisationKind.COMMUNITY_SOCIAL_ORGANISATION, 10, "志愿服务协会"),
    (OrganisationKind.SOCIAL_ORGANISATION, 2, "社会工作服务中心"),
    (OrganisationKind.CO_BUILDING_UNIT, 3, "共建单位"),
    (OrganisationKind.CHARITY, 1, "慈善基金会"),
)


def _organisations(ctx: DemoContext) -> None:
    for kind, base_count, label in _ORG_PLAN:
        for n in range(base_count + ctx.rng.randint(0, 2)):
            ctx.organisations.append(_organisation(ctx, kind, n, label))
    ctx.add(*ctx.organisations)


def _organisation(ctx: DemoContext, kind: OrganisationKind, n: int, label: str) -> Organisation:
    registration = ctx.rng.choice((Registration.REGISTERED, Registration.FILED, Registration.NONE))
    if kind in {OrganisationKind.RESIDENTS_COMMITTEE, OrganisationKind.PARTY_ORGANISATION}:
        registration = Registration.NONE
    org = Organisation.register(
        id=ctx.id("org", kind, n), community_id=ctx.community.id,
        name=f"{ctx.community.name}{label}{'' if n == 0 else n + 1}", kind=kind,
        registration=registration,
        registration_no=None if registration is Registration.NONE
        else f"5135{ctx.rng.randrange(10**14):014d}",
        contact_name=fake_name(ctx.rng), contact_phone=fake_phone(ctx.rng),
        at=ctx.now - timedelta(days=ctx.rng.randint(100, 900)),
    )
    if kind is OrganisationKind.CO_BUILDING_UNIT:
        signed = ctx.now.date() - timedelta(days=ctx.rng.randint(30, 300))
        org.sign_agreement(agreement_id=ctx.id("agreement", n), signed_on=signed,
                           valid_until=signed + timedelta(days=730),
                           community_shares=("多功能室",), unit_shares=("会议室", "党员志愿者"))
    return org


def _volunteers(ctx: DemoContext, count: int) -> None:
    for n in range(count):
        volunteer = Volunteer.register(
            id=ctx.id("volunteer", n), community_id=ctx.community.id,
            profile=PersonalProfile(
                name=fake_name(ctx.rng), id_number=fake_id_number(ctx.rng),
                phone=fake_phone(ctx.rng), address=fake_address(ctx.rng),
                health_notes="高血压" if ctx.rng.random() < 0.05 else None),
            id_type=IdType.RESIDENT_ID, consent_version="2026-01",
            consented_at=ctx.now - timedelta(days=ctx.rng.randint(1, 700)),
            home_grid=ctx.rng.choice(ctx.grids),
            skills=tuple(ctx.rng.sample(SKILLS, ctx.rng.choice((1, 1, 2, 3)))),
            weekly_hour_cap=ctx.rng.choice((4, 6, 8, 10, 12)),
        )
        volunteer.set_availability(_windows(ctx.rng))
        ctx.volunteers.append(volunteer)
    ctx.add(*ctx.volunteers)


def _windows(rng: random.Random) -> tuple[WeeklyWindow, ...]:
    days = rng.sample(range(7), rng.randint(1, 4))
    windows = []
    for day in days:
        start = rng.choice((8, 9, 14, 15, 19))
        windows.append(WeeklyWindow(weekday=day, start=time(start), end=time(start + 3)))
    return tuple(windows)


def _teams(ctx: DemoContext) -> None:
    pool = list(ctx.volunteers)
    ctx.rng.shuffle(pool)
    team_count = min(ctx.rng.randint(5, 12), len(pool) // 5)
    for n in range(team_count):
        members = [pool.pop() for _ in range(ctx.rng.randint(5, 12)) if pool]
        if len(members) < 5:
            break
        team = VolunteerTeam.form(
            id=ctx.id("team", n), community_id=ctx.community.id,
            name=f"{ctx.community.name}{TEAM_NAMES[n % len(TEAM_NAMES)]}志愿服务队{n + 1}",
            leader_id=members[0].id, organisation_id=None,
            skills_focus=members[0].skills, home_grid=members[0].home_grid,
            at=ctx.now - timedelta(days=ctx.rng.randint(30, 300)),
        )
        for member in members[1:]:
            team.add_member(member.id)
        ctx.teams.append(team)
    ctx.add(*ctx.teams)


_OFFER_PLAN = (
    (ResourceType.VENUE, "活动室", 1, "间"),
    (ResourceType.GOODS, "爱心米面油", 200, "份"),
    (ResourceType.FUNDS, "公益微基金", 20000, "元"),
    (ResourceType.PROFESSIONAL_SERVICE, "义诊与健康讲座", 12, "场"),
    (ResourceType.VOLUNTEER_TIME, "党员志愿服务", 300, "小时"),
)


def _offers(ctx: DemoContext) -> None:
    window = TimeSpan(ctx.now - timedelta(days=30), ctx.now + timedelta(days=180))
    for n, org in enumerate(ctx.organisations):
        if ctx.rng.random() < 0.35:
            continue
        kind, title, quantity, unit = ctx.rng.choice(_OFFER_PLAN)
        ctx.offers.append(ResourceOffer.offer(
            id=ctx.id("offer", n), community_id=ctx.community.id, organisation_id=org.id,
            resource_type=kind, title=f"{org.name}{title}", description=f"{org.name}提供{title}",
            quantity=quantity, unit=unit, window=window,
            conditions="提前三天预约" if kind is ResourceType.VENUE else None,
            at=ctx.now - timedelta(days=ctx.rng.randint(1, 25)),
        ))
    ctx.add(*ctx.offers)
