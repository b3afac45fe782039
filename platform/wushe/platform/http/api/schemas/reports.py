"""Reports on the wire: DB35/T 2074-2022 compliance, and organisations' participation.

An indicator's ``value`` is None when there is nothing to measure (no population,
no grids, no staff); ``at_most`` marks a threshold that is an upper bound.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

__all__ = ["ComplianceOut", "CompliancePage", "IndicatorOut", "OrganisationParticipationOut",
           "ParticipationOut"]


class IndicatorOut(msgspec.Struct, frozen=True, kw_only=True):
    """One checked requirement: its value against its threshold, pass or fail."""

    code: str
    label_zh: str
    label_en: str
    value: float | None
    threshold: float
    unit: str
    passed: bool
    at_most: bool
    detail: str


class ComplianceOut(msgspec.Struct, frozen=True, kw_only=True):
    """A community's indicators for a year (window-staff training: for one half of it)."""

    community_id: UUID
    code: str
    name: str
    year: int
    half: int
    thresholds_version: str
    passed: int
    total: int
    indicators: tuple[IndicatorOut, ...]


class CompliancePage(msgspec.Struct, frozen=True):
    """A page of communities' reports, by community id, and the next page's cursor."""

    items: tuple[ComplianceOut, ...]
    next_cursor: str | None


class OrganisationParticipationOut(msgspec.Struct, frozen=True, kw_only=True):
    """A registered or filed social organisation and its projects in the year (6.2.3)."""

    organisation_id: UUID
    name: str
    kind: str
    registration: str
    status: str
    projects: int  # undertaken or taken part in, not cancelled
    meets_requirement: bool  # projects >= the required number


class ParticipationOut(msgspec.Struct, frozen=True, kw_only=True):
    """Each social organisation of the community and its projects in ``year``.

    6.2.3 asks ``required_projects`` of every active one: ``active_meeting`` of
    ``active`` do.
    """

    community_id: UUID
    year: int
    required_projects: int
    active: int
    active_meeting: int
    organisations: tuple[OrganisationParticipationOut, ...]
