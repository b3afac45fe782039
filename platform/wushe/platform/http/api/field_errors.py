"""msgspec's decoding messages, as Litestar reports them, turned into field errors.

Litestar reports a body or parameter it could not decode as a list of
``{message, key, source}``; the message is msgspec's (``Object missing required
field `grid```, ``Invalid enum value 'x'``, ``Expected `int`, got `str```). Each
becomes a :class:`FieldError` with a stable code and a message in Chinese or
English. A body that is not an object at all names no field, and stays a 400.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

__all__ = ["FieldError", "field_errors"]

_BODY = "data"  # Litestar's name for the request body itself
_NAMED = re.compile(r"field `([^`]+)`")
# (pattern of msgspec's message, code, zh, en); {field} is filled in.
_KINDS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r"missing required field"), "input.required", "{field} 必填",
     "{field} is required"),
    (re.compile(r"unknown field"), "input.unknown_field", "不认识的字段 {field}",
     "{field} is not a known field"),
    (re.compile(r"Invalid enum value"), "input.bad_choice", "{field} 取值无效",
     "{field} is not one of the allowed values"),
    (re.compile(r"^Invalid (UUID|RFC3339|ISO 8601|date|time|datetime)"), "input.bad_type",
     "{field} 格式不正确", "{field} is not in the expected format"),
    (re.compile(r"Expected `[^`]+` [<>]="), "input.out_of_range", "{field} 超出允许范围",
     "{field} is out of range"),
    (re.compile(r"Expected `"), "input.bad_type", "{field} 类型不正确",
     "{field} has the wrong type"),
)


class FieldError(msgspec.Struct, frozen=True):
    """What is wrong with one field of the request."""

    field: str
    code: str
    message: str


def field_errors(extra: Any, language: str) -> tuple[FieldError, ...]:  # noqa: ANN401
    """The field errors in Litestar's ``ValidationException.extra`` (empty: none named)."""
    if not isinstance(extra, list):
        return ()
    found = (_one(item, language) for item in extra if isinstance(item, dict))
    return tuple(error for error in found if error is not None)


def _one(item: dict[str, Any], language: str) -> FieldError | None:
    message, key = str(item.get("message", "")), str(item.get("key", ""))
    field = _field(message, key)
    if field is None:
        return None
    for pattern, code, zh, en in _KINDS:
        if pattern.search(message):
            return FieldError(field, code, (zh if language == "zh" else en).format(field=field))
    text = f"{field} 无效" if language == "zh" else f"{field} is not valid"
    return FieldError(field, "input.invalid", text)


def _field(message: str, key: str) -> str | None:
    """The field a message is about: its key, or the one it names inside the body."""
    named = _NAMED.search(message)
    if key in {"", _BODY}:
        return named.group(1) if named else None
    path = key.removeprefix(f"{_BODY}.")
    return f"{path}.{named.group(1)}" if named and "missing" in message else path
