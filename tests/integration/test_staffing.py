"""Staffing runs on the log: request → views → solve (worker process) → offers → re-plan."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import pytest

from tests.integration.test_commands import (
    POLICY,
    SHIFT,
    found,
    plan_and_publish,
    staff_member,
    volunteer,
)
from wushe.matching.staffing import Params
from wushe.platform import commands as cmd
from wushe.platform.domain.assignment import Assignment, AssignmentStatus
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.need import NeedSource
from wushe.platform.domain.project import ServiceProject, Shift
from wushe.platform.domain.staffing_run import RunReason, RunStatus, StaffingRun
from wushe.platform.domain.values import Urgency, WeeklyWindow
from wushe.platform.domain.volunteer import Volunteer
from wushe.platform.staffing.horizon import Week
from wushe.platform.staffing.replanner import ABANDONED_AFTER, replan_due
from wushe.platform.staffing.service import StaffingService
from wushe.projections.store import ViewStore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

WEEK = Week(SHIFT.start.astimezone(CHINA_TIME).date())
# The business clock: a fixed moment the week before the shifts (runs, offers and
# answers all happen then), so the tests do not depend on today's date.
NOW = SHIFT.start - timedelta(days=7)  # = the publishing time of plan_and_publish


def now() -> datetime:
    return NOW
MONDAY_DAY = WeeklyWindow(0, time(8), time(18))  # covers SHIFT (Monday 09:00–12:00 China)


@pytest.fixture
def service(app: WusheApplication) -> Iterator[StaffingService]:
    store = ViewStore.open(app.settings)
    staffing = StaffingService(app, store, POLICY, Params(time_limit_s=5), clock=now)
    yield staffing
    staffing.close()
    store.close()


class Community:
    def __init__(self, app: WusheApplication) -> None:
        self.app = app
        self.id = found(app)
        self.volunteers = [self.available(volunteer(app, self.id)) for _ in range(4)]

    def available(self, volunteer_id: UUID) -> UUID:
        self.app.update(Volunteer, volunteer_id, lambda v: v.set_availability((MONDAY_DAY,)))
        return volunteer_id

    def project(self, *shifts: Shift) -> UUID:
        project_id = cmd.draft_project(
            self.app, policy=POLICY, community_id=self.id, category="ELDER", title="助老送餐",
            description="为独居老人送午餐", government_purchased=False, requires_team=False,
            at=NOW).id
        for each in shifts:
            cmd.add_shift(self.app, project_id=project_id, shift=each)
        self.app.update(ServiceProject, project_id, plan_and_publish)
        return project_id

    def offers(self, run_id: UUID | None = None) -> dict[UUID, Assignment]:
        """Every assignment of the run (default: of every run)."""
        found_ = {}
        for recorded in self.app.recorder.select_notifications(start=1, limit=10_000,
                                                               topics=["wushe.assignment.proposed"]):
            assignment = self.app.load(Assignment, UUID(str(recorded.originator_id)))
            if run_id is None or assignment.staffing_run_id == run_id:
                found_[assignment.id] = assignment
        return found_


def shift(min_headcount: int = 2, max_headcount: int = 3,
          skills: tuple[str, ...] = ("first_aid",)) -> Shift:
    return Shift(shift_id=uuid4(), span=SHIFT, grid="G01", place="社区服务站",
                 required_skills=skills, min_headcount=min_headcount,
                 max_headcount=max_headcount)


def test_a_run_proposes_offers_and_records_its_figures(app: WusheApplication,
                                                       service: StaffingService) -> None:
    community = Community(app)
    community.project(shift(), shift(skills=("sign_language",)))

    outcome = service.run(community.id, WEEK)

    offers = community.offers(outcome.run_id)
    assert len(offers) == 2  # the required two; a third would only add load
    assert {o.volunteer_id for o in offers.values()} <= set(community.volunteers)
    assert all(o.status is AssignmentStatus.PROPOSED for o in offers.values())
    run = app.load(StaffingRun, outcome.run_id)
    assert run.status is RunStatus.COMPLETED
    assert run.result is not None
    assert (run.result.proposed, run.result.kept, run.result.withdrawn) == (2, 0, 0)
    assert [(u.shortfall, u.reason) for u in run.result.unfilled] == [(2, "no_skill")]
    assert run.result.tiers[1] == 2  # the other-shortfall tier
    assert run.result.bound <= run.result.objective


def test_a_re_plan_after_a_decline_keeps_the_rest(app: WusheApplication,
                                                  service: StaffingService) -> None:
    community = Community(app)
    community.project(shift())
    first = service.run(community.id, WEEK)
    kept, declined = list(community.offers(first.run_id).values())
    app.update(Assignment, kept.id, lambda a: a.accept(now()))
    app.update(Assignment, declined.id, lambda a: a.decline("那天要带孙子", now()))

    second = service.run(community.id, WEEK, reason=RunReason.DECLINED, trigger_id=declined.id)

    replacement = list(community.offers(second.run_id).values())
    assert len(replacement) == 1
    assert replacement[0].volunteer_id not in {kept.volunteer_id, declined.volunteer_id}
    assert app.load(Assignment, kept.id).status is AssignmentStatus.ACCEPTED
    run = app.load(StaffingRun, second.run_id)
    assert (run.reason, run.trigger_id) == (RunReason.DECLINED, declined.id)
    assert run.result is not None
    assert run.result.unfilled == ()


def test_running_again_changes_nothing_that_still_fits(app: WusheApplication,
                                                       service: StaffingService) -> None:
    community = Community(app)
    community.project(shift(), shift())
    first = service.run(community.id, WEEK)
    second = service.run(community.id, WEEK)
    assert (second.changes.proposed, second.changes.withdrawn) == (0, 0)
    assert second.changes.kept == len(community.offers(first.run_id)) == 4
    assert community.offers(second.run_id) == {}


def test_a_failed_solve_is_recorded_and_changes_nothing(app: WusheApplication,
                                                        service: StaffingService,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    community = Community(app)
    community.project(shift())

    def broken(_problem: object) -> None:
        msg = "solver worker died"
        raise RuntimeError(msg)

    monkeypatch.setattr(service, "_solve", broken)
    with pytest.raises(RuntimeError, match="solver worker died"):
        service.run(community.id, WEEK)
    assert community.offers() == {}
    requested = app.recorder.select_notifications(start=1, limit=10_000,
                                                  topics=["wushe.staffing_run.requested"])
    runs = [app.load(StaffingRun, UUID(str(n.originator_id))) for n in requested]
    assert [(r.status, r.failure) for r in runs] == [
        (RunStatus.FAILED, "RuntimeError: solver worker died")]


class TestReplanner:
    def test_a_decline_is_re_planned_once(self, app: WusheApplication,
                                          service: StaffingService) -> None:
        community = Community(app)
        community.project(shift())
        first = service.run(community.id, WEEK)
        declined = next(iter(community.offers(first.run_id).values()))
        assert replan_due(service, NOW) == []  # nothing declined yet
        app.update(Assignment, declined.id, lambda a: a.decline("出差", now()))

        runs = replan_due(service, NOW)

        assert len(runs) == 1
        run = app.load(StaffingRun, runs[0])
        assert (run.community_id, run.week_of, run.reason, run.trigger_id) == (
            community.id, WEEK.monday, RunReason.DECLINED, declined.id)
        assert len(community.offers(runs[0])) == 1  # the replacement
        assert replan_due(service, NOW) == []  # done

    def test_a_failed_re_plan_stays_due(self, app: WusheApplication,
                                        service: StaffingService,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
        community = Community(app)
        community.project(shift())
        declined = next(iter(community.offers(service.run(community.id, WEEK).run_id).values()))
        app.update(Assignment, declined.id, lambda a: a.decline("出差", now()))

        def broken(_problem: object) -> None:
            raise RuntimeError

        with monkeypatch.context() as patched:
            patched.setattr(service, "_solve", broken)
            with pytest.raises(RuntimeError):
                replan_due(service, NOW)
        assert len(replan_due(service, NOW)) == 1

    def test_a_run_whose_process_died_is_failed_and_its_week_re_planned(
            self, app: WusheApplication, service: StaffingService) -> None:
        community = Community(app)
        community.project(shift())
        declined = next(iter(community.offers(service.run(community.id, WEEK).run_id).values()))
        app.update(Assignment, declined.id, lambda a: a.decline("出差", now()))
        dead = uuid4()  # requested, then its process died: it claims the decline for ever
        app.create(StaffingRun.request(id=dead, community_id=community.id, week_of=WEEK.monday,
                                       reason=RunReason.DECLINED, at=NOW))
        assert replan_due(service, NOW + ABANDONED_AFTER - timedelta(seconds=1)) == []

        later = NOW + ABANDONED_AFTER + timedelta(seconds=1)
        runs = replan_due(service, later)

        abandoned = app.load(StaffingRun, dead)
        assert abandoned.status == RunStatus.FAILED
        assert abandoned.failure is not None
        assert abandoned.failure.startswith("abandoned")
        assert len(runs) == 1
        assert app.load(StaffingRun, runs[0]).trigger_id == declined.id
        assert replan_due(service, later) == []

    def test_a_week_that_is_over_is_left_alone(self, app: WusheApplication,
                                               service: StaffingService) -> None:
        community = Community(app)
        community.project(shift())
        declined = next(iter(community.offers(service.run(community.id, WEEK).run_id).values()))
        app.update(Assignment, declined.id, lambda a: a.decline("出差", now()))
        assert replan_due(service, WEEK.end + timedelta(hours=1)) == []

    def test_a_project_for_an_urgent_need_is_staffed_at_once(self, app: WusheApplication,
                                                              service: StaffingService) -> None:
        community = Community(app)
        urgent = cmd.receive_need(
            app, policy=POLICY, community_id=community.id, grid="G01",
            source=NeedSource.PHONE, category="ELDER", title="独居老人摔倒后需陪护",
            details="需要两人上门", urgency=Urgency.URGENT, resident_name="王秀英",
            received_by=staff_member(app, community.id), at=NOW).id
        routine = community.project(shift())
        assert replan_due(service, NOW) == []  # a routine project waits for the weekly run

        project_id = cmd.draft_project(
            app, policy=POLICY, community_id=community.id, category="ELDER", title="紧急陪护",
            description="陪护", government_purchased=False, requires_team=False, at=NOW).id
        cmd.add_shift(app, project_id=project_id, shift=shift())
        cmd.serve_need(app, project_id=project_id, need_id=urgent)
        app.update(ServiceProject, project_id, plan_and_publish)

        runs = replan_due(service, NOW)
        assert len(runs) == 1
        run = app.load(StaffingRun, runs[0])
        assert (run.reason, run.trigger_id) == (RunReason.URGENT_NEED, project_id)
        assert {o.project_id for o in community.offers(runs[0]).values()} == {
            project_id, routine}  # the whole week is planned, urgent places first
        assert replan_due(service, NOW) == []
