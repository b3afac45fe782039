"""The roster view: who is free when, and each volunteer's assignments and hours this week.

Each scenario is built through the commands on SQLite and PostgreSQL, caught up
live step by step, checked row for row, and rebuilt from scratch to the same rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from tests.helpers import MONDAY_9AM, volunteer_profile
from wushe.platform import commands as cmd
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.community import Grid
from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.project import ServiceProject, Shift
from wushe.platform.domain.team import VolunteerTeam
from wushe.platform.domain.values import TimeSpan, WeeklyWindow
from wushe.platform.domain.volunteer import (
    AvailabilityException,
    Certification,
    IdType,
    Volunteer,
)
from wushe.projections.catalog import physical_name
from wushe.projections.schema import utc_text
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views.roster import Roster, week_bounds

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

POLICY = Policy()
AT = MONDAY_9AM  # Monday 2026-11-30, 09:00 China time
WEDNESDAY_9AM = AT + timedelta(days=2)
THURSDAY_2PM = AT + timedelta(days=3, hours=5)
NEXT_MONDAY_9AM = AT + timedelta(days=7)
LIVE = ("accepted", "checked_in", "checked_out", "confirmed", "disputed")


# -- the scenario, built through the commands ------------------------------------------


def found(app: WusheApplication) -> UUID:
    community_id = cmd.found_community(
        app, code="350102001001", name="东街社区", district="福州市鼓楼区",
        permanent_population=9000, households=3200, at=AT - timedelta(days=400)).id
    for n in (1, 2):
        cmd.add_grid(app, community_id=community_id,
                     grid=Grid(grid_id=f"G0{n}", name=f"第{n}网格", households=400))
    return community_id


def register(app: WusheApplication, community_id: UUID, name: str = "林晓燕",
             skills: tuple[str, ...] = ("first_aid",)) -> UUID:
    return cmd.register_volunteer(
        app, community_id=community_id, profile=volunteer_profile(name=name),
        id_type=IdType.RESIDENT_ID, consent_version="2026-01", consented_at=AT,
        home_grid="G01", skills=skills).id


def shift(start: datetime, hours: int) -> Shift:
    return Shift(shift_id=uuid4(), span=TimeSpan(start, start + timedelta(hours=hours)),
                 grid="G01", place="社区服务站", min_headcount=1, max_headcount=4)


def project(app: WusheApplication, community_id: UUID, *shifts: Shift) -> UUID:
    project_id = cmd.draft_project(
        app, policy=POLICY, community_id=community_id, category="ELDER", title="助老送餐",
        description="为独居老人送午餐", government_purchased=False, at=AT).id
    for each in shifts:
        cmd.add_shift(app, project_id=project_id, shift=each)

    def publish(p: ServiceProject) -> None:
        p.set_plan(goals="按时送餐", content="送餐", methods="志愿者上门",
                   safety_measures=("食品留样",))
        p.publish(AT)

    app.update(ServiceProject, project_id, publish)
    return project_id


def propose(app: WusheApplication, project_id: UUID, on: Shift, volunteer_id: UUID,
            *, accept: bool = True) -> UUID:
    assignment_id = cmd.propose_assignment(
        app, policy=POLICY, project_id=project_id, shift_id=on.shift_id,
        volunteer_id=volunteer_id, at=AT).id
    if accept:
        app.update(Assignment, assignment_id, lambda a: a.accept(AT + timedelta(hours=1)))
    return assignment_id


def serve(app: WusheApplication, assignment_id: UUID, on: Shift) -> None:
    """Check in at the start, out at the end, and have the hours confirmed."""
    app.update(Assignment, assignment_id, lambda a: a.check_in(on.span.start))
    cmd.check_out(app, policy=POLICY, assignment_id=assignment_id, at=on.span.end)
    app.update(Assignment, assignment_id, lambda a: a.confirm_hours(
        by=uuid4(), at=on.span.end + timedelta(hours=1)))


# -- reading the view ------------------------------------------------------------------


@pytest.fixture
def views(app: WusheApplication) -> Iterator[Projections]:
    store = ViewStore.open(app.settings)
    yield Projections(app, store, views=(Roster,))
    store.close()


def select(views: Projections, table: str, columns: str, where: str = "1 = 1",
           params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Catch up, then the rows of one roster table, in ``columns`` order."""
    views.catch_up()
    store = views.catalog.store
    generation = views.catalog.active_generation("roster") or 0
    name = store.name(physical_name("roster", generation, table))
    found_rows = store.fetchall(f"SELECT {columns} FROM {name} WHERE {where}", params)  # noqa: S608
    return sorted(found_rows, key=repr)


