"""``wushe match`` as a real process, on SQLite and PostgreSQL: plan, record, re-plan."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from tests.integration.test_worker import WUSHE, cli_env
from wushe.platform.commands import request_resource
from wushe.platform.demo import DemoSpec, load_demo
from wushe.platform.demo.requests import REQUESTS
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.project import ProjectStatus, ServiceProject
from wushe.platform.domain.resource import ResourceOffer, ResourceType
from wushe.platform.domain.resource_request import RequestStatus, ResourceRequest
from wushe.platform.domain.resource_run import ResourceRun
from wushe.platform.domain.staffing_run import RunStatus, StaffingRun

if TYPE_CHECKING:
    from wushe.infra.settings import Settings
    from wushe.platform.application import WusheApplication

# The demo's week is next week, as `wushe match` plans by default (offers are made now).
DEMO = DemoSpec.for_next_week(datetime.now(CHINA_TIME).date(), seed=5, communities=2,
                              volunteers=300)


def match(settings: Settings, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([WUSHE, "match", "--time-limit", "5", *args],  # noqa: S603
                          env=cli_env(settings, COLUMNS="200"), capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done


def runs(app: WusheApplication) -> list[StaffingRun]:
    requested = app.recorder.select_notifications(start=1, limit=100_000,
                                                  topics=["wushe.staffing_run.requested"])
    return [app.load(StaffingRun, UUID(str(n.originator_id))) for n in requested]


def test_every_community_is_planned_and_a_second_run_keeps_the_offers(
        app: WusheApplication) -> None:
    load_demo(app, DEMO)
    first = match(app.settings)
    assert first.stdout.count("places filled") == 2
    assert first.stdout.count(f"week of {DEMO.week_of.isoformat()}") == 2
    done = runs(app)
    assert [r.status for r in done] == [RunStatus.COMPLETED] * 2
    assert all(r.result is not None and r.result.proposed > 0 for r in done)

    again = match(app.settings, "--community", str(done[0].community_id))
    assert again.stdout.count("places filled") == 1
    latest = runs(app)[-1]
    assert latest.result is not None
    assert (latest.result.proposed, latest.result.withdrawn) == (0, 0)
    assert latest.result.kept > 0


def test_bad_options_are_clear_errors(app: WusheApplication) -> None:
    assert "no community recorded yet" in match(app.settings, code=1).stderr
    load_demo(app, DEMO)
    assert "no community 'nope'" in match(app.settings, "--community", "nope", code=1).stderr
    tuesday = (DEMO.week_of + timedelta(days=1)).isoformat()
    assert "must be a Monday" in match(app.settings, "--week", tuesday, code=2).stderr
    assert runs(app) == []


def test_the_week_s_resource_requests_are_matched_after_staffing(
        app: WusheApplication) -> None:
    load_demo(app, DEMO)
    asked = _resource_requests(app)
    first = match(app.settings)
    assert first.stdout.count("— resources") == 2
    assert first.stdout.count("places filled") == 2
    assert "no_offer_of_type" in first.stdout  # the machine nobody offers
    done = resource_runs(app)
    assert [r.status for r in done] == [RunStatus.COMPLETED] * 2
    # the two asked here, and the demo's own requests of needs in handling
    assert all(r.result is not None and r.result.requests == 2 + REQUESTS for r in done)
    goods = [app.load(ResourceRequest, request_id) for request_id, _ in asked]
    assert all(r.status is RequestStatus.MET for r in goods)
    for request in goods:
        (allocation,) = request.allocations
        offer = app.load(ResourceOffer, allocation.offer_id)
        assert offer.allocation(allocation.allocation_id).to_project == request.project_id

    staff_only = match(app.settings, "--no-resources")
    assert "— resources" not in staff_only.stdout
    assert staff_only.stdout.count("places filled") == 2
    assert len(resource_runs(app)) == 2


def resource_runs(app: WusheApplication) -> list[ResourceRun]:
    requested = app.recorder.select_notifications(start=1, limit=100_000,
                                                  topics=["wushe.resource_run.requested"])
    return [app.load(ResourceRun, UUID(str(n.originator_id))) for n in requested]


def _resource_requests(app: WusheApplication) -> list[tuple[UUID, UUID]]:
    """Per community, for one of the week's projects: 5 portions of goods (the demo's
    charity offers them) and a machine nobody offers. Returns (goods request, project)."""
    drafted = app.recorder.select_notifications(start=1, limit=100_000,
                                                topics=["wushe.service_project.drafted"])
    projects = [app.load(ServiceProject, UUID(str(n.originator_id))) for n in drafted]
    first: dict[UUID, ServiceProject] = {}
    for project in projects:
        if project.status is ProjectStatus.PUBLISHED and project.shifts:
            first.setdefault(project.community_id, project)
    assert len(first) == 2
    asked = []
    for community_id, project in first.items():
        shift = project.shifts[0]
        for resource_type, unit, quantity in ((ResourceType.GOODS, "份", 5),
                                              (ResourceType.GOODS, "台", 1)):
            recorded = request_resource(
                app, community_id=community_id, project_id=project.id,
                resource_type=resource_type, unit=unit, quantity=quantity, span=shift.span,
                grid=shift.grid, at=datetime.now(CHINA_TIME))
            if unit == "份":
                asked.append((recorded.id, project.id))
    return asked
