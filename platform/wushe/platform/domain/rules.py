"""Small guards shared by the aggregates, so each rule reads as one line.

The type guards (``require_int``, ``require_choice``, ``require_bool``,
``require_uuid``, ``require_aware``, ``require_date``, ``require_struct`` …) make
sure a command never records a value its event's schema cannot read back: msgspec
decodes stored events strictly from their annotations, so a float where an ``int``
is declared, or a bare string where an enum is, would make the aggregate
unloadable. Each returns the value in its canonical form (an enum member, a tuple).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import msgspec
from msgspec import inspect as mi

from wushe.platform.domain.errors import DomainRuleError, InvalidStateError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Collection
    from enum import StrEnum

__all__ = [
    "require",
    "require_aware",
    "require_bool",
    "require_choice",
    "require_date",
    "require_duration",
    "require_int",
    "require_optional_uuid",
    "require_phone",
    "require_range",
    "require_rule",
    "require_sequence",
    "require_state",
    "require_struct",
    "require_text",
    "require_uuid",
]

_E = TypeVar("_E", bound=Enum)
_S = TypeVar("_S", bound=msgspec.Struct)

# Landlines with area code (7–8 digits + 3–4) and mobiles (11), "+86" and separators allowed.
PHONE_DIGITS = (7, 12)


def require(condition: bool, code: str, zh: str, en: str, *, field: str | None = None) -> None:
    """Raise a :class:`ValidationError` unless ``condition`` holds."""
    if not condition:
        raise ValidationError(code, zh, en, field=field)


def require_rule(condition: bool, code: str, zh: str, en: str, *,
                 field: str | None = None) -> None:
    """Raise a :class:`DomainRuleError` unless ``condition`` holds."""
    if not condition:
        raise DomainRuleError(code, zh, en, field=field)


# -- types ------------------------------------------------------------------


def require_int(value: object, field: str, low: int, high: int) -> int:
    """Return ``value`` as an ``int``; reject a bool, a non-integer, or one out of range."""
    integer = _require_integer(value, field)
    require_range(integer, field, low, high)
    return integer


def require_choice(value: object, enum_cls: type[_E], field: str) -> _E:
    """Return the member of ``enum_cls`` that ``value`` is or names; reject anything else."""
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str):
        try:
            return enum_cls(value)
        except ValueError:
            pass
    allowed = ", ".join(str(member.value) for member in enum_cls)
    raise ValidationError("input.bad_choice", f"{field} 取值无效：{value!r}（可选：{allowed}）",
                          f"{field} must be one of {allowed}, not {value!r}", field=field)


def require_bool(value: object, field: str) -> bool:
    """Return ``value``; reject anything that is not ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise ValidationError("input.not_boolean", f"{field} 必须是“是”或“否”",
                              f"{field} must be true or false, not {value!r}", field=field)
    return value


def require_uuid(value: object, field: str) -> UUID:
    """Return ``value``; reject anything that is not a UUID."""
    if not isinstance(value, UUID):
        raise ValidationError("input.bad_id", f"{field} 不是有效的编号",
                              f"{field} must be an id (UUID), not {value!r}", field=field)
    return value


def require_optional_uuid(value: object, field: str) -> UUID | None:
    """Return ``value``; reject anything that is neither None nor a UUID."""
    return None if value is None else require_uuid(value, field)


def require_aware(moment: object, field: str = "at") -> datetime:
    """Return ``moment``; reject anything but a datetime with a time zone."""
    moment = _require_datetime(moment, field)
    require(moment.tzinfo is not None, "input.naive_datetime", "时间必须带时区",
            "a time must carry its time zone", field=field)
    return moment


