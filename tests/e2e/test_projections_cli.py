"""``wushe projections status`` and ``rebuild`` as real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
from datetime import date
from typing import TYPE_CHECKING

import pytest

from tests.integration.test_commands import found, need
from tests.integration.test_worker import WUSHE, cli_env, table_rows
from wushe.platform.demo import DemoSpec, load_demo
from wushe.projections.catalog import Catalog, physical_name
from wushe.projections.store import ViewStore
from wushe.projections.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.infra.settings import Settings
    from wushe.platform.application import WusheApplication

DEMO = DemoSpec(seed=7, communities=1, volunteers=30, week_of=date(2026, 11, 30))
NAME = VIEWS[0].name


def wushe(settings: Settings, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([WUSHE, "projections", *args],  # noqa: S603
                          env=cli_env(settings, COLUMNS="200"), capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done


def status(settings: Settings) -> dict[str, tuple[str, int, int]]:
    """The status table: view → (generation, position, lag)."""
    rows = {}
    for line in wushe(settings, "status").stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 4 and cells[0] != "view":
            view, generation, position, lag = cells
            rows[view] = (generation, int(position.replace(",", "")),
                          int(lag.replace(",", "")))
    return rows


def view_tables(store: ViewStore, settings: Settings, view: str) -> set[str]:
    """The physical tables of every generation of ``view`` that exist."""
    pattern = f"view_{view}_g%"
    if settings.postgres is None:
        rows = store.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' "
                              "AND name LIKE ?", (pattern,))
    else:
        rows = store.fetchall("SELECT table_name FROM information_schema.tables "
                              "WHERE table_schema = ? AND table_name LIKE ?",
                              (settings.postgres.schema, pattern))
    return {str(r[0]) for r in rows}


@pytest.fixture
def store(app: WusheApplication) -> Iterator[ViewStore]:
    view_store = ViewStore.open(app.settings)
    yield view_store
    view_store.close()


def test_status_and_rebuild(app: WusheApplication, store: ViewStore) -> None:
    settings = app.settings
    load_demo(app, DEMO)
    end = app.log_position()
    assert status(settings) == {view.name: ("—", 0, end) for view in VIEWS}

    done = wushe(settings, "rebuild")  # every view
    assert "Rebuilding all views" in done.stdout  # one read of the log for all
    for view in VIEWS:
        assert f"{view.name}: generation 1 is live" in done.stdout
    assert status(settings) == {view.name: ("1", end, 0) for view in VIEWS}
    before = table_rows(store, VIEWS[0], 1)
    assert any(before.values())

    need(app, found(app, code="350102001999"))  # new events: the views now lag
    lagging = app.log_position() - end
    assert status(settings) == {view.name: ("1", end, lagging) for view in VIEWS}

    done = wushe(settings, "rebuild", NAME)  # one view, blue/green
    assert f"Rebuilding {NAME}" in done.stdout
    assert f"{NAME}: generation 2 is live" in done.stdout
    assert done.stdout.count("is live") == 1
    after = status(settings)
    assert after[NAME] == ("2", app.log_position(), 0)
    assert all(after[v.name] == ("1", end, lagging) for v in VIEWS if v.name != NAME)
    catalog = Catalog(store)
    assert catalog.active_generation(NAME) == 2
    assert catalog.generations(NAME) == {2: app.log_position()}
    assert view_tables(store, app.settings, NAME) == {
        physical_name(NAME, 2, t.name) for t in VIEWS[0].tables}
    rebuilt = table_rows(store, VIEWS[0], 2)
    # the old rows, plus what the new events added
    assert sum(map(len, rebuilt.values())) > sum(map(len, before.values()))


@pytest.mark.parametrize("names", [("nope",), (NAME, "nope")])
def test_rebuilding_an_unknown_view_is_a_clear_error(app: WusheApplication, store: ViewStore,
                                                     names: tuple[str, ...]) -> None:
    found(app)
    done = wushe(app.settings, "rebuild", *names, code=1)
    assert "Error: no view named 'nope' (views: " + ", ".join(v.name for v in VIEWS) + ")" \
        in done.stderr
    assert view_tables(store, app.settings, NAME) == set()  # nothing was rebuilt