def everything(views: Projections) -> dict[str, list[tuple[Any, ...]]]:
    return {t.name: select(views, t.name, "*") for t in Roster.tables}


def assert_rebuilds_equal(views: Projections) -> None:
    """A rebuild from the whole log gives the rows the live view has."""
    live = everything(views)
    views.rebuild("roster")
    assert everything(views) == live


def volunteer_row(views: Projections, volunteer_id: UUID) -> dict[str, Any]:
    names = [c.name for c in Roster.tables[0].columns]
    rows = select(views, "volunteers", ", ".join(f'"{n}"' for n in names), "volunteer_id = ?",
                  (str(volunteer_id),))
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


def team_ids(views: Projections, volunteer_id: UUID) -> str:
    return str(volunteer_row(views, volunteer_id)["team_ids"])


def json_ids(*ids: UUID) -> str:
    return "[" + ",".join(f'"{i}"' for i in sorted(str(i) for i in ids)) + "]"


# -- tests -------------------------------------------------------------------------------


class TestWeekBounds:
    def test_a_china_time_week_from_monday_midnight(self) -> None:
        assert week_bounds(date(2026, 12, 2)) == ("2026-11-29T16:00:00.000000Z",
                                                  "2026-12-06T16:00:00.000000Z")
        assert week_bounds(date(2026, 11, 30)) == week_bounds(date(2026, 12, 6))

    @pytest.mark.parametrize(("moment", "in_week"), [
        (datetime(2026, 11, 29, 16, 0, tzinfo=UTC), True),    # Monday 00:00 China time
        (datetime(2026, 12, 6, 15, 59, tzinfo=UTC), True),    # Sunday 23:59
        (datetime(2026, 12, 6, 16, 0, tzinfo=UTC), False),    # next Monday 00:00
        (datetime(2026, 11, 29, 15, 59, tzinfo=UTC), False),  # the Sunday before
    ])
    def test_span_starts_compare_as_text(self, moment: datetime, in_week: bool) -> None:
        start, end = week_bounds(date(2026, 12, 2))
        assert (start <= utc_text(moment) < end) is in_week


class TestVolunteers:
    def test_profile_availability_and_status(self, app: WusheApplication,
                                             views: Projections) -> None:
        community_id = found(app)
        lin = register(app, community_id)
        chen = register(app, community_id, name="陈志强", skills=("driving",))
        app.update(Volunteer, lin, lambda v: v.set_availability(
            (WeeklyWindow(2, time(14), time(17, 30)), WeeklyWindow(0, time(9), time(12))),
            (AvailabilityException(date(2026, 12, 2), available=False),
             AvailabilityException(date(2026, 12, 5), available=True,
                                   windows=(WeeklyWindow(5, time(9), time(11)),)))))
        select(views, "volunteers", "*")  # live, step by step
        app.update(Volunteer, lin, lambda v: v.add_certification(
            Certification(name="红十字救护员证", issuer="福州市红十字会"), skill="aed"))
        cmd.set_home_grid(app, volunteer_id=lin, grid="G02")
        app.update(Volunteer, lin, lambda v: v.set_weekly_hour_cap(12))
        app.update(Volunteer, chen, lambda v: v.deactivate("外出务工"))

        assert volunteer_row(views, lin) == {
            "volunteer_id": str(lin), "community_id": str(community_id), "home_grid": "G02",
            "skills": '["aed","first_aid"]',
            "weekly_windows": '[[0,"09:00","12:00"],[2,"14:00","17:30"]]',
            "exceptions": '[{"day":"2026-12-02","available":false,"windows":[]},'
                          '{"day":"2026-12-05","available":true,"windows":[[5,"09:00","11:00"]]}]',
            "status": "active", "name": "林**", "team_ids": "[]", "certifications": 1,
            "weekly_hour_cap": 12, "version": 5,
        }
        assert volunteer_row(views, chen)["status"] == "inactive"
        available = select(views, "volunteers", "volunteer_id",
                           "community_id = ? AND status = 'active'", (str(community_id),))
        assert available == [(str(lin),)]
        app.update(Volunteer, chen, lambda v: v.reactivate())
        assert volunteer_row(views, chen)["status"] == "active"
        assert_rebuilds_equal(views)


