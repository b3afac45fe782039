"""What each volunteer can still take: time blocks of their free pairs and a count cap.

Computed for every volunteer at once (numpy). A block is a set of a volunteer's
pairs whose shifts share a point once the travel gap is added (greedy stabbing,
a minimum clique cover), so at most one of them is in any valid plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wushe.matching.staffing.candidates import Ints
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.instance import Instance

__all__ = ["Capacities", "capacities"]


@dataclass(frozen=True, slots=True)
class Capacities:
    """Per volunteer: fixed shifts and the most non-fixed ones; per pair: its block."""

    fixed: list[int]  # number of fixed shifts
    most: list[int]  # most non-fixed shifts they can take: implied by rule 3 and the hour cap
    block: Ints  # per pair: its block (-1 for fixed pairs); a block's shifts pairwise conflict
    blocks: int  # number of blocks


def capacities(instance: Instance, pairs: Pairs) -> Capacities:
    columns = pairs.array
    people = len(instance.volunteers)
    shifts = instance.shifts
    start = np.array([s.start for s in shifts], dtype=np.int64)
    minutes = np.array([s.minutes for s in shifts], dtype=np.int64)
    free = np.flatnonzero(~columns.fixed)
    owner = columns.volunteer[free]
    gap = instance.params.travel_gap_minutes
    block, count = _stabbing(owner, start[columns.shift[free]],
                             start[columns.shift[free]] + minutes[columns.shift[free]] + gap)
    blocks = np.full(len(pairs), -1, dtype=np.int64)
    blocks[free] = block
    held = np.bincount(columns.volunteer[columns.fixed], minlength=people)
    used = np.bincount(columns.volunteer[columns.fixed],
                       weights=minutes[columns.shift[columns.fixed]], minlength=people)
    room = np.array([v.cap_minutes for v in instance.volunteers], dtype=np.int64) - \
        used.astype(np.int64)
    fitting = _count_cap(owner, minutes[columns.shift[free]], room)
    firsts = np.unique(block, return_index=True)[1]
    stabs = np.bincount(owner[firsts], minlength=people).astype(np.int64)
    most = np.minimum(fitting, stabs)
    return Capacities(held.tolist(), most.tolist(), blocks, count)


def _stabbing(owner: Ints, start: Ints, end: Ints) -> tuple[Ints, int]:
    """Per span, its block: every owner's greedy stabbing, all owners at once.

    Each round takes, per owner, the unassigned span ending first, stabs at its last
    minute and assigns every unassigned span of that owner starting by then.
    """
    order = np.lexsort((end, owner))
    who, low, high = owner[order], start[order], end[order]
    block = np.full(len(order), -1, dtype=np.int64)
    point = np.zeros(int(owner.max()) + 1 if len(owner) else 0, dtype=np.int64)
    label = np.zeros_like(point)
    count = 0
    open_ = np.arange(len(order))
    while len(open_):
        first = open_[np.r_[True, who[open_][1:] != who[open_][:-1]]]
        point[who[first]] = high[first] - 1
        label[who[first]] = np.arange(count, count + len(first))
        count += len(first)
        hit = low[open_] <= point[who[open_]]
        block[open_[hit]] = label[who[open_[hit]]]
        open_ = open_[~hit]
    stabbed = np.empty_like(block)
    stabbed[order] = block
    return stabbed, count


def _count_cap(owner: Ints, minutes: Ints, room: Ints) -> Ints:
    """Per volunteer, the most of their shifts that fit in their room: shortest first."""
    people = len(room)
    if not len(owner):
        return np.zeros(people, dtype=np.int64)
    order = np.lexsort((minutes, owner))
    who, length = owner[order], minutes[order]
    total = np.cumsum(length)
    counts = np.bincount(who, minlength=people)
    before = np.repeat(_group_base(total, length, counts), counts)
    fits = (total - before) <= room[who]
    return np.bincount(who[fits], minlength=people).astype(np.int64)


def _group_base(total: Ints, length: Ints, counts: Ints) -> Ints:
    """The running total just before each non-empty group (0 for empty ones)."""
    firsts = np.cumsum(counts) - counts
    base = np.zeros(len(counts), dtype=np.int64)
    present = counts > 0
    base[present] = total[firsts[present]] - length[firsts[present]]
    return base
