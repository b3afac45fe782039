"""Volunteer under random command sequences: invariants hold and the log replays exactly.

Every rule draws arguments that may be malformed (bad phones, codes, windows,
hour caps) and runs in whatever state the volunteer is in, forgotten included.
A rejected command must raise a :class:`WusheError` and change nothing; an
accepted one records exactly one event.
"""

from __future__ import annotations

from datetime import date, time
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import msgspec
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.helpers import MONDAY_9AM, assert_replays_equal, state_of, volunteer_profile
from wushe.platform.domain.errors import InvalidStateError, WusheError
from wushe.platform.domain.values import SKILL_PATTERN, WeeklyWindow
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
    from uuid import UUID

    from eventsourcing.domain import DomainEventProtocol

S = VolunteerStatus
# Resident ID numbers with a correct GB 11643 check character.
ID_NUMBERS = ("350102199003071234", "11010519491231002X", "350203198511152038")
GOOD_SKILLS = ["first_aid", "elder_care", "driving", "casework"]
SKILLS = st.sampled_from([*GOOD_SKILLS, "Bad Code", "x"])
PHONES = st.sampled_from(["13905912345", "+86 138 0591 7788", "0591-87654321", "138", "电话"])
ADDRESSES = st.sampled_from([None, "鼓楼区南街 12 号", "福州市鼓楼区东街 8 号", " "])
CERTIFICATIONS = st.builds(
    Certification,
    name=st.sampled_from(["红十字救护员证", "社会工作者职业水平证书", " "]),
    issuer=st.sampled_from(["福州市红十字会", "人力资源和社会保障部"]),
    valid_until=st.sampled_from([None, date(2028, 6, 30)]),
)


