"""``/api/v1`` reports: DB35/T 2074-2022 compliance per community and for every community,
and organisations' participation (6.2.3) — the figures ``wushe report compliance`` gives."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tests.integration.api.work_world import catch_up, clocked, published
from tests.integration.test_commands import found
from wushe.platform.domain.compliance_policy import ComplianceThresholds
from wushe.projections.catalog import Catalog
from wushe.projections.indicators import indicators, load_community_rows

if TYPE_CHECKING:
    from tests.integration.api.conftest import World

MISSING = "00000000-0000-4000-8000-00000000dead"
BAD_PERIODS = (("year=1999", "year", "input.out_of_range"),
               ("year=2101", "year", "input.out_of_range"),
               ("year=soon", "year", "input.bad_type"),
               ("half=3", "half", "input.out_of_range"), ("half=0", "half", "input.out_of_range"))
OTHERS: tuple[tuple[str | None, int], ...] = (("coord2", 404), ("org", 403), ("vol", 403),
                                              (None, 401))


def compliance_of(world: World, community: object, role: str | None = "coord",
                  query: str = "") -> Any:
    return world.call("GET", f"/api/v1/communities/{community}/reports/compliance{query}",
                      role)


def as_the_cli_computes(world: World, year: int, half: int) -> list[tuple[str, Any, bool]]:
    generation = Catalog(world.views).active_generation("compliance") or 0
    rows = load_community_rows(world.views, generation, year=year, community=str(world.c1))
    return [(i.code, i.value, i.passed)
            for i in indicators(rows[0], ComplianceThresholds(), year, half)]


def assert_bad_queries_are_422(world: World, url: str, cases: tuple[tuple[str, str, str], ...],
                               role: str = "coord") -> None:
    for query, field, code in cases:
        response = world.call("GET", f"{url}?{query}", role)
        assert response.status_code == 422, (query, response.text)
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == (field, code)


def test_compliance_reports(world: World) -> None:
    clocked(world)  # 2026-11-23, China time: the second half of 2026
    world.catch_up()
    response = compliance_of(world, world.c1)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["community_id"], report["year"], report["half"], report["total"]) == \
        (str(world.c1), 2026, 2, 12)
    assert report["thresholds_version"] == ComplianceThresholds().version
    assert [(i["code"], i["value"], i["passed"]) for i in report["indicators"]] == \
        as_the_cli_computes(world, 2026, 2)
    assert report["passed"] == sum(i["passed"] for i in report["indicators"])
    assert (compliance_of(world, world.c1, query="?year=2025&half=1").json()["half"],
            compliance_of(world, world.c1, query="?year=2025").json()["half"]) == (1, 2)
    clocked(world, datetime(2026, 3, 2, 1, tzinfo=UTC))
    assert compliance_of(world, world.c1, "admin").json()["half"] == 1
    for role, status in OTHERS:
        assert compliance_of(world, world.c1, role).status_code == status, role
    assert compliance_of(world, MISSING, "admin").json()["code"] == "community.not_found"
    assert_bad_queries_are_422(world, f"/api/v1/communities/{world.c1}/reports/compliance",
                               BAD_PERIODS)
    # A community the views do not hold yet: retry later (or with ?wait_for=).
    behind = compliance_of(world, found(world.app, code="350102001003"), "admin")
    assert (behind.status_code, behind.json()["code"], behind.headers["retry-after"]) == \
        (503, "views.behind", "1")
    assert_every_communitys_compliance(world)


def assert_every_communitys_compliance(world: World) -> None:
    """The administrators' report over every community the views hold (not c3 yet)."""
    clocked(world)
    url = "/api/v1/reports/compliance"
    response = world.call("GET", url, "admin")
    assert response.status_code == 200, response.text
    page = response.json()
    assert [r["community_id"] for r in page["items"]] == sorted([str(world.c1), str(world.c2)])
    assert page["next_cursor"] is None
    assert {(r["year"], r["half"], r["total"]) for r in page["items"]} == {(2026, 2, 12)}
    first = world.call("GET", f"{url}?limit=1&year=2025", "admin").json()
    rest = world.call("GET", f"{url}?limit=1&year=2025&cursor={first['next_cursor']}",
                      "admin").json()
    assert [r["community_id"] for r in first["items"] + rest["items"]] == \
        [r["community_id"] for r in page["items"]]
    assert rest["next_cursor"] is None
    stale = world.call("GET", f"{url}?limit=1&cursor={first['next_cursor']}", "admin")
    assert (stale.status_code, stale.json()["errors"][0]["field"]) == (422, "cursor")
    for role in ("coord", "coord2", "org", "vol"):
        assert world.call("GET", url, role).json()["code"] == "auth.forbidden"
    assert world.call("GET", url, None).status_code == 401
    assert_bad_queries_are_422(world, url, BAD_PERIODS, "admin")


def test_a_communitys_participation_report(world: World) -> None:
    clocked(world)
    published(world, undertaking_organisation_id=str(world.organisation))
    catch_up(world)
    url = f"/api/v1/communities/{world.c1}/reports/participation"
    response = world.call("GET", url, "coord")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["year"], report["required_projects"], report["active"],
            report["active_meeting"]) == (2026, 1, 1, 1)
    assert [(o["organisation_id"], o["projects"], o["meets_requirement"])
            for o in report["organisations"]] == [(str(world.organisation), 1, True)]
    last_year = world.call("GET", f"{url}?year=2025", "admin").json()
    assert (last_year["active_meeting"], last_year["organisations"][0]["projects"]) == (0, 0)
    for role, status in OTHERS:
        assert world.call("GET", url, role).status_code == status, role
    missing = world.call("GET", f"/api/v1/communities/{MISSING}/reports/participation", "admin")
    assert missing.status_code == 404
    assert_bad_queries_are_422(world, url, BAD_PERIODS[:3])
