"""Every view, built live (event by event) and rebuilt from scratch, is the same row for row."""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from tests.integration.test_view_runs import record_runs
from wushe.platform.demo import DemoSpec, load_demo
from wushe.projections.catalog import Catalog, PositionConflictError, physical_name
from wushe.projections.runner import ProjectionRunner
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication
    from wushe.projections.projection import Projection

DEMO = DemoSpec(seed=11, communities=1, volunteers=80, week_of=date(2026, 11, 30))


@pytest.fixture
def store(app: WusheApplication) -> Iterator[ViewStore]:
    view_store = ViewStore.open(app.settings)
    yield view_store
    view_store.close()


def table_rows(store: ViewStore, view: type[Projection], generation: int) -> dict[str, Any]:
    return {
        table.name: sorted(store.fetchall(
            f"SELECT * FROM {store.name(physical_name(view.name, generation, table.name))}"),  # noqa: S608
            key=repr)
        for table in view.tables
    }


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_live_and_rebuilt_views_are_equal(app: WusheApplication, store: ViewStore,
                                          view: type[Projection]) -> None:
    catalog = Catalog(store)
    live = ProjectionRunner(app, catalog, view(), generation=1)

    def follow(_done: int, _total: int) -> None:
        live.catch_up(batch_size=1)  # event by event, as the log grows

    load_demo(app, DEMO, progress=follow)
    record_runs(app, uuid4())  # the demo runs no optimiser: the runs view needs some
    live.catch_up(batch_size=1)
    rebuilt = ProjectionRunner(app, catalog, view(), generation=2)
    rebuilt.catch_up()
    assert live.position == rebuilt.position == app.log_position()
    live_rows, rebuilt_rows = table_rows(store, view, 1), table_rows(store, view, 2)
    assert any(live_rows.values()), "the demo should give every view some rows"
    assert live_rows == rebuilt_rows


def test_a_batch_is_applied_exactly_once(app: WusheApplication, store: ViewStore) -> None:
    load_demo(app, DEMO)
    catalog = Catalog(store)
    first = ProjectionRunner(app, catalog, VIEWS[0](), generation=1)
    second = ProjectionRunner(app, catalog, VIEWS[0](), generation=1)
    first.catch_up()
    notifications = app.recorder.select_notifications(start=1, limit=50)
    with pytest.raises(PositionConflictError):
        second.apply_batch(notifications, 50)  # a replay of events already applied
    assert catalog.position(VIEWS[0].name, 1) == app.log_position()
    assert table_rows(store, VIEWS[0], 1) == table_rows(store, VIEWS[0], 1)


def test_rebuild_switches_generations_and_drops_the_old(app: WusheApplication,
                                                        store: ViewStore) -> None:
    load_demo(app, DEMO)
    views = Projections(app, store)
    views.catch_up()
    before = {s.name: s.generation for s in views.status()}
    name = VIEWS[0].name
    rows_before = table_rows(store, VIEWS[0], before[name] or 0)
    generation = views.rebuild(name)[name]
    assert generation == (before[name] or 0) + 1
    assert views.catalog.generations(name) == {generation: app.log_position()}
    assert table_rows(store, VIEWS[0], generation) == rows_before
    assert all(s.lag == 0 for s in views.status())


def test_a_view_built_by_other_code_is_rebuilt_before_it_is_followed(
        app: WusheApplication, store: ViewStore) -> None:
    load_demo(app, DEMO)
    views = Projections(app, store)
    views.catch_up()
    view = VIEWS[0]
    rows = table_rows(store, view, 1)
    schemas = store.name("wushe_view_schema")
    store.execute(f"UPDATE {schemas} SET fingerprint = 'older' WHERE projection = ?",  # noqa: S608
                  (view.name,))
    assert not views.catalog.is_current(view, 1)

    Projections(app, store).catch_up()  # a new process, with this code

    assert views.catalog.active_generation(view.name) == 2
    assert views.catalog.is_current(view, 2)
    assert table_rows(store, view, 2) == rows
    assert all(views.catalog.active_generation(v.name) == 1 for v in VIEWS[1:])


def test_two_followers_of_one_store_take_turns_without_failing(
        app: WusheApplication, store: ViewStore) -> None:
    load_demo(app, DEMO)
    failures: list[BaseException] = []

    def follow() -> None:
        other = ViewStore.open(app.settings)  # connections belong to their thread
        try:
            Projections(app, other).catch_up(batch_size=50)
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            failures.append(error)
        finally:
            other.close()

    threads = [threading.Thread(target=follow) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    views = Projections(app, store)
    assert all(s.lag == 0 for s in views.status())
