"""The demo's five-society partners (4.2, 6.2) and the resource list they fill (6.2.3).

A community gets a residents' committee, a Party organisation, 6-10 community
social organisations, 1-2 social organisations, 3-5 co-building units with
co-building agreements and a charity. Every second community meets 6.2.3 (≥ 12
registered or filed social organisations); the others fall short, as real ones do.
Between them the partners offer every type of resource.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import msgspec

from wushe.platform.application import deterministic_id
from wushe.platform.commands import offer_resource, register_organisation
from wushe.platform.demo.context import OfferRef, OrganisationRef
from wushe.platform.demo.people import fake_name, fake_phone
from wushe.platform.domain.organisation import Organisation, OrganisationKind, Registration
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.values import TimeSpan

if TYPE_CHECKING:
    import random
    from uuid import UUID

    from wushe.platform.demo.context import DemoContext

__all__ = ["OfferPlan", "OrganisationPlan", "build", "plan_organisations"]

Kind = OrganisationKind


class OfferPlan(msgspec.Struct, frozen=True):
    """A resource an organisation will offer."""

    resource_type: ResourceType
    title: str
    quantity: int
    unit: str
    conditions: str | None = None


class OrganisationPlan(msgspec.Struct, frozen=True):
    """An organisation to register, with what it offers."""

    kind: OrganisationKind
    name: str
    registration: Registration
    registration_no: str | None
    offers: tuple[OfferPlan, ...] = ()
    agreement: tuple[str, ...] = ()  # what the unit shares under a co-building agreement


def _offer(kind: ResourceType, title: str, quantity: int, unit: str,
           conditions: str | None = None) -> OfferPlan:
    return OfferPlan(kind, title, quantity, unit, conditions)


VENUE_ROOM = _offer(ResourceType.VENUE, "社区多功能室", 1, "间", "提前三天预约")
PARTY_TIME = _offer(ResourceType.VOLUNTEER_TIME, "在职党员进社区志愿服务", 200, "小时")
CHARITY_OFFERS = (_offer(ResourceType.FUNDS, "社区公益微基金", 20_000, "元", "用于困难帮扶项目"),
                  _offer(ResourceType.GOODS, "慈善超市爱心物资", 300, "份"))
COMMUNITY_GROUPS = (
    ("志愿者协会", _offer(ResourceType.VOLUNTEER_TIME, "邻里志愿服务", 120, "小时")),
    ("老年人协会", None), ("舞蹈队", None), ("邻里互助会", None),
    ("书画社", _offer(ResourceType.PROFESSIONAL_SERVICE, "书法公益课", 10, "节")),
    ("读书会", None), ("合唱团", None), ("家长学校", None), ("健身气功站", None),
    ("环保志愿队", _offer(ResourceType.VOLUNTEER_TIME, "垃圾分类督导", 80, "小时")),
    ("巾帼志愿服务队", None),
)
SOCIAL_ORGANISATIONS = (
    ("社会工作服务中心", _offer(ResourceType.PROFESSIONAL_SERVICE, "个案社工服务", 40, "次")),
    ("心理咨询服务中心", _offer(ResourceType.PROFESSIONAL_SERVICE, "团体心理辅导", 12, "场")),
)
CO_BUILDING_UNITS = (
    ("鼓楼区人民医院", ("家庭医生签约", "义诊专家"),
     _offer(ResourceType.PROFESSIONAL_SERVICE, "义诊与健康讲座", 12, "场")),
    ("鼓楼区税务局", ("党员志愿者",),
     _offer(ResourceType.VOLUNTEER_TIME, "党员志愿服务", 150, "小时")),
    ("中国银行鼓楼支行", ("反诈宣传",), _offer(ResourceType.FUNDS, "共建公益金", 30_000, "元")),
    ("鼓楼第一中心小学", ("操场", "礼堂"),
     _offer(ResourceType.VENUE, "学校礼堂", 1, "处", "仅限周末使用")),
    ("鼓楼区消防救援站", ("消防演练",),
     _offer(ResourceType.PROFESSIONAL_SERVICE, "消防安全培训", 6, "场")),
    ("永辉超市鼓楼店", ("爱心物资",), _offer(ResourceType.GOODS, "爱心米面油", 200, "份")),
)
COMMUNITY_SHARES = ("多功能室", "党群服务中心会议室")
AGREEMENT_YEARS = 2
CSO_COUNT = (6, 10)  # community social organisations (standard.md "Realistic sizes")
CO_BUILDING_COUNT = (3, 5)
CSO_FILED_SHARE = 0.7  # most community groups are filed (备案) with the street, not registered
UNREGISTERED_SHARE = 0.25  # in a community that falls short of 6.2.3
OFFER_WINDOW = (timedelta(days=30), timedelta(days=180))


def plan_organisations(
    rng: random.Random, community: str, *, meets_standard: bool
) -> tuple[OrganisationPlan, ...]:
    """The community's organisations; ``meets_standard``: ≥ 12 registered or filed."""
    cso = CSO_COUNT[1] if meets_standard else rng.randint(CSO_COUNT[0], CSO_COUNT[1] - 1)
    groups = rng.sample(COMMUNITY_GROUPS, cso)
    units = rng.sample(CO_BUILDING_UNITS, rng.randint(*CO_BUILDING_COUNT))
    social = SOCIAL_ORGANISATIONS[:2 if meets_standard else rng.randint(1, 2)]
    none_share = 0.0 if meets_standard else UNREGISTERED_SHARE
    return (
        _plain(Kind.RESIDENTS_COMMITTEE, f"{community}居民委员会", VENUE_ROOM),
        _plain(Kind.PARTY_ORGANISATION, f"{community}党委", PARTY_TIME),
        *(_registered(rng, Kind.COMMUNITY_SOCIAL_ORGANISATION, f"{community}{label}", offer,
                      none_share=none_share) for label, offer in groups),
        *(_registered(rng, Kind.SOCIAL_ORGANISATION, f"鼓楼区{label}", offer,
                      none_share=0.0, filed_share=0.0) for label, offer in social),
        *(OrganisationPlan(Kind.CO_BUILDING_UNIT, name, Registration.NONE, None, (offer,),
                           shares) for name, shares, offer in units),
        OrganisationPlan(Kind.CHARITY, "鼓楼区慈善总会", Registration.REGISTERED,
                         _credit_code(rng), CHARITY_OFFERS),
    )


