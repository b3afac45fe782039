"""Resource matching: each hard rule, each reason code, tier dominance, determinism."""

from __future__ import annotations

import msgspec
import pytest

from tests.unit.matching.test_resources_support import (
    K,
    given,
    offer,
    problem,
    req,
    solve,
)
from wushe.matching.resources import (
    ResourceParams,
    ResourcePlan,
    ResourceProblem,
    SolveStatus,
    UnmetReason,
    match_resources,
)
from wushe.matching.resources._eligibility import eligible_pairs
from wushe.matching.resources._explain import unmet
from wushe.matching.resources._solve import stages
from wushe.matching.resources._weights import derive_scale

FAR = {"near": (0, 0), "far": (10, 0), "mid": (3, 0)}


def reasons(plan: ResourcePlan) -> dict[str, UnmetReason]:
    return {u.requirement: u.reason for u in plan.unmet}


class TestHardRules:
    def test_same_kind_and_unit_only(self) -> None:
        plan = solve(problem([offer("o", K.GOODS, 5, unit="箱"), offer("f", K.FUNDS, 100)],
                             [req("r", K.GOODS, 2)]))
        assert plan.allocations == ()
        assert reasons(plan) == {"r": UnmetReason.NO_OFFER_OF_TYPE}

    def test_the_requirement_lies_inside_the_window(self) -> None:
        plan = solve(problem([offer("early", window=(0, 150)), offer("late", window=(150, 400))],
                             [req("r", time=(100, 200))]))
        assert reasons(plan) == {"r": UnmetReason.WINDOW}
        plan = solve(problem([offer("exact", window=(100, 200))], [req("r", time=(100, 200))]))
        assert given(plan) == {("exact", "r"): 1}  # half-open: touching ends fit

    def test_a_counted_offer_is_never_over_allocated(self) -> None:
        plan = solve(problem([offer("o", amount=5)],
                             [req("a", quantity=4), req("b", quantity=4), req("c", quantity=4)]))
        assert sum(a.quantity for a in plan.allocations) == 5
        assert sum(u.shortfall for u in plan.unmet) == 7

    def test_a_counted_requirement_is_split_over_offers(self) -> None:
        plan = solve(problem([offer("o1", amount=3, org="x"), offer("o2", amount=4, org="y")],
                             [req("r", quantity=6)]))
        assert sum(given(plan).values()) == 6
        assert {o for o, _ in given(plan)} == {"o1", "o2"}
        assert plan.unmet == ()

    def test_a_venue_must_seat_everyone(self) -> None:
        plan = solve(problem([offer("small", K.VENUE, 30)], [req("r", K.VENUE, 31)]))
        assert reasons(plan) == {"r": UnmetReason.CAPACITY}

    def test_one_venue_all_or_nothing(self) -> None:
        # Two venues of 30 could seat 50 together: a requirement gets one venue or none.
        plan = solve(problem([offer("v1", K.VENUE, 30), offer("v2", K.VENUE, 30)],
                             [req("r", K.VENUE, 50)]))
        assert plan.allocations == ()
        assert plan.unmet[0].shortfall == 50
        plan = solve(problem([offer("v1", K.VENUE, 30), offer("v2", K.VENUE, 60)],
                             [req("r", K.VENUE, 50)]))
        assert given(plan) == {("v2", "r"): 50}

    def test_a_venue_is_never_double_booked_against_existing_bookings(self) -> None:
        venue = offer("v", K.VENUE, 100, bookings=((0, 120), (300, 400)))
        plan = solve(problem([venue], [req("a", K.VENUE, 10, time=(100, 200)),
                                       req("b", K.VENUE, 10, time=(120, 300)),
                                       req("c", K.VENUE, 10, time=(350, 360))]))
        assert given(plan) == {("v", "b"): 10}
        assert reasons(plan) == {"a": UnmetReason.VENUE_BOOKED, "c": UnmetReason.VENUE_BOOKED}

    def test_new_bookings_of_a_venue_never_overlap(self) -> None:
        times = [(0, 100), (50, 150), (100, 200), (150, 250), (90, 110)]
        plan = solve(problem([offer("v", K.VENUE, 100)],
                             [req(f"r{i}", K.VENUE, 5, time=t) for i, t in enumerate(times)]))
        assert len(plan.allocations) == 2  # the most bookings that fit without overlap
        assert all(r == UnmetReason.USED_ELSEWHERE for r in reasons(plan).values())

    def test_a_venue_booking_is_its_requirement_time(self) -> None:
        plan = solve(problem([offer("v", K.VENUE, 10, window=(0, 1000))],
                             [req("r", K.VENUE, 8, time=(300, 420))]))
        (allocation,) = plan.allocations
        assert (allocation.start, allocation.end, allocation.quantity) == (300, 420, 8)


