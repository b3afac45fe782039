"""The resource list (资源清单): what each party offers, what is left, and where it went.

``offers`` mirrors each ResourceOffer's books exactly as the aggregate keeps them:
a counted resource's ``allocated`` is what live allocations hold plus what
released ones used, ``remaining`` is ``quantity − allocated`` (0 once withdrawn),
and the status follows; a venue is shared in time, so its bookings allocate
nothing. ``allocations`` lists every allocation (a booking, for a venue) with its
target project or need. ``requests`` lists what projects and needs require of the
list (ResourceRequest) with ``allocated`` kept as the request keeps it and the
status (open, partly_allocated, met, withdrawn). ``organisations`` is the helper
that gives each offer its party kind (one of the five societies); it holds the
contact person only masked, and forgetting the contact blanks even that.

The coordinator filters on community, party kind, resource type, status,
availability window (overlapping a date range: ``window_start < range end`` and
``window_end > range start``) and ``remaining > 0``; each has an index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from wushe.projections.masking import mask_name, mask_phone
from wushe.projections.projection import Projection, handles
from wushe.projections.schema import Table, count, integer_columns, text_columns

if TYPE_CHECKING:
    from wushe.projections.writer import ViewWriter

__all__ = ["ALLOCATIONS", "OFFERS", "ORGANISATIONS", "REQUESTS", "ResourceList"]

ORGANISATIONS = Table(
    name="organisations",
    columns=(
        *text_columns("organisation_id", "community_id", "kind", "name", "registration",
                      "registration_no", "status", "contact", "contact_phone", "registered_at"),
        *integer_columns("version"),
    ),
    key=("organisation_id",),
    indexes=(("community_id", "kind"),),
)
OFFERS = Table(
    name="offers",
    columns=(
        *text_columns("offer_id", "community_id", "organisation_id", "party_kind",
                      "organisation_name", "resource_type", "title", "unit", "conditions",
                      "window_start", "window_end", "status", "offered_at", "withdrawn_at"),
        *integer_columns("quantity", "allocated", "used", "remaining", "live_allocations",
                         "version"),
    ),
    key=("offer_id",),
    indexes=(("community_id", "status"), ("community_id", "party_kind"),
             ("community_id", "resource_type"), ("community_id", "window_start"),
             ("community_id", "window_end"), ("community_id", "remaining"),
             ("organisation_id",)),
)
ALLOCATIONS = Table(
    name="allocations",
    columns=(
        *text_columns("offer_id", "allocation_id", "community_id", "resource_type",
                      "to_project", "to_need", "span_start", "span_end", "allocated_at"),
        *integer_columns("quantity", "used", "released", "returned"),
    ),
    key=("offer_id", "allocation_id"),
    indexes=(("to_project",), ("to_need",), ("community_id", "span_start")),
)
REQUESTS = Table(
    name="requests",
    columns=(
        *text_columns("request_id", "community_id", "owner_kind", "owner_id", "resource_type",
                      "unit", "span_start", "span_end", "grid", "status", "requested_at",
                      "withdrawn_at"),
        *integer_columns("quantity", "allocated", "urgent", "version"),
    ),
    key=("request_id",),
    indexes=(("community_id", "status", "span_start"), ("owner_id",)),
)
_VENUE = "venue"


class ResourceList(Projection):
    """Maintains the ``organisations``, ``offers``, ``allocations`` and ``requests`` tables."""

    name: ClassVar[str] = "resources"
    tables: ClassVar[tuple[Table, ...]] = (ORGANISATIONS, OFFERS, ALLOCATIONS, REQUESTS)

    # -- organisations ------------------------------------------------------

    @handles("wushe.organisation.registered")
    def registered(self, event: Any, view: ViewWriter) -> None:
        view.put("organisations", {
            "organisation_id": event.originator_id, "community_id": event.community_id,
            "kind": event.kind, "name": event.name, "registration": event.registration,
            "registration_no": event.registration_no, "status": "active",
            "contact": mask_name(event.contact_name),
            "contact_phone": mask_phone(event.contact_phone),
            "registered_at": event.registered_at, "version": event.originator_version,
        })

    @handles("wushe.organisation.registration_changed")
    def registration_changed(self, event: Any, view: ViewWriter) -> None:
        _organisation(view, event, registration=event.registration,
                      registration_no=event.registration_no)

    @handles("wushe.organisation.contact_updated")
    def contact_updated(self, event: Any, view: ViewWriter) -> None:
        _organisation(view, event, contact=mask_name(event.contact_name),
                      contact_phone=mask_phone(event.contact_phone))

    @handles("wushe.organisation.contact_forgotten")
    def contact_forgotten(self, event: Any, view: ViewWriter) -> None:
        _organisation(view, event, contact=None, contact_phone=None)

    @handles("wushe.organisation.deactivated")
    def deactivated(self, event: Any, view: ViewWriter) -> None:
        _organisation(view, event, status="inactive")

    @handles("wushe.organisation.reactivated")
    def reactivated(self, event: Any, view: ViewWriter) -> None:
        _organisation(view, event, status="active")

    # -- offers -------------------------------------------------------------

    @handles("wushe.resource.offered")
    def offered(self, event: Any, view: ViewWriter) -> None:
        party = view.get("organisations", event.organisation_id) or {}
        view.put("offers", {
            "offer_id": event.originator_id, "community_id": event.community_id,
            "organisation_id": event.organisation_id, "party_kind": party.get("kind"),
            "organisation_name": party.get("name"), "resource_type": event.resource_type,
            "title": event.title, "unit": event.unit, "conditions": event.conditions,
            "window_start": event.window.start, "window_end": event.window.end,
            "status": "open", "offered_at": event.offered_at, "quantity": event.quantity,
            "allocated": 0, "used": 0, "remaining": event.quantity, "live_allocations": 0,
            "version": event.originator_version,
        })

    @handles("wushe.resource.allocated")
    def allocated(self, event: Any, view: ViewWriter) -> None:
        offer = _offer(view, event)
        allocation = event.allocation
        span = allocation.span
        view.put("allocations", {
            "offer_id": event.originator_id, "allocation_id": allocation.allocation_id,
            "community_id": offer["community_id"], "resource_type": offer["resource_type"],
            "to_project": allocation.to_project, "to_need": allocation.to_need,
            "span_start": None if span is None else span.start,
            "span_end": None if span is None else span.end,
            "allocated_at": allocation.allocated_at, "quantity": allocation.quantity,
            "used": allocation.used, "released": allocation.released, "returned": 0,
        })
        held = 0 if offer["resource_type"] == _VENUE else allocation.quantity
        _settle(view, event, offer, allocated=count(offer, "allocated") + held,
                used=count(offer, "used") + allocation.used,
                live_allocations=count(offer, "live_allocations") + 1)

    @handles("wushe.resource.use_recorded")
    def use_recorded(self, event: Any, view: ViewWriter) -> None:
        allocation = _allocation(view, event)
        allocation["used"] = count(allocation, "used") + event.used_quantity
        view.put("allocations", allocation)
        offer = _offer(view, event)
        _settle(view, event, offer, used=count(offer, "used") + event.used_quantity)

    @handles("wushe.resource.released")
    def released(self, event: Any, view: ViewWriter) -> None:
        allocation = _allocation(view, event)
        allocation.update(released=True, returned=event.returned)
        view.put("allocations", allocation)
        offer = _offer(view, event)
        given_back = 0 if offer["resource_type"] == _VENUE else event.returned
        _settle(view, event, offer, allocated=count(offer, "allocated") - given_back,
                live_allocations=count(offer, "live_allocations") - 1)

    @handles("wushe.resource.withdrawn")
    def withdrawn(self, event: Any, view: ViewWriter) -> None:
        offer = _offer(view, event)
        _settle(view, event, offer, status="withdrawn", withdrawn_at=event.at)

    # -- requests -----------------------------------------------------------

    @handles("wushe.resource_request.requested")
    def requested(self, event: Any, view: ViewWriter) -> None:
        project = event.project_id
        view.put("requests", {
            "request_id": event.originator_id, "community_id": event.community_id,
            "owner_kind": "need" if project is None else "project",
            "owner_id": event.need_id if project is None else project,
            "resource_type": event.resource_type, "unit": event.unit,
            "span_start": event.span.start, "span_end": event.span.end, "grid": event.grid,
            "status": "open", "requested_at": event.requested_at, "withdrawn_at": None,
            "quantity": event.quantity, "allocated": 0, "urgent": event.urgent,
            "version": event.originator_version,
        })

    @handles("wushe.resource_request.allocation_recorded")
    def allocation_recorded(self, event: Any, view: ViewWriter) -> None:
        request = view.require("requests", event.originator_id)
        allocated = count(request, "allocated") + event.allocation.quantity
        met = allocated == count(request, "quantity")
        request.update(allocated=allocated, status="met" if met else "partly_allocated",
                       version=event.originator_version)
        view.put("requests", request)

    @handles("wushe.resource_request.withdrawn")
    def request_withdrawn(self, event: Any, view: ViewWriter) -> None:
        request = view.require("requests", event.originator_id)
        request.update(status="withdrawn", withdrawn_at=event.at,
                       version=event.originator_version)
        view.put("requests", request)


def _organisation(view: ViewWriter, event: Any, **changes: Any) -> None:
    row = view.require("organisations", event.originator_id)
    row.update(changes, version=event.originator_version)
    view.put("organisations", row)


def _offer(view: ViewWriter, event: Any) -> dict[str, Any]:
    return view.require("offers", event.originator_id)


def _allocation(view: ViewWriter, event: Any) -> dict[str, Any]:
    return view.require("allocations", event.originator_id, event.allocation_id)


def _settle(view: ViewWriter, event: Any, offer: dict[str, Any], **changes: Any) -> None:
    """Apply ``changes`` and derive remaining and status as ResourceOffer does."""
    offer.update(changes, version=event.originator_version)
    if offer["status"] == "withdrawn":
        offer["remaining"] = 0
    else:
        offer["remaining"] = count(offer, "quantity") - count(offer, "allocated")
        offer["status"] = "open" if offer["remaining"] > 0 else "exhausted"
    view.put("offers", offer)
