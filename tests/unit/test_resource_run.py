"""Resource run: requested, then completed with the matcher's figures, or failed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from tests.helpers import MONDAY_9AM, assert_replays_equal
from wushe.platform.domain.errors import DomainRuleError, InvalidStateError, ValidationError
from wushe.platform.domain.resource_run import ResourceRun, ResourceRunResult, UnmetRequest
from wushe.platform.domain.staffing_run import RunReason, RunStatus

WEEK = date(2026, 12, 7)
RESULT = ResourceRunResult(
    solver_status="optimal", objective=2**70, bound=2**70, gap=0.0, seconds=0.2,
    eligible_pairs=12, tiers=(0, 1000, 6, 3), requests=4, allocations=3, met=2, partly_met=1,
    unmet=(UnmetRequest(uuid4(), 1, "venue_booked"),),
)


def requested(**overrides: Any) -> ResourceRun:
    fields: dict[str, Any] = {"id": uuid4(), "community_id": uuid4(), "week_of": WEEK,
                              "reason": RunReason.MANUAL, "at": MONDAY_9AM}
    fields.update(overrides)
    return ResourceRun.request(**fields)


def test_a_run_completes_with_its_figures() -> None:
    run = requested(reason="scheduled")
    run.complete(RESULT, MONDAY_9AM + timedelta(seconds=2))
    assert (run.status, run.result, run.reason) == (
        RunStatus.COMPLETED, RESULT, RunReason.SCHEDULED)
    assert_replays_equal(run, run.collect_events())  # an objective past 2⁶³ round-trips


def test_a_run_fails_with_its_reason() -> None:
    run = requested()
    run.fail("solver worker crashed", MONDAY_9AM)
    assert (run.status, run.failure, run.result) == (RunStatus.FAILED, "solver worker crashed",
                                                     None)
    assert_replays_equal(run, run.collect_events())


@pytest.mark.parametrize(("overrides", "code"), [
    ({"week_of": date(2026, 12, 8)}, "resource_run.not_a_monday"),
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
