"""Policy: the numbers and vocabularies the standard leaves open (marked [assumed] in
standard.md). One frozen value, versioned, passed to commands — never constants in code.
"""

from __future__ import annotations

import msgspec

from wushe.platform.domain.calendar import WorkingCalendar

__all__ = ["DEFAULT_CATEGORIES", "Policy"]

# The working category list of standard.md (7.1, partly lost): code → (中文, English).
DEFAULT_CATEGORIES: dict[str, tuple[str, str]] = {
    "ELDER": ("助老", "elderly care"),
    "DISAB": ("助残", "disability support"),
    "CHILD": ("助幼/儿童关爱", "child care and protection"),
    "EDU": ("助学/社区教育", "education"),
    "HEALTH": ("卫生健康", "health"),
    "PSY": ("心理疏导", "counselling"),
    "LEGAL": ("法律服务", "legal aid"),
    "MEDIATE": ("矛盾调解", "mediation"),
    "EMPLOY": ("就业服务", "employment"),
    "ASSIST": ("困难帮扶/社会救助", "hardship relief"),
    "CULT": ("文化体育", "culture and sport"),
    "ENV": ("环境卫生", "environment"),
    "SAFE": ("平安/应急", "safety and emergencies"),
    "CONV": ("便民服务", "convenience services"),
    "GOV": ("政务代办", "proxy government services"),
    "PARTY": ("理论宣讲", "civic education"),
}


class Policy(msgspec.Struct, frozen=True, kw_only=True):
    """A version of the community-service policy."""

    version: str = "2026.1"
    categories: dict[str, tuple[str, str]] = msgspec.field(
        default_factory=lambda: dict(DEFAULT_CATEGORIES))
    calendar: WorkingCalendar = msgspec.field(default_factory=WorkingCalendar)
    # Service hours are credited in steps (common practice: 0.5 h).
    hours_step_minutes: int = 30
    # Star levels by cumulative confirmed hours: 1–5 stars.
    star_thresholds_hours: tuple[int, ...] = (100, 300, 600, 1000, 1500)
    # An assignment offer lapses if not answered within this many hours.
    offer_expiry_hours: int = 48
    # An objection to a reply is answered within this many working days (8.6.3).
    objection_answer_working_days: int = 1

    def has_category(self, code: str) -> bool:
        """Whether ``code`` is a category of this policy."""
        return code in self.categories
