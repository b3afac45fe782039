"""Optimiser benchmarks: staffing solves at realistic sizes, beside plain CP-SAT.

For each size (volunteers × shifts) one instance of
:mod:`tests.benchmarks.matching_instances` is solved twice, each time in a fresh
process (``multiprocessing`` spawn, so the peak memory of ``getrusage`` is that
solve's alone): by the optimiser (flow bound and hint, then CP-SAT) and by the
plain CP-SAT baseline with the same model, objective and time limit
(``Params(use_flow=False)``). At the two smaller sizes the optimiser's plan is then
re-planned after one decline (:func:`matching_instances.replan_case`). The targets
of docs/matching.md are printed with whether they were met.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import re
import resource
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec

from tests.benchmarks.matching_instances import generate, replan_case
from wushe.matching.staffing import solve
from wushe.matching.staffing.plan import Plan, SolveStatus
from wushe.matching.staffing.problem import Params, Problem

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Measured", "Options", "Size", "run"]

RELATIVE_GAP = 0.01
_NEIGHBOURHOOD = re.compile(r"CP-SAT saw (\d+) of (\d+) pairs")


@dataclass(frozen=True)
class Size:
    """One instance size and its solve time limit."""

    volunteers: int
    shifts: int
    time_limit_s: float
    replan: bool = False  # also re-plan after one decline

    @property
    def label(self) -> str:
        return f"{self.volunteers:,}×{self.shifts:,}"


@dataclass(frozen=True)
class Options:
    """How much to measure."""

    sizes: tuple[Size, ...] = (
        Size(500, 50, 20.0, replan=True),
        Size(5_000, 500, 20.0, replan=True),
        Size(20_000, 2_000, 60.0),
    )
    workers: int = 2
    seed: int = 1
    baseline: bool = True

    @classmethod
    def quick(cls) -> Options:
        """The smoke test: 500×50 only, with short limits."""
        return cls(sizes=(Size(500, 50, 5.0, replan=True),))


class Measured(msgspec.Struct, frozen=True):
    """One solve, as its process saw it."""

    plan: Plan
    wall_seconds: float  # around solve(), in the child
    loaded_mb: float  # peak RSS before solving: interpreter, OR-Tools and the problem
    peak_mb: float  # peak RSS of the whole process


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _solve_here(problem: Problem) -> Measured:
    """Runs in the child process."""
    loaded = _peak_mb()
    started = time.perf_counter()
    plan = solve(problem)
    return Measured(plan, time.perf_counter() - started, loaded, _peak_mb())


def measure(problem: Problem) -> Measured:
    """Solve ``problem`` in a fresh spawned process."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_solve_here, problem).result()


def with_params(problem: Problem, size: Size, options: Options, *, use_flow: bool) -> Problem:
    params = Params(time_limit_s=size.time_limit_s, relative_gap=RELATIVE_GAP,
                    workers=options.workers, use_flow=use_flow)
    return msgspec.structs.replace(problem, params=params)


@dataclass
class _Results:
    """What the targets are judged on."""

    solves: dict[str, Measured] = field(default_factory=dict)
    replans: dict[str, Measured] = field(default_factory=dict)


def run(options: Options) -> Iterator[str]:
    """Every optimiser benchmark; yields the report's markdown lines as they are measured."""
    results = _Results()
    problems: dict[str, Problem] = {}
    yield from _instances_table(options, problems)
    yield from _solves_table(options, problems, results)
    if any(s.replan for s in options.sizes):
        yield from _replans_table(options, problems, results)
    yield from _targets_table(results)


# -- instances ------------------------------------------------------------------


def _instances_table(options: Options, problems: dict[str, Problem]) -> Iterator[str]:
    yield (f"### Instances (`tests/benchmarks/matching_instances.py`, seed {options.seed})\n")
    yield ("| size | grids | active volunteers | teams | projects (need a team) | home visits "
           "| urgent | vulnerable | team-only | required places | generated in s |")
    yield "|---|---|---|---|---|---|---|---|---|---|---|"
    for size in options.sizes:
        started = time.perf_counter()
        problem = generate(size.volunteers, size.shifts, options.seed)
        problems[size.label] = problem
        yield _instance_row(size, problem, time.perf_counter() - started)


