"""Volunteer (志愿者): real-name profile with consent, skills, availability, hour cap.

《志愿服务条例》 art. 7: a volunteer registers identity, skills, available time and
contact. PIPL: identity and contact details are personal data, held encrypted.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from itertools import pairwise
from typing import ClassVar, Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.base import PersonalEvent
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_choice,
    require_int,
    require_phone,
    require_sequence,
    require_state,
    require_struct,
    require_text,
    require_uuid,
)
from wushe.platform.domain.values import SKILL_PATTERN, WeeklyWindow, require_code, require_codes

__all__ = [
    "AvailabilityException",
    "Certification",
    "IdType",
    "PersonalProfile",
    "Volunteer",
    "VolunteerStatus",
]

MAX_WEEKLY_HOURS = 60
# GB 11643-1999 citizen identity number: 17 digits and a check character, the
# weighted digit sum modulo 11 indexing the check characters.
RESIDENT_ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
RESIDENT_ID_MODULUS = 11


class VolunteerStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    FORGOTTEN = "forgotten"


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    FOREIGN_PERMANENT = "foreign_permanent"


class PersonalProfile(msgspec.Struct, frozen=True):
    """Real-name details; every field is encrypted at rest."""

    name: str
    id_number: str
    phone: str
    address: str | None = None
    health_notes: str | None = None


class Certification(msgspec.Struct, frozen=True):
    """A qualification that unlocks skills (first aid, social-work licence …)."""

    name: str
    issuer: str
    valid_until: date | None = None


class AvailabilityException(msgspec.Struct, frozen=True):
    """A date on which the weekly windows do not apply: away, or extra time."""

    day: date
    available: bool
    windows: tuple[WeeklyWindow, ...] = ()


class Volunteer(Aggregate):
    TOPIC = "wushe.volunteer"
    id: UUID

    class Event(PersonalEvent):
        PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
            {"name", "id_number", "phone", "address", "health_notes"}
        )

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.volunteer.created"

    @classmethod
    def register(
        cls,
        *,
        id: UUID,  # noqa: A002
        community_id: UUID,
        profile: PersonalProfile,
        id_type: IdType,
        consent_version: str,
        consented_at: datetime,
        home_grid: str,
        skills: tuple[str, ...] = (),
        weekly_hour_cap: int = 8,
    ) -> Self:
        """Register a volunteer who has consented to the processing of their data."""
        consent_version = require_text(consent_version, "consent_version", max_length=40)
        require_aware(consented_at, "consented_at")
        profile = _validate_profile(profile)
        id_type = require_choice(id_type, IdType, "id_type")
        id_number = _validate_id_number(profile.id_number, id_type)
        weekly_hour_cap = require_int(weekly_hour_cap, "weekly_hour_cap", 1, MAX_WEEKLY_HOURS)
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            name=profile.name.strip(),
            id_type=id_type, id_number=id_number, phone=profile.phone.strip(),
            address=profile.address, health_notes=profile.health_notes,
            consent_version=consent_version, consented_at=consented_at,
            home_grid=require_text(home_grid, "home_grid", max_length=40),
            skills=require_codes(skills, "skills", SKILL_PATTERN),
            weekly_hour_cap=weekly_hour_cap,
        )

    @event("Registered", topic="wushe.volunteer.registered")
    def __init__(
        self, community_id: UUID, name: str | None, id_type: IdType, id_number: str | None,
        phone: str | None, address: str | None, health_notes: str | None,
        consent_version: str, consented_at: datetime, home_grid: str,
        skills: tuple[str, ...], weekly_hour_cap: int,
    ) -> None:
        self.community_id = community_id
        self.name, self.id_type, self.id_number = name, id_type, id_number
        self.phone, self.address, self.health_notes = phone, address, health_notes
        self.consent_version, self.consented_at = consent_version, consented_at
        self.home_grid = home_grid
        self.skills = skills
        self.certifications: tuple[Certification, ...] = ()
        self.weekly_windows: tuple[WeeklyWindow, ...] = ()
        self.exceptions: tuple[AvailabilityException, ...] = ()
        self.weekly_hour_cap = weekly_hour_cap
        self.status = VolunteerStatus.ACTIVE

    def update_contact(self, *, phone: str, address: str | None) -> None:
        """Change phone and address."""
        self._require_not_forgotten("update_contact")
        require_phone(phone)
        _validate_address(address)
        self._contact_updated(phone=phone.strip(), address=address)

    @event("ContactUpdated", topic="wushe.volunteer.contact_updated")
    def _contact_updated(self, phone: str | None, address: str | None) -> None:
        self.phone, self.address = phone, address

    def set_skills(self, skills: tuple[str, ...]) -> None:
        """Replace the declared skills."""
        self._require_not_forgotten("set_skills")
        self._skills_set(skills=require_codes(skills, "skills", SKILL_PATTERN))

    @event("SkillsSet", topic="wushe.volunteer.skills_set")
    def _skills_set(self, skills: tuple[str, ...]) -> None:
        self.skills = skills

    def add_certification(self, certification: Certification, skill: str | None = None) -> None:
        """Record a certification, optionally granting a skill with it."""
        self._require_not_forgotten("add_certification")
        certification = require_struct(certification, Certification, "certification")
        require_text(certification.name, "certification.name", max_length=100)
        require_text(certification.issuer, "certification.issuer", max_length=100)
        require(certification not in self.certifications, "volunteer.duplicate_certification",
                "该证书已登记", "this certification is already recorded", field="certification")
        if skill is not None:
            require_code(skill, "skill", SKILL_PATTERN)
        self._certification_added(certification=certification, skill=skill)

    @event("CertificationAdded", topic="wushe.volunteer.certification_added")
    def _certification_added(self, certification: Certification, skill: str | None) -> None:
        self.certifications = (*self.certifications, certification)
        if skill is not None and skill not in self.skills:
            self.skills = tuple(sorted((*self.skills, skill)))

    def set_availability(
        self, windows: tuple[WeeklyWindow, ...], exceptions: tuple[AvailabilityException, ...] = ()
    ) -> None:
        """Replace the weekly windows and the date exceptions."""
        self._require_not_forgotten("set_availability")
        ordered = _ordered_windows(windows, "windows")
        given = tuple(require_struct(e, AvailabilityException, "exceptions")
                      for e in require_sequence(exceptions, "exceptions"))
        days = [e.day for e in given]
        require(len(days) == len(set(days)), "volunteer.duplicate_exception",
                "同一日期只能有一条例外", "one exception per date", field="exceptions")
        checked = tuple(sorted((_validate_exception(e) for e in given), key=_day))
        self._availability_set(windows=ordered, exceptions=checked)

    @event("AvailabilitySet", topic="wushe.volunteer.availability_set")
    def _availability_set(
        self, windows: tuple[WeeklyWindow, ...], exceptions: tuple[AvailabilityException, ...]
    ) -> None:
        self.weekly_windows, self.exceptions = windows, exceptions

    def set_home_grid(self, grid: str) -> None:
        """Move the volunteer's home grid."""
        self._require_not_forgotten("set_home_grid")
        self._home_grid_set(grid=require_text(grid, "home_grid", max_length=40))

    @event("HomeGridSet", topic="wushe.volunteer.home_grid_set")
    def _home_grid_set(self, grid: str) -> None:
        self.home_grid = grid

    def set_weekly_hour_cap(self, hours: int) -> None:
        """Change the most hours a week the volunteer will serve."""
        self._require_not_forgotten("set_weekly_hour_cap")
        self._weekly_hour_cap_set(hours=require_int(hours, "weekly_hour_cap", 1, MAX_WEEKLY_HOURS))

    @event("WeeklyHourCapSet", topic="wushe.volunteer.weekly_hour_cap_set")
    def _weekly_hour_cap_set(self, hours: int) -> None:
        self.weekly_hour_cap = hours

    def deactivate(self, reason: str) -> None:
        """Stop offering the volunteer any assignment."""
        require_state(self.status, (VolunteerStatus.ACTIVE,), "deactivate")
        self._deactivated(reason=require_text(reason, "reason", max_length=500))

    @event("Deactivated", topic="wushe.volunteer.deactivated")
    def _deactivated(self, reason: str) -> None:
        self.status = VolunteerStatus.INACTIVE

    def reactivate(self) -> None:
        """Make an inactive volunteer available again."""
        require_state(self.status, (VolunteerStatus.INACTIVE,), "reactivate")
        self._reactivated()

    @event("Reactivated", topic="wushe.volunteer.reactivated")
    def _reactivated(self) -> None:
        self.status = VolunteerStatus.ACTIVE

    def forget(self) -> None:
        """Erase the personal data (PIPL); the application then deletes the key."""
        self._require_not_forgotten("forget")
        self._forgotten()

    @event("Forgotten", topic="wushe.volunteer.forgotten")
    def _forgotten(self) -> None:
        self.name = self.id_number = self.phone = self.address = self.health_notes = None
        self.status = VolunteerStatus.FORGOTTEN

    def _require_not_forgotten(self, action: str) -> None:
        require_state(self.status, (VolunteerStatus.ACTIVE, VolunteerStatus.INACTIVE), action)


