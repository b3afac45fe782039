"""The demo's project list (项目清单): a week of published projects, and last week's.

This week's projects are published with their shifts and wait for the optimiser:
home visits in pairs (8.7.6), team-only shifts for an assigned volunteer team,
government-purchased child, elderly and education help with an undertaking
organisation (6.2.3), each with a plan and safety measures (8.8), the needs it
serves and the resources allocated to it. Last week's project ran: offers were
made, accepted (one declined), checked in and out, its hours confirmed by a
coordinator, and it was summarised.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import msgspec

from wushe.platform.application import deterministic_id
from wushe.platform.commands import (
    add_shift,
    allocate_to_project,
    assign_team,
    check_out,
    draft_project,
    propose_assignment,
    serve_need,
)
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.organisation import OrganisationKind
from wushe.platform.domain.project import ServiceProject, Shift
from wushe.platform.domain.resource import ResourceOffer, ResourceType
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from wushe.platform.demo.context import DemoContext, VolunteerRef

__all__ = ["DESIGNS", "ProjectDesign", "ShiftDesign", "assignments_for", "plan_projects"]

Kind = OrganisationKind
PENDING_OFFERS = 2  # a pair offered this week's first home visit, one already accepted
NEEDS_PER_PROJECT = 2
PARTICIPANTS_PER_PROJECT = 2  # organisations taking part besides the undertaker
LAST_WEEK_RESIDENTS = (80, 150)  # residents who came to last week's event
OFFER_LEAD = timedelta(days=4)  # last week's offers went out four days ahead
GOODS_USED_SHARE = 0.9


class ShiftDesign(msgspec.Struct, frozen=True, kw_only=True):
    """Shifts of a project, one on each of ``weekdays`` of the demo week."""

    weekdays: tuple[int, ...]
    hour: int
    hours: int
    skills: tuple[str, ...] = ()
    low: int
    high: int
    home_visit: bool = False
    team_only: bool = False


class ProjectDesign(msgspec.Struct, frozen=True, kw_only=True):
    """A kind of project the community runs; ``undertakers``: government-purchased."""

    category: str
    title: str
    shifts: tuple[ShiftDesign, ...]
    safety: tuple[str, ...]
    undertakers: tuple[OrganisationKind, ...] = ()
    requires_team: bool = False
    venue: bool = False
    resources: tuple[tuple[ResourceType, int], ...] = ()


DESIGNS = (
    ProjectDesign(
        category="ELDER", title="高龄独居老人入户探访",
        shifts=(ShiftDesign(weekdays=(0, 1, 2, 3, 4), hour=9, hours=2, skills=("elderly_care",),
                            low=2, high=2, home_visit=True),),
        safety=("入户前电话预约", "两人一组同行", "携带急救包"),
        undertakers=(Kind.SOCIAL_ORGANISATION, Kind.COMMUNITY_SOCIAL_ORGANISATION),
        resources=((ResourceType.PROFESSIONAL_SERVICE, 2),)),
    ProjectDesign(
        category="CHILD", title="四点半课堂",
        shifts=(ShiftDesign(weekdays=(0, 1, 2, 3), hour=16, hours=2, skills=("tutoring",),
                            low=2, high=4),),
        safety=("家长签字接送", "活动室消防通道畅通"),
        undertakers=(Kind.SOCIAL_ORGANISATION, Kind.COMMUNITY_SOCIAL_ORGANISATION),
        venue=True, resources=((ResourceType.FUNDS, 2000),)),
    ProjectDesign(
        category="HEALTH", title="社区义诊与健康讲座",
        shifts=(ShiftDesign(weekdays=(5,), hour=9, hours=3, skills=("first_aid",), low=2, high=4),
                ShiftDesign(weekdays=(5,), hour=14, hours=3, low=3, high=8)),
        safety=("配备急救包与AED", "现场秩序引导"), venue=True,
        resources=((ResourceType.PROFESSIONAL_SERVICE, 1),)),
    ProjectDesign(
        category="ENV", title="楼道环境整治志愿行动",
        shifts=(ShiftDesign(weekdays=(6,), hour=8, hours=3, low=5, high=10, team_only=True),),
        safety=("佩戴手套口罩", "高处作业两人配合"), requires_team=True,
        resources=((ResourceType.VOLUNTEER_TIME, 30),)),
    ProjectDesign(
        category="EDU", title="老年人智能手机课堂",
        shifts=(ShiftDesign(weekdays=(1, 3), hour=9, hours=2, skills=("it_help",), low=2, high=3),),
        safety=("课前防诈骗提示", "活动室消防通道畅通"),
        undertakers=(Kind.COMMUNITY_SOCIAL_ORGANISATION, Kind.SOCIAL_ORGANISATION), venue=True),
    ProjectDesign(
        category="LEGAL", title="法律咨询进社区",
        shifts=(ShiftDesign(weekdays=(2,), hour=14, hours=3, skills=("legal_advice",), low=1,
                            high=2),),
        safety=("保护咨询人隐私",), resources=((ResourceType.PROFESSIONAL_SERVICE, 1),)),
    ProjectDesign(
        category="ASSIST", title="困难家庭爱心物资发放",
        shifts=(ShiftDesign(weekdays=(4,), hour=14, hours=2, low=3, high=6),),
        safety=("分时段发放避免聚集", "物资台账双人核对"),
        resources=((ResourceType.GOODS, 40),)),
)
LAST_WEEK = ProjectDesign(
    category="CULT", title="邻里文化节文艺汇演",
    shifts=(ShiftDesign(weekdays=(), hour=9, hours=3, low=3, high=10),),
    safety=("演出场地安全检查", "配备急救包", "人流疏导"), venue=True,
    resources=((ResourceType.GOODS, 30),))


def assignments_for(volunteers: int, served: int) -> int:
    """How many assignments the demo makes in a community with this many volunteers."""
    declined = 1 if volunteers > served else 0
    pending = PENDING_OFFERS if volunteers >= PENDING_OFFERS else 0
    return served + declined + pending


def plan_projects(ctx: DemoContext) -> None:
    """This week's published projects, then last week's completed one."""
    first_home_visit: UUID | None = None
    for n in range(ctx.plan.projects):
        design = DESIGNS[n % len(DESIGNS)]
        project_id = _this_week(ctx, n, design)
        if first_home_visit is None and design.shifts[0].home_visit:
            first_home_visit = project_id
    if first_home_visit is not None:
        _offer_first_visit(ctx, first_home_visit)
    _last_week(ctx)


# -- this week ------------------------------------------------------------------


def _this_week(ctx: DemoContext, n: int, design: ProjectDesign) -> UUID:
    drafted = ctx.ago(days=ctx.rng.randint(4, 10))
    rounds = n // len(DESIGNS)
    title = design.title if rounds == 0 else f"{design.title}（{rounds + 1}）"
    project_id = _draft(ctx, n, design, title, drafted)
    for shift in _shifts(ctx, n, design):
        add_shift(ctx.app, project_id=project_id, shift=shift)
    _serve_needs(ctx, project_id, design)
    _allocate(ctx, project_id, design, key=n, at=drafted + timedelta(days=1))
    published = ctx.ago(days=ctx.rng.randint(1, 3))
    ctx.app.update(ServiceProject, project_id, lambda p: p.publish(published))
    if design.requires_team and ctx.teams:
        team = ctx.teams[(n // len(DESIGNS)) % len(ctx.teams)]
        assign_team(ctx.app, project_id=project_id, team_id=team.id)
    return project_id


def _draft(ctx: DemoContext, n: int, design: ProjectDesign, title: str, at: datetime) -> UUID:
    undertaker = _undertaker(ctx, design)
    project_id = ctx.created(draft_project(
        ctx.app, policy=ctx.policy, community_id=ctx.community_id, category=design.category,
        title=title, description=f"{title}：社区、社工、社会组织、志愿者与慈善资源五社联动",
        government_purchased=undertaker is not None, undertaking_organisation_id=undertaker,
        requires_team=design.requires_team, at=at, request_key=ctx.key("project", n),
    ), "ServiceProject")
    ctx.app.update(ServiceProject, project_id, lambda p: p.set_plan(
        goals=f"回应居民{title}需求", content=title, methods="社工引领、志愿者参与、社会组织承接",
        safety_measures=design.safety))
    for organisation_id in _participants(ctx, n, undertaker):
        _take_part(ctx, project_id, organisation_id)
    return project_id


def _participants(ctx: DemoContext, n: int, undertaker: UUID | None) -> list[UUID]:
    """The undertaker and the next organisations in turn, so that all take part (6.2.3)."""
    turn = [ctx.organisations[(n * PARTICIPANTS_PER_PROJECT + k) % len(ctx.organisations)].id
            for k in range(PARTICIPANTS_PER_PROJECT)]
    return list(dict.fromkeys(([] if undertaker is None else [undertaker]) + turn))


def _take_part(ctx: DemoContext, project_id: UUID, organisation_id: UUID) -> None:
    ctx.app.update(ServiceProject, project_id,
                   lambda p: p.add_participant_organisation(organisation_id))


def _undertaker(ctx: DemoContext, design: ProjectDesign) -> UUID | None:
    for kind in design.undertakers:
        candidates = ctx.organisations_of(kind)
        if candidates:
            return ctx.rng.choice(candidates).id
    return None


def _shifts(ctx: DemoContext, n: int, design: ProjectDesign) -> list[Shift]:
    """One shift per weekday of each part of the design, in the demo week."""
    slots = [(part, ctx.this_week(day, part.hour, part.hours))
             for part in design.shifts for day in part.weekdays]
    return [_shift(ctx, f"{n}:{k}", part, span) for k, (part, span) in enumerate(slots)]


def _shift(ctx: DemoContext, key: str, part: ShiftDesign, span: TimeSpan) -> Shift:
    return Shift(
        shift_id=deterministic_id("shift", ctx.key("shift", key)), span=span,
        grid=ctx.rng.choice(ctx.grids), place="居民家中" if part.home_visit else "社区服务站",
        required_skills=part.skills, min_headcount=part.low, max_headcount=part.high,
        home_visit=part.home_visit, team_only=part.team_only,
        resident_ref=f"R{ctx.rng.randrange(10**6):06d}" if part.home_visit else None)


def _serve_needs(ctx: DemoContext, project_id: UUID, design: ProjectDesign) -> None:
    home_visit = design.shifts[0].home_visit
    matching = [need for need in ctx.needs if need.handled and need.category == design.category
                and (need.home_visit or not home_visit)]
    for need in matching[:NEEDS_PER_PROJECT]:
        serve_need(ctx.app, project_id=project_id, need_id=need.id)
        ctx.needs.remove(need)  # one project serves a need


def _allocate(ctx: DemoContext, project_id: UUID, design: ProjectDesign, *, key: int | str,
              at: datetime, span: TimeSpan | None = None) -> None:
    """Allocate what the design asks for, while the resource list has it."""
    for resource_type, quantity in design.resources:
        offer = ctx.offer(resource_type, quantity)
        if offer is not None:
            allocate_to_project(ctx.app, offer_id=offer.id, project_id=project_id,
                                quantity=quantity, at=at,
                                request_key=ctx.key("allocation", key, resource_type))
            offer.remaining -= quantity
    if design.venue:
        _book_venue(ctx, project_id, key, at, span or _first_shift_span(ctx, project_id))


def _book_venue(ctx: DemoContext, project_id: UUID, key: int | str, at: datetime,
                span: TimeSpan) -> None:
    venue = ctx.free_venue(span.start, span.end)
    if venue is not None:
        allocate_to_project(ctx.app, offer_id=venue.id, project_id=project_id, quantity=1,
                            at=at, span=span, request_key=ctx.key("booking", key))
        venue.bookings.append((span.start, span.end))


def _first_shift_span(ctx: DemoContext, project_id: UUID) -> TimeSpan:
    return ctx.app.load(ServiceProject, project_id).shifts[0].span


def _offer_first_visit(ctx: DemoContext, project_id: UUID) -> None:
    """Offer this week's first home visit to a pair; one has already accepted."""
    if len(ctx.volunteers) < PENDING_OFFERS:
        return
    shift = ctx.app.load(ServiceProject, project_id).shifts[0]
    carers = [v for v in ctx.volunteers if set(shift.required_skills) <= set(v.skills)]
    pair = (carers if len(carers) >= PENDING_OFFERS else ctx.volunteers)[:PENDING_OFFERS]
    for k, volunteer in enumerate(pair):
        assignment_id = _propose(ctx, project_id, shift.shift_id, volunteer,
                                 at=ctx.ago(hours=3) + timedelta(minutes=k), key=f"pending:{k}")
        if k == 0:
            _answer(ctx, assignment_id, ctx.ago(hours=1))