def _instance_row(size: Size, problem: Problem, seconds: float) -> str:
    shifts = problem.shifts
    active = sum(1 for v in problem.volunteers if v.windows)
    team_projects = sum(p.requires_team for p in problem.projects)
    return (f"| {size.label} | {len(problem.grid_positions)} | {active:,} | {len(problem.teams)} "
            f"| {len(problem.projects):,} ({team_projects}) "
            f"| {sum(s.home_visit for s in shifts)} | {sum(s.urgent for s in shifts)} "
            f"| {sum(s.vulnerable for s in shifts)} | {sum(s.team_only for s in shifts)} "
            f"| {_required(problem):,} | {seconds:.1f} |")


def _required(problem: Problem) -> int:
    return sum(s.min_headcount for s in problem.shifts)


# -- solves ---------------------------------------------------------------------


def _solves_table(options: Options, problems: dict[str, Problem],
                  results: _Results) -> Iterator[str]:
    limits = ", ".join(f"{s.label}: {s.time_limit_s:.0f} s" for s in options.sizes)
    yield (f"\n### Solves: optimiser (flow bound + CP-SAT) and plain CP-SAT\n\n"
           f"Time limits {limits}; {options.workers} workers; stop at "
           f"coverage proven and {RELATIVE_GAP:.0%} gap on the lower tiers (target s: when "
           "that first held; proven: leading tiers proven optimal, then the lower tiers' gap "
           "or how many places may still be open). Each solve in a fresh process; memory is "
           "its peak RSS (in brackets: before solving — interpreter, OR-Tools, the problem). "
           "Tiers: priority shortfall / other shortfall / changes / quality / fairness.\n")
    yield ("| size | solver | eligible pairs | first plan s | target s | final gap | proven "
           "| total s | peak MB | covered | tiers | tier bounds | status |")
    yield "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for size in options.sizes:
        problem = problems[size.label]
        measured = measure(with_params(problem, size, options, use_flow=True))
        results.solves[size.label] = measured
        yield _solve_row(size.label, "optimiser", problem, measured)
        if options.baseline:
            baseline = measure(with_params(problem, size, options, use_flow=False))
            yield _solve_row(size.label, "plain CP-SAT", problem, baseline)


def _solve_row(label: str, solver: str, problem: Problem, m: Measured) -> str:
    plan = m.plan
    if plan.status == SolveStatus.NO_SOLUTION_IN_TIME and not plan.assignments:
        outcome = "| none | not reached | — | — "
        result = "| — | — | — "
    else:
        outcome = (f"| {_seconds(plan.first_plan_seconds)} | {_seconds(plan.target_gap_seconds)} "
                   f"| {_gap(plan)} | {_proven(plan)} ")
        result = f"| {_covered(problem, plan)} | {_tiers(plan)} | {_tier_bounds(plan)} "
    return (f"| {label} | {solver} | {plan.eligible_pairs:,} {outcome}| {m.wall_seconds:.2f} "
            f"| {m.peak_mb:,.0f} ({m.loaded_mb:,.0f}) {result}| {_status(plan)} |")


def _status(plan: Plan) -> str:
    """The status, and how the solve went as its warnings tell."""
    notes = [str(plan.status)]
    for warning in plan.warnings:
        if "lexicographically" in warning:
            notes.append("lexicographic")
        elif found := _NEIGHBOURHOOD.search(warning):
            notes.append(f"CP-SAT on {int(found[1]):,} of {int(found[2]):,} pairs")
    return "; ".join(notes)


def _covered(problem: Problem, plan: Plan) -> str:
    shortfall = plan.tiers.priority_shortfall + plan.tiers.other_shortfall
    return f"{1 - shortfall / max(1, _required(problem)):.1%}"


def _tiers(plan: Plan) -> str:
    t = plan.tiers
    return (f"{t.priority_shortfall}/{t.other_shortfall}/{t.changes}/{t.quality:,}/"
            f"{t.fairness:,}")


