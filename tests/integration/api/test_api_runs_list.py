"""``GET /api/v1/communities/{id}/staffing-runs``: the runs view's list, its filters and pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.integration.test_view_runs import record_runs
from wushe.projections.service import Projections
from wushe.projections.views.runs import StaffingRuns

if TYPE_CHECKING:
    from tests.integration.api.conftest import World


def test_the_runs_list_reads_the_view(world: World) -> None:
    runs = record_runs(world.app, world.c1)
    record_runs(world.app, world.c2)  # another community's runs never show
    Projections(world.app, world.views, views=(StaffingRuns,)).catch_up()
    url = f"/api/v1/communities/{world.c1}/staffing-runs"

    def ids(query: str = "", role: str = "coord") -> list[str]:
        response = world.call("GET", f"{url}?{query}", role)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    oldest_first = [str(runs[n]) for n in ("completed", "failed", "requested")]
    assert ids() == ids(role="org") == oldest_first
    assert ids("sort=requested_desc") == oldest_first[::-1]
    assert ids("status=completed") == oldest_first[:1]
    assert ids("status=failed&status=requested") == oldest_first[1:]
    assert ids("week=2026-11-30") == oldest_first
    assert ids("week=2026-12-07") == []
    for run_id in oldest_first:  # each item is the run as GET …/{id} answers it
        one = world.call("GET", f"{url}/{run_id}", "coord").json()
        listed = world.call("GET", f"{url}?limit=200", "admin").json()["items"]
        assert next(r for r in listed if r["id"] == run_id) == one
    assert one["finished_at"] is None  # the last, still requested

    pages, cursor = [], ""
    while cursor is not None:
        page = world.call("GET", f"{url}?sort=requested_desc&limit=1{cursor}", "coord").json()
        pages += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"] and f"&cursor={page['next_cursor']}"
    assert pages == oldest_first[::-1]

    first = world.call("GET", f"{url}?limit=1", "coord").json()["next_cursor"]
    for query, field in ((f"sort=requested_desc&cursor={first}", "cursor"),
                         ("week=2026-12-01", "week"), ("status=lost", "status"),
                         ("sort=newest", "sort"), ("limit=0", "limit")):
        response = world.call("GET", f"{url}?{query}", "coord")
        assert (response.status_code, response.json()["errors"][0]["field"]) == (422, field)
    position = world.position()
    waited = world.call("GET", f"{url}?wait_for={position}", "coord")
    assert int(waited.headers["x-views-position"]) == position
