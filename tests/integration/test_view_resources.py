"""The resource list (资源清单): exact rows after offering, allocating, using, releasing,
withdrawing and booking venues; the coordinator's filters; the contact person's erasure;
and, over the demo district, agreement with every ResourceOffer's own books."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from tests.helpers import MONDAY_9AM
from tests.integration.view_tables import ViewTables, db
from wushe.platform import commands as cmd
from wushe.platform.demo import DemoSpec, load_demo
from wushe.platform.domain.community import Grid
from wushe.platform.domain.need import NeedSource
from wushe.platform.domain.organisation import Organisation, OrganisationKind, Registration
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.resource import ResourceOffer, ResourceType
from wushe.platform.domain.staff import StaffRole
from wushe.platform.domain.values import TimeSpan, Urgency
from wushe.projections.schema import to_db
from wushe.projections.store import ViewStore
from wushe.projections.views.resources import ResourceList

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

POLICY = Policy()
AT = MONDAY_9AM
WINDOW = TimeSpan(AT, AT + timedelta(days=30))
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


# -- the view and its rows ------------------------------------------------------------


class View(ViewTables):
    """The resource list of one application, caught up on demand."""

    def __init__(self, app: WusheApplication, store: ViewStore) -> None:
        super().__init__(app, store, ResourceList)

    def offer_ids(self, where: str, params: tuple[Any, ...]) -> list[str]:
        return [r["offer_id"] for r in self.rows("offers", where, params)]


@pytest.fixture
def view(app: WusheApplication) -> Iterator[View]:
    store = ViewStore.open(app.settings)
    yield View(app, store)
    store.close()


# -- a scenario through the commands ------------------------------------------------------


def community(app: WusheApplication) -> UUID:
    community_id = cmd.found_community(
        app, code="350102001001", name="东街社区", district="福州市鼓楼区",
        permanent_population=9000, households=3200, at=AT - timedelta(days=400)).id
    cmd.add_grid(app, community_id=community_id,
                 grid=Grid(grid_id="G01", name="第1网格", households=400))
    return community_id


def organisation(app: WusheApplication, community_id: UUID,
                 kind: OrganisationKind = OrganisationKind.SOCIAL_ORGANISATION,
                 name: str = "东街社工服务中心") -> UUID:
    registration = Registration.REGISTERED
    return cmd.register_organisation(
        app, community_id=community_id, name=name, kind=kind, registration=registration,
        registration_no="51350102MJ0000001X", contact_name="陈建国",
        contact_phone="0591-87654321", at=AT).id


def offer(app: WusheApplication, community_id: UUID, organisation_id: UUID, *,
          resource_type: ResourceType = ResourceType.GOODS, quantity: int = 100,
          unit: str = "份", window: TimeSpan = WINDOW, title: str = "爱心米面油") -> UUID:
    return cmd.offer_resource(
        app, community_id=community_id, organisation_id=organisation_id,
        resource_type=resource_type, title=title, description="每份含米面油各一",
        quantity=quantity, unit=unit, window=window, at=AT).id


def project(app: WusheApplication, community_id: UUID) -> UUID:
    return cmd.draft_project(
        app, policy=POLICY, community_id=community_id, category="ELDER", title="助老送餐",
        description="为独居老人送午餐", government_purchased=False, at=AT).id


def need(app: WusheApplication, community_id: UUID) -> UUID:
    staff_id = cmd.appoint_staff(
        app, community_id=community_id, name="林敏", role=StaffRole.COMMUNITY_WORKER,
        certified_social_worker=False, window_staff=True, at=AT - timedelta(days=30)).id
    return cmd.receive_need(
        app, policy=POLICY, community_id=community_id, grid="G01", source=NeedSource.WINDOW,
        category="ELDER", title="独居老人助餐", details="每日午餐送餐上门",
        urgency=Urgency.ROUTINE, resident_name="王秀英", received_by=staff_id, at=AT).id


def use(app: WusheApplication, offer_id: UUID, allocation_id: UUID, quantity: int) -> None:
    app.update(ResourceOffer, offer_id, lambda o: o.record_use(allocation_id, quantity))


def allocation_of(app: WusheApplication, offer_id: UUID, n: int) -> UUID:
    return app.load(ResourceOffer, offer_id).allocations[n].allocation_id


class Scenario:
    """A community with an organisation, a project and a need."""

    def __init__(self, app: WusheApplication) -> None:
        self.app = app
        self.community = community(app)
        self.organisation = organisation(app, self.community)
        self.project = project(app, self.community)
        self.need = need(app, self.community)

    def offer(self, **kwargs: Any) -> UUID:
        return offer(self.app, self.community, self.organisation, **kwargs)

    def to_project(self, offer_id: UUID, quantity: int, span: TimeSpan | None = None) -> UUID:
        cmd.allocate_to_project(self.app, offer_id=offer_id, project_id=self.project,
                                quantity=quantity, at=AT + HOUR, span=span)
        return allocation_of(self.app, offer_id, -1)

    def to_need(self, offer_id: UUID, quantity: int) -> UUID:
        cmd.allocate_to_need(self.app, offer_id=offer_id, need_id=self.need,
                             quantity=quantity, at=AT + 2 * HOUR)
        return allocation_of(self.app, offer_id, -1)

    def release(self, offer_id: UUID, allocation_id: UUID) -> None:
        cmd.release_allocation(self.app, offer_id=offer_id, allocation_id=allocation_id)

    def offer_row(self, offer_id: UUID, **changes: Any) -> dict[str, Any]:
        """The row of a fresh 100-portion goods offer, with ``changes``."""
        values: dict[str, Any] = {
            "offer_id": offer_id, "community_id": self.community,
            "organisation_id": self.organisation, "party_kind": "social_organisation",
            "organisation_name": "东街社工服务中心", "resource_type": "goods",
            "title": "爱心米面油", "unit": "份", "conditions": None,
            "window_start": WINDOW.start, "window_end": WINDOW.end, "status": "open",
            "offered_at": AT, "withdrawn_at": None, "quantity": 100, "allocated": 0,
            "used": 0, "remaining": 100, "live_allocations": 0, "version": 1,
        }
        values.update(changes)
        return db(**values)

    def allocation_row(self, offer_id: UUID, allocation_id: UUID, **changes: Any) -> dict[str, Any]:
        """The row of a live 30-portion goods allocation to the project, with ``changes``."""
        values: dict[str, Any] = {
            "offer_id": offer_id, "allocation_id": allocation_id,
            "community_id": self.community, "resource_type": "goods",
            "to_project": self.project, "to_need": None, "span_start": None, "span_end": None,
            "allocated_at": AT + HOUR, "quantity": 30, "used": 0, "released": False,
            "returned": 0,
        }
        values.update(changes)
        return db(**values)


@pytest.fixture
def scenario(app: WusheApplication) -> Scenario:
    return Scenario(app)


# -- organisations ---------------------------------------------------------------------------


class TestOrganisations:
    def test_registered_with_the_contact_masked(self, scenario: Scenario, view: View) -> None:
        assert view.rows("organisations") == [db(
            organisation_id=scenario.organisation, community_id=scenario.community,
            kind="social_organisation", name="东街社工服务中心", registration="registered",
            registration_no="51350102MJ0000001X", status="active", contact="陈**",
            contact_phone="059******4321", registered_at=AT, version=1)]

    def test_registration_contact_and_status_changes(self, scenario: Scenario,
                                                     view: View) -> None:
        app, organisation_id = scenario.app, scenario.organisation
        app.update(Organisation, organisation_id,
                   lambda o: o.change_registration(Registration.NONE, None))
        app.update(Organisation, organisation_id,
                   lambda o: o.update_contact("黄丽华", "13905912345"))
        app.update(Organisation, organisation_id, lambda o: o.deactivate("停止活动"))
        row = view.row("organisations", organisation_id=organisation_id)
        assert (row["registration"], row["registration_no"], row["contact"],
                row["contact_phone"], row["status"], row["version"]) == (
            "none", None, "黄**", "139****2345", "inactive", 4)
        app.update(Organisation, organisation_id, lambda o: o.reactivate())
        assert view.row("organisations", organisation_id=organisation_id)["status"] == "active"

    def test_forgetting_the_contact_purges_it_live_and_on_rebuild(
        self, scenario: Scenario, view: View
    ) -> None:
        view.rows("organisations")  # built before the erasure
        scenario.app.forget(Organisation, scenario.organisation, lambda o: o.forget_contact())
        expected = db(organisation_id=scenario.organisation, community_id=scenario.community,
                      kind="social_organisation", name="东街社工服务中心",
                      registration="registered", registration_no="51350102MJ0000001X",
                      status="active", contact=None, contact_phone=None, registered_at=AT,
                      version=2)
        assert view.rows("organisations") == [expected]
        view.projections.rebuild(ResourceList.name)
        assert view.rows("organisations") == [expected]


# -- offers and allocations --------------------------------------------------------------------


class TestOffers:
    def test_offered_carries_the_party_kind(self, scenario: Scenario, view: View) -> None:
        offer_id = scenario.offer()
        assert view.rows("offers") == [scenario.offer_row(offer_id)]
        assert view.rows("allocations") == []

    def test_partial_allocation(self, scenario: Scenario, view: View) -> None:
        offer_id = scenario.offer()
        allocation_id = scenario.to_project(offer_id, 30)
        assert view.rows("offers") == [scenario.offer_row(
            offer_id, allocated=30, remaining=70, live_allocations=1, version=2)]
        assert view.rows("allocations") == [scenario.allocation_row(offer_id, allocation_id)]

    def test_exhaustion_and_release_reopen_the_offer(self, scenario: Scenario,
                                                     view: View) -> None:
        offer_id = scenario.offer()
        first = scenario.to_project(offer_id, 30)
        second = scenario.to_need(offer_id, 70)
        assert view.row("offers", offer_id=offer_id) == scenario.offer_row(
            offer_id, allocated=100, remaining=0, status="exhausted", live_allocations=2,
            version=3)
        use(scenario.app, offer_id, first, 12)
        use(scenario.app, offer_id, first, 8)
        assert view.row("offers", offer_id=offer_id) == scenario.offer_row(
            offer_id, allocated=100, used=20, remaining=0, status="exhausted",
            live_allocations=2, version=5)
        scenario.release(offer_id, first)  # returns the 10 not used
        assert view.row("offers", offer_id=offer_id) == scenario.offer_row(
            offer_id, allocated=90, used=20, remaining=10, status="open", live_allocations=1,
            version=6)
        assert view.rows("allocations", "WHERE to_need IS NOT NULL") == [
            scenario.allocation_row(offer_id, second, to_project=None, to_need=scenario.need,
                                    quantity=70, allocated_at=AT + 2 * HOUR)]
        assert view.row("allocations", allocation_id=first) == scenario.allocation_row(
            offer_id, first, used=20, released=True, returned=10)

    def test_withdrawal_keeps_live_allocations(self, scenario: Scenario, view: View) -> None:
        offer_id = scenario.offer()
        allocation_id = scenario.to_need(offer_id, 40)
        scenario.app.update(ResourceOffer, offer_id, lambda o: o.withdraw("捐赠方撤回", AT + DAY))
        assert view.row("offers", offer_id=offer_id) == scenario.offer_row(
            offer_id, allocated=40, remaining=0, status="withdrawn", withdrawn_at=AT + DAY,
            live_allocations=1, version=3)
        use(scenario.app, offer_id, allocation_id, 15)
        scenario.release(offer_id, allocation_id)  # the 25 returned go back to the provider
        assert view.row("offers", offer_id=offer_id) == scenario.offer_row(
            offer_id, allocated=15, used=15, remaining=0, status="withdrawn",
            withdrawn_at=AT + DAY, live_allocations=0, version=5)

    def test_venue_bookings_take_time_not_quantity(self, scenario: Scenario,
                                                   view: View) -> None:
        offer_id = scenario.offer(resource_type=ResourceType.VENUE, quantity=1, unit="间",
                                  title="社区活动室")
        morning = TimeSpan(AT + DAY, AT + DAY + 3 * HOUR)
        afternoon = TimeSpan(morning.end, morning.end + 2 * HOUR)
        first = scenario.to_project(offer_id, 1, morning)
        second = scenario.to_project(offer_id, 1, afternoon)
        venue = {"resource_type": "venue", "title": "社区活动室", "unit": "间", "quantity": 1}
        assert view.row("offers", offer_id=offer_id) == scenario.offer_row(
            offer_id, **venue, remaining=1, live_allocations=2, version=3)
        use(scenario.app, offer_id, second, 1)
        scenario.release(offer_id, first)
        assert view.row("offers", offer_id=offer_id) == scenario.offer_row(
            offer_id, **venue, used=1, remaining=1, live_allocations=1, version=5)
        booking = {"resource_type": "venue", "quantity": 1}
        assert view.rows("allocations") == sorted([
            scenario.allocation_row(offer_id, first, **booking, span_start=morning.start,
                                    span_end=morning.end, released=True, returned=1),
            scenario.allocation_row(offer_id, second, **booking, span_start=afternoon.start,
                                    span_end=afternoon.end, used=1),
        ], key=lambda r: r["allocation_id"])


# -- the coordinator's filters -----------------------------------------------------------------


class TestFilters:
    def test_party_kind_type_status_window_and_remaining(self, scenario: Scenario,
                                                         view: View) -> None:
        app, community_id = scenario.app, scenario.community
        unit = organisation(app, community_id, OrganisationKind.CO_BUILDING_UNIT, "闽江电力公司")
        goods = scenario.offer()
        later = TimeSpan(AT + 40 * DAY, AT + 60 * DAY)
        funds = offer(app, community_id, unit, resource_type=ResourceType.FUNDS,
                      quantity=5000, unit="元", window=later)
        spent = offer(app, community_id, unit, quantity=10)
        scenario.to_need(spent, 10)
        ids = sorted(str(i) for i in (goods, funds, spent))
        assert sorted(r["offer_id"] for r in view.rows("offers")) == ids
        by_kind = "WHERE community_id = ? AND party_kind = ?"
        assert sorted(view.offer_ids(by_kind, (str(community_id), "co_building_unit"))) == sorted(
            [str(funds), str(spent)])
        assert view.offer_ids("WHERE community_id = ? AND remaining > 0 AND resource_type = ?",
                              (str(community_id), "goods")) == [str(goods)]
        assert view.offer_ids("WHERE status = ?", ("exhausted",)) == [str(spent)]
        overlapping = "WHERE community_id = ? AND window_start < ? AND window_end > ?"
        week_45 = (str(community_id), to_db(AT + 52 * DAY), to_db(AT + 45 * DAY))
        assert view.offer_ids(overlapping, week_45) == [str(funds)]

    def test_the_filtered_columns_are_indexed(self) -> None:
        offers = next(t for t in ResourceList.tables if t.name == "offers")
        leading = {index[:2] for index in offers.indexes}
        for column in ("status", "party_kind", "resource_type", "window_start", "window_end",
                       "remaining"):
            assert ("community_id", column) in leading


# -- the demo district agrees with the aggregates ---------------------------------------------


# The handlers are the same on both stores (the generic test compares them there); the
# demo takes seconds to load, so this check of the figures runs on SQLite only.
@pytest.mark.parametrize("store_settings", ["sqlite"], indirect=True)
def test_the_demo_list_agrees_with_every_offer(app: WusheApplication, view: View) -> None:
    load_demo(app, DemoSpec(seed=5, communities=1, volunteers=40, week_of=date(2026, 11, 30)))
    offers = view.rows("offers")
    assert offers
    booked = 0
    for row in offers:
        offer_ = app.load(ResourceOffer, UUID(row["offer_id"]))
        assert (row["quantity"], row["allocated"], row["remaining"], row["status"],
                row["used"], row["live_allocations"], row["version"]) == (
            offer_.quantity, offer_.allocated, offer_.remaining, offer_.status.value,
            sum(a.used for a in offer_.allocations),
            sum(1 for a in offer_.allocations if a.live), offer_.version)
        kind = app.load(Organisation, offer_.organisation_id).kind.value
        assert row["party_kind"] == kind
        allocations = view.rows("allocations", "WHERE offer_id = ?", (row["offer_id"],))
        assert sorted((r["allocation_id"], r["quantity"], r["used"], bool(r["released"]))
                      for r in allocations) == sorted(
            (str(a.allocation_id), a.quantity, a.used, a.released) for a in offer_.allocations)
        booked += len(offer_.bookings())
    assert booked, "the demo should book a venue"


# -- requests --------------------------------------------------------------------------------


class TestRequests:
    SPAN = TimeSpan(AT + 7 * DAY, AT + 7 * DAY + 3 * HOUR)

    def request(self, scenario: Scenario, **overrides: Any) -> UUID:
        fields: dict[str, Any] = {
            "community_id": scenario.community, "project_id": scenario.project,
            "resource_type": ResourceType.GOODS, "unit": "份", "quantity": 50,
            "span": self.SPAN, "grid": "G01", "at": AT,
        }
        fields.update(overrides)
        return cmd.request_resource(scenario.app, **fields).id

    def row(self, scenario: Scenario, request_id: UUID, **changes: Any) -> dict[str, Any]:
        """The row of a fresh 50-portion request of the project, with ``changes``."""
        values: dict[str, Any] = {
            "request_id": request_id, "community_id": scenario.community,
            "owner_kind": "project", "owner_id": scenario.project, "resource_type": "goods",
            "unit": "份", "span_start": self.SPAN.start, "span_end": self.SPAN.end,
            "grid": "G01", "status": "open", "requested_at": AT, "withdrawn_at": None,
            "quantity": 50, "allocated": 0, "urgent": False, "version": 1,
        }
        values.update(changes)
        return db(**values)

    def allocate(self, scenario: Scenario, request_id: UUID, offer_id: UUID,
                 quantity: int) -> None:
        cmd.allocate_for_request(scenario.app, request_id=request_id, offer_id=offer_id,
                                 quantity=quantity, at=AT + HOUR)

    def test_requested_partly_allocated_met(self, scenario: Scenario, view: View) -> None:
        request_id = self.request(scenario, urgent=True)
        assert view.rows("requests") == [self.row(scenario, request_id, urgent=True)]
        first, second = scenario.offer(quantity=30), scenario.offer(quantity=100)
        self.allocate(scenario, request_id, first, 30)
        assert view.row("requests", request_id=request_id) == self.row(
            scenario, request_id, urgent=True, allocated=30, status="partly_allocated",
            version=2)
        self.allocate(scenario, request_id, second, 20)
        assert view.row("requests", request_id=request_id) == self.row(
            scenario, request_id, urgent=True, allocated=50, status="met", version=3)
        assert view.row("offers", offer_id=second)["remaining"] == 80
        allocations = view.rows("allocations", "WHERE offer_id = ?", (str(second),))
        assert [(r["to_project"], r["quantity"], r["span_start"]) for r in allocations] == [
            (str(scenario.project), 20, to_db(self.SPAN.start))]

    def test_a_need_request_withdrawn(self, scenario: Scenario, view: View) -> None:
        request_id = self.request(scenario, project_id=None, need_id=scenario.need,
                                  resource_type=ResourceType.VENUE, unit="间", quantity=1)
        cmd.withdraw_request(scenario.app, request_id=request_id, reason="改在居民家中进行",
                             at=AT + DAY)
        assert view.rows("requests") == [self.row(
            scenario, request_id, owner_kind="need", owner_id=scenario.need,
            resource_type="venue", unit="间", quantity=1, status="withdrawn",
            withdrawn_at=AT + DAY, version=2)]

    def test_the_open_requests_of_a_week_are_an_index_scan(self) -> None:
        requests = next(t for t in ResourceList.tables if t.name == "requests")
        assert ("community_id", "status", "span_start") in requests.indexes

    def test_live_and_rebuilt_rows_are_equal(self, scenario: Scenario, view: View) -> None:
        goods, room = scenario.offer(), scenario.offer(
            resource_type=ResourceType.VENUE, quantity=1, unit="间", title="社区活动室")
        met = self.request(scenario, quantity=10)
        view.rows("requests")  # built now, then kept up as the log grows
        self.allocate(scenario, met, goods, 10)
        booked = self.request(scenario, resource_type=ResourceType.VENUE, unit="间", quantity=1)
        self.allocate(scenario, booked, room, 1)
        partly = self.request(scenario, need_id=scenario.need, project_id=None)
        self.allocate(scenario, partly, goods, 5)
        cmd.withdraw_request(scenario.app, request_id=partly, reason="需求已由家属解决",
                             at=AT + DAY)
        live = {t: view.rows(t) for t in ("requests", "offers", "allocations")}
        view.projections.rebuild(ResourceList.name)
        assert {t: view.rows(t) for t in live} == live
        assert {r["request_id"]: (r["status"], r["allocated"]) for r in live["requests"]} == {
            str(met): ("met", 10), str(booked): ("met", 1), str(partly): ("withdrawn", 5)}
