"""Fill places a greedy repair left short by moving a busy volunteer (one-step swaps).

A person who could fill a short shift may be held by another shift of theirs (an
overlap or the hour cap). Moving them is worth it when the shift they leave keeps
its required headcount: it had a spare person, or someone free takes their place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wushe.matching.staffing.board import Board

__all__ = ["augment"]


def augment(board: Board, s: int, cheapest: list[list[int]]) -> None:
    """Fill shift s's missing required places with one-step swaps where possible."""
    instance, pairs = board.instance, board.pairs
    shift = instance.shifts[s]
    if board.people(s) + 1 < instance.minimum(shift):
        return
    for p in cheapest[s]:
        if board.people(s) >= shift.min_headcount:
            return
        if board.has(p):
            continue
        for q in sorted(board.by_volunteer.get(pairs.volunteer[p], ())):
            if not pairs.fixed[q] and _move(board, q, p, cheapest[pairs.shift[q]]):
                break


def _move(board: Board, q: int, p: int, refill: list[int]) -> bool:
    """Swap pair q for pair p (same volunteer) if q's shift keeps its coverage."""
    instance, pairs = board.instance, board.pairs
    left = instance.shifts[pairs.shift[q]]
    board.remove(q)
    if not board.fits(p):
        board.add(q)
        return False
    board.add(p)
    people = board.people(pairs.shift[q])
    if people >= left.min_headcount and (people == 0 or people >= instance.minimum(left)):
        return True
    for r in refill:
        if r != q and not board.has(r) and board.fits(r):
            board.add(r)
            return True
    board.remove(p)
    board.add(q)
    return False
