"""Staff member (社区工作者 records, 6.1): role, social-work certificate, trainings.

6.1.3.4: pre-job training with an assessment before taking a post; every
community worker has at least one training a year; one-stop window staff at
least one every half year. Those frequencies are compliance indicators computed
from :attr:`StaffMember.trainings`; this aggregate records the trainings and
answers :meth:`StaffMember.has_passed_pre_job`.

The name and the certificate number are personal data. Once a member has left
(``LEFT``) their record is closed: only :meth:`StaffMember.forget` is allowed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Self
from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate, event

from wushe.platform.domain.base import PersonalEvent
from wushe.platform.domain.calendar import local_date
from wushe.platform.domain.errors import DomainRuleError
from wushe.platform.domain.rules import (
    require,
    require_aware,
    require_bool,
    require_choice,
    require_date,
    require_int,
    require_state,
    require_text,
    require_uuid,
)

__all__ = ["StaffMember", "StaffRole", "StaffStatus", "Training", "TrainingKind"]

MAX_TRAINING_HOURS = 200  # one recorded course; longer programmes are recorded per course


class StaffRole(StrEnum):
    COMMUNITY_WORKER = "community_worker"  # 社区工作者
    SOCIAL_WORKER = "social_worker"  # 社会工作者
    OTHER = "other"


class StaffStatus(StrEnum):
    ACTIVE = "active"
    LEFT = "left"
    FORGOTTEN = "forgotten"


class TrainingKind(StrEnum):
    PRE_JOB = "pre_job"  # 岗前培训, with an assessment
    ANNUAL = "annual"  # the yearly training of every community worker
    WINDOW_HALF_YEARLY = "window_half_yearly"  # 一站式窗口人员, every half year
    OTHER = "other"


class Training(msgspec.Struct, frozen=True):
    """One training attended; ``passed_assessment`` is None when there was no assessment."""

    kind: TrainingKind
    on: date
    hours: int
    passed_assessment: bool | None = None


class StaffMember(Aggregate):
    """A person working in the community: community worker, social worker or other staff."""

    TOPIC = "wushe.staff"
    id: UUID

    class Event(PersonalEvent):
        PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"name", "certificate_no"})

    class Created(Event, Aggregate.Created):
        TOPIC = "wushe.staff.created"

    @classmethod
    def appoint(
        cls,
        *,
        id: UUID,  # noqa: A002
        community_id: UUID,
        name: str,
        role: StaffRole,
        certified_social_worker: bool,
        window_staff: bool,
        at: datetime,
    ) -> Self:
        """Record a staff member taking a post in the community."""
        return cls(  # type: ignore[call-arg]  # the library accepts id= (see base.py)
            id=require_uuid(id, "id"), community_id=require_uuid(community_id, "community_id"),
            name=require_text(name, "name", max_length=50),
            role=require_choice(role, StaffRole, "role"),
            certified_social_worker=require_bool(certified_social_worker,
                                                 "certified_social_worker"),
            window_staff=require_bool(window_staff, "window_staff"),
            appointed_at=require_aware(at, "at"),
        )

    @event("Appointed", topic="wushe.staff.appointed")
    def __init__(
        self, community_id: UUID, name: str | None, role: StaffRole,
        certified_social_worker: bool, window_staff: bool, appointed_at: datetime,
    ) -> None:
        self.community_id, self.name, self.role = community_id, name, role
        self.certified_social_worker = certified_social_worker
        self.certificate_no: str | None = None
        self.certified_on: date | None = None
        self.window_staff = window_staff
        self.appointed_at = appointed_at
        self.trainings: tuple[Training, ...] = ()
        self.left_on: date | None = None
        self.status = StaffStatus.ACTIVE

    def record_training(
        self, kind: TrainingKind, on: date, hours: int, passed_assessment: bool | None = None
    ) -> None:
        """Record a training attended (whole hours; pre-job training needs its assessment)."""
        require_state(self.status, (StaffStatus.ACTIVE,), "record_training")
        kind = require_choice(kind, TrainingKind, "kind")
        on = require_date(on, "on")
        hours = require_int(hours, "hours", 1, MAX_TRAINING_HOURS)
        if passed_assessment is not None:
            require_bool(passed_assessment, "passed_assessment")
        require(kind != TrainingKind.PRE_JOB or passed_assessment is not None,
                "staff.pre_job_assessment", "岗前培训须记录考核结果",
                "a pre-job training must record its assessment result",
                field="passed_assessment")
        training = Training(kind, on, hours, passed_assessment)
        if training in self.trainings:
            raise DomainRuleError("staff.duplicate_training", "该培训已记录",
                                  "this training is already recorded", field="on")
        self._training_recorded(training=training)

    @event("TrainingRecorded", topic="wushe.staff.training_recorded")
    def _training_recorded(self, training: Training) -> None:
        self.trainings = tuple(sorted((*self.trainings, training), key=_training_key))

    def has_passed_pre_job(self) -> bool:
        """Whether a pre-job training with a passed assessment is on record."""
        return any(t.kind == TrainingKind.PRE_JOB and t.passed_assessment is True
                   for t in self.trainings)

    def certify_social_worker(self, certificate_no: str, on: date) -> None:
        """Record the social-work qualification certificate (持证社会工作者)."""
        require_state(self.status, (StaffStatus.ACTIVE,), "certify_social_worker")
        if self.certificate_no is not None:
            raise DomainRuleError("staff.already_certified", "已登记社工证书",
                                  "a social-work certificate is already recorded",
                                  field="certificate_no")
        number = require_text(certificate_no, "certificate_no", max_length=40)
        self._social_worker_certified(certificate_no=number, on=require_date(on, "on"))

    @event("SocialWorkerCertified", topic="wushe.staff.social_worker_certified")
    def _social_worker_certified(self, certificate_no: str | None, on: date) -> None:
        self.certified_social_worker = True
        self.certificate_no, self.certified_on = certificate_no, on

    def set_window_staff(self, flag: bool) -> None:
        """Mark whether the member staffs the one-stop window (一站式窗口)."""
        require_state(self.status, (StaffStatus.ACTIVE,), "set_window_staff")
        require_bool(flag, "window_staff")
        if flag == self.window_staff:
            raise DomainRuleError("staff.window_staff_unchanged", "窗口岗位标记没有变化",
                                  "the window-staff flag is unchanged", field="window_staff")
        self._window_staff_set(window_staff=flag)

    @event("WindowStaffSet", topic="wushe.staff.window_staff_set")
    def _window_staff_set(self, window_staff: bool) -> None:
        self.window_staff = window_staff

    def leave(self, on: date) -> None:
        """Record that the member left the post; the record is then closed."""
        require_state(self.status, (StaffStatus.ACTIVE,), "leave")
        on = require_date(on, "on")
        require(on >= local_date(self.appointed_at), "staff.left_before_appointed",
                "离职日期不能早于入职日期", "cannot leave before being appointed", field="on")
        self._left(on=on)

    @event("Left", topic="wushe.staff.left")
    def _left(self, on: date) -> None:
        self.left_on = on
        self.status = StaffStatus.LEFT

    def forget(self) -> None:
        """Erase the personal data (PIPL); the application then deletes the key."""
        require_state(self.status, (StaffStatus.ACTIVE, StaffStatus.LEFT), "forget")
        self._forgotten()

    @event("Forgotten", topic="wushe.staff.forgotten")
    def _forgotten(self) -> None:
        self.name = self.certificate_no = None
        self.status = StaffStatus.FORGOTTEN


def _training_key(training: Training) -> tuple[date, str, int]:
    return training.on, training.kind.value, training.hours
