"""``wushe report …``: reports read from the views (compliance with DB35/T 2074-2022)."""

from __future__ import annotations

from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from wushe.platform.domain.calendar import CHINA_TIME
from wushe.platform.domain.compliance_policy import ComplianceThresholds
from wushe.projections.indicators import CommunityRows, Indicator, indicators, load_community_rows
from wushe.projections.service import Projections
from wushe.projections.store import ViewStore
from wushe.projections.views.compliance import ComplianceIndicators, half_of

__all__ = ["report"]

_YEARS = (2000, 2100)
_PASS, _FAIL = "[green]✓[/green]", "[red]✗[/red]"


@click.group()
def report() -> None:
    """Reports: compliance with DB35/T 2074-2022."""


@report.command()
@click.option("--community", default=None, help="Community id or statistical code (default: all).")
@click.option("--year", type=click.IntRange(*_YEARS), default=None,
              help="Calendar year (default: this year, China time).")
@click.option("--half", type=click.IntRange(1, 2), default=None,
              help="Half-year for window-staff training (default: the current one this year, "
                   "else the second).")
def compliance(community: str | None, year: int | None, half: int | None) -> None:
    """Each community's indicators against the compliance thresholds, pass or fail."""
    today = datetime.now(CHINA_TIME).date()
    year = year or today.year
    half = half or (half_of(today.month) if year == today.year else 2)
    found = _read(community, year)
    if not found:
        raise click.ClickException(f"no community {community!r}" if community
                                   else "no community recorded yet")
    thresholds = ComplianceThresholds()
    console = Console()
    for rows in found:
        console.print(_table(rows, indicators(rows, thresholds, year, half), thresholds,
                             year, half))


def _read(community: str | None, year: int) -> list[CommunityRows]:
    """Catch the compliance view up with the log, then read it."""
    from wushe.platform.cli import open_application  # noqa: PLC0415  (cli imports this module)

    application = open_application()
    store = ViewStore.open(application.settings)
    try:
        views = Projections(application, store, views=(ComplianceIndicators,))
        views.catch_up()
        generation = views.catalog.active_generation(ComplianceIndicators.name)
        if generation is None:  # pragma: no cover  (catch_up creates the first one)
            return []
        return load_community_rows(store, generation, year=year, community=community)
    finally:
        store.close()
        application.close()


def _table(rows: CommunityRows, found: list[Indicator], thresholds: ComplianceThresholds,
           year: int, half: int) -> Table:
    community = rows.community
    passed = sum(1 for i in found if i.passed)
    table = Table("", "指标 indicator", "value", "threshold", "detail",
                  title=f"{community['name']} ({community['code']}) — {year} H{half}",
                  caption=f"{passed}/{len(found)} passed · thresholds {thresholds.version}")
    for indicator in found:
        table.add_row(_PASS if indicator.passed else _FAIL,
                      f"{indicator.label_zh}\n{indicator.label_en}",
                      _number(indicator.value, indicator.unit),
                      ("≤ " if indicator.at_most else "≥ ")
                      + _number(indicator.threshold, indicator.unit),
                      indicator.detail)
    return table


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} {unit}"
