"""The demo district: realistic, deterministic for a seed, loaded through the commands."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from wushe.platform.demo import DemoSpec, load_demo
from wushe.platform.domain.community import Community
from wushe.platform.domain.team import VolunteerTeam

if TYPE_CHECKING:
    from pathlib import Path

    from wushe.platform.application import WusheApplication

SMALL = DemoSpec(seed=7, communities=2, volunteers=120, week_of=date(2026, 11, 30))


def logged_events(app: WusheApplication) -> list[dict[str, Any]]:
    """Every event in log order, without record times (the only thing a rerun changes)."""
    events = []
    for notification in app.recorder.select_notifications(start=1, limit=10**6):
        event = app.mapper.to_domain_event(notification)
        state = {k: v for k, v in vars(event).items() if k != "timestamp"}
        events.append({"topic": notification.topic, **state})
    return events


def test_the_demo_is_realistic(app: WusheApplication) -> None:
    summary = load_demo(app, SMALL)
    assert summary.counts["Community"] == 2
    assert summary.counts["Volunteer"] == 120
    assert 18 <= summary.counts["Organisation"] // 2 <= 30  # incl. 10-12 community orgs
    assert summary.events == app.log_position()
    for notification in app.recorder.select_notifications(start=1, limit=10**6):
        if notification.topic == "wushe.community.founded":
            community = app.load(Community, UUID(str(notification.originator_id)))
            sizes = [g.households for g in community.grids if not g.special]
            assert all(300 <= size <= 500 for size in sizes)
        if notification.topic == "wushe.team.formed":
            assert app.load(VolunteerTeam, UUID(str(notification.originator_id))).size >= 5


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