def require_date(value: object, field: str) -> date:
    """Return ``value``; reject anything but a calendar date (a datetime is not a date)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError("input.not_date", f"{field} 必须是日期",
                              f"{field} must be a calendar date, not {value!r}", field=field)
    return value


def require_duration(value: object, field: str, low: timedelta, high: timedelta) -> timedelta:
    """Return ``value``; reject anything but a duration within ``[low, high]``."""
    if not isinstance(value, timedelta):
        raise ValidationError("input.not_duration", f"{field} 必须是时长",
                              f"{field} must be a duration, not {value!r}", field=field)
    require(low <= value <= high, "input.out_of_range", f"{field} 必须在 {low} 到 {high} 之间",
            f"{field} must be between {low} and {high}", field=field)
    return value


def require_sequence(value: object, field: str) -> tuple[object, ...]:
    """Return the items of a tuple, list or set as a tuple; reject anything else (a string too)."""
    if not isinstance(value, tuple | list | set | frozenset):
        raise ValidationError("input.not_sequence", f"{field} 必须是列表",
                              f"{field} must be a list of items, not {value!r}", field=field)
    return tuple(value)


@functools.cache
def _struct_info(cls: type[msgspec.Struct]) -> mi.StructType:
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)  # noqa: S101  (cls is a Struct)
    return info


def require_struct(value: object, cls: type[_S], field: str) -> _S:
    """Return ``value`` with every field of the declared type (enums as members, tuples as
    tuples), or reject it: the same checks as the top-level guards, field by field."""
    if not isinstance(value, cls):
        raise ValidationError("input.bad_type", f"{field} 类型不正确",
                              f"{field} must be a {cls.__name__}, not {type(value).__name__}",
                              field=field)
    info = _struct_info(cls)
    changes = {}
    for spec in info.fields:
        old = getattr(value, spec.name)
        new = _check(spec.type, old, f"{field}.{spec.name}")
        if new is not old:
            changes[spec.name] = new
    return msgspec.structs.replace(value, **changes) if changes else value


def _require_integer(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("input.not_integer", f"{field} 必须是整数",
                              f"{field} must be a whole number, not {value!r}", field=field)
    return int(value)


def _require_datetime(value: object, field: str) -> datetime:
    # The time zone is the owner's check (TimeSpan.validate, require_aware): it names the field.
    if not isinstance(value, datetime):
        raise ValidationError("input.not_datetime", f"{field} 必须是日期时间",
                              f"{field} must be a date and time, not {value!r}", field=field)
    return value


def _require_str(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("input.not_text", f"{field} 必须是文字",
                              f"{field} must be text, not {value!r}", field=field)
    return value


def _require_time(value: object, field: str) -> time:
    if not isinstance(value, time):
        raise ValidationError("input.not_time", f"{field} 必须是时刻",
                              f"{field} must be a time of day, not {value!r}", field=field)
    return value


def _require_none(value: object, field: str) -> None:
    if value is not None:
        raise ValidationError("input.bad_type", f"{field} 必须为空",
                              f"{field} must be empty, not {value!r}", field=field)


def _check(kind: mi.Type, value: object, field: str) -> object:
    """``value`` checked (and normalised) against the msgspec type ``kind``."""
    simple = _SIMPLE.get(type(kind))
    if simple is not None:
        return simple(value, field)
    composite = _COMPOSITE.get(type(kind))
    if composite is not None:
        return composite(kind, value, field)
    return value  # pragma: no cover  (no value object declares another type)


def _check_tuple(kind: mi.VarTupleType | mi.TupleType, value: object, field: str) -> object:
    values = require_sequence(value, field)
    if isinstance(kind, mi.TupleType):
        types = kind.item_types
        require(len(types) == len(values), "input.bad_type", f"{field} 项数不正确",
                f"{field} has the wrong number of items", field=field)
    else:
        types = (kind.item_type,) * len(values)
    checked = tuple(_check(t, v, field) for t, v in zip(types, values, strict=True))
    return value if isinstance(value, tuple) and _same(checked, values) else checked


def _check_frozenset(kind: mi.FrozenSetType, value: object, field: str) -> object:
    values = require_sequence(value, field)
    checked = tuple(_check(kind.item_type, v, field) for v in values)
    return value if isinstance(value, frozenset) and _same(checked, values) else frozenset(checked)


def _same(checked: tuple[object, ...], given: tuple[object, ...]) -> bool:
    """Whether checking changed nothing (so the value object can be kept as it is)."""
    return all(a is b for a, b in zip(checked, given, strict=True))


def _check_union(kind: mi.UnionType, value: object, field: str) -> object:
    options = [t for t in kind.types if not isinstance(t, mi.NoneType)]
    if value is None and len(options) < len(kind.types):
        return None
    error: ValidationError | None = None
    for option in options:
        try:
            return _check(option, value, field)
        except ValidationError as failed:
            error = error or failed
    raise error or ValidationError("input.bad_type", f"{field} 类型不正确",
                                   f"{field} has the wrong type", field=field)


_SIMPLE: dict[type[mi.Type], Callable[[Any, str], object]] = {
    mi.IntType: _require_integer,
    mi.StrType: _require_str,
    mi.BoolType: require_bool,
    mi.DateType: require_date,
    mi.DateTimeType: _require_datetime,
    mi.TimeType: _require_time,
    mi.UUIDType: require_uuid,
    mi.NoneType: _require_none,
}
_COMPOSITE: dict[type[mi.Type], Callable[[Any, object, str], object]] = {
    mi.EnumType: lambda kind, value, field: require_choice(value, kind.cls, field),
    mi.StructType: lambda kind, value, field: require_struct(value, kind.cls, field),
    mi.VarTupleType: _check_tuple,
    mi.TupleType: _check_tuple,
    mi.FrozenSetType: _check_frozenset,
    mi.UnionType: _check_union,
}


# -- values -------------------------------------------------------------------


def require_phone(phone: object, field: str = "phone") -> str:
    """Return ``phone`` stripped; reject anything that is not a phone number."""
    text = _require_str(phone, field).strip()
    digits = text.removeprefix("+86").replace("-", "").replace(" ", "")
    low, high = PHONE_DIGITS
    require(digits.isdigit() and low <= len(digits) <= high, "input.bad_phone",
            "电话号码格式不正确", "not a valid phone number", field=field)
    return text


def require_text(value: object, field: str, *, max_length: int = 200) -> str:
    """Return ``value`` stripped; reject non-text, empty or over-long text."""
    text = _require_str(value, field).strip()
    require(bool(text), "input.required", f"{field} 不能为空", f"{field} must not be empty",
            field=field)
    # No text holds a NUL, and PostgreSQL's text columns (the views) cannot store one.
    require("\x00" not in text, "input.bad_text", f"{field} 含有不可见的空字符",
            f"{field} contains a NUL character", field=field)
    require(len(text) <= max_length, "input.too_long",
            f"{field} 不能超过 {max_length} 个字符",
            f"{field} must be at most {max_length} characters", field=field)
    return text


def require_range(value: float, field: str, low: float, high: float) -> None:
    """Reject ``value`` outside ``[low, high]``."""
    require(low <= value <= high, "input.out_of_range",
            f"{field} 必须在 {low} 到 {high} 之间", f"{field} must be between {low} and {high}",
            field=field)


def require_state(current: StrEnum, allowed: Collection[StrEnum], action: str) -> None:
    """Reject a command that is not allowed in the ``current`` state."""
    if current not in allowed:
        wanted = "、".join(str(s) for s in allowed)
        raise InvalidStateError(
            f"state.{action}",
            f"当前状态为 {current}，不能执行“{action}”（需要：{wanted}）",
            f"cannot {action} in state {current} (needs one of: {', '.join(allowed)})",
        )
