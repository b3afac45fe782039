"""The demo's needs list (需求清单): residents' requests in every category and stage.

Requests come in at the window, by phone, online or through grid workers (8.6,
8.7.2) and are taken through the window-service lifecycle by the community's staff
(referred to by their StaffMember ids): waiting, returned once for materials,
resubmitted, accepted, referred, refused, in handling (some overdue), extended,
closed, replied, objected to, answered, and evaluated by the resident.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from wushe.platform.commands import allocate_to_need, extend, object_to_reply, receive_need
from wushe.platform.commands import start_handling as start
from wushe.platform.demo.context import NeedRef
from wushe.platform.demo.people import fake_address, fake_name, fake_phone
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.need import HOME_VISIT_GROUPS, Need, NeedSource, ReplyChannel
from wushe.platform.domain.organisation import OrganisationKind
from wushe.platform.domain.policy import DEFAULT_CATEGORIES
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.values import Urgency, VulnerableGroup

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeAlias
    from uuid import UUID

    from wushe.platform.demo.context import DemoContext

    Step: TypeAlias = Callable[[DemoContext, UUID, datetime], None]

__all__ = ["HANDLED_STAGES", "STAGES", "receive_needs"]

CATEGORIES = tuple(DEFAULT_CATEGORIES)
TITLES = {
    "ELDER": ("独居老人助餐助浴", "高龄老人上门探访"),
    "DISAB": ("残疾人康复辅具申请", "无障碍改造咨询"),
    "CHILD": ("暑期儿童托管", "困境儿童关爱"),
    "EDU": ("老年智能手机培训", "青少年课业辅导"),
    "HEALTH": ("慢病老人上门测血压", "家庭医生签约"),
    "PSY": ("心理疏导预约", "失独老人心理关爱"),
    "LEGAL": ("劳动纠纷法律咨询", "遗嘱继承咨询"),
    "MEDIATE": ("邻里噪音纠纷调解", "楼上漏水纠纷"),
    "EMPLOY": ("失业人员就业推荐", "灵活就业技能培训"),
    "ASSIST": ("困难家庭临时救助", "低保边缘户帮扶"),
    "CULT": ("广场舞场地协调", "老年大学报名"),
    "ENV": ("楼道杂物清理", "垃圾分类点异味"),
    "SAFE": ("消防隐患排查", "电动车楼道充电"),
    "CONV": ("上门理发", "家电维修预约"),
    "GOV": ("高龄补贴代办", "居住证明开具"),
    "PARTY": ("政策宣讲进楼栋", "党员报到服务"),
}
GROUPS = {  # who the request is for, in categories that serve vulnerable residents
    "ELDER": (VulnerableGroup.ELDERLY_ALONE, VulnerableGroup.ELDERLY_LIMITED_MOBILITY),
    "DISAB": (VulnerableGroup.DISABLED,),
    "HEALTH": (VulnerableGroup.SERIOUSLY_ILL, VulnerableGroup.HOME_ISOLATED),
    "CHILD": (VulnerableGroup.CHILD_IN_DIFFICULTY,),
    "ASSIST": (VulnerableGroup.LOW_INCOME,),
}
VULNERABLE_CHANCE = 0.6
URGENCY_WEIGHTS = (80, 17, 3)  # routine, urgent, emergency
COMMITTED_WORKING_DAYS = (3, 5, 10)
EXTRA_WORKING_DAYS = 5
OPENING, WINDOW_MINUTES = time(8, 30), 8 * 60  # requests arrive in office hours
MISSING = ("户口簿复印件", "身份证复印件", "近三个月收入证明")
RELIEF_PORTIONS = 2  # goods given to a hardship request being handled


# -- the steps a request goes through -----------------------------------------


def _accept(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    by = _window(ctx)
    ctx.app.update(Need, need_id, lambda n: n.accept(by=by, at=at + timedelta(minutes=15)))


def _return(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    by = _window(ctx)
    ctx.app.update(Need, need_id, lambda n: n.return_for_materials(
        MISSING, by=by, at=at + timedelta(minutes=15)))


def _resubmit(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _return(ctx, need_id, at)
    ctx.app.update(Need, need_id, lambda n: n.resubmit(at + timedelta(days=2)))
    _handle(ctx, need_id, at + timedelta(days=2))


def _handle(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _accept(ctx, need_id, at)
    start(ctx.app, policy=ctx.policy, need_id=need_id, handler=_worker(ctx),
          committed_working_days=ctx.rng.choice(COMMITTED_WORKING_DAYS),
          at=at + timedelta(hours=1))


def _progress(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _handle(ctx, need_id, at)
    ctx.app.update(Need, need_id, lambda n: n.record_progress(
        "已电话联系居民，约定上门时间", at + timedelta(days=1)))


def _extend(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _handle(ctx, need_id, at)
    extend(ctx.app, policy=ctx.policy, need_id=need_id, extra_working_days=EXTRA_WORKING_DAYS,
           reason="需协调物业与产权单位共同处理",
           notice_to_resident="已电话告知居民延期原因和办理计划",
           at=at + timedelta(days=1, hours=2))


def _close(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _handle(ctx, need_id, at)
    ctx.app.update(Need, need_id, lambda n: n.close("已上门办理完毕", at + timedelta(days=2)))


def _reply(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _close(ctx, need_id, at)
    channel = ctx.rng.choice((ReplyChannel.PHONE, ReplyChannel.SMS, ReplyChannel.IN_PERSON))
    ctx.app.update(Need, need_id, lambda n: n.reply(
        channel, "您反映的事项已办结，感谢您的支持。",
        "因协调多方，办理超出承诺时限，特此致歉" if n.closed_overdue else None,
        at + timedelta(days=2, hours=2)))


def _object(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _reply(ctx, need_id, at)
    object_to_reply(ctx.app, policy=ctx.policy, need_id=need_id,
                    objection="对处理结果有疑问，希望再次上门核实", at=at + timedelta(days=3))


def _answer(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _object(ctx, need_id, at)
    by = _worker(ctx)
    ctx.app.update(Need, need_id, lambda n: n.answer_objection(
        "已再次上门核实并向居民说明处理依据", by=by, at=at + timedelta(days=3, hours=3)))


def _evaluate(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    _reply(ctx, need_id, at)
    score = ctx.rng.choice((5, 5, 5, 4, 4, 3))
    ctx.app.update(Need, need_id, lambda n: n.evaluate(score, "服务及时，态度很好",
                                                       at + timedelta(days=4)))


def _refer(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    groups = ctx.organisations_of(OrganisationKind.COMMUNITY_SOCIAL_ORGANISATION,
                                  OrganisationKind.SOCIAL_ORGANISATION)
    post = f"社会组织：{ctx.rng.choice(groups).name}" if groups else "街道社会事务办"
    by = _window(ctx)
    ctx.app.update(Need, need_id, lambda n: n.refer(
        post, "已与服务方确认并转交需求信息", by=by, at=at + timedelta(minutes=30)))


def _refuse(ctx: DemoContext, need_id: UUID, at: datetime) -> None:
    by = _window(ctx)
    ctx.app.update(Need, need_id, lambda n: n.refuse(
        "不属于社区服务事项，已告知向区人社局申请", appeal_notice=True, by=by,
        at=at + timedelta(minutes=30)))


def _wait(_ctx: DemoContext, _need_id: UUID, _at: datetime) -> None:
    """Left waiting for the acceptance decision."""


# Each stage: its name, how many days ago such requests arrived, and how to get there.
STAGES: tuple[tuple[str, tuple[int, int], Step], ...] = (
    ("received", (1, 2), _wait), ("returned", (1, 3), _return),
    ("accepted", (1, 2), _accept), ("referred", (1, 10), _refer),
    ("refused", (1, 10), _refuse), ("in_handling", (2, 6), _progress),
    ("resubmitted", (4, 9), _resubmit), ("extended", (2, 8), _extend),
    ("closed", (3, 10), _close), ("replied", (3, 12), _reply),
    ("objected", (4, 12), _object), ("answered", (4, 14), _answer),
    ("evaluated", (5, 20), _evaluate),
)
HANDLED_STAGES = frozenset({"accepted", "in_handling", "resubmitted", "extended"})


def receive_needs(ctx: DemoContext) -> None:
    """About one request per hundred residents, in every category and every stage."""
    for n in range(ctx.plan.needs):
        name, (low, high), step = STAGES[n % len(STAGES)]
        category = CATEGORIES[n] if n < len(CATEGORIES) else ctx.rng.choice(CATEGORIES)
        arrived = _office_hours(ctx, ctx.rng.randint(low, high))
        need_id, home_visit = _receive(ctx, n, category, arrived)
        step(ctx, need_id, arrived)
        ctx.needs.append(NeedRef(need_id, category, home_visit,
                                 handled=name in HANDLED_STAGES))
    _relief(ctx)


def _receive(ctx: DemoContext, n: int, category: str, at: datetime) -> tuple[UUID, bool]:
    rng = ctx.rng
    title = rng.choice(TITLES.get(category, (DEFAULT_CATEGORIES[category][0],)))
    groups = GROUPS.get(category, ())
    vulnerable = frozenset(rng.sample(groups, 1)) \
        if groups and rng.random() < VULNERABLE_CHANCE else frozenset()
    source = rng.choice(tuple(NeedSource))
    need_id = ctx.created(receive_need(
        ctx.app, policy=ctx.policy, community_id=ctx.community_id, grid=rng.choice(ctx.grids),
        source=source, category=category, title=title,
        details=f"{title}：居民来{'电' if source is NeedSource.PHONE else '访'}反映，请尽快联系。",
        urgency=rng.choices(tuple(Urgency), weights=URGENCY_WEIGHTS)[0],
        vulnerable_groups=vulnerable, resident_name=fake_name(rng),
        resident_phone=fake_phone(rng), resident_address=fake_address(rng),
        received_by=_worker(ctx) if source is NeedSource.GRID_WORKER else _window(ctx),
        at=at, request_key=ctx.key("need", n),
    ), "Need")
    return need_id, bool(vulnerable & HOME_VISIT_GROUPS)


def _relief(ctx: DemoContext) -> None:
    """Goods from the resource list for hardship requests being handled."""
    hardship = [need for need in ctx.needs if need.category == "ASSIST" and need.handled]
    for k, need in enumerate(hardship):
        offer = ctx.offer(ResourceType.GOODS, RELIEF_PORTIONS)
        if offer is None:
            return
        allocate_to_need(ctx.app, offer_id=offer.id, need_id=need.id, quantity=RELIEF_PORTIONS,
                         at=ctx.ago(hours=k + 1), request_key=ctx.key("relief", k))
        offer.remaining -= RELIEF_PORTIONS


def _office_hours(ctx: DemoContext, days_ago: int) -> datetime:
    day = ctx.now.date() - timedelta(days=days_ago)
    opening = datetime.combine(day, OPENING, CHINA_TIME)
    return opening + timedelta(minutes=ctx.rng.randrange(WINDOW_MINUTES))


def _window(ctx: DemoContext) -> UUID:
    """A one-stop window staff member (or any worker, if the window has none)."""
    return ctx.rng.choice(ctx.window_staff or ctx.workers)


def _worker(ctx: DemoContext) -> UUID:
    """A community worker who handles requests (or window staff, if there are none)."""
    return ctx.rng.choice(ctx.workers or ctx.window_staff)