class TestReasons:
    def test_no_offer_of_type(self) -> None:
        plan = solve(problem([offer("o")], [req("r", K.PROFESSIONAL_SERVICE, 2)]))
        assert reasons(plan) == {"r": UnmetReason.NO_OFFER_OF_TYPE}

    def test_window(self) -> None:
        plan = solve(problem([offer("v", K.VENUE, 10, window=(0, 100))],
                             [req("r", K.VENUE, 5, time=(90, 110))]))
        assert reasons(plan) == {"r": UnmetReason.WINDOW}

    def test_quantity(self) -> None:
        plan = solve(problem([offer("o1", amount=2), offer("o2", amount=3),
                              offer("late", amount=50, window=(500, 900))],
                             [req("r", quantity=8)]))
        assert reasons(plan) == {"r": UnmetReason.QUANTITY}
        assert plan.unmet[0].shortfall == 3

    def test_venue_booked_and_capacity(self) -> None:
        offers = [offer("big", K.VENUE, 80, bookings=((150, 160),)), offer("small", K.VENUE, 20)]
        plan = solve(problem(offers, [req("booked", K.VENUE, 50), req("huge", K.VENUE, 90)]))
        assert reasons(plan) == {"booked": UnmetReason.VENUE_BOOKED,
                                 "huge": UnmetReason.CAPACITY}

    def test_used_elsewhere_counted(self) -> None:
        plan = solve(problem([offer("o", amount=5)],
                             [req("urgent", quantity=5, urgent=True), req("other", quantity=5)]))
        assert given(plan) == {("o", "urgent"): 5}
        assert reasons(plan) == {"other": UnmetReason.USED_ELSEWHERE}

    def test_used_elsewhere_venue(self) -> None:
        plan = solve(problem([offer("v", K.VENUE, 40)],
                             [req("a", K.VENUE, 10, time=(0, 60)),
                              req("b", K.VENUE, 10, time=(30, 90), vulnerable=True)]))
        assert given(plan) == {("v", "b"): 10}
        assert reasons(plan) == {"a": UnmetReason.USED_ELSEWHERE}

    def test_not_reached_when_free_resources_remain(self) -> None:
        # Only a stopped solve leaves fitting resources free: classify an empty plan.
        p = problem([offer("o", amount=5), offer("v", K.VENUE, 10)],
                    [req("r", quantity=2), req("s", K.VENUE, 5)])
        found = unmet(p, eligible_pairs(p), {})
        assert [(u.requirement, u.reason) for u in found] == [
            ("r", UnmetReason.NOT_REACHED), ("s", UnmetReason.NOT_REACHED)]

    def test_every_reason_is_explained(self) -> None:
        plan = solve(problem([offer("o", amount=1)], [req("a", quantity=3), req("b", K.FUNDS)]))
        assert all(u.explanation for u in plan.unmet)


class TestTierDominance:
    def test_one_urgent_requirement_beats_many_others_and_distance(self) -> None:
        others = [req(f"o{i}", quantity=1, grid="near") for i in range(9)]
        urgent = req("u", quantity=10, grid="far", urgent=True)
        plan = solve(problem([offer("o", amount=10, grid="near")], [*others, urgent],
                             positions=FAR))
        assert given(plan) == {("o", "u"): 10}
        assert plan.tiers.priority_shortfall == 0

    def test_one_missing_unit_beats_any_distance(self) -> None:
        offers = [offer("near", amount=4, grid="near"),
                  offer("far", amount=1, grid="far", org="org-b")]
        plan = solve(problem(offers, [req("r", quantity=5, grid="near")], positions=FAR))
        assert given(plan) == {("near", "r"): 4, ("far", "r"): 1}

    def test_distance_beats_spread(self) -> None:
        offers = [offer("known", amount=5, grid="near", org="old"),
                  offer("new", amount=5, grid="mid", org="new")]
        plan = solve(problem(offers, [req("r", quantity=1, grid="near")], positions=FAR,
                             known=frozenset({"old"})))
        assert given(plan) == {("known", "r"): 1}
        assert plan.tiers.spread == 20 + 1  # the new provider left out, one allocation

    def test_a_new_provider_goes_first_at_equal_distance(self) -> None:
        offers = [offer("known", amount=5, org="old"), offer("new", amount=5, org="new")]
        plan = solve(problem(offers, [req("r", quantity=1)], known=frozenset({"old"})))
        assert given(plan) == {("new", "r"): 1}
        assert plan.allocations[0].new_provider

    def test_load_is_spread_over_offers(self) -> None:
        offers = [offer("a", amount=5), offer("b", amount=5)]
        plan = solve(problem(offers, [req("r1"), req("r2"), req("r3")],
                             known=frozenset({"org-a"})))
        assert sorted(o for o, _ in given(plan)) in (["a", "a", "b"], ["a", "b", "b"])
        assert plan.tiers.spread == 1 + 2 + 1  # not 1 + 2 + 3 on one offer

    def test_shortfall_is_normalised_per_requirement(self) -> None:
        # 10 元 short of 10 000 weighs far less than 10 short of 10.
        plan = solve(problem([offer("f", K.FUNDS, 10_000)],
                             [req("big", K.FUNDS, 10_000), req("small", K.FUNDS, 10)]))
        assert given(plan) == {("f", "big"): 9_990, ("f", "small"): 10}
        assert plan.tiers.other_shortfall == plan.shortfall_scale // 1000  # 1 ‰ of one need

    def test_every_missing_unit_counts_even_for_big_requirements(self) -> None:
        # A per-mille step of 100 000 is 100: one 元 more must still be worth a far offer.
        offers = [offer("near", K.FUNDS, 99_999, grid="near"),
                  offer("far", K.FUNDS, 1, grid="far", org="org-b")]
        plan = solve(problem(offers, [req("r", K.FUNDS, 100_000, grid="near")], positions=FAR))
        assert plan.unmet == ()

    def test_vulnerable_counts_as_priority(self) -> None:
        plan = solve(problem([offer("o", amount=1)],
                             [req("a", quantity=1), req("v", quantity=1, vulnerable=True)]))
        assert given(plan) == {("o", "v"): 1}


