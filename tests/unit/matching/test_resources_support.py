"""Builders, an independent checker of the hard rules and a brute-force optimum for resources.

The checker and the brute force share nothing with the solver's code: they read
the rules from docs/matching.md ("Resources") and the package docstring.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

import msgspec
import pytest

from wushe.matching.resources import (
    Allocation,
    Interval,
    Offer,
    OwnerKind,
    Requirement,
    ResourceKind,
    ResourceParams,
    ResourcePlan,
    ResourceProblem,
    match_resources,
)

K = ResourceKind
UNITS = {K.VENUE: "人", K.GOODS: "件", K.FUNDS: "元", K.PROFESSIONAL_SERVICE: "小时"}
FAST = ResourceParams(time_limit_s=5.0, workers=1)


def offer(
    oid: str,
    kind: ResourceKind = K.GOODS,
    amount: int = 10,
    *,
    org: str = "org-a",
    window: tuple[int, int] = (0, 10_000),
    grid: str = "g0",
    unit: str | None = None,
    bookings: tuple[tuple[int, int], ...] = (),
) -> Offer:
    """A counted offer with ``amount`` remaining, or a venue seating ``amount``."""
    counted = kind is not K.VENUE
    return Offer(
        id=oid, organisation=org, kind=kind, unit=unit or UNITS[kind], window=Interval(*window),
        grid=grid, remaining=amount if counted else 0, capacity=0 if counted else amount,
        bookings=tuple(Interval(s, e) for s, e in bookings),
    )


def req(
    rid: str,
    kind: ResourceKind = K.GOODS,
    quantity: int = 1,
    *,
    time: tuple[int, int] = (100, 200),
    grid: str = "g0",
    urgent: bool = False,
    vulnerable: bool = False,
    unit: str | None = None,
) -> Requirement:
    return Requirement(
        id=rid, owner_kind=OwnerKind.NEED if urgent else OwnerKind.PROJECT, owner_id=f"p-{rid}",
        kind=kind, unit=unit or UNITS[kind], quantity=quantity, start=time[0], end=time[1],
        grid=grid, urgent=urgent, vulnerable=vulnerable,
    )


def problem(
    offers: list[Offer],
    requirements: list[Requirement],
    *,
    positions: dict[str, tuple[int, int]] | None = None,
    known: frozenset[str] = frozenset(),
    params: ResourceParams = FAST,
) -> ResourceProblem:
    return ResourceProblem(
        offers=tuple(offers), requirements=tuple(requirements),
        grid_positions=positions if positions is not None else {},
        organisations_allocated_this_year=known, params=params,
    )


def solve(p: ResourceProblem) -> ResourcePlan:
    plan = match_resources(p)
    check_plan(p, plan)
    return plan


def given(plan: ResourcePlan) -> dict[tuple[str, str], int]:
    """(offer, requirement) → quantity."""
    return {(a.offer, a.requirement): a.quantity for a in plan.allocations}


# -- the independent checker ----------------------------------------------------


def _distance(p: ResourceProblem, a: str, b: str) -> int:
    if a == b:
        return 0
    if a not in p.grid_positions or b not in p.grid_positions:
        return min(p.params.unknown_distance, p.params.max_distance)
    (ax, ay), (bx, by) = p.grid_positions[a], p.grid_positions[b]
    return min(abs(ax - bx) + abs(ay - by), p.params.max_distance)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def rule_violations(p: ResourceProblem, allocations: list[tuple[str, str, int]]) -> list[str]:
    """Every hard rule a set of (offer, requirement, quantity) allocations breaks."""
    offers = {o.id: o for o in p.offers}
    reqs = {r.id: r for r in p.requirements}
    pairs = Counter((o, r) for o, r, _ in allocations)
    bad = [f"pair {k} twice" for k, n in pairs.items() if n > 1]
    for oid, rid, q in allocations:
        bad += _pair_violations(offers[oid], reqs[rid], q)
    per_offer: Counter[str] = Counter()
    per_req: Counter[str] = Counter()
    for oid, rid, q in allocations:
        per_offer[oid] += q
        per_req[rid] += q
    bad += [f"{oid}: over-allocated {n} > {offers[oid].remaining}" for oid, n in per_offer.items()
            if offers[oid].kind is not K.VENUE and n > offers[oid].remaining]
    bad += [f"{rid}: more than required" for rid, n in per_req.items() if n > reqs[rid].quantity]
    return bad + _booking_violations(offers, reqs, allocations)


def _pair_violations(o: Offer, r: Requirement, q: int) -> list[str]:
    bad = []
    if o.kind != r.kind or o.unit != r.unit:
        bad.append(f"{o.id}->{r.id}: kind/unit")
    if not (o.window.start <= r.start and r.end <= o.window.end):
        bad.append(f"{o.id}->{r.id}: outside window")
    if q < 1:
        bad.append(f"{o.id}->{r.id}: empty allocation")
    if o.kind is K.VENUE and (q != r.quantity or o.capacity < r.quantity):
        bad.append(f"{o.id}->{r.id}: venue partly or over capacity")
    return bad


def _booking_violations(
    offers: dict[str, Offer], reqs: dict[str, Requirement],
    allocations: list[tuple[str, str, int]],
) -> list[str]:
    venues_of: Counter[str] = Counter()
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for oid, rid, _ in allocations:
        if offers[oid].kind is K.VENUE:
            venues_of[rid] += 1
            spans[oid].append((reqs[rid].start, reqs[rid].end))
    bad = [f"{rid}: {n} venues" for rid, n in venues_of.items() if n > 1]
    for oid, new in spans.items():
        existing = [(b.start, b.end) for b in offers[oid].bookings]
        if any(_overlap(a, b) for a, b in itertools.combinations(new, 2)):
            bad.append(f"{oid}: new bookings overlap")
        if any(_overlap(a, b) for a in new for b in existing):
            bad.append(f"{oid}: overlaps an existing booking")
    return bad


def tiers_of(
    p: ResourceProblem, allocations: list[tuple[str, str, int]], scale: int
) -> tuple[int, int, int, int]:
    offers = {o.id: o for o in p.offers}
    reqs = {r.id: r for r in p.requirements}
    got: Counter[str] = Counter()
    load: Counter[str] = Counter()
    dist = 0
    for oid, rid, q in allocations:
        got[rid] += q
        load[oid] += 1
        dist += _distance(p, offers[oid].grid, reqs[rid].grid)
    short = [0, 0]
    for r in p.requirements:
        missing = r.quantity - got[r.id]
        if r.kind is K.VENUE:
            cost = scale if missing else 0
        else:
            cost = missing * round(scale / r.quantity + 1e-9)  # exact for these sizes
        short[0 if (r.urgent or r.vulnerable) else 1] += cost
    eligible_orgs = {o.organisation for o in p.offers for r in p.requirements if _fits(o, r)}
    served = {offers[oid].organisation for oid in load}
    left_out = eligible_orgs - served - p.organisations_allocated_this_year
    spread = p.params.first_allocation_cost * len(left_out) + p.params.offer_load_cost * sum(
        k * (k + 1) // 2 for k in load.values())
    return short[0], short[1], dist, spread


def _fits(o: Offer, r: Requirement) -> bool:
    if o.kind != r.kind or o.unit != r.unit:
        return False
    if not (o.window.start <= r.start and r.end <= o.window.end):
        return False
    if o.kind is not K.VENUE:
        return o.remaining > 0
    free = not any(_overlap((b.start, b.end), (r.start, r.end)) for b in o.bookings)
    return o.capacity >= r.quantity and free


def check_plan(p: ResourceProblem, plan: ResourcePlan) -> None:
    """Every hard rule holds, every requirement is met or listed short, the numbers add up."""
    triples = [(a.offer, a.requirement, a.quantity) for a in plan.allocations]
    assert rule_violations(p, triples) == []
    got: Counter[str] = Counter()
    for a in plan.allocations:
        got[a.requirement] += a.quantity
    unmet = {u.requirement: u.shortfall for u in plan.unmet}
    assert len(unmet) == len(plan.unmet)
    for r in p.requirements:
        if got[r.id] == r.quantity:
            assert r.id not in unmet
        else:
            assert unmet[r.id] == r.quantity - got[r.id] > 0
    largest = max([1, *(r.quantity for r in p.requirements if r.kind is not K.VENUE)])
    assert plan.shortfall_scale == p.params.shortfall_resolution * largest
    tiers = tiers_of(p, triples, plan.shortfall_scale)
    assert tiers == msgspec.structs.astuple(plan.tiers)
    assert plan.objective == sum(w * t for w, t in zip(plan.weights, tiers, strict=True))
    assert plan.weights[3] == 1 and plan.weights[0] >= plan.weights[1] >= plan.weights[2] >= 1
    assert 0 <= plan.bound <= plan.objective
    assert all(a.explanation and a.distance == _distance(
        p, _offer(p, a).grid, _req(p, a).grid) for a in plan.allocations)


def _offer(p: ResourceProblem, a: Allocation) -> Offer:
    return next(o for o in p.offers if o.id == a.offer)


def _req(p: ResourceProblem, a: Allocation) -> Requirement:
    return next(r for r in p.requirements if r.id == a.requirement)


# -- brute force --------------------------------------------------------------


def brute_force(p: ResourceProblem, weights: tuple[int, ...], scale: int) -> int | None:
    """The least weighted objective over every valid plan (None if too many to enumerate)."""
    pairs = [(o, r) for r in p.requirements for o in p.offers if _fits(o, r)]
    domains = [
        range(min(o.remaining, r.quantity) + 1) if o.kind is not K.VENUE else (0, r.quantity)
        for o, r in pairs
    ]
    size = 1
    for d in domains:
        size *= len(d)
    if size > 20_000:
        return None
    best: int | None = None
    for choice in itertools.product(*domains):
        triples = [(o.id, r.id, q) for (o, r), q in zip(pairs, choice, strict=True) if q]
        if rule_violations(p, triples):
            continue
        value = sum(w * t for w, t in zip(weights, tiers_of(p, triples, scale), strict=True))
        best = value if best is None else min(best, value)
    return best


# -- the checker is not vacuous ------------------------------------------------


class TestChecker:
    p = problem(
        [offer("o", amount=3), offer("v", K.VENUE, 10, bookings=((0, 100),))],
        [req("a", quantity=3), req("b", quantity=2), req("c", K.VENUE, 5, time=(50, 150)),
         req("d", K.VENUE, 5, time=(150, 250)), req("e", K.VENUE, 5, time=(200, 300))],
    )

    @pytest.mark.parametrize(
        ("triples", "needle"),
        [
            ([("o", "a", 3), ("o", "b", 1)], "over-allocated"),
            ([("v", "c", 5)], "existing booking"),
            ([("v", "d", 5), ("v", "e", 5)], "new bookings overlap"),
            ([("v", "d", 3)], "venue partly"),
            ([("o", "d", 1)], "kind/unit"),
        ],
    )
    def test_it_catches_a_broken_plan(self, triples: list[tuple[str, str, int]],
                                      needle: str) -> None:
        assert any(needle in v for v in rule_violations(self.p, triples))

    def test_it_accepts_a_valid_plan(self) -> None:
        assert rule_violations(self.p, [("o", "a", 2), ("o", "b", 1), ("v", "d", 5)]) == []
