"""The application: one event log for every aggregate, and the command path.

Every command is ``load → aggregate method → save``. The aggregate method
validates and raises before any event exists, so a rejected command appends
nothing; the save is version-checked, so of two writers that loaded the same
version exactly one wins and the other gets :class:`ConflictError`.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID, uuid5

import msgspec
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Mapper, Recording
from eventsourcing.utils import Environment

# Imported for its effect: every aggregate type, so every topic in the log resolves.
import wushe.platform.domain  # noqa: F401
from wushe.infra.eventstore import (
    ALLOWED_PERSISTENCE_MODULES,
    event_store_environment,
    open_key_store,
    setup_lock,
)
from wushe.infra.mapper import EventEncodingError, MsgspecMapper
from wushe.infra.settings import APPLICATION_NAME
from wushe.platform.domain.errors import (
    ConflictError,
    InvalidStateError,
    NotFoundError,
    StaleVersionError,
    ValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from eventsourcing.utils import EnvType

    from wushe.infra.keystore import KeyStore
    from wushe.infra.settings import Settings

__all__ = ["ID_NAMESPACE", "Recorded", "WusheApplication", "deterministic_id", "require_version"]

A = TypeVar("A", bound=Aggregate)

# Namespace for deterministic ids (idempotent creation); never change it.
ID_NAMESPACE = UUID("6f1d1f0e-5a2b-4c86-9c53-2b4f3f0b7a11")


def deterministic_id(kind: str, key: str) -> UUID:
    """The id an aggregate of ``kind`` created for ``key`` always gets."""
    return uuid5(ID_NAMESPACE, f"{kind}:{key}")


def require_version(aggregate: Aggregate, expected_version: int | None) -> None:
    """Reject a command made against another version than the current one (``If-Match``).

    Raises:
        StaleVersionError: ``expected_version`` is given and is not the current version.
    """
    if expected_version is not None and aggregate.version != expected_version:
        raise StaleVersionError(
            "version.stale",
            f"数据已被修改（当前版本 {aggregate.version}，你的版本 {expected_version}），"
            "请刷新后重试",
            f"changed since you read it (now version {aggregate.version}, "
            f"yours {expected_version}); reload and retry",
        )


class Recorded(msgspec.Struct, frozen=True):
    """What a command returns: the aggregate, its new version and the log position."""

    id: UUID
    version: int
    position: int
    created: bool = False


class WusheApplication(Application[UUID]):
    """The wushe event log and its command path."""

    name = APPLICATION_NAME

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        with setup_lock(settings):  # processes starting together take turns at set-up
            env = event_store_environment(settings)  # creates the data dir or schema
            self.keys: KeyStore = open_key_store(settings)
            super().__init__(env=env)
        module = type(self.factory).__module__
        if module not in ALLOWED_PERSISTENCE_MODULES:  # pragma: no cover  (a guard)
            msg = f"refusing to run on a non-durable event store: {module}"
            raise RuntimeError(msg)

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        # Only the settings configure the store: a stray PERSISTENCE_MODULE or
        # CIPHER_KEY in the process environment must not change where events go.
        return Environment(name, dict(env or {}))

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper(self.keys)

    def close(self) -> None:
        """Close the event store and the key store."""
        super().close()
        self.keys.close()

    # -- the command path -------------------------------------------------

    def create(self, aggregate: Aggregate) -> Recorded:
        """Record a new aggregate; if one with its id exists, return that one instead.

        Ids are deterministic where creation must be idempotent, so a retried
        creation finds the first and appends nothing.
        """
        try:
            recordings = self._save_checked(aggregate)
        except IntegrityError:
            existing = self.load(type(aggregate), aggregate.id)
            return Recorded(existing.id, existing.version, self.log_position())
        return Recorded(aggregate.id, aggregate.version, recordings[-1].notification.id,
                        created=True)

    def update(
        self,
        kind: type[A],
        aggregate_id: UUID,
        command: Callable[[A], Any],
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        """Load, run ``command`` on the aggregate, and save what it recorded.

        Raises:
            NotFoundError: no aggregate of ``kind`` has this id.
            StaleVersionError: ``expected_version`` is not the current version.
            ConflictError: another writer saved first.
            WusheError: the command itself was rejected (nothing is saved).
        """
        aggregate = self.load(kind, aggregate_id)
        require_version(aggregate, expected_version)
        command(aggregate)
        return self.save_all(aggregate)

    def save_all(self, first: Aggregate, *others: Aggregate, created: bool = False) -> Recorded:
        """Save what the aggregates recorded, atomically (all or none); report on ``first``.

        Raises:
            ConflictError: another writer saved one of them first.
        """
        try:
            recordings = self._save_checked(first, *others)
        except IntegrityError:
            raise ConflictError(
                "version.conflict", "另一位用户刚刚修改了这条数据，请刷新后重试",
                "someone else changed this at the same moment; reload and retry",
            ) from None
        position = recordings[-1].notification.id if recordings else self.log_position()
        return Recorded(first.id, first.version, position, created=created)

    def _save_checked(self, *aggregates: Aggregate) -> list[Recording[UUID]]:
        try:
            return self.save(*aggregates)
        except EventEncodingError as error:
            raise ValidationError(
                "input.bad_type", f"输入的数据类型不正确：{error}",
                f"a value has the wrong type: {error}") from None

    def load(self, kind: type[A], aggregate_id: UUID) -> A:
        """The current state of an aggregate of ``kind``.

        Raises:
            NotFoundError: no aggregate of ``kind`` has this id.
        """
        aggregate: object = None
        with contextlib.suppress(AggregateNotFoundError):
            aggregate = self.repository.get(aggregate_id)
        if not isinstance(aggregate, kind):
            name = str(getattr(kind, "TOPIC", kind.__name__.lower())).removeprefix("wushe.")
            raise NotFoundError(f"{name}.not_found", f"找不到该记录（{name}）",
                                f"no {name} with id {aggregate_id}")
        return aggregate

    def log_position(self) -> int:
        """The position of the newest event in the log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def forget(self, kind: type[A], aggregate_id: UUID, command: Callable[[A], Any]) -> Recorded:
        """Erase a person: record the erasure, then destroy their keys (idempotent).

        A repeated request destroys the keys again (covering anything sealed since);
        an aggregate that refuses a second erasure because it is already forgotten
        is fine.
        """
        try:
            recorded = self.update(kind, aggregate_id, command)
        except InvalidStateError:
            aggregate = self.load(kind, aggregate_id)
            if not _is_forgotten(aggregate):
                raise
            recorded = Recorded(aggregate.id, aggregate.version, self.log_position())
        self.keys.delete(aggregate_id)
        return recorded


def _is_forgotten(aggregate: object) -> bool:
    # Person aggregates mark erasure either as a status or, where the lifecycle
    # status must survive erasure (a Need), as a flag.
    return getattr(aggregate, "forgotten", False) is True or (
        getattr(aggregate, "status", None) == "forgotten"
    )
