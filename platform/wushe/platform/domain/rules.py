"""Small guards shared by the aggregates, so each rule reads as one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.platform.domain.errors import DomainRuleError, InvalidStateError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import datetime
    from enum import StrEnum

__all__ = [
    "require",
    "require_aware",
    "require_phone",
    "require_range",
    "require_rule",
    "require_state",
    "require_text",
]

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


def require_aware(moment: datetime, field: str = "at") -> None:
    """Reject a datetime without a time zone."""
    require(moment.tzinfo is not None, "input.naive_datetime", "时间必须带时区",
            "a time must carry its time zone", field=field)


def require_phone(phone: str, field: str = "phone") -> str:
    """Return ``phone`` stripped; reject anything that is not a phone number."""
    text = phone.strip()
    digits = text.removeprefix("+86").replace("-", "").replace(" ", "")
    low, high = PHONE_DIGITS
    require(digits.isdigit() and low <= len(digits) <= high, "input.bad_phone",
            "电话号码格式不正确", "not a valid phone number", field=field)
    return text


def require_text(value: str, field: str, *, max_length: int = 200) -> str:
    """Return ``value`` stripped; reject empty or over-long text."""
    text = value.strip()
    require(bool(text), "input.required", f"{field} 不能为空", f"{field} must not be empty",
            field=field)
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
