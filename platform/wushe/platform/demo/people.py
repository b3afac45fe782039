"""The demo's people: staff (6.1), volunteers and volunteer teams (6.2).

Names, valid-looking ID numbers and phones come from the community's seeded
generator; everyone is recorded through the application commands.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from wushe.platform import commands
from wushe.platform.commands import add_team_member, form_team, register_volunteer
from wushe.platform.demo.context import TeamRef, VolunteerRef
from wushe.platform.domain.calendar import local_date
from wushe.platform.domain.organisation import OrganisationKind
from wushe.platform.domain.staff import StaffMember, StaffRole, TrainingKind
from wushe.platform.domain.values import WeeklyWindow
from wushe.platform.domain.volunteer import Certification, IdType, PersonalProfile, Volunteer

if TYPE_CHECKING:
    import random
    from uuid import UUID

    from wushe.platform.demo.context import DemoContext

__all__ = [
    "SKILLS",
    "appoint_staff",
    "fake_address",
    "fake_id_number",
    "fake_name",
    "fake_phone",
    "form_teams",
    "register_volunteers",
]

SKILLS = ("first_aid", "elderly_care", "tutoring", "counselling", "legal_advice", "driving",
          "cooking", "haircut", "it_help", "rehabilitation", "nursing", "photography",
          "mediation", "sign_language", "event_hosting")
CONSENT_VERSION = "2026-01"
HOUR_CAPS = (4, 6, 8, 10, 12)
WINDOW_STARTS = (8, 9, 14, 15, 19)
WINDOW_HOURS = 3
HEALTH_NOTE_CHANCE = 0.05
FIRST_AID_CERTIFICATE_CHANCE = 0.5
CERTIFIED_SOCIAL_WORKERS = (1, 2, 3)  # 6.1.2 asks for ≥ 2; some communities fall short
WINDOW_STAFF_EVERY = 4  # one staff member in four works the one-stop window
ANNUAL_TRAINING_CHANCE = 0.85  # 6.1.3.4: every worker, every year; not all manage it
WINDOW_TRAINING_CHANCE = 0.7  # 6.1.3.4: window staff every half year
PRE_JOB_HOURS, ANNUAL_HOURS, WINDOW_HOURS_TRAINING = 16, 8, 4
TEAM_NAMES = ("红色", "银龄", "青春", "巾帼", "邻里", "护苗", "绿色", "平安")
TEAM_WITH_ORGANISATION_CHANCE = 0.5

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
    "郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平"
    "刚桂英华建国志强晓燕海燕玉兰淑珍丹阳思雨子涵"
    "梓萱浩然宇轩欣怡一诺佳怡"
)
STREETS = ("东街", "南后街", "杨桥路", "五一北路", "湖东路", "温泉支路", "鼓屏路", "北大路",
           "乌山路")
# GB 11643 checksum weights and characters.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def fake_name(rng: random.Random) -> str:
    """A plausible Chinese name of two or three characters."""
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def fake_id_number(rng: random.Random, area: str = "350102") -> str:
    """An 18-digit resident ID number with a correct check character."""
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def fake_phone(rng: random.Random) -> str:
    """A mainland mobile number."""
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def fake_address(rng: random.Random) -> str:
    """A street address in Gulou district, Fuzhou."""
    return f"福州市鼓楼区{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋"


# -- staff (6.1) -------------------------------------------------------------


def appoint_staff(ctx: DemoContext) -> None:
    """Community workers near 18 per 10,000 residents, a few of them certified social workers."""
    certified = ctx.rng.choice(CERTIFIED_SOCIAL_WORKERS)
    for n in range(ctx.plan.staff):
        _appoint(ctx, n, certified=n < certified, window=n % WINDOW_STAFF_EVERY == 0)


def _appoint(ctx: DemoContext, n: int, *, certified: bool, window: bool) -> None:
    appointed = ctx.ago(days=ctx.rng.randint(30, 1000))
    staff_id = ctx.created(commands.appoint_staff(
        ctx.app, community_id=ctx.community_id, name=fake_name(ctx.rng),
        role=StaffRole.SOCIAL_WORKER if certified else StaffRole.COMMUNITY_WORKER,
        certified_social_worker=certified, window_staff=window, at=appointed,
        request_key=ctx.key("staff", n)), "StaffMember")
    (ctx.window_staff if window else ctx.workers).append(staff_id)
    _train(ctx, staff_id, TrainingKind.PRE_JOB, local_date(appointed), PRE_JOB_HOURS,
           passed=True)
    today = ctx.now.date()
    if ctx.rng.random() < ANNUAL_TRAINING_CHANCE:
        _train(ctx, staff_id, TrainingKind.ANNUAL,
               today - timedelta(days=ctx.rng.randint(10, 300)), ANNUAL_HOURS)
    if window and ctx.rng.random() < WINDOW_TRAINING_CHANCE:
        _train(ctx, staff_id, TrainingKind.WINDOW_HALF_YEARLY,
               today - timedelta(days=ctx.rng.randint(10, 170)), WINDOW_HOURS_TRAINING)
    if certified:
        number = f"S{ctx.rng.randrange(10**10):010d}"
        on = local_date(appointed) - timedelta(days=ctx.rng.randint(30, 900))
        ctx.app.update(StaffMember, staff_id, lambda s: s.certify_social_worker(number, on))


def _train(ctx: DemoContext, staff_id: UUID, kind: TrainingKind, on: date, hours: int,
           *, passed: bool | None = None) -> None:
    ctx.app.update(StaffMember, staff_id, lambda s: s.record_training(
        kind, on=on, hours=hours, passed_assessment=passed))


# -- volunteers and teams (6.2) ------------------------------------------------


def register_volunteers(ctx: DemoContext) -> None:
    """Register the planned volunteers with their skills and weekly availability."""
    for n in range(ctx.plan.volunteers):
        _register(ctx, n)


def _register(ctx: DemoContext, n: int) -> None:
    rng = ctx.rng
    skills = tuple(sorted(rng.sample(SKILLS, rng.choice((1, 1, 2, 3)))))
    grid = rng.choice(ctx.grids)
    volunteer_id = ctx.created(register_volunteer(
        ctx.app, community_id=ctx.community_id,
        profile=PersonalProfile(
            name=fake_name(rng), id_number=fake_id_number(rng), phone=fake_phone(rng),
            address=fake_address(rng),
            health_notes="高血压" if rng.random() < HEALTH_NOTE_CHANCE else None),
        id_type=IdType.RESIDENT_ID, consent_version=CONSENT_VERSION,
        consented_at=ctx.ago(days=rng.randint(1, 700)), home_grid=grid, skills=skills,
        weekly_hour_cap=rng.choice(HOUR_CAPS), request_key=ctx.key("volunteer", n),
    ), "Volunteer")
    windows = _windows(rng)
    ctx.app.update(Volunteer, volunteer_id, lambda v: v.set_availability(windows))
    if "first_aid" in skills and rng.random() < FIRST_AID_CERTIFICATE_CHANCE:
        certificate = Certification(name="红十字救护员证", issuer="福州市红十字会",
                                    valid_until=ctx.now.date() + timedelta(days=700))
        ctx.app.update(Volunteer, volunteer_id, lambda v: v.add_certification(certificate))
    ctx.volunteers.append(VolunteerRef(volunteer_id, skills, grid))


def _windows(rng: random.Random) -> tuple[WeeklyWindow, ...]:
    windows = []
    for day in sorted(rng.sample(range(7), rng.randint(1, 4))):
        start = rng.choice(WINDOW_STARTS)
        windows.append(WeeklyWindow(weekday=day, start=time(start),
                                    end=time(start + WINDOW_HOURS)))
    return tuple(windows)


def form_teams(ctx: DemoContext) -> None:
    """Form the planned teams from volunteers who are in no team yet."""
    pool = list(ctx.volunteers)
    ctx.rng.shuffle(pool)
    groups = ctx.organisations_of(OrganisationKind.COMMUNITY_SOCIAL_ORGANISATION)
    for n, size in enumerate(ctx.plan.team_sizes):
        members, pool = pool[:size], pool[size:]
        organisation = ctx.rng.choice(groups).id \
            if groups and ctx.rng.random() < TEAM_WITH_ORGANISATION_CHANCE else None
        _form_team(ctx, n, members, organisation)


def _form_team(ctx: DemoContext, n: int, members: list[VolunteerRef],
               organisation_id: UUID | None) -> None:
    leader = members[0]
    name = f"{ctx.plan.name}{TEAM_NAMES[n % len(TEAM_NAMES)]}志愿服务队"
    team_id = ctx.created(form_team(
        ctx.app, community_id=ctx.community_id,
        name=name if n < len(TEAM_NAMES) else f"{name}{n // len(TEAM_NAMES) + 1}",
        leader_id=leader.id, home_grid=leader.home_grid, organisation_id=organisation_id,
        skills_focus=leader.skills, at=ctx.ago(days=ctx.rng.randint(30, 300)),
        request_key=ctx.key("team", n)), "VolunteerTeam")
    for member in members[1:]:
        add_team_member(ctx.app, team_id=team_id, volunteer_id=member.id)
    ctx.teams.append(TeamRef(team_id, len(members)))