class TestTeams:
    def test_joins_leaves_and_dissolution(self, app: WusheApplication,
                                          views: Projections) -> None:
        community_id = found(app)
        lin, chen, wang = (register(app, community_id, name=name)
                           for name in ("林晓燕", "陈志强", "王芳"))
        first = cmd.form_team(app, community_id=community_id, name="银龄志愿服务队",
                              leader_id=lin, home_grid="G01", at=AT).id
        for member in (chen, wang):
            cmd.add_team_member(app, team_id=first, volunteer_id=member)
        second = cmd.form_team(app, community_id=community_id, name="青年志愿服务队",
                               leader_id=chen, home_grid="G01", at=AT).id
        assert team_ids(views, chen) == json_ids(first, second)
        app.update(VolunteerTeam, first, lambda t: t.remove_member(wang))
        app.update(VolunteerTeam, second, lambda t: t.dissolve("合并", AT + timedelta(days=1)))

        assert (team_ids(views, lin), team_ids(views, chen), team_ids(views, wang)) == (
            json_ids(first), json_ids(first), "[]")
        assert select(views, "team_members", "team_id, volunteer_id") == sorted(
            [(str(first), str(lin)), (str(first), str(chen))], key=repr)
        assert select(views, "teams", "team_id, community_id, organisation_id, home_grid, "
                      "status") == sorted([
                          (str(first), str(community_id), None, "G01", "active"),
                          (str(second), str(community_id), None, "G01", "dissolved")], key=repr)
        assert_rebuilds_equal(views)