def _plain(kind: OrganisationKind, name: str, offer: OfferPlan) -> OrganisationPlan:
    return OrganisationPlan(kind, name, Registration.NONE, None, (offer,))


def _registered(
    rng: random.Random, kind: OrganisationKind, name: str, offer: OfferPlan | None, *,
    none_share: float, filed_share: float = CSO_FILED_SHARE,
) -> OrganisationPlan:
    draw = rng.random()
    offers = () if offer is None else (offer,)
    if draw < none_share:
        return OrganisationPlan(kind, name, Registration.NONE, None, offers)
    if draw < none_share + (1 - none_share) * filed_share:
        number = f"鼓民社备{rng.randint(2018, 2025)}{rng.randint(1, 999):03d}号"
        return OrganisationPlan(kind, name, Registration.FILED, number, offers)
    return OrganisationPlan(kind, name, Registration.REGISTERED, _credit_code(rng), offers)


def _credit_code(rng: random.Random) -> str:
    """A unified social credit code of a social organisation (starts 51, Fujian 35)."""
    return f"5135{rng.randrange(10**14):014d}"


def build(ctx: DemoContext) -> None:
    """Register every planned organisation, sign its agreement, and record its offers."""

    for n, plan in enumerate(ctx.plan.organisations):
        organisation_id = ctx.created(register_organisation(
            ctx.app, community_id=ctx.community_id, name=plan.name, kind=plan.kind,
            registration=plan.registration, registration_no=plan.registration_no,
            contact_name=fake_name(ctx.rng), contact_phone=fake_phone(ctx.rng),
            at=ctx.ago(days=ctx.rng.randint(100, 900)), request_key=ctx.key("organisation", n),
        ), "Organisation")
        ctx.organisations.append(OrganisationRef(organisation_id, plan.kind, plan.name))
        if plan.agreement:
            _sign_agreement(ctx, organisation_id, n, plan.agreement)
        for k, offer in enumerate(plan.offers):
            _offer_resource(ctx, organisation_id, plan.name, offer, f"{n}:{k}")


def _sign_agreement(ctx: DemoContext, organisation_id: UUID, n: int,
                    unit_shares: tuple[str, ...]) -> None:
    signed = ctx.now.date() - timedelta(days=ctx.rng.randint(30, 300))
    agreement_id = deterministic_id("agreement", ctx.key("agreement", n))
    ctx.app.update(Organisation, organisation_id, lambda o: o.sign_agreement(
        agreement_id=agreement_id, signed_on=signed,
        valid_until=signed + timedelta(days=365 * AGREEMENT_YEARS),
        community_shares=COMMUNITY_SHARES, unit_shares=unit_shares))


def _offer_resource(ctx: DemoContext, organisation_id: UUID, organisation: str,
                    offer: OfferPlan, key: str) -> None:

    before, after = OFFER_WINDOW
    offer_id = ctx.created(offer_resource(
        ctx.app, community_id=ctx.community_id, organisation_id=organisation_id,
        resource_type=offer.resource_type, title=offer.title,
        description=f"{organisation}提供{offer.title}（{offer.quantity}{offer.unit}）",
        quantity=offer.quantity, unit=offer.unit,
        window=TimeSpan(ctx.now - before, ctx.now + after), conditions=offer.conditions,
        at=ctx.ago(days=ctx.rng.randint(1, 25)), request_key=ctx.key("offer", key),
    ), "ResourceOffer")
    ctx.offers.append(OfferRef(offer_id, offer.resource_type, offer.quantity))