# -- last week ----------------------------------------------------------------------


def _last_week(ctx: DemoContext) -> None:
    """A completed project: offers, answers, attendance, confirmed hours and a summary."""
    design = LAST_WEEK
    span = TimeSpan(ctx.ago(days=5), ctx.ago(days=5) + timedelta(hours=design.shifts[0].hours))
    start = span.start
    project_id = _draft(ctx, ctx.plan.projects, design, design.title, start - timedelta(days=10))
    shift = _shift(ctx, "last_week", design.shifts[0], span)
    add_shift(ctx.app, project_id=project_id, shift=shift)
    _allocate(ctx, project_id, design, key="last_week", at=start - timedelta(days=9), span=span)
    ctx.app.update(ServiceProject, project_id, lambda p: p.publish(start - OFFER_LEAD))
    served = _staff_last_week(ctx, project_id, shift)
    ctx.app.update(ServiceProject, project_id,
                   lambda p: p.mark_staffed(start - timedelta(days=2)))
    for assignment_id in served:
        ctx.app.update(Assignment, assignment_id,
                       lambda a: a.check_in(a.span.start - timedelta(minutes=10)))
    ctx.app.update(ServiceProject, project_id, lambda p: p.start(start))
    for k, assignment_id in enumerate(served):
        check_out(ctx.app, policy=ctx.policy, assignment_id=assignment_id,
                  at=span.end + timedelta(minutes=k * 7))
    ctx.app.update(ServiceProject, project_id, lambda p: p.complete(span.end))
    _use_goods(ctx, project_id)
    coordinator = _coordinator(ctx)
    for assignment_id in served:
        ctx.app.update(Assignment, assignment_id, lambda a: a.confirm_hours(
            by=coordinator, at=span.end + timedelta(hours=3)))
    _summarise(ctx, project_id, len(served), span.end + timedelta(hours=4))


