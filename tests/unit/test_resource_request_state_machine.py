"""Random allocation histories of a resource request never break its invariants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.helpers import MONDAY_9AM, assert_replays_equal
from wushe.platform.domain.errors import WusheError
from wushe.platform.domain.resource import ResourceType
from wushe.platform.domain.resource_request import RequestStatus, ResourceRequest
from wushe.platform.domain.values import TimeSpan

SPAN = TimeSpan(MONDAY_9AM, MONDAY_9AM + timedelta(hours=3))
OFFERS = st.sampled_from([UUID(int=1), UUID(int=2), UUID(int=3)])
# Mostly small quantities; sometimes zero or more than any request asks.
QUANTITIES = st.integers(1, 4) | st.integers(1, 4) | st.sampled_from([0, 13])


class ResourceRequestMachine(RuleBasedStateMachine):
    """Record allocations and withdraw at random, valid or not."""

    request: ResourceRequest
    events: list[Any]

    @initialize(resource_type=st.sampled_from(ResourceType), quantity=st.integers(1, 12),
                for_need=st.booleans())
    def requested(self, resource_type: ResourceType, quantity: int, for_need: bool) -> None:
        owner = uuid4()
        self.request = ResourceRequest.request(
            id=uuid4(), community_id=uuid4(), project_id=None if for_need else owner,
            need_id=owner if for_need else None, resource_type=resource_type, unit="件",
            quantity=quantity, span=SPAN, grid="G01", urgent=False, at=MONDAY_9AM)
        self.events = list(self.request.collect_events())

    def _run(self, command: Any) -> None:
        version = self.request.version
        before = (self.request.status, self.request.allocations)
        try:
            command()
        except WusheError:
            assert self.request.version == version
            assert (self.request.status, self.request.allocations) == before
            assert self.request.collect_events() == []
        else:
            self.events.extend(self.request.collect_events())

    @rule(offer=OFFERS, quantity=QUANTITIES, reuse=st.booleans())
    def record_allocation(self, offer: UUID, quantity: int, reuse: bool) -> None:
        if reuse and self.request.allocations:  # a duplicate id, rejected
            allocation_id = self.request.allocations[-1].allocation_id
        else:
            allocation_id = UUID(int=len(self.request.allocations) + 100)
        self._run(lambda: self.request.record_allocation(
            offer_id=offer, allocation_id=allocation_id, quantity=quantity, at=MONDAY_9AM))

    @rule(chance=st.integers(0, 5))
    def withdraw(self, chance: int) -> None:
        if chance == 5:  # rarely, so that most histories keep allocating for a while
            self._run(lambda: self.request.withdraw("不再需要", MONDAY_9AM))

    @invariant()
    def never_more_than_asked(self) -> None:
        request = self.request
        assert 0 <= request.allocated <= request.quantity
        assert all(a.quantity >= 1 for a in request.allocations)
        if request.status is not RequestStatus.WITHDRAWN:
            assert request.remaining == request.quantity - request.allocated
        if request.resource_type is ResourceType.VENUE:
            assert request.allocated in {0, request.quantity}

    @invariant()
    def status_agrees_with_the_allocations(self) -> None:
        status, allocated = self.request.status, self.request.allocated
        if status is RequestStatus.WITHDRAWN:
            assert self.request.remaining == 0
            assert allocated < self.request.quantity
        else:
            expected = (RequestStatus.OPEN if allocated == 0 else RequestStatus.MET
                        if allocated == self.request.quantity else RequestStatus.PARTLY_ALLOCATED)
            assert status is expected

    @invariant()
    def allocation_ids_are_unique(self) -> None:
        ids = [a.allocation_id for a in self.request.allocations]
        assert len(ids) == len(set(ids))

    @invariant()
    def replays_equal(self) -> None:
        assert_replays_equal(self.request, self.events)


ResourceRequestMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=20,
                                                    deadline=None)
TestResourceRequestMachine = ResourceRequestMachine.TestCase
