"""The error tree: every error wushe raises on purpose is a :class:`WusheError`.

Each carries a stable machine code (``need.not_accepted``), a message in Chinese
and in English, and, for input errors, the field it concerns. The HTTP layer maps
the classes to status codes in one place; nothing below it knows about HTTP.
"""

from __future__ import annotations

__all__ = [
    "ConflictError",
    "DomainRuleError",
    "InvalidStateError",
    "NotFoundError",
    "StaleVersionError",
    "ValidationError",
    "WusheError",
]


class WusheError(Exception):
    """Root of every error wushe raises on purpose."""

    def __init__(self, code: str, zh: str, en: str, *, field: str | None = None) -> None:
        super().__init__(f"{code}: {en}")
        self.code = code
        self.message_zh = zh
        self.message_en = en
        self.field = field

    def message(self, language: str) -> str:
        """The message in ``zh`` or ``en`` (anything not Chinese gets English)."""
        return self.message_zh if language.lower().startswith("zh") else self.message_en


class ValidationError(WusheError):
    """A command's input is malformed or out of range; nothing was recorded."""


class DomainRuleError(WusheError):
    """A command is well-formed but breaks a rule of the domain; nothing was recorded."""


class InvalidStateError(DomainRuleError):
    """The command is not allowed in the aggregate's current state."""


class NotFoundError(WusheError):
    """The aggregate a command or query names does not exist."""


class ConflictError(WusheError):
    """Another writer changed the aggregate first; reload and retry."""


class StaleVersionError(ConflictError):
    """The caller's expected version (``If-Match``) is not the current version."""