def _staff_last_week(ctx: DemoContext, project_id: UUID, shift: Shift) -> list[UUID]:
    """Offer the shift; all accept but the last, who declines. Returns the accepted."""
    count = ctx.plan.last_week_volunteers
    declined = 1 if len(ctx.volunteers) > count else 0
    chosen = ctx.rng.sample(ctx.volunteers, count + declined)
    proposed = shift.span.start - OFFER_LEAD + timedelta(hours=1)
    served = []
    for k, volunteer in enumerate(chosen):
        assignment_id = _propose(ctx, project_id, shift.shift_id, volunteer,
                                 at=proposed + timedelta(minutes=k), key=f"last_week:{k}")
        answered = proposed + timedelta(days=1, hours=k)
        if k < count:
            _answer(ctx, assignment_id, answered)
            served.append(assignment_id)
        else:
            _decline(ctx, assignment_id, answered)
    return served


def _propose(ctx: DemoContext, project_id: UUID, shift_id: UUID, volunteer: VolunteerRef, *,
             at: datetime, key: str) -> UUID:
    return ctx.created(propose_assignment(
        ctx.app, policy=ctx.policy, project_id=project_id, shift_id=shift_id,
        volunteer_id=volunteer.id, at=at, request_key=ctx.key("assignment", key),
    ), "Assignment")


