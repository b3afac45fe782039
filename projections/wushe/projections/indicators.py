"""Compliance indicators (DB35/T 2074-2022) computed at query time from the compliance view.

The view (:mod:`wushe.projections.views.compliance`) stores counts and rows; this
module reads one community's rows for a year and checks them against a
versioned :class:`~wushe.platform.domain.compliance_policy.ComplianceThresholds`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from wushe.projections.reader import ViewReader
from wushe.projections.views.compliance import (
    COMMUNITIES,
    COMMUNITY_WORKER_ROLES,
    GRIDS,
    NEEDS,
    STAFF,
    STAFF_TRAININGS,
    TEAMS,
    VOLUNTEERS,
    ComplianceIndicators,
)
from wushe.projections.views.participation import (
    COUNTED_ORGANISATION_KINDS,
    ORGANISATIONS,
    PARTICIPATION,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from wushe.platform.domain.compliance_policy import ComplianceThresholds
    from wushe.projections.store import ViewStore

__all__ = ["CommunityRows", "Indicator", "indicators", "load_community_rows"]

_PER_10K = 10_000
_PERCENT = 100


# -- reading ------------------------------------------------------------------------


class CommunityRows(msgspec.Struct, frozen=True, kw_only=True):
    """One community's rows of the compliance view, for one year."""

    community: dict[str, Any]
    grids: tuple[dict[str, Any], ...] = ()
    staff: tuple[dict[str, Any], ...] = ()
    trainings: tuple[dict[str, Any], ...] = ()  # the year's, per member and half
    registered_volunteers: int = 0
    teams: tuple[dict[str, Any], ...] = ()
    organisations: tuple[dict[str, Any], ...] = ()
    participation: tuple[dict[str, Any], ...] = ()  # the year's
    needs: dict[str, int] = msgspec.field(default_factory=dict)  # the year's outcomes


def load_community_rows(
    store: ViewStore, generation: int, *, year: int, community: str | None = None,
    view: str = ComplianceIndicators.name,
) -> list[CommunityRows]:
    """Every community's rows for ``year`` (or the one whose id or code is ``community``)."""
    reader = _Reader(store, view, generation)
    rows = [CommunityRows(
        community=c,
        grids=reader.rows(GRIDS, "community_id = ?", c["community_id"]),
        staff=reader.rows(STAFF, "community_id = ?", c["community_id"]),
        trainings=reader.rows(STAFF_TRAININGS, "community_id = ? AND year = ?",
                              c["community_id"], year),
        registered_volunteers=reader.count(VOLUNTEERS, "community_id = ? AND status = ?",
                                           c["community_id"], "active"),
        teams=reader.rows(TEAMS, "community_id = ?", c["community_id"]),
        organisations=reader.rows(ORGANISATIONS, "community_id = ?", c["community_id"]),
        participation=reader.rows(PARTICIPATION, "community_id = ? AND year = ?",
                                  c["community_id"], year),
        needs=reader.outcomes(c["community_id"], year),
    ) for c in reader.rows(COMMUNITIES, "1 = 1")]
    if community is None:
        return rows
    return [r for r in rows if community in {r.community["community_id"], r.community["code"]}]


class _Reader(ViewReader):
    def outcomes(self, community_id: str, year: int) -> dict[str, int]:
        table = self.table(NEEDS)
        closed = self.store.fetchall(
            f"SELECT closed_overdue, COUNT(*) FROM {table} WHERE community_id = ? "
            "AND closed_year = ? GROUP BY closed_overdue", (community_id, year))
        answered = self.store.fetchall(
            f"SELECT answer_late, COUNT(*) FROM {table} WHERE community_id = ? "
            "AND answered_year = ? GROUP BY answer_late", (community_id, year))
        counts = {f"closed_{int(k)}": int(n) for k, n in closed}
        counts |= {f"answered_{int(k)}": int(n) for k, n in answered}
        return {"closed_on_time": counts.get("closed_0", 0),
                "closed_overdue": counts.get("closed_1", 0),
                "answered_on_time": counts.get("answered_0", 0),
                "answered_late": counts.get("answered_1", 0)}


# -- the indicators ---------------------------------------------------------------------


