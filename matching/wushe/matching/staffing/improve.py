"""Improve a valid plan's lower tiers (changes, quality, fairness) with coverage held.

Three local moves, each exact in the tiers below coverage and never taking a
shift below its required people:

- **replace**: the person on a shift gives way to another eligible person who is
  free then (no overlap, hour room left, in the adopted team on a team-only
  shift): the shift keeps its headcount, so coverage, headcounts, the two-person
  rule and team slots all hold;
- **drop**: a person beyond a shift's required headcount leaves, when the shift
  keeps its staffed minimum;
- **chain**: the person on a shift gives way to someone held by one other shift
  (an overlapping one, or their hours), whose place there goes to a free person
  (or stays empty when that shift keeps its required people and staffed minimum).
  This mends most of what the repair loses where the flow, blind to overlaps
  across its time blocks, put one person on two clashing shifts.

A move is taken when it lowers (changes, quality, fairness) lexicographically
(tracked exactly as the plan changes); passes repeat until none is left or the
pass limit is reached. Deterministic: pairs are visited in index order and
candidates in (cost, index) order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wushe.matching.staffing.evaluate import Selection
from wushe.matching.staffing.instance import conflict

if TYPE_CHECKING:
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Organisation
    from wushe.matching.staffing.instance import Instance

__all__ = ["improve"]

PASSES = 3
Delta = tuple[int, int, int]  # changes, quality, fairness
NONE: Delta = (0, 0, 0)


@dataclass(slots=True)
class _Plan:
    """A plan with the counts its move deltas read."""

    instance: Instance
    pairs: Pairs
    selection: Selection
    organisations: list[Organisation]
    held: dict[int, set[int]] = field(default_factory=dict)  # volunteer → their plan pairs
    people: list[int] = field(default_factory=list)  # per shift
    minutes: list[int] = field(default_factory=list)  # per volunteer
    faces: dict[tuple[int, int], int] = field(default_factory=dict)
    orgs_of: dict[int, list[int]] = field(default_factory=dict)  # volunteer → organisations
    serving: list[int] = field(default_factory=list)  # per organisation: members + teams
    members: dict[str, frozenset[str]] = field(default_factory=dict)  # project → team ids
    value: list[int] = field(default_factory=lambda: [0, 0, 0])  # lower tiers, up to a constant

    def __post_init__(self) -> None:
        instance = self.instance
        self.people = [0] * len(instance.shifts)
        self.minutes = [0] * len(instance.volunteers)
        self.serving = [0] * len(self.organisations)
        for o, org in enumerate(self.organisations):
            for v in org.volunteers:
                self.orgs_of.setdefault(v, []).append(o)
            self.serving[o] += sum(1 for t in self.selection.teams.values() if t in org.teams)
        for project, team in self.selection.teams.items():
            self.members[project] = frozenset(instance.teams[team].members)
        for p in sorted(self.selection.pairs):
            self._count(p, 1)
        self.value = [0, 0, 0]

    def _count(self, p: int, sign: int) -> None:
        """Add (sign 1) or take out (-1) a pair, keeping ``value`` exact."""
        pairs, instance = self.pairs, self.instance
        v, s = pairs.volunteer[p], pairs.shift[p]
        own = self.held.setdefault(v, set())
        params, steps = instance.params, instance.year_steps(instance.volunteers[v])
        n = len(own)
        self.value[0] -= sign * int(pairs.previous[p])
        self.value[1] += sign * pairs.cost[p]
        self.value[2] += n + 1 + steps if sign > 0 else -(n + steps)
        if n == (0 if sign > 0 else 1):
            for o in self.orgs_of.get(v, ()):
                self.serving[o] += sign
                if self.serving[o] == (1 if sign > 0 else 0):
                    self.value[2] -= sign * params.organisation_cost
        if sign > 0:
            own.add(p)
        else:
            own.discard(p)
        self.people[s] += sign
        self.minutes[v] += sign * instance.shifts[s].minutes
        if pairs.resident[p] >= 0:
            key = (v, pairs.resident[p])
            self.faces[key] = self.faces.get(key, 0) + sign
            if self.faces[key] == (1 if sign > 0 else 0):
                self.value[1] += sign * params.new_face_cost

    def add(self, p: int) -> None:
        self.selection.pairs.add(p)
        self._count(p, 1)

    def remove(self, p: int) -> None:
        self.selection.pairs.discard(p)
        self._count(p, -1)

    def total(self) -> Delta:
        return self.value[0], self.value[1], self.value[2]

    def move(self, out: int, into: int | None) -> None:
        self.selection.pairs.discard(out)
        self._count(out, -1)
        if into is not None:
            self.selection.pairs.add(into)
            self._count(into, 1)

    def free(self, q: int) -> bool:
        """Whether the pair's volunteer may take its shift as the plan stands."""
        instance, pairs = self.instance, self.pairs
        v, shift = pairs.volunteer[q], instance.shifts[pairs.shift[q]]
        if q in self.selection.pairs:
            return False
        if self.minutes[v] + shift.minutes > instance.volunteers[v].cap_minutes:
            return False
        if shift.team_only:
            team = self.members.get(shift.project_id)
            if team is None or instance.volunteers[v].id not in team:
                return False
        gap = instance.params.travel_gap_minutes
        return not any(conflict(gap, shift, instance.shifts[pairs.shift[p]])
                       for p in self.held.get(v, ()))

    def leaving(self, p: int) -> Delta:
        """What taking the pair out of the plan changes."""
        pairs, instance = self.pairs, self.instance
        v = pairs.volunteer[p]
        quality = -pairs.cost[p]
        if pairs.resident[p] >= 0 and self.faces[v, pairs.resident[p]] == 1:
            quality -= instance.params.new_face_cost
        n = len(self.held[v])
        volunteer = instance.volunteers[v]
        fairness = instance.load_cost(volunteer, n - 1) - instance.load_cost(volunteer, n)
        if n == 1:
            cost = instance.params.organisation_cost
            fairness += cost * sum(1 for o in self.orgs_of.get(v, ()) if self.serving[o] == 1)
        return int(pairs.previous[p]), quality, fairness

    def joining(self, q: int, leaving: int) -> Delta:
        """What adding the pair changes once ``leaving`` (another person's) is out."""
        pairs, instance = self.pairs, self.instance
        v, u = pairs.volunteer[q], pairs.volunteer[leaving]
        quality = pairs.cost[q]
        if pairs.resident[q] >= 0 and not self.faces.get((v, pairs.resident[q]), 0):
            quality += instance.params.new_face_cost
        n = len(self.held.get(v, ()))
        volunteer = instance.volunteers[v]
        fairness = instance.load_cost(volunteer, n + 1) - instance.load_cost(volunteer, n)
        if n == 0:
            gone = set(self.orgs_of.get(u, ())) if len(self.held[u]) == 1 else set()
            fairness -= instance.params.organisation_cost * sum(
                1 for o in self.orgs_of.get(v, ())
                if self.serving[o] == (1 if o in gone else 0))
        return -int(pairs.previous[q]), quality, fairness


