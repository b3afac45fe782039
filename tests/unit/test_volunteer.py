"""Volunteer: real-name registration with consent, profile commands and erasure (PIPL)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from tests.helpers import MONDAY_9AM, assert_replays_equal, state_of, volunteer_profile
from wushe.platform.domain.errors import InvalidStateError, ValidationError, WusheError
from wushe.platform.domain.values import WeeklyWindow
from wushe.platform.domain.volunteer import (
    MAX_WEEKLY_HOURS,
    AvailabilityException,
    Certification,
    IdType,
    Volunteer,
    VolunteerStatus,
)

if TYPE_CHECKING:
    from collections.abc import Callable

S = VolunteerStatus
# Resident ID numbers with a correct GB 11643 check character.
VALID_ID = "350102199003071234"
VALID_ID_X = "11010519491231002X"
OTHER_VALID_ID = "350203198511152038"
FIRST_AID = Certification(name="红十字救护员证", issuer="福州市红十字会",
                          valid_until=date(2028, 6, 30))


def window(weekday: int, start: int, end: int) -> WeeklyWindow:
    """A weekly window from ``start`` o'clock to ``end`` o'clock."""
    return WeeklyWindow(weekday, time(start), time(end))


def extra(day: date, *windows: WeeklyWindow) -> AvailabilityException:
    """A date with extra availability in ``windows``."""
    return AvailabilityException(day=day, available=True, windows=windows)


def away(day: date, *windows: WeeklyWindow) -> AvailabilityException:
    """A date the volunteer is away (``windows`` only to build contradictions)."""
    return AvailabilityException(day=day, available=False, windows=windows)


def register(**overrides: Any) -> Volunteer:
    fields: dict[str, Any] = {
        "id": uuid4(), "community_id": uuid4(), "profile": volunteer_profile(id_number=VALID_ID),
        "id_type": IdType.RESIDENT_ID, "consent_version": "2026-01", "consented_at": MONDAY_9AM,
        "home_grid": "G01", "skills": ("first_aid",), "weekly_hour_cap": 8,
    }
    fields.update(overrides)
    return Volunteer.register(**fields)


def registered(status: VolunteerStatus = S.ACTIVE) -> Volunteer:
    """A volunteer in ``status``, its events already collected."""
    volunteer = register()
    if status is S.INACTIVE:
        volunteer.deactivate("外出务工半年")
    elif status is S.FORGOTTEN:
        volunteer.forget()
    volunteer.collect_events()
    return volunteer


def assert_rejected(volunteer: Volunteer, error: type[WusheError], code: str,
                    command: Callable[[], object], field: str | None = None) -> None:
    before = state_of(volunteer)
    with pytest.raises(error) as raised:
        command()
    assert raised.value.code == code
    if field is not None:
        assert raised.value.field == field
    assert state_of(volunteer) == before
    assert volunteer.collect_events() == []


def assert_register_rejected(code: str, field: str | None, **overrides: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        register(**overrides)
    assert raised.value.code == code
    assert raised.value.field == field


class TestRegister:
    def test_records_profile_consent_and_defaults(self) -> None:
        community = uuid4()
        volunteer = register(
            community_id=community, profile=volunteer_profile(name=" 林晓燕 ",
                                                              phone=" 13905912345 "),
            consent_version=" 2026-01 ", home_grid=" G01 ", skills=("elder_care", "first_aid",
                                                                     "elder_care"))
        assert volunteer.community_id == community
        assert (volunteer.name, volunteer.id_number, volunteer.phone) == (
            "林晓燕", VALID_ID, "13905912345")
        assert volunteer.address == "鼓楼区东街 8 号"
        assert volunteer.health_notes == "高血压，不宜久站"
        assert volunteer.id_type is IdType.RESIDENT_ID
        assert (volunteer.consent_version, volunteer.consented_at) == ("2026-01", MONDAY_9AM)
        assert volunteer.home_grid == "G01"
        assert volunteer.skills == ("elder_care", "first_aid")
        assert volunteer.certifications == ()
        assert (volunteer.weekly_windows, volunteer.exceptions) == ((), ())
        assert volunteer.weekly_hour_cap == 8
        assert volunteer.status is S.ACTIVE
        assert volunteer.version == 1
        events = volunteer.collect_events()
        assert len(events) == 1
        assert_replays_equal(volunteer, events)

    def test_optional_personal_fields_may_be_absent(self) -> None:
        volunteer = register(profile=volunteer_profile(id_number=VALID_ID, address=None,
                                                       health_notes=None), skills=())
        assert (volunteer.address, volunteer.health_notes, volunteer.skills) == (None, None, ())

    @pytest.mark.parametrize("number", [VALID_ID, VALID_ID_X, OTHER_VALID_ID])
    def test_accepts_resident_ids_with_a_correct_check_character(self, number: str) -> None:
        assert register(profile=volunteer_profile(id_number=number)).id_number == number

    def test_lower_case_check_character_is_stored_upper_case(self) -> None:
        volunteer = register(profile=volunteer_profile(id_number=" 11010519491231002x "))
        assert volunteer.id_number == VALID_ID_X

    @pytest.mark.parametrize("number", [
        "350102199003071235",  # wrong check digit
        "110105194912310021",  # X expected
        "35010219900307123",   # 17 characters
        "3501021990030712345",  # 19 characters
        "35010219900307123A",  # letter other than X
        "X50102199003071234",  # X in the body
        "３５０１０２１９９００３０７１２３４",  # full-width digits
    ])
    def test_rejects_a_resident_id_with_a_bad_checksum_or_shape(self, number: str) -> None:
        assert_register_rejected("volunteer.bad_id_number", "id_number",
                                 profile=volunteer_profile(id_number=number))

    @pytest.mark.parametrize("id_type", [t for t in IdType if t is not IdType.RESIDENT_ID])
    def test_other_documents_are_not_checksummed(self, id_type: IdType) -> None:
        volunteer = register(id_type=id_type, profile=volunteer_profile(id_number=" E12345678 "))
        assert (volunteer.id_type, volunteer.id_number) == (id_type, "E12345678")

    @pytest.mark.parametrize(("overrides", "code", "field"), [
        ({"consent_version": ""}, "input.required", "consent_version"),
        ({"consent_version": "   "}, "input.required", "consent_version"),
        ({"consent_version": "v" * 41}, "input.too_long", "consent_version"),
        ({"consented_at": datetime(2026, 11, 30, 9)},  # noqa: DTZ001
         "input.naive_datetime", "consented_at"),
        ({"home_grid": " "}, "input.required", "home_grid"),
        ({"home_grid": "G" * 41}, "input.too_long", "home_grid"),
        ({"skills": ("First Aid",)}, "input.bad_code", "skills"),
        ({"skills": ("first_aid", "x")}, "input.bad_code", "skills"),
        ({"weekly_hour_cap": 0}, "input.out_of_range", "weekly_hour_cap"),
        ({"weekly_hour_cap": MAX_WEEKLY_HOURS + 1}, "input.out_of_range", "weekly_hour_cap"),
        ({"weekly_hour_cap": -8}, "input.out_of_range", "weekly_hour_cap"),
    ])
    def test_rejects_bad_input(self, overrides: dict[str, Any], code: str, field: str) -> None:
        assert_register_rejected(code, field, **overrides)

    @pytest.mark.parametrize(("profile", "code", "field"), [
        ({"name": " "}, "input.required", "name"),
        ({"name": "林" * 51}, "input.too_long", "name"),
        ({"id_number": ""}, "input.required", "id_number"),
        ({"id_number": "1" * 31}, "input.too_long", "id_number"),
        ({"phone": "12345"}, "input.bad_phone", "phone"),
        ({"phone": "1390591234567"}, "input.bad_phone", "phone"),
        ({"phone": "139-0591-abcd"}, "input.bad_phone", "phone"),
        ({"phone": ""}, "input.bad_phone", "phone"),
        ({"address": "  "}, "input.required", "address"),
        ({"address": "路" * 201}, "input.too_long", "address"),
        ({"health_notes": ""}, "input.required", "health_notes"),
        ({"health_notes": "病" * 1001}, "input.too_long", "health_notes"),
    ])
    def test_rejects_a_bad_profile(self, profile: dict[str, Any], code: str, field: str) -> None:
        fields: dict[str, Any] = {"id_number": VALID_ID, **profile}
        assert_register_rejected(code, field, profile=volunteer_profile(**fields))

    @pytest.mark.parametrize("phone", ["13905912345", "+86 139 0591 2345", "0591-87654321",
                                       "+86-591-8765432"])
    def test_accepts_mobile_and_landline_numbers(self, phone: str) -> None:
        volunteer = register(profile=volunteer_profile(id_number=VALID_ID, phone=phone))
        assert volunteer.phone == phone

    @pytest.mark.parametrize("hours", [1, 8, MAX_WEEKLY_HOURS])
    def test_accepts_hour_caps_in_range(self, hours: int) -> None:
        assert register(weekly_hour_cap=hours).weekly_hour_cap == hours


class TestUpdateContact:
    @pytest.mark.parametrize("status", [S.ACTIVE, S.INACTIVE])
    def test_replaces_phone_and_address(self, status: VolunteerStatus) -> None:
        volunteer = registered(status)
        volunteer.update_contact(phone=" 13805917788 ", address="鼓楼区南街 12 号")
        assert (volunteer.phone, volunteer.address) == ("13805917788", "鼓楼区南街 12 号")
        assert len(volunteer.collect_events()) == 1

    def test_address_may_be_cleared(self) -> None:
        volunteer = registered()
        volunteer.update_contact(phone="13805917788", address=None)
        assert volunteer.address is None

    @pytest.mark.parametrize(("phone", "address", "code", "field"), [
        ("138", "鼓楼区南街", "input.bad_phone", "phone"),
        ("not a phone", None, "input.bad_phone", "phone"),
        ("13805917788", " ", "input.required", "address"),
        ("13805917788", "路" * 201, "input.too_long", "address"),
    ])
    def test_rejects_bad_input(self, phone: str, address: str | None, code: str,
                               field: str) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, code,
                        lambda: volunteer.update_contact(phone=phone, address=address), field)


class TestSetSkills:
    def test_replaces_skills_sorted_without_duplicates(self) -> None:
        volunteer = registered()
        volunteer.set_skills(("driving", "elder_care", "driving"))
        assert volunteer.skills == ("driving", "elder_care")
        assert len(volunteer.collect_events()) == 1

    def test_skills_may_be_cleared(self) -> None:
        volunteer = registered()
        volunteer.set_skills(())
        assert not volunteer.skills

    @pytest.mark.parametrize("skills", [("Driving",), ("driving", ""), ("d",), ("1st_aid",),
                                        ("急救",), ("a" * 49,)])
    def test_rejects_bad_codes(self, skills: tuple[str, ...]) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, "input.bad_code",
                        lambda: volunteer.set_skills(skills), "skills")


class TestAddCertification:
    def test_records_the_certification(self) -> None:
        volunteer = registered()
        volunteer.add_certification(FIRST_AID)
        assert volunteer.certifications == (FIRST_AID,)
        assert volunteer.skills == ("first_aid",)
        assert len(volunteer.collect_events()) == 1

    def test_grants_a_skill_keeping_skills_sorted(self) -> None:
        volunteer = registered()
        licence = Certification(name="社会工作者职业水平证书", issuer="人力资源和社会保障部")
        volunteer.add_certification(licence, skill="casework")
        assert volunteer.skills == ("casework", "first_aid")
        volunteer.add_certification(FIRST_AID, skill="first_aid")
        assert volunteer.skills == ("casework", "first_aid")
        assert volunteer.certifications == (licence, FIRST_AID)

    def test_rejects_a_duplicate(self) -> None:
        volunteer = registered()
        volunteer.add_certification(FIRST_AID)
        volunteer.collect_events()
        assert_rejected(volunteer, ValidationError, "volunteer.duplicate_certification",
                        lambda: volunteer.add_certification(FIRST_AID), "certification")

    def test_the_same_name_from_another_issuer_is_another_certification(self) -> None:
        volunteer = registered()
        volunteer.add_certification(FIRST_AID)
        other = Certification(name=FIRST_AID.name, issuer="福建省红十字会")
        volunteer.add_certification(other)
        assert volunteer.certifications == (FIRST_AID, other)

    @pytest.mark.parametrize(("certification", "skill", "code", "field"), [
        (Certification(name=" ", issuer="红十字会"), None, "input.required",
         "certification.name"),
        (Certification(name="证" * 101, issuer="红十字会"), None, "input.too_long",
         "certification.name"),
        (Certification(name="救护员证", issuer=""), None, "input.required",
         "certification.issuer"),
        (FIRST_AID, "First Aid", "input.bad_code", "skill"),
        (FIRST_AID, "", "input.bad_code", "skill"),
    ])
    def test_rejects_bad_input(self, certification: Certification, skill: str | None,
                               code: str, field: str) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, code,
                        lambda: volunteer.add_certification(certification, skill), field)


class TestSetAvailability:
    def test_stores_windows_sorted_and_exceptions_by_date(self) -> None:
        volunteer = registered()
        holiday = away(date(2026, 12, 10))
        saturday = extra(date(2026, 12, 5), window(5, 14, 17), window(5, 9, 12))
        volunteer.set_availability((window(2, 14, 17), window(0, 9, 12), window(0, 12, 15)),
                                   (holiday, saturday))
        assert volunteer.weekly_windows == (window(0, 9, 12), window(0, 12, 15),
                                            window(2, 14, 17))
        assert [e.day for e in volunteer.exceptions] == [date(2026, 12, 5), date(2026, 12, 10)]
        assert volunteer.exceptions[0].windows == (window(5, 9, 12), window(5, 14, 17))
        assert volunteer.exceptions[1] == holiday
        assert len(volunteer.collect_events()) == 1

    def test_the_same_hours_on_different_days_do_not_overlap(self) -> None:
        volunteer = registered()
        volunteer.set_availability(tuple(window(day, 9, 12) for day in range(7)))
        assert len(volunteer.weekly_windows) == 7

    def test_clearing_availability(self) -> None:
        volunteer = registered()
        volunteer.set_availability((window(0, 9, 12),))
        volunteer.set_availability(())
        assert (volunteer.weekly_windows, volunteer.exceptions) == ((), ())

    @pytest.mark.parametrize("windows", [
        (window(0, 9, 12), window(0, 11, 14)),
        (window(3, 9, 12), window(3, 9, 12)),
        (window(3, 8, 18), window(3, 10, 11)),
        (window(1, 14, 17), window(6, 9, 10), window(1, 9, 15)),
    ])
    def test_rejects_overlapping_windows_on_the_same_day(
            self, windows: tuple[WeeklyWindow, ...]) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, "volunteer.overlapping_windows",
                        lambda: volunteer.set_availability(windows), "windows")

    @pytest.mark.parametrize(("bad", "code", "field"), [
        (WeeklyWindow(7, time(9), time(12)), "input.out_of_range", "weekday"),
        (WeeklyWindow(-1, time(9), time(12)), "input.out_of_range", "weekday"),
        (WeeklyWindow(0, time(12), time(9)), "input.empty_window", "end"),
        (WeeklyWindow(0, time(9), time(9)), "input.empty_window", "end"),
    ])
    def test_rejects_a_malformed_window(self, bad: WeeklyWindow, code: str,
                                        field: str) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, code,
                        lambda: volunteer.set_availability((window(1, 9, 12), bad)), field)

    def test_rejects_two_exceptions_on_one_date(self) -> None:
        volunteer = registered()
        day = date(2026, 12, 10)
        exceptions = (away(day), extra(day, window(3, 9, 12)))
        assert_rejected(volunteer, ValidationError, "volunteer.duplicate_exception",
                        lambda: volunteer.set_availability((), exceptions), "exceptions")

    @pytest.mark.parametrize(("exception", "code", "field"), [
        (extra(date(2026, 12, 5), WeeklyWindow(5, time(12), time(9))), "input.empty_window",
         "end"),
        (extra(date(2026, 12, 5), window(5, 9, 12), window(5, 10, 14)),
         "volunteer.overlapping_windows", "exceptions"),
        (away(date(2026, 12, 5), window(5, 9, 12)), "volunteer.contradictory_exception",
         "exceptions"),
    ])
    def test_rejects_a_malformed_exception(self, exception: AvailabilityException, code: str,
                                           field: str) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, code,
                        lambda: volunteer.set_availability((), (exception,)), field)


class TestHomeGridAndHourCap:
    def test_moves_the_home_grid(self) -> None:
        volunteer = registered()
        volunteer.set_home_grid(" G07 ")
        assert volunteer.home_grid == "G07"
        assert len(volunteer.collect_events()) == 1

    @pytest.mark.parametrize(("grid", "code"), [("", "input.required"),
                                                ("G" * 41, "input.too_long")])
    def test_rejects_a_bad_grid(self, grid: str, code: str) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, code,
                        lambda: volunteer.set_home_grid(grid), "home_grid")

    @pytest.mark.parametrize("hours", [1, 20, MAX_WEEKLY_HOURS])
    def test_changes_the_hour_cap(self, hours: int) -> None:
        volunteer = registered(S.INACTIVE)
        volunteer.set_weekly_hour_cap(hours)
        assert volunteer.weekly_hour_cap == hours
        assert len(volunteer.collect_events()) == 1

    @pytest.mark.parametrize("hours", [0, -1, MAX_WEEKLY_HOURS + 1, 168])
    def test_rejects_an_hour_cap_out_of_range(self, hours: int) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, "input.out_of_range",
                        lambda: volunteer.set_weekly_hour_cap(hours), "weekly_hour_cap")


class TestActivation:
    def test_deactivate_then_reactivate(self) -> None:
        volunteer = registered()
        volunteer.deactivate("外出务工半年")
        statuses = [volunteer.status]
        volunteer.reactivate()
        statuses.append(volunteer.status)
        assert statuses == [S.INACTIVE, S.ACTIVE]
        assert len(volunteer.collect_events()) == 2

    def test_deactivation_needs_a_reason(self) -> None:
        volunteer = registered()
        assert_rejected(volunteer, ValidationError, "input.required",
                        lambda: volunteer.deactivate("  "), "reason")
        assert_rejected(volunteer, ValidationError, "input.too_long",
                        lambda: volunteer.deactivate("因" * 501), "reason")

    def test_cannot_deactivate_twice(self) -> None:
        volunteer = registered(S.INACTIVE)
        assert_rejected(volunteer, InvalidStateError, "state.deactivate",
                        lambda: volunteer.deactivate("再次停用"))

    def test_cannot_reactivate_an_active_volunteer(self) -> None:
        volunteer = registered()
        assert_rejected(volunteer, InvalidStateError, "state.reactivate", volunteer.reactivate)


class TestForget:
    @pytest.mark.parametrize("status", [S.ACTIVE, S.INACTIVE])
    def test_erases_every_personal_field(self, status: VolunteerStatus) -> None:
        volunteer = registered(status)
        volunteer.forget()
        assert volunteer.status is S.FORGOTTEN
        assert all(getattr(volunteer, name) is None
                   for name in Volunteer.Event.PERSONAL_FIELDS)
        assert volunteer.home_grid == "G01"  # not personal: kept for statistics
        assert len(volunteer.collect_events()) == 1

    def test_personal_fields_are_the_profile(self) -> None:
        personal = {"name", "id_number", "phone", "address", "health_notes"}
        assert personal == Volunteer.Event.PERSONAL_FIELDS

    @pytest.mark.parametrize(("command", "code"), [
        (lambda v: v.update_contact(phone="13805917788", address=None), "state.update_contact"),
        (lambda v: v.set_skills(("driving",)), "state.set_skills"),
        (lambda v: v.add_certification(FIRST_AID), "state.add_certification"),
        (lambda v: v.set_availability((window(0, 9, 12),)), "state.set_availability"),
        (lambda v: v.set_home_grid("G02"), "state.set_home_grid"),
        (lambda v: v.set_weekly_hour_cap(10), "state.set_weekly_hour_cap"),
        (lambda v: v.deactivate("停用"), "state.deactivate"),
        (lambda v: v.reactivate(), "state.reactivate"),
        (lambda v: v.forget(), "state.forget"),
    ])
    def test_every_command_after_forget_is_rejected(
            self, command: Callable[[Volunteer], None], code: str) -> None:
        volunteer = registered(S.FORGOTTEN)
        assert_rejected(volunteer, InvalidStateError, code, lambda: command(volunteer))

    def test_a_forgotten_volunteer_replays_without_personal_data(self) -> None:
        volunteer = register()
        volunteer.update_contact(phone="13805917788", address="鼓楼区南街 12 号")
        volunteer.forget()
        assert_replays_equal(volunteer, volunteer.collect_events())


class TestReplay:
    def test_every_command_replays_to_the_same_state(self) -> None:
        volunteer = register(profile=volunteer_profile(id_number=OTHER_VALID_ID))
        volunteer.update_contact(phone="+86 138 0591 7788", address=None)
        volunteer.set_skills(("driving", "elder_care"))
        volunteer.add_certification(FIRST_AID, skill="first_aid")
        volunteer.set_availability(
            (window(4, 14, 17), window(0, 9, 12)),
            (extra(date(2026, 12, 5), window(5, 9, 12)), away(date(2026, 12, 1))))
        volunteer.set_home_grid("G03")
        volunteer.set_weekly_hour_cap(12)
        volunteer.deactivate("外出务工半年")
        volunteer.reactivate()
        events = volunteer.collect_events()
        assert len(events) == 9
        assert volunteer.version == 9
        assert_replays_equal(volunteer, events)


# -- wrongly typed input ----------------------------------------------------------

NOT_UUID: tuple[Any, ...] = ("not-an-id", 5, None)
NOT_DATETIME: tuple[Any, ...] = ("2026-12-01T09:00:00+08:00", date(2026, 12, 1), 5, None)
NOT_INT: tuple[Any, ...] = (4.5, 8.0, "8", True, None)
NOT_TEXT: tuple[Any, ...] = (5, b"x", None)
SATURDAY = date(2026, 12, 5)


class TestWrongTypes:
    """A wrongly typed argument is a ValidationError, and nothing is recorded."""

    @pytest.mark.parametrize(
        ("field", "value", "code", "error_field"),
        [(f, v, "input.bad_id", f) for f in ("id", "community_id") for v in NOT_UUID]
        + [("id_type", v, "input.bad_choice", "id_type")
           for v in ("bogus", "RESIDENT_ID", 1, None, VolunteerStatus.ACTIVE)]
        + [("weekly_hour_cap", v, "input.not_integer", "weekly_hour_cap") for v in NOT_INT]
        + [("consented_at", v, "input.not_datetime", "consented_at") for v in NOT_DATETIME]
        + [(f, v, "input.not_text", f) for f in ("consent_version", "home_grid")
           for v in NOT_TEXT]
        + [("skills", v, "input.not_sequence", "skills") for v in ("first_aid", None, 5)]
        + [("skills", (5,), "input.bad_code", "skills")]
        + [("profile", v, "input.bad_type", "profile")
           for v in (None, "林晓燕", {"name": "林晓燕"})]
        + [("profile", volunteer_profile(name=5), "input.not_text", "profile.name")]  # type: ignore[arg-type]
        + [("profile", volunteer_profile(phone=13905912345), "input.not_text",  # type: ignore[arg-type]
            "profile.phone")]
        + [("profile", volunteer_profile(address=("a",)), "input.not_text",  # type: ignore[arg-type]
            "profile.address")],
    )
    def test_register(self, field: str, value: Any, code: str, error_field: str) -> None:
        with pytest.raises(ValidationError) as raised:
            register(**{field: value})
        assert (raised.value.code, raised.value.field) == (code, error_field)

    def test_the_id_type_may_be_given_by_its_value(self) -> None:
        volunteer = register(id_type="passport", profile=volunteer_profile(id_number="E1234"))
        assert volunteer.id_type is IdType.PASSPORT
        assert_replays_equal(volunteer, volunteer.collect_events())

    @pytest.mark.parametrize(
        ("command", "value", "code"),
        [("hour_cap", v, "input.not_integer") for v in NOT_INT]
        + [("phone", v, "input.not_text") for v in NOT_TEXT]
        + [("address", v, "input.not_text") for v in NOT_TEXT[:-1]]
        + [("skills", v, "input.not_sequence") for v in ("first_aid", None)]
        + [("grid", v, "input.not_text") for v in NOT_TEXT]
        + [("reason", v, "input.not_text") for v in NOT_TEXT]
        + [("certification", v, "input.bad_type") for v in (None, "红十字救护员证")]
        + [("certification", Certification(v, "会"), "input.not_text")
           for v in NOT_TEXT]
        + [("certification", Certification("证", "会", v), "input.not_date")  # type: ignore[arg-type]
           for v in ("2028-06-30", datetime(2028, 6, 30, tzinfo=MONDAY_9AM.tzinfo))]
        + [("skill", v, "input.bad_code") for v in (5, ("first_aid",))]
        + [("windows", v, "input.not_sequence") for v in (None, window(0, 9, 12))]
        + [("windows", (v,), code) for v, code in (
            ((0, time(9), time(12)), "input.bad_type"),
            (WeeklyWindow(0.0, time(9), time(12)), "input.not_integer"),  # type: ignore[arg-type]
            (WeeklyWindow(weekday=True, start=time(9), end=time(12)), "input.not_integer"),
            (WeeklyWindow(0, "09:00", time(12)), "input.not_time"),  # type: ignore[arg-type]
            (WeeklyWindow(0, time(9), datetime(2026, 12, 1, 12)), "input.not_time"),  # type: ignore[arg-type]  # noqa: DTZ001
        )]
        + [("exceptions", v, "input.not_sequence") for v in (None, away(SATURDAY))]
        + [("exceptions", (v,), code) for v, code in (
            (SATURDAY, "input.bad_type"),
            (AvailabilityException("2026-12-05", available=False), "input.not_date"),  # type: ignore[arg-type]
            (AvailabilityException(datetime(2026, 12, 5, 9, tzinfo=MONDAY_9AM.tzinfo),
                                   available=False), "input.not_date"),
            (AvailabilityException(SATURDAY, available=1), "input.not_boolean"),  # type: ignore[arg-type]
            (AvailabilityException(SATURDAY, available=True, windows=(window(5.0, 9, 12),)),  # type: ignore[arg-type]
             "input.not_integer"),
        )],
    )
    def test_commands(self, command: str, value: Any, code: str) -> None:
        volunteer = registered()
        calls: dict[str, Callable[[], object]] = {
            "hour_cap": lambda: volunteer.set_weekly_hour_cap(value),
            "phone": lambda: volunteer.update_contact(phone=value, address=None),
            "address": lambda: volunteer.update_contact(phone="13905912345", address=value),
            "skills": lambda: volunteer.set_skills(value),
            "grid": lambda: volunteer.set_home_grid(value),
            "reason": lambda: volunteer.deactivate(value),
            "certification": lambda: volunteer.add_certification(value),
            "skill": lambda: volunteer.add_certification(FIRST_AID, value),
            "windows": lambda: volunteer.set_availability(value),
            "exceptions": lambda: volunteer.set_availability((), value),
        }
        assert_rejected(volunteer, ValidationError, code, calls[command])


class TestExceptionWeekday:
    """An exception's windows are for its own date, so they carry its weekday."""

    def test_windows_on_the_dates_weekday(self) -> None:
        volunteer = register()
        volunteer.set_availability((), (extra(SATURDAY, window(5, 9, 12)),))
        assert volunteer.exceptions[0].windows == (window(5, 9, 12),)
        assert_replays_equal(volunteer, volunteer.collect_events())

    def test_a_list_of_windows_is_stored_as_a_tuple(self) -> None:
        volunteer = register()
        exception = AvailabilityException(SATURDAY, available=True, windows=[window(5, 9, 12)])  # type: ignore[arg-type]
        volunteer.set_availability([window(0, 9, 12)], [exception])  # type: ignore[arg-type]
        assert volunteer.weekly_windows == (window(0, 9, 12),)
        assert volunteer.exceptions[0].windows == (window(5, 9, 12),)
        assert_replays_equal(volunteer, volunteer.collect_events())

    @pytest.mark.parametrize("weekday", [0, 4, 6])
    def test_windows_on_another_weekday_are_rejected(self, weekday: int) -> None:
        volunteer = registered()
        exceptions = (extra(SATURDAY, window(5, 9, 12), window(weekday, 14, 17)),)
        assert_rejected(volunteer, ValidationError, "volunteer.exception_weekday",
                        lambda: volunteer.set_availability((), exceptions), "exceptions")