class TestSolve:
    def test_empty_problem(self) -> None:
        plan = solve(problem([], []))
        assert plan.status is SolveStatus.OPTIMAL
        assert (plan.objective, plan.allocations, plan.unmet) == (0, (), ())

    def test_impossible_case_is_a_plan_with_gaps(self) -> None:
        plan = solve(problem([], [req("r", K.VENUE, 10, urgent=True)]))
        assert plan.status is SolveStatus.OPTIMAL
        assert plan.tiers.priority_shortfall == plan.shortfall_scale == 1000
        assert plan.stages == 3

    @pytest.mark.parametrize(("workers", "n"), [(1, 10), (2, 4)])
    def test_deterministic_for_a_seed_and_worker_count(self, workers: int, n: int) -> None:
        offers = [offer(f"o{i}", amount=3, org=f"org{i % 3}", grid=f"g{i % 4}") for i in range(n)]
        offers += [offer(f"v{i}", K.VENUE, 30, grid=f"g{i}") for i in range(3)]
        reqs = [req(f"r{i}", quantity=2 + i % 3, grid=f"g{i % 4}", time=(i * 10, i * 10 + 50))
                for i in range(n)]
        reqs += [req(f"s{i}", K.VENUE, 20, time=(i * 40, i * 40 + 60)) for i in range(n // 2)]
        params = ResourceParams(time_limit_s=5.0, workers=workers, seed=7)
        p = problem(offers, reqs, params=params, positions={"g0": (0, 0), "g1": (2, 1)})
        first, second = match_resources(p), match_resources(p)
        assert first.status is SolveStatus.OPTIMAL
        assert msgspec.structs.replace(first, seconds=0) == msgspec.structs.replace(
            second, seconds=0)

    def test_tier_by_tier_when_weights_pass_two_to_the_53(self) -> None:
        offers = [offer(f"f{i}", K.FUNDS, 60_000_000, org=f"org{i}", grid=f"g{i}")
                  for i in range(6)]
        reqs = [req(f"r{i}", K.FUNDS, 100_000_000 - i, grid=f"g{i}", urgent=i < 2)
                for i in range(6)]
        p = problem(offers, reqs, positions={f"g{i}": (i, 0) for i in range(6)})
        assert stages(derive_scale(p, eligible_pairs(p))) == [(0,), (1,), (2,), (3,)]
        plan = solve(p)
        assert plan.stages == 4
        assert plan.status is SolveStatus.OPTIMAL
        assert plan.tiers.priority_shortfall == 0  # both urgent ones are met in full

    def test_warns_about_already_overlapping_bookings(self) -> None:
        plan = solve(problem([offer("v", K.VENUE, 10, bookings=((0, 100), (50, 60)))], []))
        assert plan.warnings == ("venue v: existing bookings already overlap",)

    @pytest.mark.parametrize(
        "bad",
        [
            problem([offer("o"), offer("o")], []),
            problem([], [req("r", quantity=0)]),
            problem([], [req("r", time=(5, 5))]),
            problem([offer("o", window=(10, 10))], []),
            problem([], [], params=ResourceParams(workers=0)),
        ],
    )
    def test_malformed_input_is_an_error(self, bad: ResourceProblem) -> None:
        with pytest.raises(ValueError, match=r"duplicate|empty|workers"):
            match_resources(bad)
