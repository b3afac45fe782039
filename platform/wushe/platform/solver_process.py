"""One worker process for the optimiser's solves, so a caller stays responsive and a
crash in a solver (OR-Tools aborts the process on an internal check) cannot take the
server or CLI down with it: the caller gets ``BrokenProcessPool`` and records a failure.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["SolverProcess", "failure_text"]

P = TypeVar("P")
R = TypeVar("R")
_FAILURE_TEXT = 2000  # what a run's ``failed`` event keeps of the error


class SolverProcess:
    """A spawned process, started on first use and kept for the next solve."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None

    def run(self, solve: Callable[[P], R], problem: P) -> R:
        """``solve(problem)`` in the worker process (a broken one is replaced next time)."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            return self._executor.submit(solve, problem).result()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None


def failure_text(error: BaseException) -> str:
    """How a failed run records its error."""
    return f"{type(error).__name__}: {error}"[:_FAILURE_TEXT]