def _tier_bounds(plan: Plan) -> str:
    t = plan.tier_bounds
    if t is None:
        return "—"
    return (f"{t.priority_shortfall}/{t.other_shortfall}/{t.changes}/{t.quality:,}/"
            f"{t.fairness:,}")


def _proven(plan: Plan) -> str:
    """Leading tiers proven optimal; coverage places still open, or the lower tiers' gap."""
    if plan.coverage_proven and plan.lower_gap is not None:
        return f"{plan.proven_tiers}/5, lower {plan.lower_gap:.2%}"
    return f"{plan.proven_tiers}/5, ≤ {plan.coverage_gap_places} places open"


def _seconds(seconds: float | None) -> str:
    return "not reached" if seconds is None else f"{seconds:.2f}"


def _gap(plan: Plan) -> str:
    return f"{plan.gap:.2%}"


# -- re-plans -------------------------------------------------------------------


def _replans_table(options: Options, problems: dict[str, Problem],
                   results: _Results) -> Iterator[str]:
    yield ("\n### Re-plan after one decline\n\n"
           "The optimiser's plan above with one assignment declined, about 70 % of the rest "
           "accepted (fixed) and the others pending (previous); same limits. Changed: "
           "assignments added or dropped, besides the declined one.\n")
    yield ("| size | fixed | pending | first plan s | target s | final gap | proven | total s "
           "| changed | pending kept | covered | tiers | status |")
    yield "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    for size in options.sizes:
        if not size.replan:
            continue
        original = results.solves[size.label].plan
        problem = replan_case(problems[size.label], original)
        measured = measure(with_params(problem, size, options, use_flow=True))
        results.replans[size.label] = measured
        yield _replan_row(size.label, problem, original, measured)


def _pairs(plan: Plan) -> set[tuple[str, str]]:
    return {(a.volunteer, a.shift) for a in plan.assignments}


def _replan_row(label: str, problem: Problem, original: Plan, m: Measured) -> str:
    before, after = _pairs(original) - problem.declined, _pairs(m.plan)
    changed = len(before - after) + len(after - before)
    kept = len(problem.previous & after)
    return (f"| {label} | {len(problem.fixed):,} | {len(problem.previous):,} "
            f"| {_seconds(m.plan.first_plan_seconds)} | {_seconds(m.plan.target_gap_seconds)} "
            f"| {_gap(m.plan)} | {_proven(m.plan)} | {m.wall_seconds:.2f} | {changed} "
            f"| {kept}/{len(problem.previous)} | {_covered(problem, m.plan)} | {_tiers(m.plan)} "
            f"| {_status(m.plan)} |")


# -- targets --------------------------------------------------------------------


def _targets_table(results: _Results) -> Iterator[str]:
    yield "\n### Targets (docs/matching.md)\n"
    yield "| target | measured | met |"
    yield "|---|---|---|"
    small, medium = results.solves.get("500×50"), results.solves.get("5,000×500")
    if small is not None:
        yield _time_target("500×50: coverage proven, lower tiers ≤ 1 % in ≤ 1 s", small, 1.0)
    if medium is not None:
        yield _time_target("5,000×500: coverage proven, lower tiers ≤ 1 % in ≤ 20 s", medium,
                           20.0)
        yield _row("5,000×500: peak memory ≤ 2 GB", f"{medium.peak_mb:,.0f} MB",
                   met=medium.peak_mb <= 2048)
    for label, measured in results.replans.items():
        yield _time_target(f"re-plan {label}: coverage proven, lower ≤ 1 % in ≤ 2 s", measured,
                           2.0)


def _time_target(target: str, measured: Measured, limit: float) -> str:
    reached = measured.plan.target_gap_seconds
    shown = (f"{reached:.2f} s" if reached is not None
             else f"not reached ({_proven(measured.plan)}; gap {_gap(measured.plan)})")
    return _row(target, shown, met=reached is not None and reached <= limit)


def _row(target: str, measured: str, *, met: bool) -> str:
    return f"| {target} | {measured} | {'met' if met else 'not met'} |"

