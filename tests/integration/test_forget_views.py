"""Forgetting a person (PIPL) purges them from every view, live and rebuilt alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from tests.integration.test_views import DEMO, table_rows
from wushe.platform.demo import load_demo
from wushe.platform.domain.need import Need
from wushe.platform.domain.staff import StaffMember
from wushe.platform.domain.volunteer import Volunteer
from wushe.projections.catalog import physical_name
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views import VIEWS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wushe.platform.application import WusheApplication

# The hours ledger remembers *that* an id was forgotten (an opaque UUID, no data), so
# that hours confirmed later for that person are recorded without them.
MAY_KEEP_THE_ID = {("hours", "forgotten_volunteers")}
# A need keeps the opaque id of the staff member who handled it (the 8.4.2 process
# record says who acted); the staff member's own rows go.
MAY_REFER_TO_STAFF = {("needs", "needs")}


@pytest.fixture
def store(app: WusheApplication) -> Iterator[ViewStore]:
    view_store = ViewStore.open(app.settings)
    yield view_store
    view_store.close()


def rows_where(store: ViewStore, view: str, table: str, where: str) -> list[dict[str, Any]]:
    """The rows of a view's table (generation 1) matching ``where``, by column, in key order."""
    shape = next(t for v in VIEWS if v.name == view for t in v.tables if t.name == table)
    names = [column.name for column in shape.columns]
    rows = store.fetchall(
        f"SELECT {', '.join(names)} FROM {store.name(physical_name(view, 1, table))} "  # noqa: S608
        f"WHERE {where} ORDER BY {', '.join(shape.key)}")
    assert rows, f"the demo should have a {view}.{table} row where {where}"
    return [dict(zip(names, row, strict=True)) for row in rows]


def one(store: ViewStore, view: str, table: str, where: str) -> dict[str, Any]:
    """The first row (in key order) of a view's table matching ``where``."""
    return rows_where(store, view, table, where)[0]


def everywhere(store: ViewStore, generation: dict[str, int]) -> dict[tuple[str, str], list[Any]]:
    """Every row of every table of every live view."""
    return {(view.name, table): rows for view in VIEWS
            for table, rows in table_rows(store, view, generation[view.name]).items()}


def holding(rows: dict[tuple[str, str], list[Any]], text: str) -> set[tuple[str, str]]:
    return {where for where, table in rows.items()
            if any(text in str(value) for row in table for value in row)}


def test_forgetting_purges_every_view(app: WusheApplication, store: ViewStore) -> None:
    load_demo(app, DEMO)
    views = Projections(app, store)
    views.catch_up()
    volunteer = one(store, "roster", "assignments", "status = 'confirmed'")["volunteer_id"]
    # A need handled by a staff member (a referred one names the organisation instead).
    staff_ids = {r["staff_id"] for r in rows_where(store, "compliance", "staff", "1 = 1")}
    need = next(n for n in rows_where(store, "needs", "needs", "resident IS NOT NULL")
                if n["handler"] in staff_ids)
    staff = need["handler"]
    before = everywhere(store, dict.fromkeys(views.views, 1))
    assert len(holding(before, volunteer)) >= 3, "roster, hours, … should know the volunteer"
    assert need["resident_phone"] is not None

    app.forget(Volunteer, UUID(volunteer), lambda v: v.forget())
    app.forget(Need, UUID(need["need_id"]), lambda n: n.forget())
    app.forget(StaffMember, UUID(staff), lambda s: s.forget())
    views.catch_up()

    live = everywhere(store, dict.fromkeys(views.views, 1))
    assert holding(live, volunteer) <= MAY_KEEP_THE_ID
    assert holding(before, staff) > MAY_REFER_TO_STAFF
    assert holding(live, staff) <= MAY_REFER_TO_STAFF
    forgotten_need = one(store, "needs", "needs", f"need_id = '{need['need_id']}'")
    # Masked values ("袁*", "138****0000") are shared by many people: the row is checked.
    assert forgotten_need["resident"] is None
    assert forgotten_need["resident_phone"] is None
    assert forgotten_need["status"] == need["status"]  # the case itself stays on the list

    rebuilt = everywhere(store, views.rebuild())
    assert rebuilt == live
