"""``make bench``: run every benchmark and print markdown tables with figures and ratios."""

from __future__ import annotations

import argparse
import os
import platform

from tests.benchmarks import api_load, eventlog, matching, projections

SECTIONS = ("eventlog", "projections", "matching", "api")


def main() -> None:
    parser = argparse.ArgumentParser(description="wushe benchmarks")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "WUSHE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument("--only", choices=SECTIONS, action="append",
                        help="run only this section (repeatable; default: all)")
    parser.add_argument("--events", type=int, help="events in the rebuild log "
                        "(default 1,000,000; 100,000 with --quick)")
    parser.add_argument("--rounds", type=int, help="rounds of the projections benchmarks "
                        "(default 3; 1 with --quick)")
    args = parser.parse_args()
    sections = args.only or SECTIONS
    print(f"# wushe benchmarks — {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores\n")
    if "eventlog" in sections:
        _eventlog(args.postgres_url, quick=args.quick)
    if "projections" in sections:
        _projections(args.postgres_url, quick=args.quick, events=args.events,
                     rounds=args.rounds)
    if "matching" in sections:
        _matching(quick=args.quick)
    if "api" in sections:
        _api(args.postgres_url, quick=args.quick)


def _eventlog(postgres_url: str, *, quick: bool) -> None:
    singles, batches, rounds = (200, 5, 1) if quick else (2000, 50, 3)
    print("## Event log appends (issue 2)\n")
    print(eventlog.HEADER)
    print(f"\nMedian of {rounds} interleaved rounds; {singles} single appends, "
          f"{batches} batches of {eventlog.BATCH}.\n")
    for row in eventlog.run(postgres_url, singles, batches, rounds):
        print(row, flush=True)


def _projections(postgres_url: str, *, quick: bool, events: int | None,
                 rounds: int | None) -> None:
    options = projections.Options(postgres_url)
    if quick:
        options = projections.Options(postgres_url, events=100_000, rounds=1,
                                      lag_seconds=5.0, query_runs=200)
    if events is not None:
        options.events = events
    if rounds is not None:
        options.rounds = rounds
    print("\n## Projections (issue 3)\n")
    for line in projections.run(options):
        print(line, flush=True)


def _matching(*, quick: bool) -> None:
    print("\n## Optimiser: staffing\n")
    for line in matching.run(matching.Options.quick() if quick else matching.Options()):
        print(line, flush=True)


def _api(postgres_url: str, *, quick: bool) -> None:
    print("\n## HTTP API load (issue 5)\n")
    options = api_load.Options.quick(postgres_url) if quick else api_load.Options(postgres_url)
    for line in api_load.run(options):
        print(line, flush=True)


if __name__ == "__main__":
    main()
