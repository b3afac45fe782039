"""Organisation (4.2, 6.2.2): the parties of the five-society linkage, and their agreements.

Kinds follow 4.2 and 6.2.2. Registration (6.2.3) counts toward "≥ 12 registered
or filed social organisations": a registered (登记) or filed (备案) organisation
must carry its number; one with no registration must not.

Co-building agreements (共建协议, 6.2.3) are signed with co-building units and
social organisations; each lists what the community and the unit share.

The contact person's name and phone are personal data; ``forget_contact`` erases
them and is idempotent, so an erasure can be retried.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.base import PersonalEvent
from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_choice,
    require_date,
    require_phone,
    require_sequence,
    require_state,
    require_text,
    require_uuid,
)

__all__ = [
    "AGREEMENT_KINDS",
    "Agreement",
    "Organisation",
    "OrganisationKind",
    "OrganisationStatus",
    "Registration",
]

MAX_SHARES = 50


class OrganisationKind(StrEnum):
    RESIDENTS_COMMITTEE = "residents_committee"  # 居民委员会 (self-governing, 4.2 b)
    PARTY_ORGANISATION = "party_organisation"  # 社区党组织 (4.2 a)
    COMMUNITY_SOCIAL_ORGANISATION = "community_social_organisation"  # 社区社会组织
    SOCIAL_ORGANISATION = "social_organisation"  # 社会组织
    CO_BUILDING_UNIT = "co_building_unit"  # 共建单位 (4.2 d)
    CHARITY = "charity"  # 社会公益慈善资源


class Registration(StrEnum):
    REGISTERED = "registered"  # 登记 with the civil-affairs department
    FILED = "filed"  # 备案 with the street or community
    NONE = "none"


class OrganisationStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


AGREEMENT_KINDS = frozenset({
    OrganisationKind.CO_BUILDING_UNIT,
    OrganisationKind.COMMUNITY_SOCIAL_ORGANISATION,
    OrganisationKind.SOCIAL_ORGANISATION,
})


class Agreement(msgspec.Struct, frozen=True):
    """A co-building agreement (共建协议): what each side shares, and for how long."""

    agreement_id: UUID
    signed_on: date
    valid_until: date | None
    community_shares: tuple[str, ...]
    unit_shares: tuple[str, ...]
    ended_on: date | None = None

    def in_force(self, on: date) -> bool:
        """Whether the agreement is in force on ``on``."""
        started = self.signed_on <= on
        not_ended = self.ended_on is None or on < self.ended_on
        not_expired = self.valid_until is None or on <= self.valid_until
        return started and not_ended and not_expired


class Organisation(Aggregate):
    """A party of the linkage: residents' committee, social organisation, unit or charity."""

    TOPIC = "wushe.organisation"
    id: UUID

    class Event(PersonalEvent):
        PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"contact_name", "contact_phone"})

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.organisation.created"

    @classmethod
    def register(
        cls,
        *,
        id: UUID,  # noqa: A002
        community_id: UUID,
        name: str,
        kind: OrganisationKind,
        registration: Registration,
        registration_no: str | None,
        contact_name: str,
        contact_phone: str,
        at: datetime,
    ) -> Self:
        """Record an organisation taking part in the community's linkage."""
        require_aware(at, "at")
        registration = require_choice(registration, Registration, "registration")
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            name=require_text(name, "name", max_length=100),
            kind=require_choice(kind, OrganisationKind, "kind"), registration=registration,
            registration_no=_clean_registration_no(registration, registration_no),
            contact_name=require_text(contact_name, "contact_name", max_length=50),
            contact_phone=require_phone(contact_phone, "contact_phone"), registered_at=at,
        )

    @event("Registered", topic="wushe.organisation.registered")
    def __init__(
        self, community_id: UUID, name: str, kind: OrganisationKind,
        registration: Registration, registration_no: str | None,
        contact_name: str | None, contact_phone: str | None, registered_at: datetime,
    ) -> None:
        self.community_id, self.name, self.kind = community_id, name, kind
        self.registration, self.registration_no = registration, registration_no
        self.contact_name, self.contact_phone = contact_name, contact_phone
        self.registered_at = registered_at
        self.agreements: tuple[Agreement, ...] = ()
        self.status = OrganisationStatus.ACTIVE

    @property
    def is_registered_or_filed(self) -> bool:
        """Whether it counts as registered or filed (注册或备案, 6.2.3)."""
        return self.registration != Registration.NONE

    # -- registration and contact -----------------------------------------

    def change_registration(self, registration: Registration, registration_no: str | None) -> None:
        """Record a new registration status and number."""
        require_state(self.status, (OrganisationStatus.ACTIVE,), "change_registration")
        registration = require_choice(registration, Registration, "registration")
        number = _clean_registration_no(registration, registration_no)
        if (registration, number) == (self.registration, self.registration_no):
            raise DomainRuleError("organisation.registration_unchanged", "登记信息没有变化",
                                  "the registration is unchanged", field="registration")
        self._registration_changed(registration=registration, registration_no=number)

    @event("RegistrationChanged", topic="wushe.organisation.registration_changed")
    def _registration_changed(
        self, registration: Registration, registration_no: str | None
    ) -> None:
        self.registration, self.registration_no = registration, registration_no

    def update_contact(self, contact_name: str, contact_phone: str) -> None:
        """Replace the contact person."""
        require_state(self.status, (OrganisationStatus.ACTIVE,), "update_contact")
        self._contact_updated(
            contact_name=require_text(contact_name, "contact_name", max_length=50),
            contact_phone=require_phone(contact_phone, "contact_phone"),
        )

    @event("ContactUpdated", topic="wushe.organisation.contact_updated")
    def _contact_updated(self, contact_name: str | None, contact_phone: str | None) -> None:
        self.contact_name, self.contact_phone = contact_name, contact_phone

    def forget_contact(self) -> None:
        """Erase the contact person's data (PIPL); does nothing if already erased."""
        if self.contact_name is None and self.contact_phone is None:
            return
        self._contact_forgotten()

    @event("ContactForgotten", topic="wushe.organisation.contact_forgotten")
    def _contact_forgotten(self) -> None:
        self.contact_name = self.contact_phone = None

    # -- status -----------------------------------------------------------

    def deactivate(self, reason: str) -> None:
        """Stop offering the organisation for new projects and resources."""
        require_state(self.status, (OrganisationStatus.ACTIVE,), "deactivate")
        self._deactivated(reason=require_text(reason, "reason", max_length=500))

    @event("Deactivated", topic="wushe.organisation.deactivated")
    def _deactivated(self, reason: str) -> None:
        self.status = OrganisationStatus.INACTIVE

    def reactivate(self) -> None:
        """Make an inactive organisation active again."""
        require_state(self.status, (OrganisationStatus.INACTIVE,), "reactivate")
        self._reactivated()

    @event("Reactivated", topic="wushe.organisation.reactivated")
    def _reactivated(self) -> None:
        self.status = OrganisationStatus.ACTIVE

    # -- agreements -------------------------------------------------------

    def sign_agreement(
        self,
        *,
        agreement_id: UUID,
        signed_on: date,
        valid_until: date | None,
        community_shares: tuple[str, ...],
        unit_shares: tuple[str, ...],
    ) -> None:
        """Record a co-building agreement (共建协议) with the community."""
        require_state(self.status, (OrganisationStatus.ACTIVE,), "sign_agreement")
        agreement_id = require_uuid(agreement_id, "agreement_id")
        signed_on = require_date(signed_on, "signed_on")
        valid_until = None if valid_until is None else require_date(valid_until, "valid_until")
        if self.kind not in AGREEMENT_KINDS:
            raise DomainRuleError("organisation.agreement_kind",
                                  "只有共建单位和社会组织可以签订共建协议",
                                  "only co-building units and social organisations sign "
                                  "co-building agreements", field="kind")
        if any(a.agreement_id == agreement_id for a in self.agreements):
            raise DomainRuleError("organisation.duplicate_agreement", "该协议已登记",
                                  "this agreement is already recorded", field="agreement_id")
        require(valid_until is None or valid_until > signed_on, "organisation.agreement_dates",
                "有效期须晚于签订日期", "an agreement must be valid until after it is signed",
                field="valid_until")
        agreement = Agreement(agreement_id, signed_on, valid_until,
                              _clean_shares(community_shares, "community_shares"),
                              _clean_shares(unit_shares, "unit_shares"))
        require(bool(agreement.community_shares or agreement.unit_shares),
                "organisation.empty_agreement", "协议须列明共享的资源",
                "an agreement must list what is shared", field="unit_shares")
        self._agreement_signed(agreement=agreement)

    @event("AgreementSigned", topic="wushe.organisation.agreement_signed")
    def _agreement_signed(self, agreement: Agreement) -> None:
        self.agreements = (*self.agreements, agreement)

    def agreement(self, agreement_id: UUID) -> Agreement:
        """The agreement with this id.

        Raises:
            DomainRuleError: ``organisation.unknown_agreement`` if there is none.
        """
        for agreement in self.agreements:
            if agreement.agreement_id == agreement_id:
                return agreement
        raise DomainRuleError("organisation.unknown_agreement", "找不到该协议",
                              f"no agreement {agreement_id}", field="agreement_id")

    def end_agreement(self, agreement_id: UUID, on: date) -> None:
        """End an agreement early or record its termination."""
        agreement = self.agreement(require_uuid(agreement_id, "agreement_id"))
        on = require_date(on, "on")
        if agreement.ended_on is not None:
            raise DomainRuleError("organisation.agreement_ended", "该协议已终止",
                                  "the agreement has already ended", field="agreement_id")
        require(on >= agreement.signed_on, "organisation.agreement_dates",
                "终止日期不能早于签订日期", "an agreement cannot end before it is signed",
                field="on")
        self._agreement_ended(agreement_id=agreement_id, on=on)

    @event("AgreementEnded", topic="wushe.organisation.agreement_ended")
    def _agreement_ended(self, agreement_id: UUID, on: date) -> None:
        self.agreements = tuple(
            msgspec.structs.replace(a, ended_on=on) if a.agreement_id == agreement_id else a
            for a in self.agreements
        )

    def agreements_in_force(self, on: date) -> tuple[Agreement, ...]:
        """The agreements in force on ``on``."""
        return tuple(a for a in self.agreements if a.in_force(on))


def _clean_registration_no(registration: Registration, number: str | None) -> str | None:
    if registration == Registration.NONE:
        require(number is None, "organisation.unexpected_registration_no",
                "未登记或备案的组织不应有登记编号",
                "an organisation that is neither registered nor filed has no number",
                field="registration_no")
        return None
    require(number is not None, "organisation.registration_no_required",
            "已登记或备案的组织须填写登记（备案）编号",
            "a registered or filed organisation needs its number", field="registration_no")
    return require_text(number or "", "registration_no", max_length=40)


def _clean_shares(given: object, field: str) -> tuple[str, ...]:
    shares = require_sequence(given, field)
    require(len(shares) <= MAX_SHARES, "input.too_many", f"最多 {MAX_SHARES} 项",
            f"at most {MAX_SHARES} items", field=field)
    return tuple(dict.fromkeys(require_text(s, field, max_length=200) for s in shares))
