"""The solver process: a crashed worker fails the call, and the next call gets a new one."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from wushe.platform.solver_process import SolverProcess, failure_text


def test_a_crashed_worker_is_replaced() -> None:
    solver = SolverProcess()
    try:
        assert solver.run(abs, -3) == 3
        with pytest.raises(BrokenProcessPool):
            solver.run(os._exit, 1)  # the process dies, as OR-Tools aborts on a failed check
        assert solver.run(abs, -4) == 4
    finally:
        solver.close()


def test_a_failure_is_recorded_short() -> None:
    assert failure_text(RuntimeError("x" * 5000)) == "RuntimeError: " + "x" * 1986