class TestAssignments:
    def test_rows_follow_the_lifecycle(self, app: WusheApplication, views: Projections) -> None:
        community_id = found(app)
        lin, chen = register(app, community_id), register(app, community_id, name="陈志强")
        wednesday, thursday = shift(WEDNESDAY_9AM, 3), shift(THURSDAY_2PM, 2)
        project_id = project(app, community_id, wednesday, thursday)
        served = propose(app, project_id, wednesday, lin)
        select(views, "assignments", "*")
        serve(app, served, wednesday)
        planned = propose(app, project_id, thursday, lin)
        declined = propose(app, project_id, wednesday, chen, accept=False)
        app.update(Assignment, declined, lambda a: a.decline("家中有事", AT + timedelta(hours=2)))

        columns = ("assignment_id, volunteer_id, community_id, project_id, shift_id, team_id, "
                   "span_start, span_end, shift_minutes, status, service_minutes, "
                   "credited_minutes, overrun, updated_at")
        ours = (str(community_id), str(project_id))
        assert select(views, "assignments", columns) == sorted([
            (str(served), str(lin), *ours, str(wednesday.shift_id), None,
             "2026-12-02T01:00:00.000000Z", "2026-12-02T04:00:00.000000Z", 180, "confirmed",
             180, 180, 0, "2026-12-02T05:00:00.000000Z"),
            (str(planned), str(lin), *ours, str(thursday.shift_id), None,
             "2026-12-03T06:00:00.000000Z", "2026-12-03T08:00:00.000000Z", 120, "accepted",
             None, None, 0, "2026-11-30T02:00:00.000000Z"),
            (str(declined), str(chen), *ours, str(wednesday.shift_id), None,
             "2026-12-02T01:00:00.000000Z", "2026-12-02T04:00:00.000000Z", 180, "declined",
             None, None, 0, "2026-11-30T03:00:00.000000Z"),
        ], key=repr)
        assert_rebuilds_equal(views)

    def test_hours_this_week_are_a_query_on_span_start(self, app: WusheApplication,
                                                       views: Projections) -> None:
        community_id = found(app)
        lin = register(app, community_id)
        wednesday, thursday = shift(WEDNESDAY_9AM, 3), shift(THURSDAY_2PM, 2)
        next_week = shift(NEXT_MONDAY_9AM, 2)
        project_id = project(app, community_id, wednesday, thursday, next_week)
        served = propose(app, project_id, wednesday, lin)
        serve(app, served, wednesday)
        propose(app, project_id, thursday, lin)
        propose(app, project_id, next_week, lin)
        app.update(Assignment, served, lambda a: a.dispute(
            "少记了半小时", lin, WEDNESDAY_9AM + timedelta(hours=5)))
        app.update(Assignment, served, lambda a: a.resolve_dispute(
            150, "按签到记录核定", uuid4(), WEDNESDAY_9AM + timedelta(hours=6)))

        start, end = week_bounds(date(2026, 12, 2))
        week = select(
            views, "assignments",
            "volunteer_id, COUNT(*), SUM(shift_minutes), "
            "SUM(CASE WHEN status = 'confirmed' THEN credited_minutes ELSE 0 END)",
            "volunteer_id = ? AND span_start >= ? AND span_start < ? "
            f"AND status IN ({', '.join('?' for _ in LIVE)}) GROUP BY volunteer_id",
            (str(lin), start, end, *LIVE))
        assert week == [(str(lin), 2, 300, 150)]
        assert_rebuilds_equal(views)


class TestForget:
    def test_a_forgotten_volunteer_leaves_the_roster(self, app: WusheApplication,
                                                     views: Projections) -> None:
        community_id = found(app)
        lin, chen = register(app, community_id), register(app, community_id, name="陈志强")
        team_id = cmd.form_team(app, community_id=community_id, name="银龄志愿服务队",
                                leader_id=chen, home_grid="G01", at=AT).id
        cmd.add_team_member(app, team_id=team_id, volunteer_id=lin)
        wednesday, thursday = shift(WEDNESDAY_9AM, 3), shift(THURSDAY_2PM, 2)
        project_id = project(app, community_id, wednesday, thursday)
        theirs = propose(app, project_id, wednesday, lin, accept=False)
        kept = propose(app, project_id, wednesday, chen)
        select(views, "volunteers", "*")  # the live view has seen them

        app.forget(Volunteer, lin, lambda v: v.forget())
        assert select(views, "volunteers", "volunteer_id") == [(str(chen),)]
        assert select(views, "team_members", "team_id, volunteer_id") == [
            (str(team_id), str(chen))]
        assert select(views, "assignments", "assignment_id") == [(str(kept),)]

        # Later events about them record nothing: a team leaving, an answer, a new offer.
        app.update(VolunteerTeam, team_id, lambda t: t.remove_member(lin))
        app.update(Assignment, theirs, lambda a: a.decline("已注销", AT + timedelta(hours=2)))
        with pytest.raises(DomainRuleError):  # the command refuses a forgotten volunteer
            propose(app, project_id, thursday, lin)
        app.create(Assignment.propose(
            id=uuid4(), project_id=project_id, shift_id=thursday.shift_id, volunteer_id=lin,
            team_id=None, span=thursday.span, staffing_run_id=None,
            expires_at=thursday.span.start, at=AT))
        assert select(views, "assignments", "assignment_id") == [(str(kept),)]
        assert select(views, "volunteers", "volunteer_id, team_ids") == [
            (str(chen), json_ids(team_id))]
        assert_rebuilds_equal(views)
