"""Reports for the API, computed as ``wushe report compliance`` does.

The compliance rows are read with :func:`~wushe.projections.indicators.load_community_rows`
and checked with :func:`~wushe.projections.indicators.indicators` against the
:class:`ComplianceThresholds`; participation is
:func:`~wushe.projections.views.participation.yearly_participation`. Those read a
generation of a view synchronously, so they run in a worker thread over a
:class:`ViewStore` of their own, opened for the one report, on the live generation
the async read model names (read again, once, if a blue/green rebuild switched
generations meanwhile). Unlike the CLI the API does not catch the views up:
``?wait_for=`` does.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from wushe.platform.domain.compliance_policy import ComplianceThresholds
from wushe.platform.http.api.problems import HttpError
from wushe.platform.http.api.schemas.reports import (
    ComplianceOut,
    IndicatorOut,
    OrganisationParticipationOut,
    ParticipationOut,
)
from wushe.platform.http.context import application, blocking, read_model
from wushe.projections.indicators import CommunityRows, indicators, load_community_rows
from wushe.projections.read import ViewNotBuiltError
from wushe.projections.store import ViewStore
from wushe.projections.views.compliance import ComplianceIndicators
from wushe.projections.views.participation import (
    OrganisationParticipation,
    yearly_participation,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Request

    from wushe.infra.settings import Settings
    from wushe.projections.indicators import Indicator

__all__ = ["COMPLIANCE_VIEWS", "PARTICIPATION_VIEWS", "THRESHOLDS", "ViewsBehindError",
           "compliance_out", "compliance_rows", "participation"]

COMPLIANCE_VIEWS = (ComplianceIndicators.name,)
PARTICIPATION_VIEWS = (OrganisationParticipation.name,)
THRESHOLDS = ComplianceThresholds()  # the version in force (the CLI's too)
R = TypeVar("R")


class ViewsBehindError(HttpError):
    """The views have not applied the community's founding yet: retry (``?wait_for=``)."""

    status = HTTPStatus.SERVICE_UNAVAILABLE


def views_behind() -> ViewsBehindError:
    """The 503 of a report whose community the views do not hold yet."""
    return ViewsBehindError(
        "views.behind", "报表数据尚未更新到该社区，请稍后重试（或使用 wait_for）",
        "the report's views do not hold this community yet; retry (or use wait_for)",
        headers={"Retry-After": "1"})


def _on_store(settings: Settings, generation: int, read: Callable[[ViewStore, int], R]) -> R:
    store = ViewStore.open(settings)
    try:
        return read(store, generation)
    finally:
        store.close()


async def _read_view(request: Request[Any, Any, Any], view: str,
                     read: Callable[[ViewStore, int], R]) -> R | None:
    """``read(store, generation)`` on the live generation of ``view`` (None: not built)."""
    reads, settings = read_model(request), application(request).settings
    try:
        generation = await reads.generation(view)
    except ViewNotBuiltError:
        return None
    try:
        return await blocking(_on_store, settings, generation, read)
    except Exception:
        if await reads.generation(view, refresh=True) == generation:
            raise
    # A rebuild switched generations (and dropped ours) since we looked.
    return await blocking(_on_store, settings, await reads.generation(view), read)


async def compliance_rows(request: Request[Any, Any, Any], year: int,
                          community_id: UUID | None = None) -> list[CommunityRows]:
    """Every community's compliance rows for ``year`` (or the one community's), by id."""
    community = None if community_id is None else str(community_id)
    found = await _read_view(request, ComplianceIndicators.name, lambda store, generation:
                             load_community_rows(store, generation, year=year,
                                                 community=community))
    return found or []


def _indicator_out(indicator: Indicator) -> IndicatorOut:
    return IndicatorOut(
        code=indicator.code, label_zh=indicator.label_zh, label_en=indicator.label_en,
        value=indicator.value, threshold=indicator.threshold, unit=indicator.unit,
        passed=indicator.passed, at_most=indicator.at_most, detail=indicator.detail)


def compliance_out(rows: CommunityRows, year: int, half: int) -> ComplianceOut:
    """A community's indicators for ``year`` and ``half``, checked."""
    checked = indicators(rows, THRESHOLDS, year, half)
    community = rows.community
    return ComplianceOut(
        community_id=UUID(community["community_id"]), code=community["code"],
        name=community["name"], year=year, half=half, thresholds_version=THRESHOLDS.version,
        passed=sum(1 for i in checked if i.passed), total=len(checked),
        indicators=tuple(map(_indicator_out, checked)))


def _organisation_out(row: dict[str, Any]) -> OrganisationParticipationOut:
    projects = int(row["projects"])
    return OrganisationParticipationOut(
        organisation_id=UUID(row["organisation_id"]), name=row["name"], kind=row["kind"],
        registration=row["registration"], status=row["status"], projects=projects,
        meets_requirement=projects >= THRESHOLDS.organisation_projects_per_year)


async def participation(request: Request[Any, Any, Any], community_id: UUID,
                        year: int) -> ParticipationOut:
    """The community's social organisations and their projects in ``year`` (6.2.3)."""
    found = await _read_view(request, OrganisationParticipation.name, lambda store, generation:
                             yearly_participation(store, generation, str(community_id), year))
    organisations = tuple(map(_organisation_out, found or []))
    active = [o for o in organisations if o.status == "active"]
    return ParticipationOut(
        community_id=community_id, year=year,
        required_projects=THRESHOLDS.organisation_projects_per_year, active=len(active),
        active_meeting=sum(1 for o in active if o.meets_requirement),
        organisations=organisations)
