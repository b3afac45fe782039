"""What the demo's open needs ask of the resource list (资源清单) this week.

A few needs still in handling ask for goods (慈善超市 or 爱心米面油 portions), one
hardship case for a small grant, and one family for a counselling session (as far as
the demo has such needs open), so that ``wushe match`` has requests to allocate
offers to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.platform.commands.requests import request_resource
from wushe.platform.domain.resource import ResourceType

if TYPE_CHECKING:
    from uuid import UUID

    from wushe.platform.demo.context import DemoContext, NeedRef

__all__ = ["post_requests"]

# (need category, resource type, unit, low, high): what a need of that category asks for.
ASKS = (
    ("ASSIST", ResourceType.GOODS, "份", 2, 4),
    ("ELDER", ResourceType.GOODS, "份", 1, 2),
    ("ASSIST", ResourceType.FUNDS, "元", 500, 2000),
    ("PSY", ResourceType.PROFESSIONAL_SERVICE, "场", 1, 1),
)
REQUESTS = len(ASKS)  # per community (the demo's plan counts them)


def post_requests(ctx: DemoContext) -> None:
    """Record one request per ask, each for a need in handling (of its category if any)."""
    taken: set[UUID] = set()
    for n, (category, resource_type, unit, low, high) in enumerate(ASKS):
        need = _open_need(ctx, category, taken)
        taken.add(need.id)
        ctx.created(request_resource(
            ctx.app, community_id=ctx.community_id, need_id=need.id,
            resource_type=resource_type, unit=unit, quantity=ctx.rng.randint(low, high),
            span=ctx.this_week(ctx.rng.randrange(5), 9 + ctx.rng.randrange(8), 2),
            grid=ctx.rng.choice(ctx.grids), urgent=n == 0, at=ctx.ago(hours=2),
            request_key=ctx.key("resource_request", n)), "ResourceRequest")


def _open_need(ctx: DemoContext, category: str, taken: set[UUID]) -> NeedRef:
    handled = [need for need in ctx.needs if need.handled and need.id not in taken]
    return next((need for need in handled if need.category == category), handled[0])