def improve(instance: Instance, pairs: Pairs, selection: Selection,
            organisations: list[Organisation], passes: int = PASSES) -> Selection:
    """A plan at least as good as ``selection`` in every tier order, coverage unchanged.

    Args:
        instance: the indexed problem.
        pairs: its usable pairs.
        selection: a valid plan (left as it is).
        organisations: the organisations counted by tier 5.
        passes: the most passes over the plan's pairs.

    Returns:
        The improved copy.
    """
    plan = _Plan(instance, pairs, Selection(set(selection.pairs), dict(selection.teams)),
                 organisations)
    ranked = [sorted(own, key=lambda q: (pairs.cost[q], q)) for own in pairs.by_shift]
    kept = [[q for q in own if pairs.previous[q]] for own in ranked]
    for _ in range(passes):
        moved = False
        for p in sorted(plan.selection.pairs):
            if p in plan.selection.pairs and not pairs.fixed[p]:
                moved |= _best_move(plan, p, ranked[pairs.shift[p]], kept[pairs.shift[p]])
        for p in sorted(plan.selection.pairs):
            if p in plan.selection.pairs and not pairs.fixed[p]:
                moved |= _best_chain(plan, p, ranked)
        if not moved:
            break
    return plan.selection


def _best_move(plan: _Plan, p: int, ranked: list[int], kept: list[int]) -> bool:
    """Take the best improving move of the pair's person, if any."""
    pairs, instance = plan.pairs, plan.instance
    out = plan.leaving(p)
    best, into = NONE, None
    shift = instance.shifts[pairs.shift[p]]
    if plan.people[pairs.shift[p]] > max(shift.min_headcount, instance.minimum(shift)):
        best = min(NONE, out)
    saving = pairs.cost[p] + instance.params.new_face_cost
    for candidates, stop in ((kept, False), (ranked, True)):
        for q in candidates:
            if stop and pairs.cost[q] > saving:
                break
            if plan.free(q):
                delta = _sum(out, plan.joining(q, p))
                if delta < best:
                    best, into = delta, q
    if best >= NONE:
        return False
    plan.move(p, into)
    return True


