"""The resource matcher's input for one community's week, read from the views.

Requirements are the open and partly allocated requests (resource list view) whose
span starts in the week and whose project or need still takes resources (project and
needs lists), each for what it still needs; a need's vulnerable residents, or those
of the needs a project serves, make it a priority. Offers are the open offers of the
community whose window reaches into the week: a counted offer with what remains, a
venue with its capacity and its live bookings (the allocations with a span that are
not released), which new bookings must not overlap. Offers carry no grid on the
list, so every offer is at the same (unknown) distance from every request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from wushe.matching.resources import (
    Interval,
    Offer,
    OwnerKind,
    Requirement,
    ResourceKind,
    ResourceParams,
    ResourceProblem,
)
from wushe.platform.commands.requests import OPEN_NEED_STATUSES, OPEN_PROJECT_STATUSES
from wushe.platform.domain.calendar import CHINA_TIME
from wushe.projections.schema import utc_text
from wushe.projections.views.needs import NEEDS
from wushe.projections.views.projects import PROJECT_NEEDS, PROJECTS
from wushe.projections.views.resources import ALLOCATIONS, OFFERS, REQUESTS

if TYPE_CHECKING:
    from uuid import UUID

    from wushe.platform.staffing.horizon import Week
    from wushe.projections.reader import ViewReader

__all__ = ["ResourceViews", "ResourcingInput", "read_input"]

_TAKING = ("open", "partly_allocated")
_PROJECTS_TAKING = tuple(str(s.value) for s in OPEN_PROJECT_STATUSES)
_NEEDS_TAKING = tuple(str(s.value) for s in OPEN_NEED_STATUSES)
_VENUE = "venue"
_NO_GRID = ""  # offers have no grid: the matcher puts them at its unknown distance


@dataclass(frozen=True)
class ResourceViews:
    """Readers of the live generations the input comes from."""

    resources: ViewReader
    projects: ViewReader
    needs: ViewReader


@dataclass
class ResourcingInput:
    """The problem, and the request rows it was built from (by request id)."""

    problem: ResourceProblem
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_input(views: ResourceViews, community_id: UUID, week: Week,
               params: ResourceParams) -> ResourcingInput:
    """Everything one resource solve needs for ``community_id``'s ``week``."""
    community = str(community_id)
    requests = _requests(views, community, week)
    offers = views.resources.rows(OFFERS, "community_id = ?", community)
    priority = _priority(views, community)
    problem = ResourceProblem(
        offers=_offers(views, community, week, offers),
        requirements=tuple(_requirement(r, week, priority) for r in requests),
        organisations_allocated_this_year=_allocated_this_year(views, community, week, offers),
        params=params)
    return ResourcingInput(problem, {r["request_id"]: r for r in requests})


def _requests(views: ResourceViews, community: str, week: Week) -> list[dict[str, Any]]:
    rows = views.resources.rows(
        REQUESTS, "community_id = ? AND status IN (?, ?) AND span_start >= ? AND span_start < ?",
        community, *_TAKING, utc_text(week.start), utc_text(week.end))
    projects = {p["project_id"] for p in views.projects.rows(
        PROJECTS, f"community_id = ? AND status IN ({_marks(_PROJECTS_TAKING)})",
        community, *_PROJECTS_TAKING)}
    needs = {n["need_id"] for n in views.needs.rows(
        NEEDS, f"community_id = ? AND status IN ({_marks(_NEEDS_TAKING)})",
        community, *_NEEDS_TAKING)}
    return [r for r in rows if r["owner_id"] in (projects if r["owner_kind"] == "project"
                                                 else needs)]


def _priority(views: ResourceViews, community: str) -> set[str]:
    """Needs with vulnerable residents, and the projects that serve one."""
    vulnerable = {n["need_id"] for n in views.needs.rows(
        NEEDS, "community_id = ? AND vulnerable_groups IS NOT NULL AND vulnerable_groups <> ?",
        community, "[]")}
    serving = {link["project_id"] for link in views.projects.rows(
        PROJECT_NEEDS, "community_id = ?", community) if link["need_id"] in vulnerable}
    return vulnerable | serving


def _requirement(row: dict[str, Any], week: Week, vulnerable: set[str]) -> Requirement:
    return Requirement(
        id=row["request_id"], owner_kind=OwnerKind(row["owner_kind"]), owner_id=row["owner_id"],
        kind=ResourceKind(row["resource_type"]), unit=row["unit"],
        quantity=int(row["quantity"]) - int(row["allocated"] or 0),
        start=week.minute(row["span_start"]), end=week.minute(row["span_end"]),
        grid=row["grid"], urgent=bool(row["urgent"]), vulnerable=row["owner_id"] in vulnerable)


def _offers(views: ResourceViews, community: str, week: Week,
            rows: tuple[dict[str, Any], ...]) -> tuple[Offer, ...]:
    bookings: dict[str, list[Interval]] = {}
    for booking in views.resources.rows(
            ALLOCATIONS, "community_id = ? AND resource_type = ? AND released = 0 "
            "AND span_start IS NOT NULL", community, _VENUE):
        bookings.setdefault(booking["offer_id"], []).append(Interval(
            week.minute(booking["span_start"]), week.minute(booking["span_end"])))
    start = utc_text(week.start)
    return tuple(_offer(row, week, tuple(sorted(bookings.get(row["offer_id"], ()))))
                 for row in rows if row["status"] == "open" and row["window_end"] > start)


def _offer(row: dict[str, Any], week: Week, bookings: tuple[Interval, ...]) -> Offer:
    venue = row["resource_type"] == _VENUE
    return Offer(
        id=row["offer_id"], organisation=row["organisation_id"],
        kind=ResourceKind(row["resource_type"]), unit=row["unit"],
        window=Interval(week.minute(row["window_start"]), week.minute(row["window_end"])),
        grid=_NO_GRID, remaining=0 if venue else int(row["remaining"]),
        capacity=int(row["quantity"]) if venue else 0, bookings=bookings)


def _allocated_this_year(views: ResourceViews, community: str, week: Week,
                         offers: tuple[dict[str, Any], ...]) -> frozenset[str]:
    """Organisations with an allocation this year (before the run)."""
    new_year = datetime.combine(date(week.monday.year, 1, 1), time(), CHINA_TIME)
    organisation = {o["offer_id"]: o["organisation_id"] for o in offers}
    return frozenset(organisation[a["offer_id"]] for a in views.resources.rows(
        ALLOCATIONS, "community_id = ? AND allocated_at >= ?", community, utc_text(new_year))
        if a["offer_id"] in organisation)


def _marks(values: tuple[object, ...]) -> str:
    return ", ".join("?" * len(values))
