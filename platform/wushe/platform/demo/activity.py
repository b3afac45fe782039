"""The demo's moving parts: residents' needs at every stage, and a week of projects."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from wushe.platform.demo.people import fake_address, fake_name, fake_phone
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.need import Need, NeedSource, ReplyChannel
from wushe.platform.domain.policy import DEFAULT_CATEGORIES, Policy
from wushe.platform.domain.project import ServiceProject, Shift
from wushe.platform.domain.values import TimeSpan, Urgency, VulnerableGroup

if TYPE_CHECKING:
    from collections.abc import Callable

    from wushe.platform.demo.district import DemoContext

__all__ = ["needs", "projects"]

POLICY = Policy()
NEED_TITLES = {
    "ELDER": "独居老人助餐助浴", "DISAB": "残疾人康复辅具申请", "CHILD": "暑期儿童托管",
    "EDU": "老年智能手机培训", "HEALTH": "慢病老人上门测血压", "PSY": "心理疏导预约",
    "LEGAL": "劳动纠纷法律咨询", "MEDIATE": "邻里噪音纠纷调解", "EMPLOY": "失业人员就业推荐",
    "ASSIST": "困难家庭临时救助", "CULT": "广场舞场地协调", "ENV": "楼道杂物清理",
    "SAFE": "消防隐患排查", "CONV": "上门理发", "GOV": "高龄补贴代办", "PARTY": "政策宣讲进楼栋",
}
HOME_VISIT_GROUPS = (VulnerableGroup.ELDERLY_ALONE, VulnerableGroup.ELDERLY_LIMITED_MOBILITY,
                     VulnerableGroup.DISABLED, VulnerableGroup.SERIOUSLY_ILL)


def needs(ctx: DemoContext) -> None:
    """About one request per hundred residents, spread over every lifecycle stage."""
    count = ctx.community.permanent_population // 100
    stages = (_received, _returned, _in_handling, _closed_and_replied, _evaluated, _refused,
              _referred, _objected)
    for n in range(count):
        need = _receive(ctx, n)
        stage = stages[n % len(stages)]
        stage(ctx, need, need.received_at)
        ctx.add(need)


def _receive(ctx: DemoContext, n: int) -> Need:
    category = ctx.rng.choice(tuple(DEFAULT_CATEGORIES))
    vulnerable = frozenset(ctx.rng.sample(HOME_VISIT_GROUPS, 1)) if ctx.rng.random() < 0.3 \
        else frozenset()
    return Need.receive(
        id=ctx.id("need", n), community_id=ctx.community.id, grid=ctx.rng.choice(ctx.grids),
        source=ctx.rng.choice(tuple(NeedSource)), category=category,
        title=NEED_TITLES[category], details=f"{NEED_TITLES[category]}，请尽快联系。",
        urgency=ctx.rng.choices(tuple(Urgency), weights=(80, 17, 3))[0],
        vulnerable_groups=vulnerable, resident_name=fake_name(ctx.rng),
        resident_phone=fake_phone(ctx.rng), resident_address=fake_address(ctx.rng),
        received_by="窗口受理岗",
        at=ctx.now - timedelta(days=ctx.rng.randint(1, 20), hours=ctx.rng.randint(0, 6)),
    )


def _received(_: DemoContext, need: Need, at: datetime) -> None:
    """Left waiting for the acceptance decision."""


def _returned(_: DemoContext, need: Need, at: datetime) -> None:
    need.return_for_materials(("户口簿复印件", "身份证复印件"), by="窗口受理岗", at=at)


def _in_handling(ctx: DemoContext, need: Need, at: datetime) -> None:
    need.accept(by="窗口受理岗", at=at)
    need.start_handling("社区网格员", ctx.rng.choice((3, 5, 10)), POLICY.calendar, at)


def _closed_and_replied(ctx: DemoContext, need: Need, at: datetime) -> None:
    _in_handling(ctx, need, at)
    closed = at + timedelta(days=1)
    need.close("已上门办理完毕", closed)
    need.reply(ReplyChannel.PHONE, "您的事项已办结。", None, closed + timedelta(hours=1))


def _evaluated(ctx: DemoContext, need: Need, at: datetime) -> None:
    _closed_and_replied(ctx, need, at)
    need.evaluate(ctx.rng.choice((4, 5, 5, 5, 3)), "服务很及时", at + timedelta(days=2))


def _refused(_: DemoContext, need: Need, at: datetime) -> None:
    need.refuse("不属于社区服务事项，已告知向区人社局申请", appeal_notice=True, by="窗口受理岗",
                at=at)


def _referred(_: DemoContext, need: Need, at: datetime) -> None:
    need.refer("社区社会组织：社工服务中心", "已与服务方确认并转交需求信息", by="窗口受理岗", at=at)


def _objected(ctx: DemoContext, need: Need, at: datetime) -> None:
    _closed_and_replied(ctx, need, at)
    need.object_to_reply("对处理结果有疑问", at + timedelta(days=1, hours=3), POLICY.calendar)


def projects(ctx: DemoContext) -> None:
    """A week of published projects with shifts, and last week's project with its hours."""
    planners: tuple[Callable[[DemoContext, int], ServiceProject], ...] = (
        _home_visits, _health_day, _team_project)
    for n in range(ctx.rng.randint(8, 15)):
        ctx.add(planners[n % len(planners)](ctx, n))
    _last_week(ctx)


