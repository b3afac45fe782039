"""The demo district: realistic, deterministic for a seed, loaded through the commands."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from wushe.platform.demo import DemoExistsError, DemoSpec, load_demo
from wushe.platform.domain.assignment import Assignment, AssignmentStatus
from wushe.platform.domain.community import Community
from wushe.platform.domain.need import Need, NeedStatus
from wushe.platform.domain.organisation import Organisation, OrganisationKind
from wushe.platform.domain.policy import DEFAULT_CATEGORIES
from wushe.platform.domain.project import ProjectStatus, ServiceProject
from wushe.platform.domain.resource import ResourceOffer, ResourceType
from wushe.platform.domain.staff import StaffMember
from wushe.platform.domain.team import VolunteerTeam

if TYPE_CHECKING:
    from pathlib import Path

    from eventsourcing.domain import Aggregate

    from wushe.platform.application import WusheApplication

SMALL = DemoSpec(seed=7, communities=2, volunteers=120, week_of=date(2026, 11, 30))
SOCIAL = {OrganisationKind.COMMUNITY_SOCIAL_ORGANISATION, OrganisationKind.SOCIAL_ORGANISATION}
CREATED: dict[str, type[Aggregate]] = {
    "wushe.community.founded": Community, "wushe.staff.appointed": StaffMember,
    "wushe.organisation.registered": Organisation, "wushe.resource.offered": ResourceOffer,
    "wushe.team.formed": VolunteerTeam, "wushe.need.received": Need,
    "wushe.service_project.drafted": ServiceProject, "wushe.assignment.proposed": Assignment,
}


def logged_events(app: WusheApplication) -> list[dict[str, Any]]:
    """Every event in log order, without record times (the only thing a rerun changes)."""
    events = []
    for notification in app.recorder.select_notifications(start=1, limit=10**6):
        event = app.mapper.to_domain_event(notification)
        state = {k: v for k, v in vars(event).items() if k != "timestamp"}
        events.append({"topic": notification.topic, **state})
    return events


def recorded(app: WusheApplication) -> dict[type, list[Any]]:
    """The current state of every aggregate except volunteers, by type."""
    found: dict[type, list[Any]] = defaultdict(list)
    for notification in app.recorder.select_notifications(start=1, limit=10**6):
        kind = CREATED.get(notification.topic)
        if kind is not None:
            found[kind].append(app.load(kind, UUID(str(notification.originator_id))))
    return found


def by_community(aggregates: list[Any]) -> dict[UUID, list[Any]]:
    grouped: dict[UUID, list[Any]] = defaultdict(list)
    for aggregate in aggregates:
        grouped[aggregate.community_id].append(aggregate)
    return grouped


def test_the_demo_is_realistic(app: WusheApplication) -> None:
    calls: list[tuple[int, int]] = []
    summary = load_demo(app, SMALL, lambda done, total: calls.append((done, total)))
    assert summary.counts["Community"] == 2
    assert summary.counts["Volunteer"] == 120
    assert summary.events == app.log_position()
    assert [done for done, _ in calls] == list(range(1, summary.aggregates + 1))
    assert {total for _, total in calls} == {summary.aggregates}
    state = recorded(app)
    check_communities(state)
    check_needs(state)
    check_projects_and_resources(state)
    check_assignments(state)
    position = app.log_position()
    with pytest.raises(DemoExistsError) as refused:
        load_demo(app, SMALL)
    assert refused.value.code == "demo.already_loaded"
    assert app.log_position() == position


def check_communities(state: dict[type, list[Any]]) -> None:
    for community in state[Community]:
        assert all(300 <= g.households <= 500 for g in community.grids if not g.special)
    organisations = by_community(state[Organisation])
    assert all(10 <= len(orgs) <= 20 for orgs in organisations.values())
    social = sorted(sum(o.kind in SOCIAL and o.is_registered_or_filed for o in orgs)
                    for orgs in organisations.values())
    assert social[0] < 12 <= social[-1]  # 6.2.3 met in one community, not in the other
    for orgs in organisations.values():
        units = [o for o in orgs if o.kind is OrganisationKind.CO_BUILDING_UNIT]
        assert 3 <= len(units) <= 5
        assert all(unit.agreements for unit in units)
    teams = by_community(state[VolunteerTeam])
    assert all(len(group) >= 5 for group in teams.values())
    assert all(team.size >= 5 for team in state[VolunteerTeam])


def check_needs(state: dict[type, list[Any]]) -> None:
    needs = state[Need]
    staff = {member.id for member in state[StaffMember]}
    assert {need.status for need in needs} == set(NeedStatus)
    assert {need.category for need in needs} == set(DEFAULT_CATEGORIES)
    assert all(need.received_by in staff for need in needs)
    assert all(d.by in staff for need in needs for d in need.decisions)


def check_projects_and_resources(state: dict[type, list[Any]]) -> None:
    week = (SMALL.week_of, SMALL.week_of + timedelta(days=7))
    this_week = [p for p in state[ServiceProject] if p.status is ProjectStatus.PUBLISHED]
    assert all(week[0] <= s.span.start.date() < week[1] for p in this_week for s in p.shifts)
    assert any(s.home_visit and s.min_headcount >= 2 for p in this_week for s in p.shifts)
    assert any(p.team_id is not None and any(s.team_only for s in p.shifts) for p in this_week)
    assert any(p.government_purchased and p.undertaking_organisation_id for p in this_week)
    assert any(p.needs for p in this_week) and any(p.reservations for p in this_week)
    done = [p for p in state[ServiceProject] if p.status is ProjectStatus.SUMMARISED]
    assert len(done) == 2
    assert all(f"共 {p.summary.participants_count} 人" in p.summary.summary for p in done)
    offers = state[ResourceOffer]
    assert {o.resource_type for o in offers} == set(ResourceType)
    allocations = [a for o in offers for a in o.allocations]
    assert any(a.to_project for a in allocations) and any(a.to_need for a in allocations)
    assert any(a.span for a in allocations)  # a venue booking


def check_assignments(state: dict[type, list[Any]]) -> None:
    assignments = state[Assignment]
    staff = {member.id for member in state[StaffMember]}
    assert {a.status for a in assignments} == {
        AssignmentStatus.CONFIRMED, AssignmentStatus.DECLINED, AssignmentStatus.PROPOSED,
        AssignmentStatus.ACCEPTED}
    confirmed = [a for a in assignments if a.status is AssignmentStatus.CONFIRMED]
    assert all(a.confirmed_by in staff and a.credited_minutes > 0 for a in confirmed)


@pytest.mark.parametrize("volunteers", [0, 4])
def test_a_district_with_few_volunteers_still_loads(tmp_path: Path, volunteers: int) -> None:
    from wushe.infra.settings import Settings  # noqa: PLC0415
    from wushe.platform.application import WusheApplication  # noqa: PLC0415

    application = WusheApplication(Settings(data_dir=tmp_path))
    calls: list[tuple[int, int]] = []
    summary = load_demo(application, DemoSpec(seed=5, communities=1, volunteers=volunteers,
                                              week_of=SMALL.week_of),
                        lambda done, total: calls.append((done, total)))
    application.close()
    assert summary.counts.get("Volunteer", 0) == volunteers
    assert "VolunteerTeam" not in summary.counts
    assert calls[-1] == (summary.aggregates, summary.aggregates)


def test_the_same_seed_gives_the_same_log(tmp_path: Path) -> None:
    from wushe.infra.settings import Settings  # noqa: PLC0415
    from wushe.platform.application import WusheApplication  # noqa: PLC0415

    logs = []
    for run in ("a", "b"):
        application = WusheApplication(Settings(data_dir=tmp_path / run))
        load_demo(application, SMALL)
        logs.append(logged_events(application))
        application.close()
    assert logs[0] == logs[1]
    assert len(logs[0]) > 300


def test_the_cli_loads_the_demo_once(tmp_path: Path) -> None:
    wushe = os.path.join(os.path.dirname(sys.executable), "wushe")  # noqa: PTH118, PTH120
    env = {**os.environ, "WUSHE_DATA_DIR": str(tmp_path)}
    env.pop("WUSHE_DATABASE_URL", None)
    command = [wushe, "demo", "--communities", "1", "--volunteers", "30", "--if-empty"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert "Recorded" in first.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert "already has data" in again.stdout


def test_the_cli_refuses_a_non_monday_and_a_second_copy_clearly(tmp_path: Path) -> None:
    wushe = os.path.join(os.path.dirname(sys.executable), "wushe")  # noqa: PTH118, PTH120
    env = {**os.environ, "WUSHE_DATA_DIR": str(tmp_path / "data")}
    env.pop("WUSHE_DATABASE_URL", None)
    tuesday = subprocess.run([wushe, "demo", "--week-of", "2026-12-01"], env=env,  # noqa: S603
                             capture_output=True, text=True, check=False)
    assert tuesday.returncode == 2
    assert "must be a Monday" in tuesday.stderr
    assert not (tmp_path / "data").exists()  # nothing was opened, let alone written
    command = [wushe, "demo", "--communities", "1", "--volunteers", "10", "--week-of", "2026-11-30"]
    subprocess.run(command, env=env, capture_output=True, check=True)  # noqa: S603
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert again.returncode == 1
    assert "already holds the demo district of seed 2026" in again.stderr
    assert "Traceback" not in again.stderr
