"""Resource runs on the log: requests → views → match (worker process) → allocations → re-run."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from tests.integration.test_commands import AT, POLICY, SHIFT, found, need, organisation, project
from wushe.matching.resources import ResourceParams, UnmetReason
from wushe.platform import commands as cmd
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.project import ServiceProject
from wushe.platform.domain.resource import ResourceOffer, ResourceType
from wushe.platform.domain.resource_request import RequestStatus, ResourceRequest
from wushe.platform.domain.resource_run import ResourceRun
from wushe.platform.domain.staffing_run import RunStatus
from wushe.platform.domain.values import TimeSpan
from wushe.platform.resourcing.service import ResourcingService
from wushe.platform.staffing.horizon import Week
from wushe.projections.store import ViewStore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

WEEK = Week(SHIFT.start.astimezone(CHINA_TIME).date())
HOUR = timedelta(hours=1)
# The business clock: the week before the requests, so nothing depends on today's date.
NOW = AT


def now() -> datetime:
    return NOW


@pytest.fixture
def service(app: WusheApplication) -> Iterator[ResourcingService]:
    store = ViewStore.open(app.settings)
    resourcing = ResourcingService(app, store, POLICY, ResourceParams(time_limit_s=5),
                                   clock=now)
    yield resourcing
    resourcing.close()
    store.close()


class Community:
    """A community with an organisation, an open project and a need."""

    def __init__(self, app: WusheApplication) -> None:
        self.app = app
        self.id = found(app)
        self.organisation = organisation(app, self.id)
        self.project = project(app, self.id)
        self.need = need(app, self.id)

    def offer(self, resource_type: ResourceType = ResourceType.GOODS, quantity: int = 100,
              unit: str = "份", window: TimeSpan | None = None) -> UUID:
        return cmd.offer_resource(
            self.app, community_id=self.id, organisation_id=self.organisation,
            resource_type=resource_type, title="资源", description="社区共享资源",
            quantity=quantity, unit=unit, window=window or TimeSpan(AT, AT + timedelta(days=90)),
            at=AT).id

    def room(self) -> UUID:
        return self.offer(ResourceType.VENUE, 1, "间")

    def request(self, resource_type: ResourceType = ResourceType.GOODS, quantity: int = 40,
                unit: str = "份", span: TimeSpan = SHIFT, **owner: Any) -> UUID:
        return cmd.request_resource(
            self.app, community_id=self.id, resource_type=resource_type, unit=unit,
            quantity=quantity, span=span, grid="G01", at=AT,
            **(owner or {"project_id": self.project})).id

    def load(self, request_id: UUID) -> ResourceRequest:
        return self.app.load(ResourceRequest, request_id)

    def bookings(self, venue: UUID) -> list[TimeSpan]:
        return [b.span for b in self.app.load(ResourceOffer, venue).bookings() if b.span]


def runs(app: WusheApplication) -> list[ResourceRun]:
    requested = app.recorder.select_notifications(start=1, limit=10_000,
                                                  topics=["wushe.resource_run.requested"])
    return [app.load(ResourceRun, UUID(str(n.originator_id))) for n in requested]


def test_a_run_allocates_offers_and_explains_what_is_short(
        app: WusheApplication, service: ResourcingService) -> None:
    community = Community(app)
    goods, room = community.offer(), community.room()
    for_project = community.request(quantity=60)
    for_need = community.request(quantity=30, need_id=community.need)
    venue = community.request(ResourceType.VENUE, 1, "间")
    no_offer = community.request(ResourceType.PROFESSIONAL_SERVICE, 2, "场")
    too_late = community.offer(ResourceType.FUNDS, 5000, "元",
                               TimeSpan(AT, SHIFT.start + HOUR))
    outside = community.request(ResourceType.FUNDS, 1000, "元")
    next_week = community.request(span=TimeSpan(SHIFT.start + timedelta(days=7),
                                                SHIFT.end + timedelta(days=7)))

    outcome = service.run(community.id, WEEK)

    assert [community.load(r).status for r in (for_project, for_need, venue)] == [
        RequestStatus.MET] * 3
    assert app.load(ResourceOffer, goods).remaining == 10
    assert community.bookings(room) == [SHIFT]
    reserved = app.load(ServiceProject, community.project).reservations
    assert sorted((r.offer_id, r.quantity) for r in reserved) == sorted([(goods, 60), (room, 1)])
    assert app.load(ResourceOffer, too_late).allocations == ()
    assert community.load(next_week).status is RequestStatus.OPEN  # not this week's
    (run,) = runs(app)
    assert (run.id, run.status, run.week_of) == (outcome.run_id, RunStatus.COMPLETED,
                                                 WEEK.monday)
    assert run.result is not None
    assert (run.result.requests, run.result.allocations, run.result.met,
            run.result.partly_met) == (5, 3, 3, 0)
    assert sorted((u.request_id, u.shortfall, u.reason) for u in run.result.unmet) == sorted([
        (no_offer, 2, UnmetReason.NO_OFFER_OF_TYPE), (outside, 1000, UnmetReason.WINDOW)])
    assert run.result.bound <= run.result.objective


def test_no_offer_is_over_allocated_and_urgent_requests_come_first(
        app: WusheApplication, service: ResourcingService) -> None:
    community = Community(app)
    goods = community.offer(quantity=50)
    routine = community.request(quantity=40)
    urgent = cmd.request_resource(
        app, community_id=community.id, project_id=community.project,
        resource_type=ResourceType.GOODS, unit="份", quantity=40, span=SHIFT, grid="G01",
        urgent=True, at=AT).id

    service.run(community.id, WEEK)

    offer = app.load(ResourceOffer, goods)
    assert (offer.allocated, offer.remaining) == (50, 0)
    assert (community.load(urgent).allocated, community.load(routine).allocated) == (40, 10)
    (run,) = runs(app)
    assert run.result is not None
    assert (run.result.met, run.result.partly_met) == (1, 1)
    ((request_id, shortfall, reason),) = [(u.request_id, u.shortfall, u.reason)
                                          for u in run.result.unmet]
    assert (request_id, shortfall) == (routine, 30)
    assert reason == UnmetReason.USED_ELSEWHERE  # the urgent request weighs more


def test_a_venue_is_never_double_booked_across_runs(
        app: WusheApplication, service: ResourcingService) -> None:
    community = Community(app)
    room = community.room()
    community.request(ResourceType.VENUE, 1, "间")
    service.run(community.id, WEEK)
    overlapping = community.request(ResourceType.VENUE, 1, "间",
                                     TimeSpan(SHIFT.start + HOUR, SHIFT.end + HOUR))
    later = community.request(ResourceType.VENUE, 1, "间",
                              TimeSpan(SHIFT.end, SHIFT.end + 2 * HOUR), need_id=community.need)

    service.run(community.id, WEEK)

    bookings = community.bookings(room)
    assert sorted(bookings) == [SHIFT, TimeSpan(SHIFT.end, SHIFT.end + 2 * HOUR)]
    assert not any(a.overlaps(b) for a, b in combinations(bookings, 2))
    assert community.load(later).status is RequestStatus.MET
    assert community.load(overlapping).status is RequestStatus.OPEN
    result = runs(app)[-1].result
    assert result is not None
    assert [(u.request_id, u.reason) for u in result.unmet] == [
        (overlapping, UnmetReason.VENUE_BOOKED)]


def test_a_second_run_changes_nothing(app: WusheApplication,
                                      service: ResourcingService) -> None:
    community = Community(app)
    goods = community.offer(quantity=30)
    community.room()
    community.request(quantity=50)
    community.request(ResourceType.VENUE, 1, "间")
    service.run(community.id, WEEK)
    before = app.log_position()
    offer_version = app.load(ResourceOffer, goods).version

    second = service.run(community.id, WEEK)

    assert app.log_position() == before + 2  # the run's own request and completion
    assert app.load(ResourceOffer, goods).version == offer_version
    assert (second.changes.allocations, second.changes.skipped) == (0, 0)
    result = runs(app)[-1].result
    assert result is not None
    assert (result.requests, result.allocations, result.met, result.partly_met) == (1, 0, 0, 1)


def test_closed_owners_and_withdrawn_requests_are_left_out(
        app: WusheApplication, service: ResourcingService) -> None:
    community = Community(app)
    goods = community.offer()
    community.request()
    withdrawn = community.request()
    cmd.withdraw_request(app, request_id=withdrawn, reason="不需要了", at=AT)
    app.update(ServiceProject, community.project, lambda p: p.cancel("经费未到位", AT))

    outcome = service.run(community.id, WEEK)

    assert outcome.input.problem.requirements == ()
    assert app.load(ResourceOffer, goods).allocations == ()


def test_a_failed_solve_is_recorded_and_allocates_nothing(
        app: WusheApplication, service: ResourcingService,
        monkeypatch: pytest.MonkeyPatch) -> None:
    community = Community(app)
    goods = community.offer()
    request_id = community.request()

    def broken(_problem: object) -> None:
        msg = "solver worker died"
        raise RuntimeError(msg)

    monkeypatch.setattr(service, "_solve", broken)
    with pytest.raises(RuntimeError, match="solver worker died"):
        service.run(community.id, WEEK)
    assert app.load(ResourceOffer, goods).allocations == ()
    assert community.load(request_id).allocations == ()
    assert [(r.status, r.failure) for r in runs(app)] == [
        (RunStatus.FAILED, "RuntimeError: solver worker died")]
