"""Staffing run: requested, then completed with the solver's figures, or failed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.helpers import MONDAY_9AM, assert_replays_equal
from wushe.platform.domain.errors import DomainRuleError, InvalidStateError, ValidationError
from wushe.platform.domain.staffing_run import (
    RunReason,
    RunResult,
    RunStatus,
    StaffingRun,
    UnfilledPlace,
)

WEEK = date(2026, 12, 7)
RESULT = RunResult(
    solver_status="optimal", objective=120, bound=120, gap=0.0, seconds=0.4,
    first_plan_seconds=0.1, eligible_pairs=340, tiers=(0, 2, 0, 18, 40), proposed=12, kept=3,
    withdrawn=1, teams_assigned=1,
    unfilled=(UnfilledPlace(uuid4(), uuid4(), 2, "no_skill"),),
)


def requested(**overrides: Any) -> StaffingRun:
    fields: dict[str, Any] = {"id": uuid4(), "community_id": uuid4(), "week_of": WEEK,
                              "reason": RunReason.MANUAL, "at": MONDAY_9AM}
    fields.update(overrides)
    return StaffingRun.request(**fields)


def test_a_run_completes_with_its_figures() -> None:
    run = requested(reason="declined", trigger_id=UUID(int=9))
    run.complete(RESULT, MONDAY_9AM + timedelta(seconds=2))
    assert (run.status, run.result, run.reason, run.trigger_id) == (
        RunStatus.COMPLETED, RESULT, RunReason.DECLINED, UUID(int=9))
    assert_replays_equal(run, run.collect_events())


def test_a_run_fails_with_its_reason() -> None:
    run = requested()
    run.fail("solver worker crashed", MONDAY_9AM)
    assert (run.status, run.failure, run.result) == (RunStatus.FAILED, "solver worker crashed",
                                                     None)
    assert_replays_equal(run, run.collect_events())


@pytest.mark.parametrize(("overrides", "code"), [
    ({"week_of": date(2026, 12, 8)}, "staffing_run.not_a_monday"),
    ({"week_of": "2026-12-07"}, "input.not_date"),
    ({"reason": "whenever"}, "input.bad_choice"),
    ({"at": datetime(2026, 12, 1, 9)}, "input.naive_datetime"),  # noqa: DTZ001
    ({"community_id": "c1"}, "input.bad_id"),
])
def test_bad_requests_are_refused(overrides: dict[str, Any], code: str) -> None:
    with pytest.raises((ValidationError, DomainRuleError)) as refused:
        requested(**overrides)
    assert refused.value.code == code


def test_a_run_ends_once() -> None:
    run = requested()
    run.complete(RESULT, MONDAY_9AM)
    events = len(run.collect_events())
    with pytest.raises(InvalidStateError):
        run.complete(RESULT, MONDAY_9AM)
    with pytest.raises(InvalidStateError):
        run.fail("x", MONDAY_9AM)
    assert events == 2
    assert run.collect_events() == []


def test_time_never_goes_backwards_and_results_are_typed() -> None:
    run = requested()
    with pytest.raises(DomainRuleError, match="earlier"):
        run.complete(RESULT, MONDAY_9AM - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        run.complete({"objective": 1}, MONDAY_9AM)  # type: ignore[arg-type]
    assert run.status is RunStatus.REQUESTED