def _window(weekday: int, start: int, half_hours: int) -> WeeklyWindow:
    """A window of ``half_hours`` (possibly zero or negative) from ``start`` half-hours."""
    end = start + half_hours
    return WeeklyWindow(weekday, time(start // 2, start % 2 * 30), time(end // 2, end % 2 * 30))


# Windows on a few days, on the half hour, so they often touch and sometimes
# overlap; now and then with an impossible weekday or ending before they start.
WINDOWS = st.builds(
    _window,
    st.sampled_from([*[0, 2, 5, 6] * 5, -1, 7]),
    st.integers(16, 30),
    st.sampled_from([*range(1, 7), *range(1, 7), *range(1, 7), 0, -2]),
)


def _extra(day: date, windows: tuple[WeeklyWindow, ...]) -> AvailabilityException:
    return AvailabilityException(day=day, available=True, windows=windows)


def _away(day: date, windows: tuple[WeeklyWindow, ...]) -> AvailabilityException:
    return AvailabilityException(day=day, available=False, windows=windows)


DAYS = st.dates(date(2026, 12, 1), date(2026, 12, 10))


@st.composite
def extra_days(draw: st.DrawFn) -> AvailabilityException:
    """Mostly windows on the exception's own weekday; now and then on another day."""
    day, windows = draw(DAYS), draw(st.lists(WINDOWS, max_size=2))
    if draw(st.integers(0, 4)):
        windows = [msgspec.structs.replace(w, weekday=day.weekday()) for w in windows]
    return _extra(day, tuple(windows))


# Mostly sound exceptions; now and then an "away" day that still lists a window.
EXCEPTIONS = st.one_of(
    extra_days(),
    st.builds(_away, DAYS, st.sampled_from([(), (), (), (_window(0, 18, 2),)])),
)
REASONS = st.sampled_from(["外出务工半年", "身体原因暂停服务", " "])
# Wrongly typed arguments: each is rejected (by type, or by state once forgotten).
WRONG_INPUTS: tuple[tuple[str, Callable[[Volunteer], object]], ...] = (
    ("set_weekly_hour_cap", lambda v: v.set_weekly_hour_cap(4.5)),  # type: ignore[arg-type]
    ("set_weekly_hour_cap", lambda v: v.set_weekly_hour_cap(True)),
    ("set_skills", lambda v: v.set_skills("first_aid")),  # type: ignore[arg-type]
    ("set_home_grid", lambda v: v.set_home_grid(7)),  # type: ignore[arg-type]
    ("update_contact", lambda v: v.update_contact(phone=13905912345, address=None)),  # type: ignore[arg-type]
    ("add_certification", lambda v: v.add_certification(
        Certification("证", "会", valid_until="2028-06-30"))),  # type: ignore[arg-type]
    ("set_availability", lambda v: v.set_availability((WeeklyWindow(0.5, time(9), time(10)),))),  # type: ignore[arg-type]
    ("set_availability", lambda v: v.set_availability(
        (), (AvailabilityException(date(2026, 12, 1), available=1),))),  # type: ignore[arg-type]
    ("deactivate", lambda v: v.deactivate(None)),  # type: ignore[arg-type]
)


class VolunteerMachine(RuleBasedStateMachine):
    """Random histories of one volunteer, every step checked against the log."""

    volunteer: Volunteer

    def __init__(self) -> None:
        super().__init__()
        self.events: list[DomainEventProtocol[UUID]] = []

    @initialize(id_number=st.sampled_from(ID_NUMBERS),
                skills=st.lists(st.sampled_from(GOOD_SKILLS), max_size=3).map(tuple),
                cap=st.integers(1, MAX_WEEKLY_HOURS))
    def register(self, id_number: str, skills: tuple[str, ...], cap: int) -> None:
        self.volunteer = Volunteer.register(
            id=uuid4(), community_id=uuid4(), profile=volunteer_profile(id_number=id_number),
            id_type=IdType.RESIDENT_ID, consent_version="2026-01", consented_at=MONDAY_9AM,
            home_grid="G01", skills=skills, weekly_hour_cap=cap,
        )
        self.events.extend(self.volunteer.collect_events())

    @rule(phone=PHONES, address=ADDRESSES)
    def update_contact(self, phone: str, address: str | None) -> None:
        self._run("update_contact", lambda v: v.update_contact(phone=phone, address=address))

    @rule(skills=st.lists(SKILLS, max_size=4).map(tuple))
    def set_skills(self, skills: tuple[str, ...]) -> None:
        self._run("set_skills", lambda v: v.set_skills(skills))

    @rule(certification=CERTIFICATIONS, skill=st.none() | SKILLS)
    def add_certification(self, certification: Certification, skill: str | None) -> None:
        self._run("add_certification", lambda v: v.add_certification(certification, skill))

    @rule(windows=st.lists(WINDOWS, max_size=5).map(tuple),
          exceptions=st.lists(EXCEPTIONS, max_size=3).map(tuple))
    def set_availability(self, windows: tuple[WeeklyWindow, ...],
                         exceptions: tuple[AvailabilityException, ...]) -> None:
        self._run("set_availability", lambda v: v.set_availability(windows, exceptions))

    @rule(grid=st.sampled_from(["G01", "G07", " G12 ", "", "G" * 41]))
    def set_home_grid(self, grid: str) -> None:
        self._run("set_home_grid", lambda v: v.set_home_grid(grid))

    @rule(hours=st.integers(-1, MAX_WEEKLY_HOURS + 2))
    def set_weekly_hour_cap(self, hours: int) -> None:
        self._run("set_weekly_hour_cap", lambda v: v.set_weekly_hour_cap(hours))

    @rule(reason=REASONS)
    def deactivate(self, reason: str) -> None:
        self._run("deactivate", lambda v: v.deactivate(reason))

    @rule()
    def reactivate(self) -> None:
        self._run("reactivate", lambda v: v.reactivate())

    @rule(wrong=st.sampled_from(WRONG_INPUTS))
    def wrongly_typed(self, wrong: tuple[str, Callable[[Volunteer], object]]) -> None:
        name, command = wrong
        self._run(name, command)

    @rule(really=st.integers(0, 4))
    def forget(self, really: int) -> None:
        if really == 0:  # rarely, so most runs exercise the live profile for a while
            self._run("forget", lambda v: v.forget())

    def _run(self, name: str, command: Callable[[Volunteer], Any]) -> None:
        v = self.volunteer
        before, status, version = state_of(v), v.status, v.version
        rejection: WusheError | None = None
        try:
            command(v)
        except WusheError as error:
            rejection = error
        if rejection is not None:
            assert state_of(v) == before
            assert v.collect_events() == []
            if status is S.FORGOTTEN:
                assert isinstance(rejection, InvalidStateError)
                assert rejection.code == f"state.{name}"
            event(f"{name} rejected: {rejection.code}")
            return
        assert status is not S.FORGOTTEN
        assert v.version == version + 1
        recorded = v.collect_events()
        assert len(recorded) == 1
        self.events.extend(recorded)
        event(f"{name} accepted")

    # -- invariants --------------------------------------------------------

    @invariant()
    def status_is_known(self) -> None:
        assert self.volunteer.status in set(S)

    @invariant()
    def forgotten_means_no_personal_data(self) -> None:
        v = self.volunteer
        personal = [getattr(v, name) for name in sorted(Volunteer.Event.PERSONAL_FIELDS)]
        if v.status is S.FORGOTTEN:
            assert personal == [None] * len(personal)
        else:
            assert None not in (v.name, v.id_number, v.phone)

    @invariant()
    def skills_are_sorted_unique_codes(self) -> None:
        skills = self.volunteer.skills
        assert list(skills) == sorted(set(skills))
        assert all(SKILL_PATTERN.match(skill) for skill in skills)

    @invariant()
    def windows_are_sorted_and_disjoint_per_weekday(self) -> None:
        v = self.volunteer
        for windows in (v.weekly_windows, *(e.windows for e in v.exceptions)):
            assert list(windows) == sorted(windows)
            assert all(0 <= w.weekday <= 6 and w.start < w.end for w in windows)
            for earlier, later in pairwise(windows):
                assert earlier.weekday != later.weekday or earlier.end <= later.start
        for exception in v.exceptions:
            assert all(w.weekday == exception.day.weekday() for w in exception.windows)
        days = [e.day for e in v.exceptions]
        assert days == sorted(set(days))
        assert all(e.available or not e.windows for e in v.exceptions)

    @invariant()
    def hour_cap_is_in_range(self) -> None:
        assert 1 <= self.volunteer.weekly_hour_cap <= MAX_WEEKLY_HOURS

    @invariant()
    def replays_to_the_same_state(self) -> None:
        assert self.volunteer.version == len(self.events)
        assert_replays_equal(self.volunteer, self.events)


VolunteerMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None, database=None,
)
TestVolunteerStateMachine = VolunteerMachine.TestCase
