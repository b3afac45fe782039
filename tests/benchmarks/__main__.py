"""``make bench``: run every benchmark and print markdown tables with figures and ratios."""

from __future__ import annotations

import argparse
import os
import platform

from tests.benchmarks import eventlog


def main() -> None:
    parser = argparse.ArgumentParser(description="wushe benchmarks")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "WUSHE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    args = parser.parse_args()
    singles, batches, rounds = (200, 5, 1) if args.quick else (2000, 50, 3)
    print(f"# wushe benchmarks — {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores\n")
    print("## Event log appends (issue 2)\n")
    print(eventlog.HEADER)
    print(f"\nMedian of {rounds} interleaved rounds; {singles} single appends, "
          f"{batches} batches of {eventlog.BATCH}.\n")
    for row in eventlog.run(args.postgres_url, singles, batches, rounds):
        print(row, flush=True)


if __name__ == "__main__":
    main()