def _day(exception: AvailabilityException) -> date:
    return exception.day


def _ordered_windows(windows: object, field: str) -> tuple[WeeklyWindow, ...]:
    ordered = tuple(sorted(require_struct(w, WeeklyWindow, field).validate()
                           for w in require_sequence(windows, field)))
    for earlier, later in pairwise(ordered):
        require(earlier.weekday != later.weekday or earlier.end <= later.start,
                "volunteer.overlapping_windows", "可服务时段有重叠",
                "availability windows overlap", field=field)
    return ordered


def _validate_exception(exception: AvailabilityException) -> AvailabilityException:
    require(exception.available or not exception.windows, "volunteer.contradictory_exception",
            "不可服务的日期不能再列出可服务时段", "an unavailable day cannot list windows",
            field="exceptions")
    windows = _ordered_windows(exception.windows, "exceptions")
    weekday = exception.day.weekday()
    require(all(w.weekday == weekday for w in windows), "volunteer.exception_weekday",
            f"{exception.day} 的时段须标为星期 {weekday}（0 为周一）",
            f"the windows of {exception.day} must have weekday {weekday} (0 = Monday)",
            field="exceptions")
    return msgspec.structs.replace(exception, windows=windows)


def _validate_id_number(id_number: str, id_type: IdType) -> str:
    number = require_text(id_number, "id_number", max_length=30)
    if id_type == IdType.RESIDENT_ID:
        number = number.upper()
        require(_is_resident_id(number), "volunteer.bad_id_number", "居民身份证号码不正确",
                "not a valid resident ID number", field="id_number")
    return number


def _is_resident_id(number: str) -> bool:
    if not RESIDENT_ID_PATTERN.fullmatch(number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:-1], RESIDENT_ID_WEIGHTS, strict=True))
    return number[-1] == RESIDENT_ID_CHECK[total % RESIDENT_ID_MODULUS]


def _validate_address(address: str | None) -> None:
    if address is not None:
        require_text(address, "address", max_length=200)


def _validate_profile(value: object) -> PersonalProfile:
    profile = require_struct(value, PersonalProfile, "profile")
    require_text(profile.name, "name", max_length=50)
    require_phone(profile.phone)
    _validate_address(profile.address)
    if profile.health_notes is not None:
        require_text(profile.health_notes, "health_notes", max_length=1000)
    return profile

