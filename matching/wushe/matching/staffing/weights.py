"""Tier weights derived from the instance, and the stages of a lexicographic solve.

Each tier's weight is one more than the largest possible total of the tiers
below it, so one unit of a tier outweighs any change below. The bounds are
tight but safe upper bounds of each tier over all valid plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wushe.matching.staffing.candidates import Ints
    from wushe.matching.staffing.capacity import Capacities
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.evaluate import Organisation
    from wushe.matching.staffing.instance import Instance

__all__ = ["SAFE_LIMIT", "Weights", "stage_weights", "weights_for"]

SAFE_LIMIT = 2**53  # CP-SAT's safe range for the weighted objective
TIERS = 5


@dataclass(frozen=True, slots=True)
class Weights:
    """Upper bounds per tier, the weights, and how tiers group into solve stages."""

    bounds: tuple[int, ...]  # tier 1 … tier 5
    weights: tuple[int, ...]  # per tier (0 for tiers outside a single-stage solve)
    stages: tuple[tuple[int, ...], ...]  # tier positions (0-based) per stage

    @property
    def lexicographic(self) -> bool:
        return len(self.stages) > 1

    def total(self, tiers: tuple[int, ...]) -> int:
        return sum(w * t for w, t in zip(self.weights, tiers, strict=True))


def stage_weights(bounds: tuple[int, ...], stage: tuple[int, ...]) -> dict[int, int]:
    """Weights of the tiers of one stage: the lowest weighs 1, each above 1 + all below."""
    weights: dict[int, int] = {}
    below = 0
    for tier in sorted(stage, reverse=True):
        weights[tier] = below + 1
        below += bounds[tier] * weights[tier]
    return weights


def _reach(bounds: tuple[int, ...], stage: tuple[int, ...]) -> int:
    weights = stage_weights(bounds, stage)
    return sum(bounds[t] * w for t, w in weights.items())


def _stages(bounds: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Group tiers top-down into stages whose weighted total stays in the safe range."""
    stages: list[tuple[int, ...]] = []
    current: tuple[int, ...] = ()
    for tier in range(TIERS):
        if current and _reach(bounds, (*current, tier)) >= SAFE_LIMIT:
            stages.append(current)
            current = ()
        current = (*current, tier)
    stages.append(current)
    return tuple(stages)


def weights_for(instance: Instance, pairs: Pairs, capacity: Capacities,
                organisations: list[Organisation]) -> Weights:
    bounds = (
        sum(s.min_headcount for s in instance.shifts if s.priority),
        sum(s.min_headcount for s in instance.shifts if not s.priority),
        len(instance.problem.previous - instance.problem.fixed),
        _quality_bound(instance, pairs, capacity),
        _fairness_bound(instance, pairs, capacity, organisations),
    )
    stages = _stages(bounds)
    weights = [0] * TIERS
    if len(stages) == 1:
        for tier, weight in stage_weights(bounds, stages[0]).items():
            weights[tier] = weight
    return Weights(bounds, tuple(weights), stages)


def _top_sum(group: Ints, value: Ints, keep: Ints) -> int:
    """Σ over groups of the ``keep[group]`` largest values of the group."""
    if not len(group):
        return 0
    order = np.lexsort((-value, group))
    group, value = group[order], value[order]
    counts = np.bincount(group, minlength=len(keep))
    rank = np.arange(len(group)) - np.repeat(np.cumsum(counts) - counts, counts)
    return int(value[rank < keep[group]].sum())


def _rooms(instance: Instance, pairs: Pairs) -> Ints:
    """Most people each shift can hold (fixed ones may exceed the headcount)."""
    fixed = np.bincount(pairs.array.shift[pairs.array.fixed], minlength=len(instance.shifts))
    heads = np.array([s.max_headcount for s in instance.shifts], dtype=np.int64)
    return np.maximum(heads, fixed.astype(np.int64))


def _quality_bound(instance: Instance, pairs: Pairs, capacity: Capacities) -> int:
    columns = pairs.array
    by_shift = _top_sum(columns.shift, columns.cost, _rooms(instance, pairs))
    most = np.array(capacity.fixed, dtype=np.int64) + np.array(capacity.most, dtype=np.int64)
    by_volunteer = _top_sum(columns.volunteer, columns.cost, most)
    seen = columns.resident >= 0
    faces = len(np.unique(columns.volunteer[seen] * max(1, len(pairs.residents))
                          + columns.resident[seen]))
    faces = min(faces, int(_rooms(instance, pairs).sum()))
    adoption = sum(
        max((instance.adoption_distance(project, t) for t in teams), default=0)
        for project, teams in instance.candidate_teams.items()
    )
    return min(by_shift, by_volunteer) + instance.params.new_face_cost * faces + adoption


def _fairness_bound(instance: Instance, pairs: Pairs, capacity: Capacities,
                    organisations: list[Organisation]) -> int:
    most = np.array(capacity.fixed, dtype=np.int64) + np.array(capacity.most, dtype=np.int64)
    most[np.bincount(pairs.array.volunteer, minlength=len(most)) == 0] = 0
    steps = np.array([instance.year_steps(v) for v in instance.volunteers], dtype=np.int64)
    k = np.arange(int(most.sum())) - np.repeat(np.cumsum(most) - most, most) + 1
    marginals = np.sort(k + np.repeat(steps, most))[::-1]
    load = int(marginals[:int(_rooms(instance, pairs).sum())].sum())
    adoptable: dict[int, int] = {}
    for candidates in instance.candidate_teams.values():
        for t in candidates:
            adoptable[t] = adoptable.get(t, 0) + 1
    teams = sum(instance.team_load_cost(instance.teams[t], n) for t, n in adoptable.items())
    return load + teams + instance.params.organisation_cost * len(organisations)
