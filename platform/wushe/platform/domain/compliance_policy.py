"""Compliance thresholds: the DB35/T 2074-2022 numbers the compliance report checks.

The standard fixes these numbers today, but a revision of the standard (or a
district that sets stricter targets) changes them; so they are one frozen,
versioned value passed to the report, never constants in code. A report names
the version it was computed with.
"""

from __future__ import annotations

import msgspec

__all__ = ["ComplianceThresholds"]


class ComplianceThresholds(msgspec.Struct, frozen=True, kw_only=True):
    """A version of the compliance thresholds."""

    version: str = "DB35/T 2074-2022"
    # 6.1.2: community workers per 10,000 urban permanent residents, at least.
    workers_per_10k: int = 18
    # 6.1.2: certified social workers among the community workers, at least.
    certified_social_workers: int = 2
    # 6.1.2: registered volunteers as a share of the permanent population, at least.
    volunteer_share: float = 0.18
    # 6.2.3: registered or filed social organisations, at least ...
    social_organisations: int = 12
    # ... each taking part in at least this many projects or activities a year.
    organisation_projects_per_year: int = 1
    # 6.2.3: volunteer teams, at least, each with at least ``team_members`` volunteers.
    teams: int = 5
    team_members: int = 5
    # 8.7.1: households of an ordinary grid (special grids are exempt), inclusive.
    grid_households: tuple[int, int] = (300, 500)
    # 8.6.3: an objection is answered within this many working days; the share of
    # objections answered in time must be at least ``objections_on_time_share``.
    objection_answer_working_days: int = 1
    objections_on_time_share: float = 1.0
    # 8.4.1, 8.6.2 (限时办结): share of requests closed within the committed deadline.
    closed_on_time_share: float = 1.0
    # 6.1.3.4: trainings of every community worker a year, of every window staff
    # member every half year, at least.
    worker_trainings_per_year: int = 1
    window_trainings_per_half_year: int = 1