def _sum(a: Delta, b: Delta) -> Delta:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


Chain = tuple[int, int, int, int | None]  # out, blocker out, in, the blocker's replacement


def _best_chain(plan: _Plan, p: int, ranked: list[list[int]]) -> bool:
    """Take the best improving chain: the pair's place goes to someone held elsewhere
    (an overlapping shift, or hours), whose place there goes to a free person (or stays
    empty when that shift keeps its required people)."""
    pairs, face = plan.pairs, plan.instance.params.new_face_cost
    base, best, chosen = plan.total(), NONE, None
    for q in ranked[pairs.shift[p]]:
        if pairs.cost[q] > pairs.cost[p] + face:
            break
        for b in _blockers(plan, q):
            delta, chain = _try_chain(plan, (p, b, q), base, ranked[pairs.shift[b]])
            if chain is not None and delta < best:
                best, chosen = delta, chain
    if chosen is None:
        return False
    out, blocker, into, refill = chosen
    plan.remove(out)
    plan.remove(blocker)
    plan.add(into)
    if refill is not None:
        plan.add(refill)
    return True


def _blockers(plan: _Plan, q: int) -> list[int]:
    """The plan pairs of q's volunteer, one of which must go for q to fit."""
    pairs, instance = plan.pairs, plan.instance
    if q in plan.selection.pairs:
        return []
    shift, gap = instance.shifts[pairs.shift[q]], instance.params.travel_gap_minutes
    own = sorted(plan.held.get(pairs.volunteer[q], ()))
    clashing = [b for b in own if conflict(gap, shift, instance.shifts[pairs.shift[b]])]
    found = clashing or own
    return [b for b in found if not pairs.fixed[b]] if len(clashing) <= 1 else []


def _try_chain(plan: _Plan, legs: tuple[int, int, int], base: Delta,
               refills: list[int]) -> tuple[Delta, Chain | None]:
    """The best completion of out → (blocker out, in) and its delta from ``base``."""
    p, b, q = legs
    pairs, instance = plan.pairs, plan.instance
    if pairs.volunteer[p] == pairs.volunteer[q] or pairs.shift[b] == pairs.shift[p]:
        return NONE, None
    plan.remove(p)
    plan.remove(b)
    best: Delta = NONE
    chain: Chain | None = None
    if plan.free(q):
        plan.add(q)
        partial = _minus(plan.total(), base)
        shift = instance.shifts[pairs.shift[b]]
        keeps = plan.people[pairs.shift[b]] >= max(shift.min_headcount, instance.minimum(shift))
        if keeps and partial < best:
            best, chain = partial, (p, b, q, None)
        for r in refills:
            if partial[0] >= 0 and partial[1] + pairs.cost[r] > 0:
                break
            if r != b and plan.free(r):
                plan.add(r)
                delta = _minus(plan.total(), base)
                plan.remove(r)
                if delta < best:
                    best, chain = delta, (p, b, q, r)
        plan.remove(q)
    plan.add(b)
    plan.add(p)
    return best, chain


def _minus(a: Delta, b: Delta) -> Delta:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]
