"""Masked forms of personal data for lists (PIPL: show only what a list needs)."""

from __future__ import annotations

__all__ = ["mask_name", "mask_phone"]

_PHONE_VISIBLE = 3  # digits kept at each end of a mobile number


def mask_name(name: str | None) -> str | None:
    """``林晓燕`` → ``林**``: the surname only."""
    if not name:
        return None
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """``13905912345`` → ``139****2345``."""
    if not phone:
        return None
    digits = phone.strip()
    if len(digits) <= 2 * _PHONE_VISIBLE:
        return "*" * len(digits)
    return digits[:_PHONE_VISIBLE] + "*" * (len(digits) - 2 * _PHONE_VISIBLE - 1) + digits[-4:]
