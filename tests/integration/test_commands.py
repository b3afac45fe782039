"""Application commands: the reference and policy checks no single aggregate can make.

Every command is tried on SQLite and PostgreSQL: its success path, and each way it
is refused — a missing reference, another community, an inactive reference, an
unknown grid or category, a stale ``expected_version`` — where the log must not
move; and an idempotent retry with a ``request_key``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import pytest

from tests.helpers import MONDAY_9AM, volunteer_profile
from wushe.platform import commands as cmd
from wushe.platform.domain.assignment import Assignment
from wushe.platform.domain.calendar import WorkingCalendar
from wushe.platform.domain.community import Community, Grid
from wushe.platform.domain.errors import (
    ConflictError,
    DomainRuleError,
    InvalidStateError,
    NotFoundError,
    StaleVersionError,
    ValidationError,
    WusheError,
)
from wushe.platform.domain.need import Need, NeedSource, ReplyChannel
from wushe.platform.domain.organisation import Organisation, OrganisationKind, Registration
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.project import ServiceProject, Shift
from wushe.platform.domain.resource import ResourceOffer, ResourceType
from wushe.platform.domain.staff import StaffMember, StaffRole
from wushe.platform.domain.team import VolunteerTeam
from wushe.platform.domain.values import TimeSpan, Urgency
from wushe.platform.domain.volunteer import IdType, Volunteer

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from wushe.platform.application import Recorded, WusheApplication

POLICY = Policy()
AT = MONDAY_9AM
SHIFT_START = AT + timedelta(days=7)
SHIFT = TimeSpan(SHIFT_START, SHIFT_START + timedelta(hours=3))


# -- fixtures built through the commands ------------------------------------------


def found(app: WusheApplication, code: str = "350102001001") -> UUID:
    """A community with two grids, G01 and G02."""
    community_id = cmd.found_community(
        app, code=code, name="东街社区", district="福州市鼓楼区", permanent_population=9000,
        households=3200, at=AT - timedelta(days=400)).id
    for n in (1, 2):
        cmd.add_grid(app, community_id=community_id,
                     grid=Grid(grid_id=f"G0{n}", name=f"第{n}网格", households=400))
    return community_id


def volunteer(app: WusheApplication, community_id: UUID, *, active: bool = True) -> UUID:
    volunteer_id = cmd.register_volunteer(
        app, community_id=community_id, profile=volunteer_profile(), id_type=IdType.RESIDENT_ID,
        consent_version="2026-01", consented_at=AT, home_grid="G01", skills=("first_aid",)).id
    if not active:
        app.update(Volunteer, volunteer_id, lambda v: v.deactivate("搬离本社区"))
    return volunteer_id


def organisation(app: WusheApplication, community_id: UUID, *, active: bool = True) -> UUID:
    organisation_id = cmd.register_organisation(
        app, community_id=community_id, name="东街社工服务中心",
        kind=OrganisationKind.SOCIAL_ORGANISATION, registration=Registration.REGISTERED,
        registration_no="51350102MJ0000001X", contact_name="陈建国", contact_phone="0591-87654321",
        at=AT).id
    if not active:
        app.update(Organisation, organisation_id, lambda o: o.deactivate("停止活动"))
    return organisation_id


def team(app: WusheApplication, community_id: UUID, size: int = 1) -> UUID:
    members = [volunteer(app, community_id) for _ in range(size)]
    team_id = cmd.form_team(app, community_id=community_id, name="银龄志愿服务队",
                            leader_id=members[0], home_grid="G01", at=AT).id
    for member in members[1:]:
        cmd.add_team_member(app, team_id=team_id, volunteer_id=member)
    return team_id


def staff_member(app: WusheApplication, community_id: UUID, *, active: bool = True) -> UUID:
    """A community worker at the window; needs record staff by this id, never by name."""
    staff_id = cmd.appoint_staff(
        app, community_id=community_id, name="林敏", role=StaffRole.COMMUNITY_WORKER,
        certified_social_worker=False, window_staff=True, at=AT - timedelta(days=30)).id
    if not active:
        app.update(StaffMember, staff_id, lambda s: s.leave(AT.date() - timedelta(days=1)))
    return staff_id


def need(app: WusheApplication, community_id: UUID) -> UUID:
    return cmd.receive_need(
        app, policy=POLICY, community_id=community_id, grid="G01", source=NeedSource.WINDOW,
        category="ELDER", title="独居老人助餐", details="每日午餐送餐上门", urgency=Urgency.ROUTINE,
        resident_name="王秀英", received_by=staff_member(app, community_id), at=AT).id


def shift(*, grid: str = "G01", span: TimeSpan = SHIFT, team_only: bool = False) -> Shift:
    return Shift(shift_id=uuid4(), span=span, grid=grid, place="社区服务站", min_headcount=1,
                 max_headcount=10 if team_only else 4, team_only=team_only)


def project(app: WusheApplication, community_id: UUID, *, shifts: tuple[Shift, ...] = (),
            publish: bool = False, requires_team: bool = False) -> UUID:
    project_id = cmd.draft_project(
        app, policy=POLICY, community_id=community_id, category="ELDER", title="助老送餐",
        description="为独居老人送午餐", government_purchased=False, requires_team=requires_team,
        at=AT).id
    for each in shifts:
        cmd.add_shift(app, project_id=project_id, shift=each)
    if publish:
        app.update(ServiceProject, project_id, plan_and_publish)
    return project_id


def plan_and_publish(project: ServiceProject) -> None:
    project.set_plan(goals="按时送餐", content="送餐", methods="志愿者上门",
                     safety_measures=("食品留样",))
    project.publish(AT)


def offer(app: WusheApplication, community_id: UUID, quantity: int = 100) -> UUID:
    return cmd.offer_resource(
        app, community_id=community_id, organisation_id=organisation(app, community_id),
        resource_type=ResourceType.GOODS, title="爱心米面油", description="每份含米面油各一",
        quantity=quantity, unit="份", window=TimeSpan(AT, AT + timedelta(days=90)), at=AT).id


def refused(app: WusheApplication, error: type[WusheError], code: str,
            call: Callable[[], Recorded], field: str | None = None) -> None:
    """``call`` raises ``error`` with ``code`` (and ``field``) and the log does not move."""
    before = app.log_position()
    with pytest.raises(error) as raised:
        call()
    assert type(raised.value) is error
    assert raised.value.code == code
    assert raised.value.message_zh and raised.value.message_en
    if field is not None:
        assert raised.value.field == field
    assert app.log_position() == before


def retried(app: WusheApplication, call: Callable[[], Recorded]) -> None:
    """A retry of ``call`` with the same request key returns the first result, appending nothing."""
    first = call()
    position = app.log_position()
    again = call()
    assert first.created and not again.created
    assert (again.id, again.version) == (first.id, first.version)
    assert app.log_position() == position


MISSING = uuid4()


# -- communities, grids, staff -------------------------------------------------------


class TestCommunity:
    def test_found_community_and_add_grids(self, app: WusheApplication) -> None:
        community = app.load(Community, found(app))
        assert [g.grid_id for g in community.grids] == ["G01", "G02"]
        assert community.version == 3

    def test_found_community_retry_with_a_request_key(self, app: WusheApplication) -> None:
        retried(app, lambda: cmd.found_community(
            app, code="350102001002", name="西湖社区", district="福州市鼓楼区",
            permanent_population=8000, households=3000, at=AT, request_key="found-1"))

    def test_change_and_remove_grid(self, app: WusheApplication) -> None:
        community_id = found(app)
        cmd.change_grid(app, community_id=community_id,
                        grid=Grid(grid_id="G01", name="第一网格", households=450))
        recorded = cmd.remove_grid(app, community_id=community_id, grid_id="G02",
                                   expected_version=4)
        community = app.load(Community, community_id)
        assert [(g.grid_id, g.households) for g in community.grids] == [("G01", 450)]
        assert recorded.version == 5 and recorded.position == app.log_position()

    def test_grid_commands_refuse_a_missing_community_and_a_stale_version(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        grid = Grid(grid_id="G03", name="第3网格", households=300)
        refused(app, NotFoundError, "community.not_found",
                lambda: cmd.add_grid(app, community_id=MISSING, grid=grid))
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.add_grid(app, community_id=community_id, grid=grid,
                                     expected_version=1))

    @pytest.mark.parametrize("command", [cmd.change_grid, cmd.remove_grid])
    def test_changing_grids_refuses_a_missing_community_and_a_stale_version(
        self, app: WusheApplication, command: Callable[..., Recorded]
    ) -> None:
        community_id = found(app)
        change = {"grid": Grid(grid_id="G01", name="第一网格", households=450)} \
            if command is cmd.change_grid else {"grid_id": "G01"}
        refused(app, NotFoundError, "community.not_found",
                lambda: command(app, community_id=MISSING, **change))
        refused(app, StaleVersionError, "version.stale",
                lambda: command(app, community_id=community_id, expected_version=2, **change))

    def test_appoint_staff(self, app: WusheApplication) -> None:
        community_id = found(app)

        def appoint(community: UUID, key: str | None = None) -> Recorded:
            return cmd.appoint_staff(app, community_id=community, name="张丽",
                                     role=StaffRole.COMMUNITY_WORKER,
                                     certified_social_worker=False, window_staff=True, at=AT,
                                     request_key=key)

        assert app.load(StaffMember, appoint(community_id).id).community_id == community_id
        refused(app, NotFoundError, "community.not_found", lambda: appoint(MISSING))
        retried(app, lambda: appoint(community_id, "staff-1"))


# -- volunteers and teams ------------------------------------------------------------


class TestRegisterVolunteer:
    def register(self, app: WusheApplication, community_id: UUID, grid: str = "G02",
                 key: str | None = None) -> Recorded:
        return cmd.register_volunteer(
            app, community_id=community_id, profile=volunteer_profile(),
            id_type=IdType.RESIDENT_ID, consent_version="2026-01", consented_at=AT,
            home_grid=grid, request_key=key)

    def test_registers_in_a_grid_of_the_community(self, app: WusheApplication) -> None:
        community_id = found(app)
        recorded = self.register(app, community_id)
        loaded = app.load(Volunteer, recorded.id)
        assert (loaded.community_id, loaded.home_grid, recorded.created) == (
            community_id, "G02", True)

    def test_refuses_a_missing_community_and_an_unknown_grid(self, app: WusheApplication) -> None:
        community_id = found(app)
        refused(app, NotFoundError, "community.not_found", lambda: self.register(app, MISSING))
        refused(app, ValidationError, "reference.unknown_grid",
                lambda: self.register(app, community_id, "G09"), field="home_grid")

    def test_a_retry_returns_the_first_even_after_its_grid_is_gone(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        first = self.register(app, community_id, key="vol-1")
        cmd.remove_grid(app, community_id=community_id, grid_id="G02")
        position = app.log_position()
        again = self.register(app, community_id, key="vol-1")
        assert (again.id, again.created, app.log_position()) == (first.id, False, position)


class TestSetHomeGrid:
    def test_moves_to_another_grid_of_the_community(self, app: WusheApplication) -> None:
        volunteer_id = volunteer(app, found(app))
        cmd.set_home_grid(app, volunteer_id=volunteer_id, grid="G02", expected_version=1)
        assert app.load(Volunteer, volunteer_id).home_grid == "G02"

    def test_refusals(self, app: WusheApplication) -> None:
        volunteer_id = volunteer(app, found(app))
        refused(app, ValidationError, "reference.unknown_grid",
                lambda: cmd.set_home_grid(app, volunteer_id=volunteer_id, grid="G09"),
                field="home_grid")
        refused(app, NotFoundError, "volunteer.not_found",
                lambda: cmd.set_home_grid(app, volunteer_id=MISSING, grid="G02"))
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.set_home_grid(app, volunteer_id=volunteer_id, grid="G02",
                                          expected_version=2))


class TestFormTeam:
    def form(self, app: WusheApplication, community_id: UUID, leader_id: UUID, *,
             grid: str = "G01", organisation_id: UUID | None = None,
             key: str | None = None) -> Recorded:
        return cmd.form_team(app, community_id=community_id, name="青春志愿服务队",
                             leader_id=leader_id, home_grid=grid, at=AT,
                             organisation_id=organisation_id, request_key=key)

    def test_forms_a_team_led_by_an_active_volunteer(self, app: WusheApplication) -> None:
        community_id = found(app)
        leader_id = volunteer(app, community_id)
        run_by = organisation(app, community_id)
        formed = app.load(VolunteerTeam,
                          self.form(app, community_id, leader_id, organisation_id=run_by).id)
        assert (formed.leader_id, formed.members, formed.organisation_id) == (
            leader_id, (leader_id,), run_by)

    def test_refuses_a_missing_community_leader_or_grid(self, app: WusheApplication) -> None:
        community_id = found(app)
        leader_id = volunteer(app, community_id)
        refused(app, NotFoundError, "community.not_found",
                lambda: self.form(app, MISSING, leader_id))
        refused(app, NotFoundError, "volunteer.not_found",
                lambda: self.form(app, community_id, MISSING))
        refused(app, ValidationError, "reference.unknown_grid",
                lambda: self.form(app, community_id, leader_id, grid="G09"), field="home_grid")

    def test_refuses_a_leader_of_another_community_or_inactive(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        outsider = volunteer(app, found(app, "350102001002"))
        inactive = volunteer(app, community_id, active=False)
        refused(app, DomainRuleError, "reference.other_community",
                lambda: self.form(app, community_id, outsider), field="leader_id")
        refused(app, DomainRuleError, "reference.inactive",
                lambda: self.form(app, community_id, inactive), field="leader_id")

    def test_refuses_an_organisation_of_another_community_or_inactive(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        leader_id = volunteer(app, community_id)
        elsewhere = organisation(app, found(app, "350102001002"))
        inactive = organisation(app, community_id, active=False)
        refused(app, DomainRuleError, "reference.other_community",
                lambda: self.form(app, community_id, leader_id, organisation_id=elsewhere),
                field="organisation_id")
        refused(app, DomainRuleError, "reference.inactive",
                lambda: self.form(app, community_id, leader_id, organisation_id=inactive),
                field="organisation_id")

    def test_retry_with_a_request_key(self, app: WusheApplication) -> None:
        community_id = found(app)
        leader_id = volunteer(app, community_id)
        retried(app, lambda: self.form(app, community_id, leader_id, key="team-1"))


class TestTeamMembership:
    @pytest.mark.parametrize("command", [cmd.add_team_member, cmd.change_team_leader])
    def test_refuses_a_volunteer_who_is_missing_elsewhere_or_inactive(
        self, app: WusheApplication, command: Callable[..., Recorded]
    ) -> None:
        community_id = found(app)
        team_id = team(app, community_id)
        outsider = volunteer(app, found(app, "350102001002"))
        inactive = volunteer(app, community_id, active=False)
        refused(app, NotFoundError, "volunteer.not_found",
                lambda: command(app, team_id=team_id, volunteer_id=MISSING))
        refused(app, DomainRuleError, "reference.other_community",
                lambda: command(app, team_id=team_id, volunteer_id=outsider),
                field="volunteer_id")
        refused(app, DomainRuleError, "reference.inactive",
                lambda: command(app, team_id=team_id, volunteer_id=inactive),
                field="volunteer_id")
        refused(app, NotFoundError, "team.not_found",
                lambda: command(app, team_id=MISSING, volunteer_id=inactive))
        refused(app, StaleVersionError, "version.stale",
                lambda: command(app, team_id=team_id, volunteer_id=inactive,
                                expected_version=2))

    def test_add_a_member_then_make_them_leader(self, app: WusheApplication) -> None:
        community_id = found(app)
        team_id = team(app, community_id)
        member = volunteer(app, community_id)
        cmd.add_team_member(app, team_id=team_id, volunteer_id=member, expected_version=1)
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.change_team_leader(app, team_id=team_id, volunteer_id=member,
                                               expected_version=1))
        cmd.change_team_leader(app, team_id=team_id, volunteer_id=member, expected_version=2)
        loaded = app.load(VolunteerTeam, team_id)
        assert (loaded.leader_id, loaded.size) == (member, 2)

    def test_a_member_who_became_inactive_cannot_become_leader(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        team_id = team(app, community_id, size=2)
        member = next(m for m in app.load(VolunteerTeam, team_id).members
                      if m != app.load(VolunteerTeam, team_id).leader_id)
        app.update(Volunteer, member, lambda v: v.deactivate("外出务工"))
        refused(app, DomainRuleError, "reference.inactive",
                lambda: cmd.change_team_leader(app, team_id=team_id, volunteer_id=member))


# -- needs ---------------------------------------------------------------------------


class TestReceiveNeed:
    def receive(self, app: WusheApplication, community_id: UUID, *, grid: str = "G02",
                category: str = "ELDER", policy: Policy = POLICY,
                key: str | None = None, received_by: UUID | None = None) -> Recorded:
        return cmd.receive_need(
            app, policy=policy, community_id=community_id, grid=grid,
            source=NeedSource.GRID_WORKER, category=category, title="楼道杂物清理",
            details="3 号楼楼道堆放杂物", urgency=Urgency.URGENT, resident_name="李明",
            received_by=received_by or self.receiver, at=AT, request_key=key)

    @pytest.fixture(autouse=True)
    def _receiver(self, app: WusheApplication) -> None:
        self.community_id = found(app)
        self.receiver = staff_member(app, self.community_id)

    def test_receives_a_need_in_a_grid_and_a_category(self, app: WusheApplication) -> None:
        community_id = self.community_id
        received = app.load(Need, self.receive(app, community_id).id)
        assert (received.community_id, received.grid, received.category) == (
            community_id, "G02", "ELDER")
        assert received.received_by == self.receiver

    def test_refusals(self, app: WusheApplication) -> None:
        community_id = self.community_id
        narrow = Policy(categories={"ENV": ("环境卫生", "environment")})
        refused(app, NotFoundError, "community.not_found", lambda: self.receive(app, MISSING))
        refused(app, ValidationError, "reference.unknown_grid",
                lambda: self.receive(app, community_id, grid="G09"), field="grid")
        refused(app, ValidationError, "policy.unknown_category",
                lambda: self.receive(app, community_id, policy=narrow), field="category")
        refused(app, ValidationError, "policy.unknown_category",
                lambda: self.receive(app, community_id, category="SPORTS"), field="category")

    def test_retry_with_a_request_key(self, app: WusheApplication) -> None:
        retried(app, lambda: self.receive(app, self.community_id, key="need-1"))

    def test_received_by_an_active_staff_member_of_the_community(
        self, app: WusheApplication
    ) -> None:
        community_id = self.community_id
        elsewhere = staff_member(app, found(app, "350102001002"))
        gone = staff_member(app, community_id, active=False)
        refused(app, NotFoundError, "staff.not_found",
                lambda: self.receive(app, community_id, received_by=MISSING))
        refused(app, DomainRuleError, "reference.other_community",
                lambda: self.receive(app, community_id, received_by=elsewhere),
                field="received_by")
        refused(app, DomainRuleError, "reference.inactive",
                lambda: self.receive(app, community_id, received_by=gone), field="received_by")
        refused(app, ValidationError, "input.bad_id",
                lambda: self.receive(app, community_id, received_by="网格员"),  # type: ignore[arg-type]
                field="received_by")


class TestNeedDeadlines:
    # Tuesday 1 December 2026 is a holiday in this policy: deadlines skip it.
    HOLIDAY = Policy(calendar=WorkingCalendar(holidays=frozenset({date(2026, 12, 1)})))

    def handled(self, app: WusheApplication) -> UUID:
        community_id = found(app)
        need_id, handler = need(app, community_id), staff_member(app, community_id)
        clerk = app.load(Need, need_id).received_by
        app.update(Need, need_id, lambda n: n.accept(by=clerk, at=AT))
        cmd.start_handling(app, policy=self.HOLIDAY, need_id=need_id, handler=handler,
                           committed_working_days=1, at=AT, expected_version=2)
        return need_id

    def test_start_handling_uses_the_policy_calendar(self, app: WusheApplication) -> None:
        deadline = app.load(Need, self.handled(app)).deadline
        assert deadline == self.HOLIDAY.calendar.deadline_after(AT, 1)
        assert deadline != POLICY.calendar.deadline_after(AT, 1)

    def test_extend_uses_the_policy_calendar(self, app: WusheApplication) -> None:
        need_id = self.handled(app)
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.extend(app, policy=self.HOLIDAY, need_id=need_id,
                                   extra_working_days=1, reason="待材料",
                                   notice_to_resident="已告知", at=AT, expected_version=2))
        cmd.extend(app, policy=self.HOLIDAY, need_id=need_id, extra_working_days=1,
                   reason="等待供应商", notice_to_resident="已电话告知延期",
                   at=AT + timedelta(hours=1), expected_version=3)
        # Due end of Wednesday 2 December; one more working day is Thursday 3 December.
        assert app.load(Need, need_id).deadline == self.HOLIDAY.calendar.deadline_after(
            AT + timedelta(days=2), 1)

    def test_object_to_reply_is_due_by_the_policy_calendar(self, app: WusheApplication) -> None:
        need_id = self.handled(app)

        def close_and_reply(handled: Need) -> None:
            handled.close("已送餐", AT + timedelta(hours=2))
            handled.reply(ReplyChannel.PHONE, "已办结", None, AT + timedelta(hours=3))

        app.update(Need, need_id, close_and_reply)
        at = AT + timedelta(hours=4)
        cmd.object_to_reply(app, policy=self.HOLIDAY, need_id=need_id, objection="送餐太晚",
                            at=at)
        assert app.load(Need, need_id).answer_due == self.HOLIDAY.calendar.deadline_after(at, 1)

    def test_a_stale_version_is_refused(self, app: WusheApplication) -> None:
        need_id = self.handled(app)
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.object_to_reply(app, policy=POLICY, need_id=need_id,
                                            objection="送餐太晚", at=AT, expected_version=1))
        handler = app.load(Need, need_id).handler
        assert handler is not None
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.start_handling(app, policy=POLICY, need_id=need_id,
                                           handler=handler, committed_working_days=1, at=AT,
                                           expected_version=2))

    def test_a_missing_need_is_not_found(self, app: WusheApplication) -> None:
        handler = staff_member(app, found(app))
        refused(app, NotFoundError, "need.not_found",
                lambda: cmd.start_handling(app, policy=POLICY, need_id=MISSING, handler=handler,
                                           committed_working_days=1, at=AT))

    def test_handled_by_an_active_staff_member_of_the_community(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        need_id = need(app, community_id)
        clerk = app.load(Need, need_id).received_by
        app.update(Need, need_id, lambda n: n.accept(by=clerk, at=AT))
        elsewhere = staff_member(app, found(app, "350102001002"))
        gone = staff_member(app, community_id, active=False)

        def start(handler: object) -> Recorded:
            return cmd.start_handling(app, policy=POLICY, need_id=need_id,
                                      handler=handler, committed_working_days=1, at=AT)  # type: ignore[arg-type]

        refused(app, NotFoundError, "staff.not_found", lambda: start(MISSING))
        refused(app, DomainRuleError, "reference.other_community", lambda: start(elsewhere),
                field="handler")
        refused(app, DomainRuleError, "reference.inactive", lambda: start(gone), field="handler")
        refused(app, ValidationError, "input.bad_id", lambda: start("网格员"), field="handler")
        refused(app, ValidationError, "input.not_integer",
                lambda: cmd.start_handling(app, policy=POLICY, need_id=need_id, handler=clerk,
                                           committed_working_days=True, at=AT),
                field="committed_working_days")
        start(clerk)
        assert app.load(Need, need_id).handler == clerk


# -- organisations and resources -----------------------------------------------------


class TestOrganisationsAndOffers:
    def test_register_organisation(self, app: WusheApplication) -> None:
        community_id = found(app)
        assert app.load(Organisation, organisation(app, community_id)).community_id == community_id

        def register(community: UUID, key: str | None = None) -> Recorded:
            return cmd.register_organisation(
                app, community_id=community, name="慈善基金会", kind=OrganisationKind.CHARITY,
                registration=Registration.NONE, registration_no=None, contact_name="周敏",
                contact_phone="13800000000", at=AT, request_key=key)

        refused(app, NotFoundError, "community.not_found", lambda: register(MISSING))
        retried(app, lambda: register(community_id, "org-1"))

    def offer(self, app: WusheApplication, community_id: UUID, organisation_id: UUID,
              key: str | None = None) -> Recorded:
        return cmd.offer_resource(
            app, community_id=community_id, organisation_id=organisation_id,
            resource_type=ResourceType.VENUE, title="多功能活动室", description="可容纳 60 人",
            quantity=1, unit="间", window=TimeSpan(AT, AT + timedelta(days=30)), at=AT,
            conditions="提前三天预约", request_key=key)

    def test_offer_resource(self, app: WusheApplication) -> None:
        community_id = found(app)
        provider = organisation(app, community_id)
        listed = app.load(ResourceOffer, self.offer(app, community_id, provider).id)
        assert (listed.community_id, listed.organisation_id) == (community_id, provider)
        retried(app, lambda: self.offer(app, community_id, provider, key="offer-1"))

    def test_offer_resource_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        provider = organisation(app, community_id)
        elsewhere = organisation(app, found(app, "350102001002"))
        inactive = organisation(app, community_id, active=False)
        refused(app, NotFoundError, "community.not_found",
                lambda: self.offer(app, MISSING, provider))
        refused(app, NotFoundError, "organisation.not_found",
                lambda: self.offer(app, community_id, MISSING))
        refused(app, DomainRuleError, "reference.other_community",
                lambda: self.offer(app, community_id, elsewhere), field="organisation_id")
        refused(app, DomainRuleError, "reference.inactive",
                lambda: self.offer(app, community_id, inactive), field="organisation_id")


class TestAllocateToProject:
    def allocate(self, app: WusheApplication, offer_id: UUID, project_id: UUID, *,
                 quantity: int = 30, expected_version: int | None = None,
                 request_key: str | None = None) -> Recorded:
        return cmd.allocate_to_project(app, offer_id=offer_id, project_id=project_id,
                                       quantity=quantity, at=AT, expected_version=expected_version,
                                       request_key=request_key)

    def test_records_the_allocation_on_the_offer_and_the_project_together(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        offer_id, project_id = offer(app, community_id), project(app, community_id)
        before = app.log_position()
        recorded = self.allocate(app, offer_id, project_id, expected_version=1)
        listed, planned = app.load(ResourceOffer, offer_id), app.load(ServiceProject, project_id)
        (allocation,) = listed.allocations
        (reservation,) = planned.reservations
        assert (allocation.to_project, allocation.quantity, listed.remaining) == (
            project_id, 30, 70)
        assert (reservation.allocation_id, reservation.offer_id) == (
            allocation.allocation_id, offer_id)
        assert (recorded.id, recorded.version) == (offer_id, 2)
        assert recorded.position == app.log_position() == before + 2

    def test_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        offer_id, project_id = offer(app, community_id), project(app, community_id)
        elsewhere = project(app, found(app, "350102001002"))
        refused(app, NotFoundError, "resource.not_found",
                lambda: self.allocate(app, MISSING, project_id))
        refused(app, NotFoundError, "service_project.not_found",
                lambda: self.allocate(app, offer_id, MISSING))
        refused(app, DomainRuleError, "reference.other_community",
                lambda: self.allocate(app, offer_id, elsewhere), field="project_id")
        refused(app, StaleVersionError, "version.stale",
                lambda: self.allocate(app, offer_id, project_id, expected_version=7))

    def test_neither_is_recorded_when_the_project_refuses(self, app: WusheApplication) -> None:
        community_id = found(app)
        offer_id, project_id = offer(app, community_id), project(app, community_id)
        app.update(ServiceProject, project_id, lambda p: p.cancel("经费未到位", AT))
        refused(app, InvalidStateError, "state.reserve_resource",
                lambda: self.allocate(app, offer_id, project_id))
        assert app.load(ResourceOffer, offer_id).allocations == ()

    def test_neither_is_recorded_when_the_offer_refuses(self, app: WusheApplication) -> None:
        community_id = found(app)
        offer_id, project_id = offer(app, community_id), project(app, community_id)
        refused(app, DomainRuleError, "resource.over_allocation",
                lambda: self.allocate(app, offer_id, project_id, quantity=101))
        assert app.load(ServiceProject, project_id).reservations == ()

    def test_a_retry_with_a_request_key_allocates_once(self, app: WusheApplication) -> None:
        community_id = found(app)
        offer_id, project_id = offer(app, community_id), project(app, community_id)
        first = self.allocate(app, offer_id, project_id, expected_version=1, request_key="a-1")
        position = app.log_position()
        # The retry carries the same (now outdated) expected version and still succeeds.
        again = self.allocate(app, offer_id, project_id, expected_version=1, request_key="a-1")
        assert first.created and not again.created
        assert (again.id, again.version) == (first.id, first.version)
        assert app.log_position() == position
        assert app.load(ResourceOffer, offer_id).remaining == 70

    def test_release_gives_back_on_both(self, app: WusheApplication) -> None:
        community_id = found(app)
        offer_id, project_id = offer(app, community_id), project(app, community_id)
        self.allocate(app, offer_id, project_id)
        (allocation,) = app.load(ResourceOffer, offer_id).allocations
        before = app.log_position()
        cmd.release_allocation(app, offer_id=offer_id, allocation_id=allocation.allocation_id,
                               expected_version=2)
        assert app.load(ResourceOffer, offer_id).remaining == 100
        assert app.load(ServiceProject, project_id).reservations == ()
        assert app.log_position() == before + 2


    def test_release_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        offer_id, project_id = offer(app, community_id), project(app, community_id)
        self.allocate(app, offer_id, project_id)
        (allocation,) = app.load(ResourceOffer, offer_id).allocations
        refused(app, NotFoundError, "resource.not_found",
                lambda: cmd.release_allocation(app, offer_id=MISSING,
                                               allocation_id=allocation.allocation_id))
        refused(app, DomainRuleError, "resource.unknown_allocation",
                lambda: cmd.release_allocation(app, offer_id=offer_id, allocation_id=MISSING),
                field="allocation_id")
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.release_allocation(app, offer_id=offer_id,
                                               allocation_id=allocation.allocation_id,
                                               expected_version=1))

    def test_a_conflict_on_either_aggregate_records_neither(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        offer_id, project_id = offer(app, community_id), project(app, community_id)
        listed, planned = app.load(ResourceOffer, offer_id), app.load(ServiceProject, project_id)
        allocation_id = uuid4()
        listed.allocate(allocation_id=allocation_id, quantity=10, to_project=project_id,
                        to_need=None, span=None, at=AT)
        planned.reserve_resource(offer_id, allocation_id, 10)
        cmd.serve_need(app, project_id=project_id, need_id=need(app, community_id))
        before = app.log_position()
        with pytest.raises(ConflictError) as raised:
            app.save_all(listed, planned)  # the project moved on since it was loaded
        assert raised.value.code == "version.conflict"
        assert app.log_position() == before
        assert app.load(ResourceOffer, offer_id).allocations == ()


class TestAllocateToNeed:
    def test_allocates_to_a_need_of_the_community(self, app: WusheApplication) -> None:
        community_id = found(app)
        offer_id, need_id = offer(app, community_id), need(app, community_id)
        retried(app, lambda: cmd.allocate_to_need(app, offer_id=offer_id, need_id=need_id,
                                                  quantity=5, at=AT, request_key="n-1"))
        (allocation,) = app.load(ResourceOffer, offer_id).allocations
        assert (allocation.to_need, allocation.quantity) == (need_id, 5)
        cmd.release_allocation(app, offer_id=offer_id, allocation_id=allocation.allocation_id)
        assert app.load(ResourceOffer, offer_id).remaining == 100

    def test_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        offer_id = offer(app, community_id)
        elsewhere = need(app, found(app, "350102001002"))
        refused(app, NotFoundError, "need.not_found",
                lambda: cmd.allocate_to_need(app, offer_id=offer_id, need_id=MISSING,
                                             quantity=5, at=AT))
        refused(app, DomainRuleError, "reference.other_community",
                lambda: cmd.allocate_to_need(app, offer_id=offer_id, need_id=elsewhere,
                                             quantity=5, at=AT), field="need_id")
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.allocate_to_need(app, offer_id=offer_id, need_id=elsewhere,
                                             quantity=5, at=AT, expected_version=3))


# -- projects and assignments --------------------------------------------------------


class TestDraftProject:
    def draft(self, app: WusheApplication, community_id: UUID, *, category: str = "HEALTH",
              undertaker: UUID | None = None, key: str | None = None) -> Recorded:
        return cmd.draft_project(
            app, policy=POLICY, community_id=community_id, category=category, title="社区义诊",
            description="义诊与健康讲座", government_purchased=undertaker is not None, at=AT,
            undertaking_organisation_id=undertaker, request_key=key)

    def test_drafts_a_project_undertaken_by_an_active_organisation(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        undertaker = organisation(app, community_id)
        drafted = app.load(ServiceProject, self.draft(app, community_id, undertaker=undertaker).id)
        assert (drafted.community_id, drafted.undertaking_organisation_id) == (
            community_id, undertaker)
        retried(app, lambda: self.draft(app, community_id, key="project-1"))

    def test_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        elsewhere = organisation(app, found(app, "350102001002"))
        inactive = organisation(app, community_id, active=False)
        refused(app, NotFoundError, "community.not_found", lambda: self.draft(app, MISSING))
        refused(app, ValidationError, "policy.unknown_category",
                lambda: self.draft(app, community_id, category="SPORTS"), field="category")
        refused(app, NotFoundError, "organisation.not_found",
                lambda: self.draft(app, community_id, undertaker=MISSING))
        refused(app, DomainRuleError, "reference.other_community",
                lambda: self.draft(app, community_id, undertaker=elsewhere),
                field="undertaking_organisation_id")
        refused(app, DomainRuleError, "reference.inactive",
                lambda: self.draft(app, community_id, undertaker=inactive),
                field="undertaking_organisation_id")


class TestShiftsNeedsAndTeams:
    def test_add_shift_in_a_grid_of_the_community(self, app: WusheApplication) -> None:
        project_id = project(app, found(app))
        cmd.add_shift(app, project_id=project_id, shift=shift(grid="G02"), expected_version=1)
        assert [s.grid for s in app.load(ServiceProject, project_id).shifts] == ["G02"]
        refused(app, ValidationError, "reference.unknown_grid",
                lambda: cmd.add_shift(app, project_id=project_id, shift=shift(grid="G09")),
                field="grid")
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.add_shift(app, project_id=project_id, shift=shift(),
                                      expected_version=1))
        refused(app, NotFoundError, "service_project.not_found",
                lambda: cmd.add_shift(app, project_id=MISSING, shift=shift()))

    def test_serve_need_of_the_community(self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id, need_id = project(app, community_id), need(app, community_id)
        elsewhere = need(app, found(app, "350102001002"))
        cmd.serve_need(app, project_id=project_id, need_id=need_id, expected_version=1)
        assert app.load(ServiceProject, project_id).needs == {need_id}
        refused(app, DomainRuleError, "reference.other_community",
                lambda: cmd.serve_need(app, project_id=project_id, need_id=elsewhere),
                field="need_id")
        refused(app, NotFoundError, "need.not_found",
                lambda: cmd.serve_need(app, project_id=project_id, need_id=MISSING))
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.serve_need(app, project_id=project_id, need_id=need_id,
                                       expected_version=1))

    def test_assign_a_full_team_to_team_only_shifts(self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id = project(app, community_id, shifts=(shift(team_only=True),),
                             requires_team=True)
        small, full = team(app, community_id, size=4), team(app, community_id, size=5)
        refused(app, DomainRuleError, "project.team_too_small",
                lambda: cmd.assign_team(app, project_id=project_id, team_id=small),
                field="team_id")
        cmd.assign_team(app, project_id=project_id, team_id=full, expected_version=2)
        assert app.load(ServiceProject, project_id).team_id == full

    def test_a_small_team_is_fine_without_team_only_shifts(self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id = project(app, community_id, shifts=(shift(),), requires_team=True)
        cmd.assign_team(app, project_id=project_id, team_id=team(app, community_id))
        assert app.load(ServiceProject, project_id).team_id is not None

    def test_assign_team_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        project_id = project(app, community_id, requires_team=True)
        elsewhere = team(app, found(app, "350102001002"))
        dissolved = team(app, community_id)
        app.update(VolunteerTeam, dissolved, lambda t: t.dissolve("成员流失", AT))
        refused(app, NotFoundError, "team.not_found",
                lambda: cmd.assign_team(app, project_id=project_id, team_id=MISSING))
        refused(app, DomainRuleError, "reference.other_community",
                lambda: cmd.assign_team(app, project_id=project_id, team_id=elsewhere),
                field="team_id")
        refused(app, DomainRuleError, "reference.inactive",
                lambda: cmd.assign_team(app, project_id=project_id, team_id=dissolved),
                field="team_id")
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.assign_team(app, project_id=project_id, team_id=dissolved,
                                        expected_version=2))


class TestProposeAssignment:
    def propose(self, app: WusheApplication, project_id: UUID, shift_id: UUID,
                volunteer_id: UUID, *, at: datetime = AT, team_id: UUID | None = None,
                key: str | None = None) -> Recorded:
        return cmd.propose_assignment(app, policy=POLICY, project_id=project_id,
                                      shift_id=shift_id, volunteer_id=volunteer_id, at=at,
                                      team_id=team_id, request_key=key)

    def test_the_offer_expires_after_the_policy_hours(self, app: WusheApplication) -> None:
        community_id = found(app)
        slot = shift()
        project_id = project(app, community_id, shifts=(slot,), publish=True)
        volunteer_id = volunteer(app, community_id)
        offered = app.load(Assignment, self.propose(app, project_id, slot.shift_id,
                                                    volunteer_id).id)
        assert (offered.span, offered.volunteer_id) == (slot.span, volunteer_id)
        assert offered.expires_at == AT + timedelta(hours=POLICY.offer_expiry_hours)

    def test_or_when_the_shift_starts_if_that_is_sooner(self, app: WusheApplication) -> None:
        community_id = found(app)
        soon = shift(span=TimeSpan(AT + timedelta(hours=5), AT + timedelta(hours=8)))
        project_id = project(app, community_id, shifts=(soon,), publish=True)
        offered = self.propose(app, project_id, soon.shift_id, volunteer(app, community_id))
        assert app.load(Assignment, offered.id).expires_at == soon.span.start

    def test_refusals(self, app: WusheApplication) -> None:
        community_id = found(app)
        slot = shift()
        draft = project(app, community_id, shifts=(slot,))
        project_id = project(app, community_id, shifts=(slot,), publish=True)
        volunteer_id = volunteer(app, community_id)
        outsider = volunteer(app, found(app, "350102001002"))
        inactive = volunteer(app, community_id, active=False)
        refused(app, InvalidStateError, "state.propose_assignment",
                lambda: self.propose(app, draft, slot.shift_id, volunteer_id))
        refused(app, NotFoundError, "service_project.not_found",
                lambda: self.propose(app, MISSING, slot.shift_id, volunteer_id))
        refused(app, DomainRuleError, "project.unknown_shift",
                lambda: self.propose(app, project_id, MISSING, volunteer_id), field="shift_id")
        refused(app, NotFoundError, "volunteer.not_found",
                lambda: self.propose(app, project_id, slot.shift_id, MISSING))
        refused(app, DomainRuleError, "reference.other_community",
                lambda: self.propose(app, project_id, slot.shift_id, outsider),
                field="volunteer_id")
        refused(app, DomainRuleError, "reference.inactive",
                lambda: self.propose(app, project_id, slot.shift_id, inactive),
                field="volunteer_id")

    def test_team_only_shifts_go_to_members_of_the_assigned_team(
        self, app: WusheApplication
    ) -> None:
        community_id = found(app)
        slot = shift(team_only=True)
        project_id = project(app, community_id, shifts=(slot,), requires_team=True)
        team_id = team(app, community_id, size=5)
        cmd.assign_team(app, project_id=project_id, team_id=team_id)
        app.update(ServiceProject, project_id, plan_and_publish)
        member = app.load(VolunteerTeam, team_id).leader_id
        stranger = volunteer(app, community_id)
        refused(app, DomainRuleError, "assignment.team_only_shift",
                lambda: self.propose(app, project_id, slot.shift_id, member), field="team_id")
        refused(app, DomainRuleError, "team.not_member",
                lambda: self.propose(app, project_id, slot.shift_id, stranger, team_id=team_id),
                field="volunteer_id")
        offered = self.propose(app, project_id, slot.shift_id, member, team_id=team_id)
        assert app.load(Assignment, offered.id).team_id == team_id

    def test_retry_with_a_request_key(self, app: WusheApplication) -> None:
        community_id = found(app)
        slot = shift()
        project_id = project(app, community_id, shifts=(slot,), publish=True)
        volunteer_id = volunteer(app, community_id)
        retried(app, lambda: self.propose(app, project_id, slot.shift_id, volunteer_id,
                                          key="assign-1"))


class TestCheckOut:
    @pytest.mark.parametrize(("step", "credited"), [(30, 90), (60, 60)])
    def test_credits_hours_in_the_policy_step(self, app: WusheApplication, step: int,
                                              credited: int) -> None:
        community_id = found(app)
        slot = shift()
        project_id = project(app, community_id, shifts=(slot,), publish=True)
        assignment_id = cmd.propose_assignment(
            app, policy=POLICY, project_id=project_id, shift_id=slot.shift_id,
            volunteer_id=volunteer(app, community_id), at=AT).id

        def accept_and_check_in(assignment: Assignment) -> None:
            assignment.accept(AT + timedelta(hours=1))
            assignment.check_in(SHIFT_START)

        app.update(Assignment, assignment_id, accept_and_check_in)
        out = SHIFT_START + timedelta(minutes=115)
        refused(app, StaleVersionError, "version.stale",
                lambda: cmd.check_out(app, policy=Policy(hours_step_minutes=step),
                                      assignment_id=assignment_id, at=out, expected_version=1))
        cmd.check_out(app, policy=Policy(hours_step_minutes=step), assignment_id=assignment_id,
                      at=out, expected_version=3)
        checked_out = app.load(Assignment, assignment_id)
        assert (checked_out.service_minutes, checked_out.credited_minutes) == (115, credited)
        assert checked_out.rounding_minutes == step

    def test_a_missing_assignment_is_not_found(self, app: WusheApplication) -> None:
        refused(app, NotFoundError, "assignment.not_found",
                lambda: cmd.check_out(app, policy=POLICY, assignment_id=MISSING, at=AT))