def _answer(ctx: DemoContext, assignment_id: UUID, at: datetime) -> None:
    ctx.app.update(Assignment, assignment_id, lambda a: a.accept(at))


def _decline(ctx: DemoContext, assignment_id: UUID, at: datetime) -> None:
    ctx.app.update(Assignment, assignment_id, lambda a: a.decline("当天需照顾家人", at))


def _use_goods(ctx: DemoContext, project_id: UUID) -> None:
    """Record how much of the goods allocated to the project were used."""
    project = ctx.app.load(ServiceProject, project_id)
    for reservation in project.reservations:
        offer = ctx.app.load(ResourceOffer, reservation.offer_id)
        if offer.resource_type is ResourceType.GOODS:
            used = max(1, int(reservation.quantity * GOODS_USED_SHARE))
            _record_use(ctx, offer.id, reservation.allocation_id, used)


def _record_use(ctx: DemoContext, offer_id: UUID, allocation_id: UUID, used: int) -> None:
    ctx.app.update(ResourceOffer, offer_id, lambda o: o.record_use(allocation_id, used))


def _summarise(ctx: DemoContext, project_id: UUID, volunteers: int, at: datetime) -> None:
    residents = ctx.rng.randint(*LAST_WEEK_RESIDENTS)
    total = residents + volunteers
    summary = (f"共 {total} 人参与（居民 {residents} 人、志愿者 {volunteers} 人），"
               "节目丰富，秩序良好，居民满意度高")
    ctx.app.update(ServiceProject, project_id, lambda p: p.summarise(
        summary=summary, evaluation_score=5, participants_count=total, at=at))


def _coordinator(ctx: DemoContext) -> UUID:
    """The staff member who confirms hours: a social worker if there is one."""
    return (ctx.workers or ctx.window_staff)[0]