class Indicator(msgspec.Struct, frozen=True, kw_only=True):
    """One checked requirement: its value against its threshold.

    ``at_most``: the threshold is an upper bound (the value must not exceed it).
    ``value`` is None when there is nothing to measure (see the module docstring).
    """

    code: str
    label_zh: str
    label_en: str
    value: float | None
    threshold: float
    unit: str
    passed: bool
    at_most: bool = False
    detail: str = ""


def indicators(rows: CommunityRows, thresholds: ComplianceThresholds, year: int,
               half: int) -> list[Indicator]:
    """The DB35/T 2074-2022 indicators of one community for ``year`` (and ``half`` of it).

    Pure: depends only on its arguments. ``rows`` must hold ``year``'s trainings,
    participation and need outcomes (see :func:`load_community_rows`).
    """
    return [check(rows, thresholds, year, half) for check in _CHECKS]


def _workers(rows: CommunityRows) -> list[dict[str, Any]]:
    return [s for s in rows.staff
            if s["status"] == "active" and s["role"] in COMMUNITY_WORKER_ROLES]


def _population(rows: CommunityRows) -> int:
    return int(rows.community["permanent_population"] or 0)


def _workers_per_10k(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    workers, population = len(_workers(rows)), _population(rows)
    return Indicator(
        code="workers_per_10k", label_zh="每万名常住人口社区工作者数",
        label_en="community workers per 10,000 residents",
        value=None if population == 0 else workers * _PER_10K / population,
        threshold=t.workers_per_10k, unit="人/万人",
        passed=population > 0 and workers * _PER_10K >= t.workers_per_10k * population,
        detail=f"{workers} / {population:,}")


def _certified(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    certified = sum(1 for s in _workers(rows) if s["certified"])
    return Indicator(code="certified_social_workers", label_zh="持证社会工作者",
                     label_en="certified social workers", value=certified,
                     threshold=t.certified_social_workers, unit="人",
                     passed=certified >= t.certified_social_workers)


def _volunteer_share(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    volunteers, population = rows.registered_volunteers, _population(rows)
    share = None if population == 0 else volunteers / population
    return Indicator(
        code="volunteer_share", label_zh="注册志愿者占常住人口比例",
        label_en="registered volunteers, share of residents",
        value=None if share is None else share * _PERCENT,
        threshold=t.volunteer_share * _PERCENT, unit="%",
        passed=share is not None and share >= t.volunteer_share,
        detail=f"{volunteers:,} / {population:,}")


def _counted_organisations(rows: CommunityRows) -> list[dict[str, Any]]:
    return [o for o in rows.organisations
            if o["status"] == "active" and o["kind"] in COUNTED_ORGANISATION_KINDS
            and o["registration"] != "none"]


def _organisations(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    count = len(_counted_organisations(rows))
    return Indicator(code="social_organisations", label_zh="注册或备案的社会组织",
                     label_en="registered or filed social organisations", value=count,
                     threshold=t.social_organisations, unit="个",
                     passed=count >= t.social_organisations)


def _participation(rows: CommunityRows, t: ComplianceThresholds, year: int,
                   _half: int) -> Indicator:
    projects: dict[str, int] = {}
    for row in rows.participation:
        if row["year"] == year and row["status"] != "cancelled":
            projects[row["organisation_id"]] = projects.get(row["organisation_id"], 0) + 1
    counts = [projects.get(o["organisation_id"], 0) for o in _counted_organisations(rows)]
    return _fewest(("organisation_participation", "社会组织每年参与项目或活动（最少）",
                    "projects or activities per social organisation this year (fewest)"),
                   counts, t.organisation_projects_per_year, "项/年", "took part")


def _teams(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    active = [team for team in rows.teams if team["status"] == "active"]
    full = sum(1 for team in active if int(team["size"]) >= t.team_members)
    return Indicator(
        code="volunteer_teams", label_zh=f"志愿服务队伍（{t.team_members} 人以上）",
        label_en=f"volunteer teams of at least {t.team_members}", value=full,
        threshold=t.teams, unit="支", passed=full >= t.teams,
        detail=f"{full} / {len(active)} teams")


def _ordinary_grids(rows: CommunityRows) -> list[int]:
    return [int(g["households"]) for g in rows.grids if not g["special"]]


def _grid_low(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    sizes, (low, high) = _ordinary_grids(rows), t.grid_households
    inside = sum(1 for s in sizes if low <= s <= high)
    return Indicator(code="grid_households_min", label_zh="网格户数（最少）",
                     label_en="households in the smallest grid", value=min(sizes, default=None),
                     threshold=low, unit="户", passed=bool(sizes) and min(sizes) >= low,
                     detail=f"{inside} / {len(sizes)} grids in {low}–{high}")


def _grid_high(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    sizes, high = _ordinary_grids(rows), t.grid_households[1]
    return Indicator(code="grid_households_max", label_zh="网格户数（最多）",
                     label_en="households in the largest grid", value=max(sizes, default=None),
                     threshold=high, unit="户", passed=bool(sizes) and max(sizes) <= high,
                     at_most=True)


def _objections(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    days = t.objection_answer_working_days
    return _on_time(("objections_on_time", f"异议在 {days} 个工作日内答复",
                     f"objections answered within {days} working day(s)"),
                    rows.needs.get("answered_on_time", 0), rows.needs.get("answered_late", 0),
                    t.objections_on_time_share)


def _closures(rows: CommunityRows, t: ComplianceThresholds, *_: int) -> Indicator:
    return _on_time(("closed_on_time", "承诺时限内办结", "requests closed within the deadline"),
                    rows.needs.get("closed_on_time", 0), rows.needs.get("closed_overdue", 0),
                    t.closed_on_time_share)


def _worker_trainings(rows: CommunityRows, t: ComplianceThresholds, year: int,
                      _half: int) -> Indicator:
    counts = _trainings(rows, _workers(rows), year, None)
    return _fewest(("worker_trainings", "社区工作者年度培训（最少）",
                    "trainings per community worker this year (fewest)"),
                   counts, t.worker_trainings_per_year, "次/年", "trained")


def _window_trainings(rows: CommunityRows, t: ComplianceThresholds, year: int,
                      half: int) -> Indicator:
    window = [s for s in rows.staff if s["status"] == "active" and s["window_staff"]]
    counts = _trainings(rows, window, year, half)
    return _fewest(("window_trainings", "窗口人员半年度培训（最少）",
                    "trainings per window staff member this half-year (fewest)"),
                   counts, t.window_trainings_per_half_year, "次/半年", "trained")


def _trainings(rows: CommunityRows, staff: Sequence[dict[str, Any]], year: int,
               half: int | None) -> list[int]:
    done: dict[str, int] = {}
    for row in rows.trainings:
        if row["year"] == year and (half is None or row["half"] == half):
            done[row["staff_id"]] = done.get(row["staff_id"], 0) + int(row["trainings"])
    return [done.get(s["staff_id"], 0) for s in staff]


def _fewest(labels: tuple[str, str, str], counts: Sequence[int], threshold: int, unit: str,
            verb: str) -> Indicator:
    """A roster indicator: every member needs ``threshold``; an empty roster fails."""
    code, label_zh, label_en = labels
    meeting = sum(1 for c in counts if c >= threshold)
    return Indicator(code=code, label_zh=label_zh, label_en=label_en,
                     value=min(counts, default=None), threshold=threshold, unit=unit,
                     passed=bool(counts) and meeting == len(counts),
                     detail=f"{meeting} / {len(counts)} {verb}")


def _on_time(labels: tuple[str, str, str], on_time: int, late: int, share: float) -> Indicator:
    """A case indicator: the share in time; no cases passes."""
    code, label_zh, label_en = labels
    total = on_time + late
    return Indicator(code=code, label_zh=label_zh, label_en=label_en,
                     value=None if total == 0 else on_time * _PERCENT / total,
                     threshold=share * _PERCENT, unit="%",
                     passed=total == 0 or on_time / total >= share,
                     detail=f"{on_time} / {total} in time")


_CHECKS: tuple[Callable[[CommunityRows, ComplianceThresholds, int, int], Indicator], ...] = (
    _workers_per_10k, _certified, _volunteer_share, _organisations, _participation, _teams,
    _grid_low, _grid_high, _objections, _closures, _worker_trainings, _window_trainings,
)