def _day(ctx: DemoContext, weekday: int, hour: int, hours: int = 2) -> TimeSpan:
    start = datetime.combine(ctx.spec.week_of + timedelta(days=weekday), time(hour), CHINA_TIME)
    return TimeSpan(start, start + timedelta(hours=hours))


def _draft(ctx: DemoContext, n: int, category: str, title: str, *,
           team: bool = False, purchased: bool = False,
           at: datetime | None = None) -> ServiceProject:
    undertaker = ctx.rng.choice(ctx.organisations).id
    project = ServiceProject.draft(
        id=ctx.id("project", n), community_id=ctx.community.id, category=category,
        title=title, description=f"{title}（五社联动）", government_purchased=purchased,
        undertaking_organisation_id=undertaker if purchased else None,
        requires_team=team, at=at or ctx.now - timedelta(days=2))
    project.set_plan(goals="满足居民需求", content=title, methods="社工+志愿者联动",
                     safety_measures=("出发前安全提示", "配备急救包", "两人同行"))
    project.add_participant_organisation(undertaker)
    return project


def _shift(ctx: DemoContext, span: TimeSpan, skills: tuple[str, ...], low: int, high: int,
           *, home_visit: bool = False, team_only: bool = False) -> Shift:
    return Shift(shift_id=ctx.id("shift", span.start.isoformat(), ctx.rng.random()), span=span,
                 grid=ctx.rng.choice(ctx.grids),
                 place="居民家中" if home_visit else "社区服务站",
                 required_skills=skills, min_headcount=low, max_headcount=high,
                 home_visit=home_visit, team_only=team_only,
                 resident_ref=f"R{ctx.rng.randrange(10**6):06d}" if home_visit else None)


def _home_visits(ctx: DemoContext, n: int) -> ServiceProject:
    project = _draft(ctx, n, "ELDER", "高龄独居老人入户探访", purchased=True)
    for day in range(5):
        project.add_shift(_shift(ctx, _day(ctx, day, 9), ("elderly_care",), 2, 2, home_visit=True))
    project.publish(ctx.now)
    return project


def _health_day(ctx: DemoContext, n: int) -> ServiceProject:
    project = _draft(ctx, n, "HEALTH", "社区义诊与健康讲座")
    project.add_shift(_shift(ctx, _day(ctx, 5, 9, 3), ("first_aid",), 2, 4))
    project.add_shift(_shift(ctx, _day(ctx, 5, 14, 3), (), 3, 8))
    project.publish(ctx.now)
    return project


def _team_project(ctx: DemoContext, n: int) -> ServiceProject:
    project = _draft(ctx, n, "ENV", "楼道环境整治志愿行动", team=True)
    project.add_shift(_shift(ctx, _day(ctx, 6, 8, 3), (), 5, 10, team_only=True))
    project.publish(ctx.now)
    if ctx.teams:
        project.assign_team(ctx.rng.choice(ctx.teams).id)
    return project


def _last_week(ctx: DemoContext) -> None:
    """A completed project with checked-in, checked-out and confirmed hours."""
    start = ctx.now - timedelta(days=5)
    project = _draft(ctx, 999, "CULT", "重阳节文艺汇演", at=start - timedelta(days=10))
    span = TimeSpan(start, start + timedelta(hours=3))
    shift = _shift(ctx, span, (), 3, 6)
    project.add_shift(shift)
    project.publish(start - timedelta(days=3))
    project.mark_staffed(start - timedelta(days=2))
    project.start(start)
    project.complete(span.end)
    project.summarise(summary="参与居民 120 人，满意度高", evaluation_score=5,
                      participants_count=4, at=span.end + timedelta(hours=2))
    ctx.add(project)
    coordinator = ctx.id("coordinator")
    for k, volunteer in enumerate(ctx.volunteers[:4]):
        assignment = Assignment.propose(
            id=ctx.id("assignment", k), project_id=project.id, shift_id=shift.shift_id,
            volunteer_id=volunteer.id, team_id=None, span=span, staffing_run_id=None,
            expires_at=start - timedelta(days=1), at=start - timedelta(days=3))
        assignment.accept(start - timedelta(days=2))
        assignment.check_in(start - timedelta(minutes=10))
        assignment.check_out(span.end + timedelta(minutes=k * 7))
        assignment.confirm_hours(by=coordinator, at=span.end + timedelta(hours=3))
        ctx.add(assignment)
