"""Turning a resource plan into events: one allocation per (request, offer) of the plan."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from wushe.platform.commands.requests import allocate_for_request
from wushe.platform.domain.errors import WusheError

if TYPE_CHECKING:
    from datetime import datetime

    from wushe.matching.resources import ResourcePlan
    from wushe.platform.application import WusheApplication
    from wushe.platform.resourcing.inputs import ResourcingInput

__all__ = ["Changes", "apply_plan", "request_key"]


@dataclass
class Changes:
    """What applying a plan did."""

    allocations: int = 0
    skipped: int = 0  # an allocation the log refused (the world moved since the views were read)
    received: Counter[str] = field(default_factory=Counter)  # request → quantity recorded

    def standing(self, given: ResourcingInput) -> tuple[int, int, int]:
        """How many of the run's requests are now met, partly met, and without anything."""
        met = partly = nothing = 0
        for requirement in given.problem.requirements:
            before = int(given.requests[requirement.id]["allocated"] or 0)
            got = self.received[requirement.id]
            if got == requirement.quantity:
                met += 1
            elif got + before > 0:
                partly += 1
            else:
                nothing += 1
        return met, partly, nothing


def request_key(run_id: UUID, request: str, offer: str) -> str:
    """The request key of a run's allocation: a retry of the same run allocates once."""
    return f"resourcing:{run_id}:{request}:{offer}"


def apply_plan(app: WusheApplication, plan: ResourcePlan, *, run_id: UUID,
               at: datetime) -> Changes:
    """Record every allocation of ``plan`` on its offer and its request (and project)."""
    changes = Changes()
    for allocation in plan.allocations:
        try:
            allocate_for_request(
                app, request_id=UUID(allocation.requirement), offer_id=UUID(allocation.offer),
                quantity=allocation.quantity, at=at,
                request_key=request_key(run_id, allocation.requirement, allocation.offer))
        except WusheError:
            # The offer was withdrawn or booked, the request withdrawn, the project
            # closed … since the views were read: the next run sees it.
            changes.skipped += 1
            continue
        changes.allocations += 1
        changes.received[allocation.requirement] += allocation.quantity
    return changes
