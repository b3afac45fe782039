"""The API load benchmark's report: markdown tables of figures, ratios, CPU and targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.benchmarks.api_baseline import Figures

__all__ = ["HEADER", "Point", "cpu_rows", "row", "target_rows"]


@dataclass(frozen=True)
class Point:
    """One concurrency's figures."""

    clients: int
    writes: Figures
    raw_inserts: Figures
    lists: Figures
    raw_selects: Figures
    cpu: dict[str, dict[str, float]]


HEADER = ("| clients | writes/s | p50 ms | p99 ms | raw INSERT/s | p50 ms | p99 ms | ratio "
          "| lists/s | p50 ms | p99 ms | raw SELECT/s | p50 ms | p99 ms | ratio |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def _cells(figures: Figures) -> str:
    failed = f" ({figures.failures} failed)" if figures.failures else ""
    return f"{figures.rate:,.0f}{failed} | {figures.p50_ms:.1f} | {figures.p99_ms:.1f}"


def _ratio(part: Figures, whole: Figures) -> str:
    return f"{part.rate / whole.rate:.2f}" if whole.rate else "—"


def row(point: Point) -> str:
    return (f"| {point.clients} | {_cells(point.writes)} | {_cells(point.raw_inserts)} "
            f"| {_ratio(point.writes, point.raw_inserts)} | {_cells(point.lists)} "
            f"| {_cells(point.raw_selects)} | {_ratio(point.lists, point.raw_selects)} |")


def cpu_rows(points: list[Point]) -> Iterator[str]:
    groups = ("load generator", "API workers", "projection worker", "PostgreSQL", "other")
    yield "\nCores used during each measured window (2 = the whole machine):\n"
    yield "| run | clients | " + " | ".join(groups) + " |"
    yield "|---|---|" + "---|" * len(groups)
    for point in points:
        for run_name, cpu in point.cpu.items():
            yield (f"| {run_name} | {point.clients} | "
                   + " | ".join(f"{cpu.get(g, 0.0):.2f}" for g in groups) + " |")


def target_rows(points: list[Point]) -> Iterator[str]:
    top = max(points, key=lambda p: p.clients)
    yield f"\nTargets at {top.clients} clients (issue 5):\n"
    yield "| target | measured | met |"
    yield "|---|---|---|"
    for label, got, rate, p99 in (
            ("≥ 800 writes/s, p99 ≤ 100 ms", top.writes, 800, 100),
            ("≥ 2,000 lists/s, p99 ≤ 50 ms", top.lists, 2000, 50)):
        met = got.rate >= rate and got.p99_ms <= p99 and not got.failures
        yield (f"| {label} | {got.rate:,.0f}/s, p99 {got.p99_ms:.1f} ms | "
               f"{'met' if met else 'not met'} |")
