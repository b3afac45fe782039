"""Organisations (the parties of the five-society linkage) on the wire.

The contact person's name and phone are personal data: in full only for the
community's coordinators and the organisation itself, masked for anyone else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from wushe.platform.domain.organisation import OrganisationKind, OrganisationStatus, Registration

__all__ = ["OrganisationIn", "OrganisationItem", "OrganisationOut", "OrganisationsPage"]


class OrganisationIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An organisation taking part in the community's linkage.

    A ``registered`` (登记) or ``filed`` (备案) organisation carries its number; one
    with ``registration: none`` must not.
    """

    name: str
    kind: OrganisationKind
    registration: Registration
    contact_name: str
    contact_phone: str
    registration_no: str | None = None


class OrganisationOut(msgspec.Struct, frozen=True):
    """One organisation as it stands now; ``version`` is its ETag."""

    id: UUID
    community_id: UUID
    name: str
    kind: OrganisationKind
    registration: Registration
    registration_no: str | None
    status: OrganisationStatus
    personal_data: Literal["full", "masked"]
    contact_name: str | None
    contact_phone: str | None
    registered_at: datetime
    agreements_signed: int
    version: int


class OrganisationItem(msgspec.Struct, frozen=True):
    """A row of the organisations list (contact masked), with this year's participation.

    ``projects_this_year``: the service projects it undertook or took part in this
    China-time year, cancelled ones not counted (6.2.3 asks at least one of every
    registered or filed social organisation).
    """

    id: UUID
    community_id: UUID
    name: str
    kind: OrganisationKind
    registration: Registration
    registration_no: str | None
    status: OrganisationStatus
    contact_name: str | None
    contact_phone: str | None
    registered_at: datetime
    projects_this_year: int
    version: int


class OrganisationsPage(msgspec.Struct, frozen=True):
    """A page of organisations and the cursor of the next one (None: last page)."""

    items: tuple[OrganisationItem, ...]
    next_cursor: str | None
