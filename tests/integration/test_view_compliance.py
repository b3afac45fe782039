"""Compliance indicators (DB35/T 2074-2022): exact raw counts built through the commands,
the indicators computed from them, the erasure purge, and ``wushe report compliance``."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from tests.helpers import MONDAY_9AM, volunteer_profile
from wushe.platform import commands as cmd
from wushe.platform.domain.community import Community, Grid
from wushe.platform.domain.compliance_policy import ComplianceThresholds
from wushe.platform.domain.need import Need, NeedSource, ReplyChannel
from wushe.platform.domain.organisation import Organisation, OrganisationKind, Registration
from wushe.platform.domain.policy import Policy
from wushe.platform.domain.project import ServiceProject
from wushe.platform.domain.staff import StaffMember, StaffRole, TrainingKind
from wushe.platform.domain.team import VolunteerTeam
from wushe.platform.domain.values import TimeSpan, Urgency
from wushe.platform.domain.volunteer import IdType, Volunteer
from wushe.projections.indicators import CommunityRows, indicators, load_community_rows
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views.compliance import ComplianceIndicators

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

POLICY = Policy()
AT = MONDAY_9AM  # Monday 2026-11-30, 09:00 China time
DAY = timedelta(days=1)
NEXT_YEAR = TimeSpan(AT + timedelta(days=40), AT + timedelta(days=40, hours=2))
THIS_YEAR = TimeSpan(AT + timedelta(days=7), AT + timedelta(days=7, hours=2))


class View:
    """The compliance view of one application, caught up on demand."""

    def __init__(self, app: WusheApplication, store: ViewStore) -> None:
        self.store = store
        self.projections = Projections(app, store, views=(ComplianceIndicators,))

    def community(self, year: int) -> CommunityRows:
        self.projections.catch_up()
        generation = self.projections.catalog.active_generation(ComplianceIndicators.name)
        [rows] = load_community_rows(self.store, generation or 0, year=year)
        return rows

    def results(self, year: int, half: int) -> dict[str, tuple[Any, bool, str]]:
        found = indicators(self.community(year), ComplianceThresholds(), year, half)
        return {i.code: (None if i.value is None else round(i.value, 4), i.passed, i.detail)
                for i in found}


@pytest.fixture
def view(app: WusheApplication) -> Iterator[View]:
    store = ViewStore.open(app.settings)
    yield View(app, store)
    store.close()


# -- a community built through the commands --------------------------------------------


class Built:
    """Ids of what :func:`build` recorded."""

    def __init__(self) -> None:
        self.staff: dict[str, UUID] = {}
        self.volunteers: list[UUID] = []
        self.teams: dict[str, UUID] = {}
        self.organisations: dict[str, UUID] = {}
        self.community_id = UUID(int=0)


def build(app: WusheApplication) -> Built:
    built = Built()
    built.community_id = cmd.found_community(
        app, code="350102001001", name="东街社区", district="福州市鼓楼区",
        permanent_population=10_000, households=3_500, at=AT - timedelta(days=400)).id
    _grids(app, built.community_id)
    _staff(app, built)
    _volunteers_and_teams(app, built)
    _organisations(app, built)
    _needs(app, built)
    return built


def _grids(app: WusheApplication, community_id: UUID) -> None:
    for grid in (Grid("G01", "第1网格", 400), Grid("G02", "第2网格", 299),
                 Grid("G03", "第3网格", 520), Grid("S01", "小学", 1, special=True, kind="school")):
        cmd.add_grid(app, community_id=community_id, grid=grid)
    cmd.change_grid(app, community_id=community_id, grid=Grid("G02", "第2网格", 300))
    cmd.remove_grid(app, community_id=community_id, grid_id="G03")


def _appoint(app: WusheApplication, built: Built, key: str, role: StaffRole, *,
             certified: bool = False, window: bool = False) -> UUID:
    staff_id = cmd.appoint_staff(app, community_id=built.community_id, name="林敏", role=role,
                                 certified_social_worker=certified, window_staff=window,
                                 at=AT - timedelta(days=600)).id
    built.staff[key] = staff_id
    return staff_id


def _train(app: WusheApplication, staff_id: UUID, on: date,
           kind: TrainingKind = TrainingKind.ANNUAL) -> None:
    app.update(StaffMember, staff_id, lambda s: s.record_training(kind, on, 8))


def _staff(app: WusheApplication, built: Built) -> None:
    worker = StaffRole.COMMUNITY_WORKER
    w1 = _appoint(app, built, "w1", worker, window=True)
    _train(app, w1, date(2026, 3, 1))
    _train(app, w1, date(2026, 9, 1), TrainingKind.WINDOW_HALF_YEARLY)
    w2 = _appoint(app, built, "w2", StaffRole.SOCIAL_WORKER, certified=True)
    _train(app, w2, date(2025, 6, 1))
    w3 = _appoint(app, built, "w3", worker)
    app.update(StaffMember, w3, lambda s: s.certify_social_worker("S0000000001", date(2024, 1, 1)))
    app.update(StaffMember, w3, lambda s: s.set_window_staff(True))
    _train(app, w3, date(2026, 11, 1))
    _appoint(app, built, "other", StaffRole.OTHER, certified=True)  # not a community worker
    w4 = _appoint(app, built, "left", worker)
    app.update(StaffMember, w4, lambda s: s.leave(date(2026, 6, 30)))
    w5 = _appoint(app, built, "forgotten", worker, window=True)
    _train(app, w5, date(2026, 10, 1))


def _volunteers_and_teams(app: WusheApplication, built: Built) -> None:
    for _ in range(6):
        built.volunteers.append(cmd.register_volunteer(
            app, community_id=built.community_id, profile=volunteer_profile(),
            id_type=IdType.RESIDENT_ID, consent_version="2026-01", consented_at=AT,
            home_grid="G01").id)
    v = built.volunteers
    built.teams["full"] = _team(app, built.community_id, v[0], v[1:5])
    built.teams["small"] = _team(app, built.community_id, v[5], [v[0]])
    app.update(VolunteerTeam, built.teams["small"], lambda t: t.remove_member(v[0]))
    built.teams["dissolved"] = _team(app, built.community_id, v[1], v[2:5])
    app.update(VolunteerTeam, built.teams["dissolved"], lambda t: t.dissolve("合并", AT))
    app.update(Volunteer, v[2], lambda x: x.deactivate("搬离本社区"))
    app.update(Volunteer, v[2], lambda x: x.reactivate())
    app.update(Volunteer, v[3], lambda x: x.deactivate("搬离本社区"))
    app.forget(Volunteer, v[4], lambda x: x.forget())


def _team(app: WusheApplication, community_id: UUID, leader: UUID, members: list[UUID]) -> UUID:
    team_id = cmd.form_team(app, community_id=community_id, name="银龄志愿服务队",
                            leader_id=leader, home_grid="G01", at=AT).id
    for member in members:
        cmd.add_team_member(app, team_id=team_id, volunteer_id=member)
    return team_id


def _organisation(app: WusheApplication, built: Built, key: str, kind: OrganisationKind,
                  registration: Registration) -> UUID:
    number = None if registration is Registration.NONE else f"鼓民社备{key}"
    organisation_id = cmd.register_organisation(
        app, community_id=built.community_id, name=key, kind=kind, registration=registration,
        registration_no=number, contact_name="陈建国", contact_phone="13905912345", at=AT).id
    built.organisations[key] = organisation_id
    return organisation_id


def _organisations(app: WusheApplication, built: Built) -> None:
    kinds = OrganisationKind
    centre = _organisation(app, built, "社工中心", kinds.SOCIAL_ORGANISATION,
                           Registration.REGISTERED)
    choir = _organisation(app, built, "合唱团", kinds.COMMUNITY_SOCIAL_ORGANISATION,
                          Registration.FILED)
    _organisation(app, built, "舞蹈队", kinds.COMMUNITY_SOCIAL_ORGANISATION, Registration.NONE)
    _organisation(app, built, "医院", kinds.CO_BUILDING_UNIT, Registration.REGISTERED)
    dormant = _organisation(app, built, "读书会", kinds.COMMUNITY_SOCIAL_ORGANISATION,
                            Registration.FILED)
    this_year = _project(app, built.community_id, THIS_YEAR, undertaker=centre)
    next_year = _project(app, built.community_id, NEXT_YEAR)
    app.update(ServiceProject, next_year, lambda p: p.add_participant_organisation(choir))
    app.update(ServiceProject, this_year, lambda p: p.add_participant_organisation(dormant))
    app.update(Organisation, dormant, lambda o: o.deactivate("停止活动"))


def _project(app: WusheApplication, community_id: UUID, span: TimeSpan, *,
             undertaker: UUID | None = None) -> UUID:
    return cmd.draft_project(
        app, policy=POLICY, community_id=community_id, category="ELDER", title="助老送餐",
        description="为独居老人送午餐", government_purchased=undertaker is not None,
        undertaking_organisation_id=undertaker, at=AT, span=span).id


def _needs(app: WusheApplication, built: Built) -> None:
    staff = built.staff["w1"]
    _need(app, built.community_id, staff, close_after=DAY, answer_after=timedelta(hours=2))
    _need(app, built.community_id, staff, close_after=3 * DAY, answer_after=4 * DAY)
    _need(app, built.community_id, staff, close_after=None, answer_after=None)


def _need(app: WusheApplication, community_id: UUID, staff: UUID, *,
          close_after: timedelta | None, answer_after: timedelta | None) -> UUID:
    need_id = cmd.receive_need(
        app, policy=POLICY, community_id=community_id, grid="G01", source=NeedSource.WINDOW,
        category="ELDER", title="独居老人助餐", details="每日午餐送餐上门", urgency=Urgency.ROUTINE,
        resident_name="王秀英", received_by=staff, at=AT).id
    app.update(Need, need_id, lambda n: n.accept(staff, AT))
    cmd.start_handling(app, policy=POLICY, need_id=need_id, handler=staff,
                       committed_working_days=1, at=AT)
    if close_after is None or answer_after is None:
        return need_id
    closed = AT + close_after
    app.update(Need, need_id, lambda n: n.close("已办结", closed))
    app.update(Need, need_id, lambda n: n.reply(ReplyChannel.PHONE, "已办结", "协调多方", closed))
    cmd.object_to_reply(app, policy=POLICY, need_id=need_id, objection="仍有疑问", at=closed)
    app.update(Need, need_id, lambda n: n.answer_objection("已核实", staff, closed + answer_after))
    return need_id


# -- the tests ----------------------------------------------------------------------------


class TestRawCounts:
    def test_community_grids_and_staff(self, app: WusheApplication, view: View) -> None:
        built = build(app)
        rows = view.community(2026)
        assert rows.community == {
            "community_id": str(built.community_id), "code": "350102001001", "name": "东街社区",
            "district": "福州市鼓楼区", "permanent_population": 10_000, "households": 3_500}
        assert [(g["grid_id"], g["households"], g["special"]) for g in rows.grids] == [
            ("G01", 400, 0), ("G02", 300, 0), ("S01", 1, 1)]
        staff = {s["staff_id"]: (s["role"], s["status"], s["certified"], s["window_staff"])
                 for s in rows.staff}
        ids = built.staff
        assert staff == {
            str(ids["w1"]): ("community_worker", "active", 0, 1),
            str(ids["w2"]): ("social_worker", "active", 1, 0),
            str(ids["w3"]): ("community_worker", "active", 1, 1),
            str(ids["other"]): ("other", "active", 1, 0),
            str(ids["left"]): ("community_worker", "left", 0, 0),
            str(ids["forgotten"]): ("community_worker", "active", 0, 1),
        }
        trainings = sorted((t["staff_id"], t["half"], t["trainings"]) for t in rows.trainings)
        assert trainings == sorted([(str(ids["w1"]), 1, 1), (str(ids["w1"]), 2, 1),
                                    (str(ids["w3"]), 2, 1), (str(ids["forgotten"]), 2, 1)])
        assert view.community(2025).trainings[0]["staff_id"] == str(ids["w2"])

    def test_volunteers_teams_organisations_and_needs(self, app: WusheApplication,
                                                      view: View) -> None:
        built = build(app)
        rows = view.community(2026)
        assert rows.registered_volunteers == 4  # six registered, one inactive, one forgotten
        teams = {t["team_id"]: (t["size"], t["status"]) for t in rows.teams}
        assert teams == {str(built.teams["full"]): (5, "active"),
                         str(built.teams["small"]): (1, "active"),
                         str(built.teams["dissolved"]): (4, "dissolved")}
        organisations = {o["name"]: (o["kind"], o["registration"], o["status"])
                         for o in rows.organisations}
        assert organisations["读书会"] == ("community_social_organisation", "filed", "inactive")
        assert len(organisations) == 5
        assert {(p["organisation_id"], p["undertaker"], p["participant"])
                for p in rows.participation} == {
            (str(built.organisations["社工中心"]), 1, 0),
            (str(built.organisations["读书会"]), 0, 1)}
        assert rows.needs == {"closed_on_time": 1, "closed_overdue": 1,
                              "answered_on_time": 1, "answered_late": 1}
        assert view.community(2027).needs == dict.fromkeys(rows.needs, 0)


class TestIndicators:
    def test_the_community_against_the_thresholds(self, app: WusheApplication,
                                                  view: View) -> None:
        build(app)
        assert view.results(2026, 2) == {
            "workers_per_10k": (4.0, False, "4 / 10,000"),
            "certified_social_workers": (2, True, ""),
            "volunteer_share": (0.04, False, "4 / 10,000"),
            "social_organisations": (2, False, ""),
            "organisation_participation": (0, False, "1 / 2 took part"),
            "volunteer_teams": (1, False, "1 / 2 teams"),
            "grid_households_min": (300, True, "2 / 2 grids in 300–500"),
            "grid_households_max": (400, True, ""),
            "objections_on_time": (50.0, False, "1 / 2 in time"),
            "closed_on_time": (50.0, False, "1 / 2 in time"),
            "worker_trainings": (0, False, "3 / 4 trained"),
            "window_trainings": (1, True, "3 / 3 trained"),
        }
        first_half = view.results(2026, 1)
        assert first_half["window_trainings"] == (0, False, "1 / 3 trained")

    def test_a_new_population_changes_the_ratios(self, app: WusheApplication,
                                                 view: View) -> None:
        built = build(app)
        app.update(Community, built.community_id, lambda c: c.set_population(2_000, 700))
        results = view.results(2026, 2)
        assert results["workers_per_10k"] == (20.0, True, "4 / 2,000")
        assert results["volunteer_share"] == (0.2, False, "4 / 2,000")


class TestErasure:
    def test_forgetting_a_staff_member_purges_their_rows(self, app: WusheApplication,
                                                         view: View) -> None:
        built = build(app)
        forgotten = str(built.staff["forgotten"])
        before = view.community(2026)
        assert forgotten in {s["staff_id"] for s in before.staff}
        app.forget(StaffMember, built.staff["forgotten"], lambda s: s.forget())
        after = view.community(2026)
        assert forgotten not in {s["staff_id"] for s in after.staff}
        assert forgotten not in {t["staff_id"] for t in after.trainings}
        assert len(after.staff) == len(before.staff) - 1

    def test_forgetting_a_volunteer_purges_their_row(self, app: WusheApplication,
                                                     view: View) -> None:
        built = build(app)
        assert view.community(2026).registered_volunteers == 4
        app.forget(Volunteer, built.volunteers[0], lambda v: v.forget())
        assert view.community(2026).registered_volunteers == 3
        app.forget(Volunteer, built.volunteers[3], lambda v: v.forget())  # was inactive
        assert view.community(2026).registered_volunteers == 3


# -- the command line -------------------------------------------------------------------------


WUSHE = Path(sys.executable).with_name("wushe")


def run_wushe(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WUSHE_")}
    env |= {"WUSHE_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run([str(WUSHE), *args], capture_output=True, text=True,  # noqa: S603
                          env=env, check=False, timeout=120)


@pytest.mark.slow
def test_report_compliance_prints_each_community(tmp_path: Path) -> None:
    demo = run_wushe(tmp_path, "demo", "--communities", "1", "--volunteers", "30",
                     "--week-of", "2026-11-30")
    assert demo.returncode == 0, demo.stderr
    report = run_wushe(tmp_path, "report", "compliance", "--year", "2026", "--half", "2")
    assert report.returncode == 0, report.stderr
    out = report.stdout
    assert "东街社区" in out and "2026 H2" in out
    assert "thresholds DB35/T 2074-2022" in out
    for label in ("community workers per 10,000 residents", "certified social workers",
                  "volunteer teams of at least 5", "requests closed within the deadline"):
        assert label in out
    assert "✓" in out and "✗" in out  # 30 volunteers are far below 18 % of the residents
    assert "≥ 18 %" in out and "≤ 500 户" in out
    code = next(line for line in out.splitlines() if "东街社区" in line).split("(")[1][:12]
    by_code = run_wushe(tmp_path, "report", "compliance", "--community", code, "--year", "2026")
    assert by_code.returncode == 0 and "东街社区" in by_code.stdout
    unknown = run_wushe(tmp_path, "report", "compliance", "--community", "nope")
    assert unknown.returncode == 1 and "no community 'nope'" in unknown.stderr
