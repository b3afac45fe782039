"""The event mapper: msgspec serialisation plus field-level encryption of personal data.

The library's default JSON transcoder walks every object through Python
transcodings; msgspec encodes the event's fields in C and decodes them straight
into typed values using the event class's annotations (one cached decoder per
class). Fields listed in the event's ``PERSONAL_FIELDS`` are sealed with
AES-GCM under the originating aggregate's own key; the associated data binds each
ciphertext to its aggregate and field so it cannot be moved to another.
"""

from __future__ import annotations

import base64
import functools
import secrets
import typing
from typing import TYPE_CHECKING, Any, ClassVar, get_origin
from uuid import UUID

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

if TYPE_CHECKING:
    from eventsourcing.domain import DomainEventProtocol

    from wushe.infra.keystore import KeyStore

__all__ = ["SEALED_PREFIX", "EventEncodingError", "MsgspecMapper"]

SEALED_PREFIX = "pd2:"  # then "<key generation>:<base64 of nonce + ciphertext>"
_NONCE_BYTES = 12
_ENVELOPE = frozenset({"originator_id", "originator_version"})
_encoder = msgspec.json.Encoder()


class EventEncodingError(TypeError):
    """An event holds a value its own schema would not read back; it was not stored."""


class _Codec(msgspec.Struct, frozen=True):
    struct: type[msgspec.Struct]
    decoder: msgspec.json.Decoder[Any]
    fields: tuple[str, ...]
    personal: frozenset[str]
    class_version: int


@functools.cache
def _codec(cls: type[object]) -> _Codec:
    hints = typing.get_type_hints(cls)
    fields = [
        (name, hint) for name, hint in hints.items()
        if name not in _ENVELOPE and get_origin(hint) is not ClassVar
    ]
    struct = msgspec.defstruct(f"{cls.__qualname__}State", fields, kw_only=True)
    return _Codec(
        struct=struct,
        decoder=msgspec.json.Decoder(struct),
        fields=tuple(name for name, _ in fields),
        personal=frozenset(getattr(cls, "PERSONAL_FIELDS", ())),
        class_version=getattr(cls, "class_version", 1),
    )


class MsgspecMapper(Mapper[UUID]):
    """Maps domain events to stored events and back."""

    def __init__(self, keys: KeyStore) -> None:
        super().__init__(transcoder=JSONTranscoder())  # unused; the base class requires one
        self.keys = keys

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        cls = type(domain_event)
        codec = _codec(cls)
        state = {k: v for k, v in vars(domain_event).items() if k not in _ENVELOPE}
        subject = domain_event.originator_id
        for name in codec.personal & state.keys():
            if state[name] is not None:
                state[name] = self._seal(subject, name, state[name])
        if codec.class_version > 1:
            state["class_version"] = codec.class_version
        encoded = _encoder.encode(state)
        _check_readable(codec, encoded)
        return StoredEvent(
            originator_id=subject,
            originator_version=domain_event.originator_version,
            topic=get_topic(cls),
            state=encoded,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        codec = _codec(cls)
        subject = UUID(str(stored_event.originator_id))
        state = _decode_state(cls, codec, stored_event.state)
        for name in codec.personal & state.keys():
            value = state[name]
            if isinstance(value, str) and value.startswith(SEALED_PREFIX):
                state[name] = self._open(subject, name, value)
        state["originator_id"] = subject
        state["originator_version"] = stored_event.originator_version
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", state)
        return typing.cast("DomainEventProtocol[UUID]", domain_event)

    def _seal(self, subject: UUID, field: str, value: object) -> str:
        if not isinstance(value, str):
            msg = f"personal field {field!r} must be a string, not {type(value).__name__}"
            raise TypeError(msg)
        generation, key = self.keys.current(subject)
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, value.encode(), f"{subject}:{field}".encode())
        return f"{SEALED_PREFIX}{generation}:{base64.b64encode(nonce + sealed).decode()}"

    def _open(self, subject: UUID, field: str, token: str) -> str | None:
        generation, _, body = token.removeprefix(SEALED_PREFIX).partition(":")
        key = self.keys.get(subject, int(generation))
        if key is None:  # forgotten: the data is gone for good
            return None
        raw = base64.b64decode(body)
        try:
            plain = AESGCM(key).decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], f"{subject}:{field}".encode()
            )
        except InvalidTag:
            msg = f"personal field {field!r} of {subject} fails authentication"
            raise ValueError(msg) from None
        return plain.decode()


def _check_readable(codec: _Codec, encoded: bytes) -> None:
    # A safety net under the aggregates' own validation: never store an event
    # that its schema cannot read back, or the aggregate could not be loaded again.
    try:
        codec.decoder.decode(encoded)
    except msgspec.ValidationError as error:
        raise EventEncodingError(str(error)) from None


def _decode_state(cls: type[object], codec: _Codec, data: bytes) -> dict[str, Any]:
    if codec.class_version == 1:
        return msgspec.structs.asdict(codec.decoder.decode(data))
    # An older schema: upcast the raw fields step by step, then type them.
    raw: dict[str, Any] = msgspec.json.decode(data)
    version = raw.pop("class_version", 1)
    while version < codec.class_version:
        getattr(cls, f"upcast_v{version}_v{version + 1}")(raw)
        version += 1
    return msgspec.structs.asdict(msgspec.convert(raw, codec.struct, strict=False))
