"""Random allocation histories of a resource offer never break its invariants."""

from __future__ import annotations

from datetime import timedelta
from itertools import combinations
from typing import Any
from uuid import UUID, uuid4

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.helpers import MONDAY_9AM, assert_replays_equal
from wushe.platform.domain.errors import WusheError
from wushe.platform.domain.resource import OfferStatus, ResourceOffer, ResourceType
from wushe.platform.domain.values import TimeSpan

HOUR = timedelta(hours=1)
WINDOW_HOURS = 12
WINDOW = TimeSpan(MONDAY_9AM, MONDAY_9AM + WINDOW_HOURS * HOUR)
UNKNOWN = UUID(int=999)
# Picks an existing allocation; the largest pick stands for an unknown id.
PICKS = st.integers(0, 7)
UNKNOWN_PICK = 7
PROJECT, NEED = UUID(int=100), UUID(int=200)
# Mostly one valid recipient; sometimes none or both (rejected).
RECIPIENTS = st.sampled_from([(PROJECT, None), (None, NEED)] * 4
                             + [(None, None), (PROJECT, NEED)])
# Mostly small quantities; sometimes zero or more than any offer holds.
QUANTITIES = st.integers(1, 4) | st.integers(1, 4) | st.integers(1, 4) | st.sampled_from([0, 13])


@st.composite
def spans(draw: st.DrawFn) -> TimeSpan | None:
    """Mostly spans inside the window; some outside it, empty, or missing."""
    # Hypothesis favours small draws, so the rare branches are the large ones.
    if draw(st.integers(0, 9)) == 9:
        return None
    if draw(st.integers(0, 9)) == 9:
        start, hours = draw(st.integers(-2, WINDOW_HOURS)), draw(st.integers(0, 4))
    else:
        start = draw(st.integers(0, WINDOW_HOURS - 1))
        hours = draw(st.integers(1, WINDOW_HOURS - start))
    begin = MONDAY_9AM + start * HOUR
    return TimeSpan(begin, begin + hours * HOUR)


class ResourceOfferMachine(RuleBasedStateMachine):
    """Allocate, use, release and withdraw at random, valid or not."""

    resource: ResourceOffer
    events: list[Any]

    @initialize(resource_type=st.sampled_from(ResourceType), quantity=st.integers(1, 12))
    def offer(self, resource_type: ResourceType, quantity: int) -> None:
        self.resource = ResourceOffer.offer(
            id=uuid4(), community_id=uuid4(), organisation_id=uuid4(),
            resource_type=resource_type, title="资源", description="随机资源",
            quantity=quantity, unit="件", window=WINDOW, conditions=None, at=MONDAY_9AM)
        self.events = list(self.resource.collect_events())

    def _run(self, command: Any) -> None:
        version = self.resource.version
        before = (self.resource.status, self.resource.allocations)
        try:
            command()
        except WusheError:
            assert self.resource.version == version
            assert (self.resource.status, self.resource.allocations) == before
            assert self.resource.collect_events() == []
        else:
            self.events.extend(self.resource.collect_events())

    def _pick(self, index: int) -> UUID:
        allocations = self.resource.allocations
        if index == UNKNOWN_PICK:
            return UNKNOWN
        return allocations[index % len(allocations)].allocation_id

    @rule(reuse=st.booleans(), quantity=QUANTITIES, recipient=RECIPIENTS, span=spans())
    def allocate(self, reuse: bool, quantity: int, recipient: tuple[UUID | None, ...],
                 span: TimeSpan | None) -> None:
        to_project, to_need = recipient
        if reuse and self.resource.allocations:  # a duplicate id, rejected
            allocation_id = self.resource.allocations[-1].allocation_id
        else:
            allocation_id = UUID(int=len(self.resource.allocations) + 1)
        self._run(lambda: self.resource.allocate(
            allocation_id=allocation_id, quantity=quantity, to_project=to_project,
            to_need=to_need, span=span, at=MONDAY_9AM))

    def _has_allocations(self) -> bool:
        return bool(self.resource.allocations)

    @precondition(_has_allocations)
    @rule(pick=PICKS, used=st.integers(1, 3) | st.just(0))
    def record_use(self, pick: int, used: int) -> None:
        allocation_id = self._pick(pick)
        self._run(lambda: self.resource.record_use(allocation_id, used))

    @precondition(_has_allocations)
    @rule(pick=PICKS)
    def release(self, pick: int) -> None:
        allocation_id = self._pick(pick)
        self._run(lambda: self.resource.release(allocation_id))

    @rule(chance=st.integers(0, 5))
    def withdraw(self, chance: int) -> None:
        if chance == 5:  # rarely, so that most histories stay open for a while
            self._run(lambda: self.resource.withdraw("撤回", MONDAY_9AM))

    @invariant()
    def never_over_allocated(self) -> None:
        resource = self.resource
        assert 0 <= resource.allocated <= resource.quantity
        assert 0 <= resource.remaining <= resource.quantity
        if resource.status is not OfferStatus.WITHDRAWN:
            assert resource.remaining == resource.quantity - resource.allocated
        for allocation in resource.allocations:
            assert 0 <= allocation.used <= allocation.quantity <= resource.quantity
            assert (allocation.to_project is None) != (allocation.to_need is None)

    @invariant()
    def venue_bookings_never_overlap(self) -> None:
        if self.resource.resource_type is not ResourceType.VENUE:
            return
        assert self.resource.allocated == 0
        spans = [a.span for a in self.resource.allocations if a.live]
        assert all(s is not None and WINDOW.contains(s) for s in spans)
        for first, second in combinations(spans, 2):
            assert first is not None
            assert second is not None
            assert not first.overlaps(second)

    @invariant()
    def status_agrees_with_remaining(self) -> None:
        status, remaining = self.resource.status, self.resource.remaining
        if status is OfferStatus.WITHDRAWN:
            assert remaining == 0
        else:
            assert (status is OfferStatus.OPEN) == (remaining > 0)

    @invariant()
    def allocation_ids_are_unique(self) -> None:
        ids = [a.allocation_id for a in self.resource.allocations]
        assert len(ids) == len(set(ids))

    @invariant()
    def replays_equal(self) -> None:
        assert_replays_equal(self.resource, self.events)


ResourceOfferMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25,
                                                  deadline=None)
TestResourceOfferMachine = ResourceOfferMachine.TestCase
