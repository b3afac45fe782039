"""Organisation participation (6.2.3): exact rows per organisation and project, the year a
project counts in (span, else first shift, China time) and how it moves, and the yearly
answer per community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from tests.helpers import MONDAY_9AM
from tests.integration.view_tables import ViewTables
from wushe.platform import commands as cmd
from wushe.platform.domain.community import Grid
from wushe.platform.domain.organisation import Organisation, OrganisationKind, Registration
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.project import ServiceProject, Shift
from wushe.platform.domain.values import TimeSpan
from wushe.projections.store import ViewStore
from wushe.projections.views.participation import OrganisationParticipation, yearly_participation

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

POLICY = Policy()
AT = MONDAY_9AM  # 2026-11-30, 09:00 China time
HOURS = timedelta(hours=2)
# 2027-01-01 00:30 China time is still 2026 in UTC: the year is China's.
NEW_YEAR = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
IN_2026 = TimeSpan(AT + timedelta(days=7), AT + timedelta(days=7) + HOURS)
IN_2027 = TimeSpan(NEW_YEAR, NEW_YEAR + HOURS)


class View(ViewTables):
    """The participation view of one application, caught up on demand."""

    def __init__(self, app: WusheApplication, store: ViewStore) -> None:
        super().__init__(app, store, OrganisationParticipation)

    def participation(self, project_id: UUID) -> dict[Any, tuple[Any, ...]]:
        """organisation id → (year, undertaker, participant, status) for one project."""
        return {r["organisation_id"]: (r["year"], r["undertaker"], r["participant"], r["status"])
                for r in self.rows("participation") if r["project_id"] == str(project_id)}

    def yearly(self, community_id: UUID, year: int) -> dict[str, int]:
        rows = yearly_participation(self.store, self.generation, str(community_id), year)
        return {r["organisation_id"]: r["projects"] for r in rows}


@pytest.fixture
def view(app: WusheApplication) -> Iterator[View]:
    store = ViewStore.open(app.settings)
    yield View(app, store)
    store.close()


def community(app: WusheApplication) -> UUID:
    community_id = cmd.found_community(
        app, code="350102001001", name="东街社区", district="福州市鼓楼区",
        permanent_population=9000, households=3200, at=AT - timedelta(days=400)).id
    cmd.add_grid(app, community_id=community_id,
                 grid=Grid(grid_id="G01", name="第1网格", households=400))
    return community_id


def organisation(app: WusheApplication, community_id: UUID, name: str, *,
                 kind: OrganisationKind = OrganisationKind.COMMUNITY_SOCIAL_ORGANISATION,
                 registration: Registration = Registration.FILED) -> UUID:
    number = None if registration is Registration.NONE else f"鼓民社备{name}"
    return cmd.register_organisation(
        app, community_id=community_id, name=name, kind=kind, registration=registration,
        registration_no=number, contact_name="陈建国", contact_phone="13905912345", at=AT).id


def project(app: WusheApplication, community_id: UUID, *, undertaker: UUID | None = None,
            span: TimeSpan | None = None, at: datetime = AT) -> UUID:
    return cmd.draft_project(
        app, policy=POLICY, community_id=community_id, category="ELDER", title="助老送餐",
        description="为独居老人送午餐", government_purchased=undertaker is not None,
        undertaking_organisation_id=undertaker, at=at, span=span).id


def shift(span: TimeSpan, shift_id: UUID | None = None) -> Shift:
    return Shift(shift_id=shift_id or uuid4(), span=span, grid="G01", place="社区服务站",
                 min_headcount=1, max_headcount=4)


def take_part(app: WusheApplication, project_id: UUID, organisation_id: UUID) -> None:
    app.update(ServiceProject, project_id,
               lambda p: p.add_participant_organisation(organisation_id))


class TestRows:
    def test_undertaker_and_participants_have_one_row_each(self, app: WusheApplication,
                                                           view: View) -> None:
        community_id = community(app)
        centre = organisation(app, community_id, "社工中心",
                              kind=OrganisationKind.SOCIAL_ORGANISATION,
                              registration=Registration.REGISTERED)
        choir = organisation(app, community_id, "合唱团")
        project_id = project(app, community_id, undertaker=centre, span=IN_2026)
        take_part(app, project_id, centre)  # the undertaker also listed as a participant
        take_part(app, project_id, choir)
        rows = view.rows("participation")
        assert [(r["organisation_id"], r["undertaker"], r["participant"]) for r in rows] == sorted(
            [(str(centre), 1, 1), (str(choir), 0, 1)])
        assert {(r["community_id"], r["project_id"], r["year"], r["status"], r["title"],
                 r["category"], r["government_purchased"]) for r in rows} == {
            (str(community_id), str(project_id), 2026, "draft", "助老送餐", "ELDER", 1)}

    def test_organisations_helper_table_follows_registration_and_status(
            self, app: WusheApplication, view: View) -> None:
        community_id = community(app)
        choir = organisation(app, community_id, "合唱团", registration=Registration.NONE)
        app.update(Organisation, choir,
                   lambda o: o.change_registration(Registration.FILED, "鼓民社备2026001号"))
        app.update(Organisation, choir, lambda o: o.deactivate("停止活动"))
        assert view.rows("organisations") == [{
            "organisation_id": str(choir), "community_id": str(community_id), "name": "合唱团",
            "kind": "community_social_organisation", "registration": "filed",
            "status": "inactive"}]
        app.update(Organisation, choir, lambda o: o.reactivate())
        assert view.rows("organisations")[0]["status"] == "active"

    def test_status_follows_the_project(self, app: WusheApplication, view: View) -> None:
        community_id = community(app)
        choir = organisation(app, community_id, "合唱团")
        project_id = project(app, community_id)
        cmd.add_shift(app, project_id=project_id, shift=shift(IN_2026))
        take_part(app, project_id, choir)

        def publish(p: ServiceProject) -> None:
            p.set_plan(goals="送餐", content="送餐", methods="上门", safety_measures=("留样",))
            p.publish(AT)

        app.update(ServiceProject, project_id, publish)
        assert view.participation(project_id)[str(choir)][3] == "published"
        app.update(ServiceProject, project_id, lambda p: p.mark_staffed(AT))
        assert view.participation(project_id)[str(choir)][3] == "staffed"
        app.update(ServiceProject, project_id, lambda p: p.cancel("天气原因", AT))
        assert view.participation(project_id)[str(choir)][3] == "cancelled"


class TestYear:
    def test_no_schedule_no_year_until_the_first_shift(self, app: WusheApplication,
                                                       view: View) -> None:
        community_id = community(app)
        choir = organisation(app, community_id, "合唱团")
        project_id = project(app, community_id)
        take_part(app, project_id, choir)
        assert view.participation(project_id) == {str(choir): (None, 0, 1, "draft")}
        cmd.add_shift(app, project_id=project_id, shift=shift(IN_2027))
        assert view.participation(project_id) == {str(choir): (2027, 0, 1, "draft")}

    def test_the_earliest_shift_decides_and_the_project_moves(self, app: WusheApplication,
                                                              view: View) -> None:
        community_id = community(app)
        choir = organisation(app, community_id, "合唱团")
        project_id = project(app, community_id)
        take_part(app, project_id, choir)
        late, early = uuid4(), uuid4()
        cmd.add_shift(app, project_id=project_id, shift=shift(IN_2027, late))
        cmd.add_shift(app, project_id=project_id, shift=shift(IN_2026, early))
        assert view.participation(project_id)[str(choir)][0] == 2026
        app.update(ServiceProject, project_id, lambda p: p.remove_shift(early))
        assert view.participation(project_id)[str(choir)][0] == 2027
        moved = TimeSpan(NEW_YEAR - timedelta(hours=1), NEW_YEAR + HOURS)  # 23:30 China time
        app.update(ServiceProject, project_id, lambda p: p.change_shift(shift(moved, late)))
        assert view.participation(project_id)[str(choir)][0] == 2026
        app.update(ServiceProject, project_id, lambda p: p.remove_shift(late))
        assert view.participation(project_id)[str(choir)][0] is None

    def test_the_span_wins_over_shifts_and_clearing_it_falls_back(
            self, app: WusheApplication, view: View) -> None:
        community_id = community(app)
        choir = organisation(app, community_id, "合唱团")
        project_id = project(app, community_id)
        take_part(app, project_id, choir)
        cmd.add_shift(app, project_id=project_id, shift=shift(IN_2027))
        span = TimeSpan(IN_2026.start, IN_2027.end)
        app.update(ServiceProject, project_id, lambda p: p.set_span(span))
        assert view.participation(project_id)[str(choir)][0] == 2026
        app.update(ServiceProject, project_id, lambda p: p.set_span(None))
        assert view.participation(project_id)[str(choir)][0] == 2027

    def test_the_year_is_china_time(self, app: WusheApplication, view: View) -> None:
        community_id = community(app)
        choir = organisation(app, community_id, "合唱团")
        project_id = project(app, community_id, span=IN_2027)  # 2026 in UTC
        take_part(app, project_id, choir)
        assert view.participation(project_id)[str(choir)][0] == 2027


class TestYearlyAnswer:
    def test_each_registered_or_filed_social_organisation_and_its_projects(
            self, app: WusheApplication, view: View) -> None:
        community_id = community(app)
        centre = organisation(app, community_id, "社工中心",
                              kind=OrganisationKind.SOCIAL_ORGANISATION,
                              registration=Registration.REGISTERED)
        choir = organisation(app, community_id, "合唱团")
        idle = organisation(app, community_id, "读书会")
        organisation(app, community_id, "舞蹈队", registration=Registration.NONE)  # not counted
        organisation(app, community_id, "医院", kind=OrganisationKind.CO_BUILDING_UNIT,
                     registration=Registration.REGISTERED)  # not a social organisation
        first = project(app, community_id, undertaker=centre, span=IN_2026)
        take_part(app, first, choir)
        second = project(app, community_id, span=IN_2026)
        take_part(app, second, choir)
        next_year = project(app, community_id, span=IN_2027)
        take_part(app, next_year, idle)
        called_off = project(app, community_id, span=IN_2026)
        take_part(app, called_off, idle)
        app.update(ServiceProject, called_off, lambda p: p.cancel("经费未到位", AT))
        assert view.yearly(community_id, 2026) == {str(centre): 1, str(choir): 2, str(idle): 0}
        assert view.yearly(community_id, 2027) == {str(centre): 0, str(choir): 0, str(idle): 1}
