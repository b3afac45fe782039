"""The needs list (需求清单): every resident request and where it stands.

Filters the coordinator needs are columns with indexes: status, category, grid,
urgency, priority (urgent or vulnerable), source, handler; the overdue flag and
working days left depend on "now" and are computed when queried, from
``deadline``/``answer_due``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from wushe.projections.masking import mask_name, mask_phone
from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, integer_columns, text_columns

if TYPE_CHECKING:
    from wushe.projections.writer import ViewWriter

__all__ = ["NEEDS", "NO_DUE", "NeedsList"]

NEEDS = Table(
    name="needs",
    columns=(
        *text_columns("need_id", "community_id", "grid", "source", "category", "title",
                      "urgency", "vulnerable_groups", "status", "handler", "resident",
                      "resident_phone", "received_at", "accepted_at", "deadline", "closed_at",
                      "replied_at", "answer_due", "due_key", "updated_at"),
        *integer_columns("priority", "extensions", "closed_overdue", "answer_late", "score",
                         "version"),
    ),
    key=("need_id",),
    indexes=(("community_id", "status", "received_at"), ("community_id", "category"),
             ("community_id", "grid"), ("community_id", "received_at", "need_id"),
             ("community_id", "due_key", "received_at", "need_id")),
)
# ``due_key``: the time limit running now (the handling deadline, or the answer due
# on an objection), or NO_DUE; stored so "soonest deadline first" is an index scan.
NO_DUE = "9999-12-31T23:59:59.999999Z"
_RUNNING_DEADLINE = frozenset({"in_handling", "extended"})
_URGENT = frozenset({"urgent", "emergency"})


class NeedsList(Projection):
    """Maintains the ``needs`` table."""

    name: ClassVar[str] = "needs"
    tables: ClassVar[tuple[Table, ...]] = (NEEDS,)

    @handles("wushe.need.received")
    def received(self, event: Any, view: ViewWriter) -> None:
        view.put("needs", {
            "need_id": event.originator_id, "community_id": event.community_id,
            "grid": event.grid, "source": event.source, "category": event.category,
            "title": event.title, "urgency": event.urgency,
            "vulnerable_groups": event.vulnerable_groups,
            "priority": event.urgency in _URGENT or bool(event.vulnerable_groups),
            "status": "received", "resident": mask_name(event.resident_name),
            "resident_phone": mask_phone(event.resident_phone),
            "received_at": event.received_at, "extensions": 0, "closed_overdue": 0,
            "answer_late": 0, "due_key": NO_DUE, "updated_at": event.received_at, "version": 1,
        })

    @handles("wushe.need.accepted")
    def accepted(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="accepted", accepted_at=event.at)

    @handles("wushe.need.returned")
    def returned(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="returned")

    @handles("wushe.need.resubmitted")
    def resubmitted(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="received")

    @handles("wushe.need.referred")
    def referred(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="referred", handler=event.to_post)

    @handles("wushe.need.refused")
    def refused(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="refused", deadline=None)

    @handles("wushe.need.handling_started")
    def handling_started(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="in_handling", handler=event.handler,
                deadline=event.deadline)

    @handles("wushe.need.extended")
    def extended(self, event: Any, view: ViewWriter) -> None:
        row = view.require("needs", event.originator_id)
        _update(view, event, status="extended", deadline=event.deadline,
                extensions=int(row["extensions"] or 0) + 1)

    @handles("wushe.need.reassigned")
    def reassigned(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, handler=event.handler, at=None)

    @handles("wushe.need.progress_recorded")
    def progress_recorded(self, event: Any, view: ViewWriter) -> None:
        _update(view, event)

    @handles("wushe.need.closed")
    def closed(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="closed", closed_at=event.at, closed_overdue=event.overdue)

    @handles("wushe.need.replied")
    def replied(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="replied", replied_at=event.at)

    @handles("wushe.need.objected")
    def objected(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="objected", answer_due=event.answer_due)

    @handles("wushe.need.objection_answered")
    def objection_answered(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="answered", answer_late=event.late)

    @handles("wushe.need.evaluated")
    def evaluated(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, status="evaluated", score=event.score)

    @handles("wushe.need.forgotten")
    def forgotten(self, event: Any, view: ViewWriter) -> None:
        _update(view, event, resident=None, resident_phone=None, at=None)


_KEEP = object()


def _update(view: ViewWriter, event: Any, *, at: Any = _KEEP, **changes: Any) -> None:
    row = view.require("needs", event.originator_id)
    row.update(changes)
    moment = getattr(event, "at", None) if at is _KEEP else at
    row["updated_at"] = moment if moment is not None else row["updated_at"]
    row["version"] = event.originator_version
    row["due_key"] = _due_key(row)
    view.put("needs", row)


def _due_key(row: dict[str, Any]) -> Any:
    if row["status"] in _RUNNING_DEADLINE and row["deadline"] is not None:
        return row["deadline"]
    if row["status"] == "objected" and row["answer_due"] is not None:
        return row["answer_due"]
    return NO_DUE
