"""Organisation: registration, contact, status and co-building agreements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.helpers import MONDAY_9AM, assert_replays_equal, replay
from wushe.platform.domain.errors import (
    DomainRuleError,
    InvalidStateError,
    ValidationError,
    WusheError,
)
from wushe.platform.domain.organisation import (
    AGREEMENT_KINDS,
    Agreement,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Registration,
)

SIGNED = date(2026, 12, 1)


def register(**overrides: Any) -> Organisation:
    fields: dict[str, Any] = {
        "id": uuid4(), "community_id": uuid4(), "name": "阳光社工服务中心",
        "kind": OrganisationKind.SOCIAL_ORGANISATION, "registration": Registration.REGISTERED,
        "registration_no": "52350102MJ0000001X", "contact_name": "陈敏",
        "contact_phone": "13800000000", "at": MONDAY_9AM,
    }
    fields.update(overrides)
    return Organisation.register(**fields)


def fresh(**overrides: Any) -> Organisation:
    organisation = register(**overrides)
    organisation.collect_events()
    return organisation


def inactive() -> Organisation:
    organisation = fresh()
    organisation.deactivate("停止活动")
    organisation.collect_events()
    return organisation


def sign(organisation: Organisation, **overrides: Any) -> UUID:
    fields: dict[str, Any] = {
        "agreement_id": uuid4(), "signed_on": SIGNED, "valid_until": date(2027, 11, 30),
        "community_shares": ("活动室",), "unit_shares": ("志愿者", "资金"),
    }
    fields.update(overrides)
    organisation.sign_agreement(**fields)
    agreement_id: UUID = fields["agreement_id"]
    return agreement_id


def assert_rejected(organisation: Organisation, error: type[WusheError], code: str,
                    command: Any) -> None:
    version = organisation.version
    with pytest.raises(error) as raised:
        command()
    assert raised.value.code == code
    assert organisation.version == version
    assert organisation.collect_events() == []


class TestRegister:
    def test_records_the_organisation(self) -> None:
        organisation = register(contact_phone=" 0591-87654321 ")
        assert organisation.name == "阳光社工服务中心"
        assert organisation.kind is OrganisationKind.SOCIAL_ORGANISATION
        assert organisation.registration is Registration.REGISTERED
        assert organisation.registration_no == "52350102MJ0000001X"
        assert (organisation.contact_name, organisation.contact_phone) == (
            "陈敏", "0591-87654321")
        assert organisation.status is OrganisationStatus.ACTIVE
        assert organisation.is_registered_or_filed
        assert organisation.agreements == ()
        assert len(organisation.collect_events()) == 1

    @pytest.mark.parametrize("kind", list(OrganisationKind))
    def test_every_kind(self, kind: OrganisationKind) -> None:
        assert register(kind=kind).kind is kind

    def test_unregistered_has_no_number(self) -> None:
        organisation = register(registration=Registration.NONE, registration_no=None)
        assert organisation.registration_no is None
        assert not organisation.is_registered_or_filed

    def test_filed_counts(self) -> None:
        organisation = register(registration=Registration.FILED, registration_no="BA-2026-07")
        assert organisation.is_registered_or_filed

    @pytest.mark.parametrize(("overrides", "code"), [
        ({"name": ""}, "input.required"),
        ({"registration_no": None}, "organisation.registration_no_required"),
        ({"registration": Registration.FILED, "registration_no": None},
         "organisation.registration_no_required"),
        ({"registration_no": "  "}, "input.required"),
        ({"registration": Registration.NONE}, "organisation.unexpected_registration_no"),
        ({"contact_name": " "}, "input.required"),
        ({"contact_phone": "12345"}, "input.bad_phone"),
        ({"contact_phone": "138-abc"}, "input.bad_phone"),
        ({"at": datetime(2026, 11, 30, 9)}, "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_rejects_bad_input(self, overrides: dict[str, Any], code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            register(**overrides)
        assert raised.value.code == code


class TestRegistration:
    def test_changes_registration(self) -> None:
        organisation = fresh(registration=Registration.NONE, registration_no=None)
        organisation.change_registration(Registration.FILED, " BA-1 ")
        assert (organisation.registration, organisation.registration_no) == (
            Registration.FILED, "BA-1")
        organisation.change_registration(Registration.NONE, None)
        assert organisation.registration_no is None
        assert len(organisation.collect_events()) == 2

    @pytest.mark.parametrize(("registration", "number", "error", "code"), [
        (Registration.REGISTERED, "52350102MJ0000001X", DomainRuleError,
         "organisation.registration_unchanged"),
        (Registration.FILED, None, ValidationError, "organisation.registration_no_required"),
        (Registration.NONE, "X", ValidationError, "organisation.unexpected_registration_no"),
    ])
    def test_rejects(self, registration: Registration, number: str | None,
                     error: type[WusheError], code: str) -> None:
        organisation = fresh()
        assert_rejected(organisation, error, code,
                        lambda: organisation.change_registration(registration, number))

    def test_rejected_when_inactive(self) -> None:
        organisation = inactive()
        assert_rejected(organisation, InvalidStateError, "state.change_registration",
                        lambda: organisation.change_registration(Registration.FILED, "B"))


class TestContact:
    def test_updates_contact(self) -> None:
        organisation = fresh()
        organisation.update_contact("王强", "+86 139 0000 0000")
        assert (organisation.contact_name, organisation.contact_phone) == (
            "王强", "+86 139 0000 0000")
        assert len(organisation.collect_events()) == 1

    @pytest.mark.parametrize(("name", "phone", "code"), [
        ("", "13900000000", "input.required"),
        ("王强", "", "input.bad_phone"),
    ])
    def test_rejects(self, name: str, phone: str, code: str) -> None:
        organisation = fresh()
        assert_rejected(organisation, ValidationError, code,
                        lambda: organisation.update_contact(name, phone))

    def test_rejected_when_inactive(self) -> None:
        organisation = inactive()
        assert_rejected(organisation, InvalidStateError, "state.update_contact",
                        lambda: organisation.update_contact("王强", "13900000000"))

    def test_forget_contact_erases_and_is_idempotent(self) -> None:
        organisation = fresh()
        organisation.forget_contact()
        assert (organisation.contact_name, organisation.contact_phone) == (None, None)
        assert len(organisation.collect_events()) == 1
        organisation.forget_contact()
        assert organisation.collect_events() == []

    def test_forget_contact_works_when_inactive(self) -> None:
        organisation = inactive()
        organisation.forget_contact()
        assert organisation.contact_name is None

    def test_erased_contact_is_not_in_the_replayed_state(self) -> None:
        organisation = register()
        organisation.update_contact("王强", "13900000000")
        organisation.forget_contact()
        restored = replay(organisation.collect_events())
        assert (restored.contact_name, restored.contact_phone) == (None, None)


class TestStatus:
    def test_deactivates(self) -> None:
        organisation = fresh()
        organisation.deactivate("年检未通过")
        assert organisation.status is OrganisationStatus.INACTIVE
        assert len(organisation.collect_events()) == 1

    def test_reactivates(self) -> None:
        organisation = inactive()
        organisation.reactivate()
        assert organisation.status is OrganisationStatus.ACTIVE
        assert len(organisation.collect_events()) == 1

    def test_deactivate_needs_a_reason(self) -> None:
        organisation = fresh()
        assert_rejected(organisation, ValidationError, "input.required",
                        lambda: organisation.deactivate(" "))

    def test_rejects_deactivating_twice(self) -> None:
        organisation = inactive()
        assert_rejected(organisation, InvalidStateError, "state.deactivate",
                        lambda: organisation.deactivate("again"))

    def test_rejects_reactivating_an_active_one(self) -> None:
        organisation = fresh()
        assert_rejected(organisation, InvalidStateError, "state.reactivate",
                        organisation.reactivate)


class TestAgreements:
    @pytest.mark.parametrize("kind", sorted(AGREEMENT_KINDS))
    def test_signs(self, kind: OrganisationKind) -> None:
        organisation = fresh(kind=kind)
        agreement_id = sign(organisation, community_shares=(" 活动室 ", "活动室"))
        assert organisation.agreements == (
            Agreement(agreement_id, SIGNED, date(2027, 11, 30), ("活动室",), ("志愿者", "资金")),
        )
        assert len(organisation.collect_events()) == 1

    def test_open_ended_agreement(self) -> None:
        organisation = fresh()
        agreement_id = sign(organisation, valid_until=None, community_shares=())
        assert organisation.agreement(agreement_id).valid_until is None

    @pytest.mark.parametrize("kind", sorted(set(OrganisationKind) - AGREEMENT_KINDS))
    def test_rejects_other_kinds(self, kind: OrganisationKind) -> None:
        organisation = fresh(kind=kind)
        assert_rejected(organisation, DomainRuleError, "organisation.agreement_kind",
                        lambda: sign(organisation))

    @pytest.mark.parametrize(("overrides", "error", "code"), [
        ({"valid_until": SIGNED}, ValidationError, "organisation.agreement_dates"),
        ({"valid_until": date(2026, 11, 1)}, ValidationError, "organisation.agreement_dates"),
        ({"community_shares": (), "unit_shares": ()}, ValidationError,
         "organisation.empty_agreement"),
        ({"unit_shares": ("",)}, ValidationError, "input.required"),
        ({"unit_shares": tuple(str(i) for i in range(51))}, ValidationError, "input.too_many"),
    ])
    def test_rejects_bad_input(self, overrides: dict[str, Any], error: type[WusheError],
                               code: str) -> None:
        organisation = fresh()
        assert_rejected(organisation, error, code, lambda: sign(organisation, **overrides))

    def test_rejects_a_duplicate_id(self) -> None:
        organisation = fresh()
        agreement_id = sign(organisation)
        organisation.collect_events()
        assert_rejected(organisation, DomainRuleError, "organisation.duplicate_agreement",
                        lambda: sign(organisation, agreement_id=agreement_id))

    def test_rejected_when_inactive(self) -> None:
        organisation = inactive()
        assert_rejected(organisation, InvalidStateError, "state.sign_agreement",
                        lambda: sign(organisation))

    def test_ends(self) -> None:
        organisation = fresh()
        agreement_id = sign(organisation)
        other = sign(organisation)
        organisation.collect_events()
        organisation.end_agreement(agreement_id, date(2027, 6, 1))
        assert organisation.agreement(agreement_id).ended_on == date(2027, 6, 1)
        assert organisation.agreement(other).ended_on is None
        assert len(organisation.collect_events()) == 1

    def test_ends_when_inactive(self) -> None:
        organisation = fresh()
        agreement_id = sign(organisation)
        organisation.deactivate("停止活动")
        organisation.end_agreement(agreement_id, SIGNED)
        assert organisation.agreement(agreement_id).ended_on == SIGNED

    def test_end_rejects(self) -> None:
        organisation = fresh()
        agreement_id = sign(organisation)
        organisation.collect_events()
        assert_rejected(organisation, DomainRuleError, "organisation.unknown_agreement",
                        lambda: organisation.end_agreement(uuid4(), SIGNED))
        assert_rejected(organisation, ValidationError, "organisation.agreement_dates",
                        lambda: organisation.end_agreement(agreement_id, date(2026, 11, 30)))
        organisation.end_agreement(agreement_id, SIGNED)
        organisation.collect_events()
        assert_rejected(organisation, DomainRuleError, "organisation.agreement_ended",
                        lambda: organisation.end_agreement(agreement_id, date(2027, 1, 1)))

    @pytest.mark.parametrize(("on", "expected"), [
        (date(2026, 11, 30), False),
        (SIGNED, True),
        (date(2027, 5, 31), True),
        (date(2027, 6, 1), False),
    ])
    def test_in_force(self, on: date, expected: bool) -> None:
        organisation = fresh()
        agreement_id = sign(organisation)
        expiring = sign(organisation, valid_until=date(2026, 12, 31))
        organisation.end_agreement(agreement_id, date(2027, 6, 1))
        assert organisation.agreement(agreement_id).in_force(on) is expected
        in_force = organisation.agreements_in_force(on)
        assert (organisation.agreement(agreement_id) in in_force) is expected
        expiring_in_force = SIGNED <= on <= date(2026, 12, 31)
        assert (organisation.agreement(expiring) in in_force) is expiring_in_force


def test_replay_gives_the_same_state() -> None:
    organisation = register()
    organisation.change_registration(Registration.FILED, "BA-1")
    organisation.update_contact("王强", "13900000000")
    agreement_id = sign(organisation)
    organisation.end_agreement(agreement_id, date(2027, 1, 1))
    organisation.deactivate("停止活动")
    organisation.reactivate()
    assert_replays_equal(organisation, organisation.collect_events())


AGREEMENT_IDS = st.sampled_from([UUID(int=n) for n in range(1, 4)])
DAYS = st.dates(min_value=date(2026, 11, 1), max_value=date(2028, 12, 31))


class OrganisationLifecycle(RuleBasedStateMachine):
    """Random commands keep agreements and status consistent; replay reproduces the state."""

    def __init__(self) -> None:
        super().__init__()
        self.organisation = register()
        self.events = list(self.organisation.collect_events())

    def _run(self, command: Any) -> None:
        version = self.organisation.version
        try:
            command()
        except WusheError:
            assert self.organisation.version == version
            assert self.organisation.collect_events() == []
        else:
            self.events.extend(self.organisation.collect_events())

    @rule(agreement_id=AGREEMENT_IDS, signed_on=DAYS, valid_until=st.none() | DAYS)
    def sign(self, agreement_id: UUID, signed_on: date, valid_until: date | None) -> None:
        self._run(lambda: self.organisation.sign_agreement(
            agreement_id=agreement_id, signed_on=signed_on, valid_until=valid_until,
            community_shares=("场地",), unit_shares=()))

    @rule(agreement_id=AGREEMENT_IDS, on=DAYS)
    def end(self, agreement_id: UUID, on: date) -> None:
        self._run(lambda: self.organisation.end_agreement(agreement_id, on))

    @rule(registration=st.sampled_from(Registration), number=st.none() | st.just("R-1"))
    def change_registration(self, registration: Registration, number: str | None) -> None:
        self._run(lambda: self.organisation.change_registration(registration, number))

    @rule()
    def deactivate(self) -> None:
        self._run(lambda: self.organisation.deactivate("暂停"))

    @rule()
    def reactivate(self) -> None:
        self._run(self.organisation.reactivate)

    @rule()
    def forget_contact(self) -> None:
        self._run(self.organisation.forget_contact)

    @rule()
    def update_contact(self) -> None:
        self._run(lambda: self.organisation.update_contact("王强", "13900000000"))

    @invariant()
    def agreements_are_unique_and_well_dated(self) -> None:
        ids = [a.agreement_id for a in self.organisation.agreements]
        assert len(ids) == len(set(ids))
        for agreement in self.organisation.agreements:
            assert agreement.valid_until is None or agreement.valid_until > agreement.signed_on
            assert agreement.ended_on is None or agreement.ended_on >= agreement.signed_on

    @invariant()
    def registration_number_matches_registration(self) -> None:
        assert (self.organisation.registration_no is None) == (
            self.organisation.registration is Registration.NONE)

    @invariant()
    def replays_equal(self) -> None:
        assert_replays_equal(self.organisation, self.events)


OrganisationLifecycle.TestCase.settings = settings(max_examples=60, stateful_step_count=25,
                                                   deadline=None)
TestOrganisationLifecycle = OrganisationLifecycle.TestCase


# -- wrongly typed input ----------------------------------------------------------

NOT_UUID: tuple[object, ...] = ("not-an-id", 5, None)
NOT_DATETIME: tuple[object, ...] = ("2026-12-01T09:00:00+08:00", date(2026, 12, 1), 5)
NOT_DATE: tuple[object, ...] = ("2026-12-01", datetime(2026, 12, 1, 9, tzinfo=MONDAY_9AM.tzinfo),
                                20261201)
NOT_TEXT: tuple[object, ...] = (5, b"x", ("a",))
NOT_SEQUENCE: tuple[object, ...] = ("活动室", 5, None, {"a": "b"})


class TestWrongTypes:
    """A wrongly typed argument is a ValidationError, and nothing is recorded."""

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [(f, v, "input.bad_id") for f in ("id", "community_id") for v in NOT_UUID]
        + [(f, v, "input.not_text") for f in ("name", "contact_name") for v in (*NOT_TEXT, None)]
        + [("contact_phone", v, "input.not_text") for v in (13800000000, None)]
        + [("registration_no", v, "input.not_text") for v in NOT_TEXT]
        + [("kind", v, "input.bad_choice") for v in ("bogus", 1, None, Registration.FILED)]
        + [("registration", v, "input.bad_choice") for v in ("bogus", True, None)]
        + [("at", v, "input.not_datetime") for v in NOT_DATETIME],
    )
    def test_register(self, field: str, value: object, code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            register(**{field: value})
        assert (raised.value.code, raised.value.field) == (code, field)

    def test_choices_may_be_given_by_their_values(self) -> None:
        organisation = register(kind="charity", registration="filed")
        assert organisation.kind is OrganisationKind.CHARITY
        assert organisation.registration is Registration.FILED
        assert_replays_equal(organisation, organisation.collect_events())

    @pytest.mark.parametrize(
        ("command", "value", "code"),
        [("registration", v, "input.bad_choice") for v in ("bogus", 1, None)]
        + [("registration_no", v, "input.not_text") for v in NOT_TEXT]
        + [("contact_name", v, "input.not_text") for v in (*NOT_TEXT, None)]
        + [("contact_phone", v, "input.not_text") for v in (13800000000, None)]
        + [("reason", v, "input.not_text") for v in (*NOT_TEXT, None)]
        + [("agreement_id", v, "input.bad_id") for v in NOT_UUID]
        + [("signed_on", v, "input.not_date") for v in (*NOT_DATE, None)]
        + [("valid_until", v, "input.not_date") for v in NOT_DATE]
        + [(f, v, "input.not_sequence")
           for f in ("community_shares", "unit_shares") for v in NOT_SEQUENCE]
        + [("unit_shares", (5,), "input.not_text")],
    )
    def test_commands(self, command: str, value: Any, code: str) -> None:
        organisation = fresh()
        calls: dict[str, Any] = {
            "registration": lambda: organisation.change_registration(value, "N-2"),
            "registration_no": lambda: organisation.change_registration(Registration.FILED, value),
            "contact_name": lambda: organisation.update_contact(value, "13800000001"),
            "contact_phone": lambda: organisation.update_contact("王芳", value),
            "reason": lambda: organisation.deactivate(value),
        }
        calls.update({f: lambda f=f: sign(organisation, **{f: value})
                      for f in ("agreement_id", "signed_on", "valid_until", "community_shares",
                                "unit_shares")})
        assert_rejected(organisation, ValidationError, code, calls[command])

    @pytest.mark.parametrize(
        ("value", "code"),
        [(v, "input.bad_id") for v in NOT_UUID] + [(v, "input.not_date") for v in NOT_DATE],
    )
    def test_end_agreement(self, value: Any, code: str) -> None:
        organisation = fresh()
        agreement_id = sign(organisation)
        organisation.collect_events()
        on = date(2027, 1, 1)
        command = (lambda: organisation.end_agreement(agreement_id, value)) \
            if code == "input.not_date" else (lambda: organisation.end_agreement(value, on))
        assert_rejected(organisation, ValidationError, code, command)
