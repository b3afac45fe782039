"""The hours ledger: confirmed minutes per volunteer, team, organisation and community.

Scenarios are built through the commands on SQLite and PostgreSQL, caught up live
step by step, checked row for row, and rebuilt from scratch to the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from tests.helpers import MONDAY_9AM, volunteer_profile
from wushe.platform import commands as cmd
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.community import Grid
from wushe.platform.domain.organisation import OrganisationKind, Registration
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.project import ServiceProject, Shift
from wushe.platform.domain.values import TimeSpan
from wushe.platform.domain.volunteer import IdType, Volunteer
from wushe.projections.catalog import physical_name
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views.hours import HoursLedger, star_level

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

POLICY = Policy()
AT = MONDAY_9AM  # Monday 2026-11-30, 09:00 China time
WEDNESDAY_9AM = AT + timedelta(days=2)
THURSDAY_9AM = AT + timedelta(days=3)
NEW_YEAR = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 2027-01-01 00:30 China time
COORDINATOR = UUID("00000000-0000-4000-8000-000000000001")


# -- star levels ------------------------------------------------------------------------


BOUNDARIES = [(level, hours) for level, hours in enumerate(POLICY.star_thresholds_hours, 1)]


class TestStarLevel:
    @pytest.mark.parametrize(("level", "hours"), BOUNDARIES)
    def test_each_threshold_is_reached_at_its_exact_minute(self, level: int,
                                                           hours: int) -> None:
        assert star_level(hours * 60 - 1, POLICY) == level - 1
        assert star_level(hours * 60, POLICY) == level
        assert star_level(hours * 60 + 1, POLICY) == level

    def test_the_default_policy_is_the_standard_scale(self) -> None:
        assert POLICY.star_thresholds_hours == (100, 300, 600, 1000, 1500)
        assert star_level(0, POLICY) == 0
        assert star_level(10**9, POLICY) == 5

    def test_another_policy_version_moves_the_thresholds(self) -> None:
        lenient = Policy(version="2027.1", star_thresholds_hours=(50, 150, 300, 500, 750))
        assert star_level(50 * 60, lenient) == 1
        assert star_level(50 * 60, POLICY) == 0
        assert star_level(750 * 60, lenient) == 5


# -- the scenario, built through the commands ------------------------------------------


class World:
    """A community, an organisation, two volunteers in a team, two projects."""

    def __init__(self, app: WusheApplication) -> None:
        self.app = app
        self.community = cmd.found_community(
            app, code="350102001001", name="东街社区", district="福州市鼓楼区",
            permanent_population=9000, households=3200, at=AT - timedelta(days=400)).id
        cmd.add_grid(app, community_id=self.community,
                     grid=Grid(grid_id="G01", name="第1网格", households=400))
        self.organisation = cmd.register_organisation(
            app, community_id=self.community, name="东街社工服务中心",
            kind=OrganisationKind.SOCIAL_ORGANISATION, registration=Registration.REGISTERED,
            registration_no="51350102MJ0000001X", contact_name="陈建国",
            contact_phone="0591-87654321", at=AT).id
        self.lin = self._register("林晓燕")
        self.chen = self._register("陈志强")
        self.team = cmd.form_team(app, community_id=self.community, name="银龄志愿服务队",
                                  leader_id=self.lin, home_grid="G01", at=AT).id
        cmd.add_team_member(app, team_id=self.team, volunteer_id=self.chen)
        self.wednesday, self.thursday = _shift(WEDNESDAY_9AM, 3), _shift(THURSDAY_9AM, 2)
        self.new_year = _shift(NEW_YEAR, 3)
        self.purchased = self._project(self.organisation, self.wednesday, self.thursday)
        self.own = self._project(None, self.new_year)

    def _register(self, name: str) -> UUID:
        return cmd.register_volunteer(
            self.app, community_id=self.community, profile=volunteer_profile(name=name),
            id_type=IdType.RESIDENT_ID, consent_version="2026-01", consented_at=AT,
            home_grid="G01").id

    def _project(self, organisation: UUID | None, *shifts: Shift) -> UUID:
        project_id = cmd.draft_project(
            self.app, policy=POLICY, community_id=self.community, category="ELDER",
            title="助老服务", description="为独居老人提供助老服务",
            government_purchased=organisation is not None,
            undertaking_organisation_id=organisation, at=AT).id
        for each in shifts:
            cmd.add_shift(self.app, project_id=project_id, shift=each)
        self.app.update(ServiceProject, project_id, _plan_and_publish)
        return project_id

    def offer(self, project_id: UUID, on: Shift, volunteer_id: UUID, *,
              team_id: UUID | None = None) -> UUID:
        """Propose the shift and have it accepted."""
        assignment_id = cmd.propose_assignment(
            self.app, policy=POLICY, project_id=project_id, shift_id=on.shift_id,
            volunteer_id=volunteer_id, team_id=team_id, at=AT).id
        self.app.update(Assignment, assignment_id, lambda a: a.accept(AT + timedelta(hours=1)))
        return assignment_id

    def attend(self, assignment_id: UUID, on: Shift) -> None:
        self.app.update(Assignment, assignment_id, lambda a: a.check_in(on.span.start))
        cmd.check_out(self.app, policy=POLICY, assignment_id=assignment_id, at=on.span.end)

    def confirm(self, assignment_id: UUID, on: Shift, minutes: int | None = None) -> None:
        reason = None if minutes is None else "提前离场"
        self.app.update(Assignment, assignment_id, lambda a: a.confirm_hours(
            by=COORDINATOR, at=on.span.end + timedelta(hours=1), credited_minutes=minutes,
            reason=reason))

    def dispute(self, assignment_id: UUID, on: Shift, by: UUID) -> None:
        self.app.update(Assignment, assignment_id, lambda a: a.dispute(
            "时长有误", by, on.span.end + timedelta(hours=2)))

    def resolve(self, assignment_id: UUID, on: Shift, minutes: int) -> None:
        self.app.update(Assignment, assignment_id, lambda a: a.resolve_dispute(
            minutes, "按签到记录核定", COORDINATOR, on.span.end + timedelta(hours=3)))


def _shift(start: datetime, hours: int) -> Shift:
    return Shift(shift_id=uuid4(), span=TimeSpan(start, start + timedelta(hours=hours)),
                 grid="G01", place="社区服务站", min_headcount=1, max_headcount=4)


def _plan_and_publish(project: ServiceProject) -> None:
    project.set_plan(goals="按时服务", content="助老", methods="志愿者上门",
                     safety_measures=("两人一组",))
    project.publish(AT)


# -- reading the view ------------------------------------------------------------------


@pytest.fixture
def views(app: WusheApplication) -> Iterator[Projections]:
    store = ViewStore.open(app.settings)
    yield Projections(app, store, views=(HoursLedger,))
    store.close()


def select(views: Projections, table: str, columns: str = "*") -> list[tuple[Any, ...]]:
    """Catch up, then every row of one hours table, in ``columns`` order."""
    views.catch_up()
    store = views.catalog.store
    generation = views.catalog.active_generation("hours") or 0
    name = store.name(physical_name("hours", generation, table))
    return sorted(store.fetchall(f"SELECT {columns} FROM {name}"), key=repr)  # noqa: S608


def totals(views: Projections) -> dict[tuple[str, str, str], tuple[int, int]]:
    """``(scope, subject, period)`` → ``(minutes, confirmed assignments)``."""
    rows = select(views, "totals", "scope, subject_id, period, minutes, assignments")
    return {(scope, subject, period): (minutes, count)
            for scope, subject, period, minutes, count in rows}


def everything(views: Projections) -> dict[str, list[tuple[Any, ...]]]:
    return {t.name: select(views, t.name) for t in HoursLedger.tables}


def assert_rebuilds_equal(views: Projections) -> None:
    live = everything(views)
    views.rebuild("hours")
    assert everything(views) == live


def per(scope: str, subject: UUID, **periods: tuple[int, int]) -> dict[
        tuple[str, str, str], tuple[int, int]]:
    """Expected totals of one subject: ``per("team", t, y2026=(180, 1), all=(180, 1))``."""
    return {(scope, str(subject), period.removeprefix("y")): value
            for period, value in periods.items()}


# -- tests -------------------------------------------------------------------------------


class TestLedger:
    def test_confirmations_corrections_and_disputes(self, app: WusheApplication,
                                                    views: Projections) -> None:
        w = World(app)
        with_team = w.offer(w.purchased, w.wednesday, w.lin, team_id=w.team)
        corrected = w.offer(w.purchased, w.wednesday, w.chen)
        new_year = w.offer(w.own, w.new_year, w.lin)
        early_dispute = w.offer(w.purchased, w.thursday, w.chen)
        pending = w.offer(w.purchased, w.thursday, w.lin)
        declined = cmd.propose_assignment(app, policy=POLICY, project_id=w.own,
                                          shift_id=w.new_year.shift_id, volunteer_id=w.chen,
                                          at=AT).id
        app.update(Assignment, declined, lambda a: a.decline("家中有事", AT + timedelta(hours=2)))
        for assignment_id, on in ((with_team, w.wednesday), (corrected, w.wednesday),
                                  (new_year, w.new_year), (early_dispute, w.thursday)):
            w.attend(assignment_id, on)
        w.confirm(with_team, w.wednesday)
        w.confirm(corrected, w.wednesday, minutes=120)
        w.confirm(new_year, w.new_year)
        assert totals(views)[("volunteer", str(w.lin), "all")] == (360, 2)

        # A dispute after confirmation takes the hours out until it is resolved.
        w.dispute(new_year, w.new_year, w.lin)
        w.dispute(early_dispute, w.thursday, w.chen)  # before confirmation
        assert totals(views)[("volunteer", str(w.lin), "all")] == (180, 1)
        assert ("community", str(w.community), "2027") not in totals(views)
        w.resolve(new_year, w.new_year, 150)
        w.resolve(early_dispute, w.thursday, 90)

        c, o, t = str(w.community), str(w.organisation), str(w.team)
        assert select(views, "ledger",
                      "assignment_id, volunteer_id, project_id, team_id, organisation_id, "
                      "community_id, year, status, credited_minutes, confirmed_at") == sorted([
            (str(with_team), str(w.lin), str(w.purchased), t, o, c, 2026, "confirmed", 180,
             "2026-12-02T05:00:00.000000Z"),
            (str(corrected), str(w.chen), str(w.purchased), None, o, c, 2026, "confirmed", 120,
             "2026-12-02T05:00:00.000000Z"),
            (str(new_year), str(w.lin), str(w.own), None, None, c, 2027, "confirmed", 150,
             "2026-12-31T22:30:00.000000Z"),
            (str(early_dispute), str(w.chen), str(w.purchased), None, o, c, 2026, "confirmed",
             90, "2026-12-03T06:00:00.000000Z"),
            (str(pending), str(w.lin), str(w.purchased), None, o, c, 2026, "pending", 0, None),
        ], key=repr)
        assert totals(views) == {
            **per("volunteer", w.lin, y2026=(180, 1), y2027=(150, 1), all=(330, 2)),
            **per("volunteer", w.chen, y2026=(210, 2), all=(210, 2)),
            **per("team", w.team, y2026=(180, 1), all=(180, 1)),
            **per("organisation", w.organisation, y2026=(390, 3), all=(390, 3)),
            **per("community", w.community, y2026=(390, 3), y2027=(150, 1), all=(540, 4)),
        }
        assert select(views, "totals", "DISTINCT community_id") == [(c,)]
        assert_rebuilds_equal(views)


class TestForget:
    def test_personal_totals_go_and_group_totals_stay(self, app: WusheApplication,
                                                      views: Projections) -> None:
        w = World(app)
        lin_served = w.offer(w.purchased, w.wednesday, w.lin, team_id=w.team)
        chen_served = w.offer(w.purchased, w.wednesday, w.chen, team_id=w.team)
        for assignment_id in (lin_served, chen_served):
            w.attend(assignment_id, w.wednesday)
            w.confirm(assignment_id, w.wednesday)
        select(views, "ledger")  # the live view has seen them

        app.forget(Volunteer, w.lin, lambda v: v.forget())
        c, o, t = str(w.community), str(w.organisation), str(w.team)
        expected = {
            **per("volunteer", w.chen, y2026=(180, 1), all=(180, 1)),
            **per("team", w.team, y2026=(360, 2), all=(360, 2)),
            **per("organisation", w.organisation, y2026=(360, 2), all=(360, 2)),
            **per("community", w.community, y2026=(360, 2), all=(360, 2)),
        }
        assert totals(views) == expected
        assert select(views, "ledger", "assignment_id, volunteer_id, team_id, credited_minutes") \
            == sorted([(str(lin_served), None, t, 180), (str(chen_served), str(w.chen), t, 180)],
                      key=repr)

        # A correction after the erasure still corrects the group totals, and only those.
        w.dispute(lin_served, w.wednesday, COORDINATOR)
        w.resolve(lin_served, w.wednesday, 120)
        for scope, subject in (("team", t), ("organisation", o), ("community", c)):
            for period in ("2026", "all"):
                expected[scope, subject, period] = (300, 2)
        assert totals(views) == expected

        # An assignment recorded for them afterwards (bypassing the command's check)
        # counts for the groups but names nobody.
        later = app.create(Assignment.propose(
            id=uuid4(), project_id=w.purchased, shift_id=w.thursday.shift_id,
            volunteer_id=w.lin, team_id=None, span=w.thursday.span, staffing_run_id=None,
            expires_at=w.thursday.span.start, at=AT)).id
        app.update(Assignment, later, lambda a: a.accept(AT + timedelta(hours=1)))
        w.attend(later, w.thursday)
        w.confirm(later, w.thursday)
        assert select(views, "ledger", "volunteer_id, credited_minutes") == sorted(
            [(None, 120), (None, 120), (str(w.chen), 180)], key=repr)
        assert not any(scope == "volunteer" and subject == str(w.lin)
                       for scope, subject, _ in totals(views))
        assert totals(views)[("community", c, "all")] == (420, 3)
        assert_rebuilds_equal(views)
