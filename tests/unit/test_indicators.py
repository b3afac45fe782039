"""The compliance indicators at every threshold boundary: exactly at it, and just past it.

Rows are made by hand: a community that meets every threshold exactly, then one
change at a time.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from wushe.platform.domain.compliance_policy import ComplianceThresholds
from wushe.projections.indicators import CommunityRows, Indicator, indicators
from wushe.projections.views.compliance import half_of

T = ComplianceThresholds()
YEAR, HALF = 2026, 2
POPULATION = 10_000


def staff(n: int, *, role: str = "community_worker", certified: int = 0, window: int = 0,
          status: str = "active") -> dict[str, Any]:
    return {"staff_id": f"s{n}", "community_id": "c", "role": role, "status": status,
            "certified": certified, "window_staff": window}


def trained(staff_id: str, trainings: int = 1, *, year: int = YEAR,
            half: int = HALF) -> dict[str, Any]:
    return {"staff_id": staff_id, "community_id": "c", "year": year, "half": half,
            "trainings": trainings}


def organisation(n: int, *, kind: str = "community_social_organisation",
                 registration: str = "filed", status: str = "active") -> dict[str, Any]:
    return {"organisation_id": f"o{n}", "community_id": "c", "name": f"组织{n}", "kind": kind,
            "registration": registration, "status": status}


def took_part(organisation_id: str, project: str = "p1", *, year: int = YEAR,
              status: str = "published") -> dict[str, Any]:
    return {"organisation_id": organisation_id, "project_id": project, "community_id": "c",
            "year": year, "status": status, "undertaker": 0, "participant": 1}


def team(n: int, size: int = 5, status: str = "active") -> dict[str, Any]:
    return {"team_id": f"t{n}", "community_id": "c", "size": size, "status": status}


def grid(grid_id: str, households: int, special: int = 0) -> dict[str, Any]:
    return {"community_id": "c", "grid_id": grid_id, "name": grid_id, "households": households,
            "special": special}


def compliant() -> CommunityRows:
    """Every threshold met exactly (18 workers, 2 certified, 1,800 volunteers …)."""
    workers = [staff(n, certified=int(n < 2), window=int(n < 3)) for n in range(18)]
    organisations = [organisation(n) for n in range(12)]
    return CommunityRows(
        community={"community_id": "c", "code": "350102001001", "name": "东街社区",
                   "district": "鼓楼区", "permanent_population": POPULATION,
                   "households": 3_500},
        grids=(grid("G01", 300), grid("G02", 500), grid("S01", 1, special=1)),
        staff=tuple(workers),
        trainings=tuple(trained(s["staff_id"]) for s in workers),
        registered_volunteers=1_800,
        teams=tuple(team(n) for n in range(5)),
        organisations=tuple(organisations),
        participation=tuple(took_part(o["organisation_id"]) for o in organisations),
        needs={"closed_on_time": 4, "closed_overdue": 0, "answered_on_time": 2,
               "answered_late": 0},
    )


def check(rows: CommunityRows, code: str, thresholds: ComplianceThresholds = T,
          half: int = HALF) -> Indicator:
    return next(i for i in indicators(rows, thresholds, YEAR, half) if i.code == code)


def change(rows: CommunityRows, **fields: Any) -> CommunityRows:
    return msgspec.structs.replace(rows, **fields)


class TestAllAtTheThresholds:
    def test_every_indicator_passes(self) -> None:
        found = indicators(compliant(), T, YEAR, HALF)
        assert [i.code for i in found if not i.passed] == []
        assert len({i.code for i in found}) == len(found) == 12

    def test_is_pure(self) -> None:
        rows = compliant()
        assert indicators(rows, T, YEAR, HALF) == indicators(rows, T, YEAR, HALF)
        assert rows == compliant()


class TestStaffing:
    def test_workers_per_10k_exactly_18(self) -> None:
        found = check(compliant(), "workers_per_10k")
        assert (found.value, found.threshold, found.passed) == (18.0, 18, True)

    def test_workers_per_10k_one_worker_short(self) -> None:
        rows = compliant()
        found = check(change(rows, staff=rows.staff[1:]), "workers_per_10k")
        assert (found.value, found.passed) == (17.0, False)

    def test_workers_per_10k_one_resident_too_many(self) -> None:
        rows = compliant()
        community = {**rows.community, "permanent_population": POPULATION + 1}
        found = check(change(rows, community=community), "workers_per_10k")
        assert found.value is not None and found.value < 18
        assert not found.passed

    @pytest.mark.parametrize(("role", "status"), [("other", "active"),
                                                   ("community_worker", "left")])
    def test_other_staff_and_leavers_are_not_workers(self, role: str, status: str) -> None:
        rows = compliant()
        replaced = (staff(0, role=role, status=status), *rows.staff[1:])
        assert not check(change(rows, staff=replaced), "workers_per_10k").passed

    def test_social_workers_count_as_workers(self) -> None:
        rows = compliant()
        replaced = (staff(0, role="social_worker", certified=1), *rows.staff[1:])
        assert check(change(rows, staff=replaced), "workers_per_10k").passed

    def test_no_population_fails(self) -> None:
        rows = compliant()
        community = {**rows.community, "permanent_population": 0}
        found = check(change(rows, community=community), "workers_per_10k")
        assert (found.value, found.passed) == (None, False)

    def test_certified_social_workers_exactly_2(self) -> None:
        found = check(compliant(), "certified_social_workers")
        assert (found.value, found.threshold, found.passed) == (2, 2, True)

    def test_certified_social_workers_one_short(self) -> None:
        rows = compliant()
        replaced = (staff(0), *rows.staff[1:])
        found = check(change(rows, staff=replaced), "certified_social_workers")
        assert (found.value, found.passed) == (1, False)

    def test_certified_other_staff_do_not_count(self) -> None:
        rows = compliant()
        replaced = (staff(0, role="other", certified=1), *rows.staff[1:])
        assert not check(change(rows, staff=replaced), "certified_social_workers").passed


class TestVolunteers:
    def test_share_exactly_18_percent(self) -> None:
        found = check(compliant(), "volunteer_share")
        assert (found.value, found.threshold, found.unit, found.passed) == (18.0, 18.0, "%", True)

    def test_share_one_volunteer_short(self) -> None:
        found = check(change(compliant(), registered_volunteers=1_799), "volunteer_share")
        assert found.value == pytest.approx(17.99)
        assert not found.passed

    def test_share_on_a_population_not_a_round_number(self) -> None:
        rows = compliant()
        community = {**rows.community, "permanent_population": 3_000}
        assert check(change(rows, community=community, registered_volunteers=540),
                     "volunteer_share").passed
        assert not check(change(rows, community=community, registered_volunteers=539),
                         "volunteer_share").passed

    def test_teams_exactly_5_of_5(self) -> None:
        found = check(compliant(), "volunteer_teams")
        assert (found.value, found.threshold, found.passed, found.detail) == (
            5, 5, True, "5 / 5 teams")

    def test_teams_one_short(self) -> None:
        rows = compliant()
        found = check(change(rows, teams=rows.teams[1:]), "volunteer_teams")
        assert (found.value, found.passed) == (4, False)

    def test_teams_one_member_short(self) -> None:
        rows = compliant()
        found = check(change(rows, teams=(team(0, size=4), *rows.teams[1:])), "volunteer_teams")
        assert (found.value, found.passed, found.detail) == (4, False, "4 / 5 teams")

    def test_dissolved_teams_do_not_count(self) -> None:
        rows = compliant()
        teams = (team(0, status="dissolved"), *rows.teams[1:])
        assert not check(change(rows, teams=teams), "volunteer_teams").passed


class TestOrganisations:
    def test_exactly_12_registered_or_filed(self) -> None:
        found = check(compliant(), "social_organisations")
        assert (found.value, found.threshold, found.passed) == (12, 12, True)

    @pytest.mark.parametrize("replacement", [
        organisation(0, registration="none"),
        organisation(0, status="inactive"),
        organisation(0, kind="co_building_unit", registration="registered"),
        organisation(0, kind="charity", registration="registered"),
    ], ids=["unregistered", "inactive", "co-building unit", "charity"])
    def test_one_that_does_not_count_makes_11(self, replacement: dict[str, Any]) -> None:
        rows = compliant()
        found = check(change(rows, organisations=(replacement, *rows.organisations[1:])),
                      "social_organisations")
        assert (found.value, found.passed) == (11, False)

    def test_social_organisations_count(self) -> None:
        rows = compliant()
        organisations = (organisation(0, kind="social_organisation", registration="registered"),
                         *rows.organisations[1:])
        assert check(change(rows, organisations=organisations), "social_organisations").passed

    def test_every_one_took_part_once(self) -> None:
        found = check(compliant(), "organisation_participation")
        assert (found.value, found.threshold, found.passed, found.detail) == (
            1, 1, True, "12 / 12 took part")

    def test_one_took_part_in_nothing(self) -> None:
        rows = compliant()
        found = check(change(rows, participation=rows.participation[1:]),
                      "organisation_participation")
        assert (found.value, found.passed, found.detail) == (0, False, "11 / 12 took part")

    @pytest.mark.parametrize("row", [took_part("o0", status="cancelled"),
                                     took_part("o0", year=YEAR + 1)],
                             ids=["cancelled", "another year"])
    def test_cancelled_or_other_years_do_not_count(self, row: dict[str, Any]) -> None:
        rows = compliant()
        participation = (row, *rows.participation[1:])
        assert not check(change(rows, participation=participation),
                         "organisation_participation").passed

    def test_no_organisations_fails(self) -> None:
        found = check(change(compliant(), organisations=()), "organisation_participation")
        assert (found.value, found.passed) == (None, False)

    def test_a_stricter_policy_asks_for_two(self) -> None:
        strict = msgspec.structs.replace(T, version="strict", organisation_projects_per_year=2)
        rows = compliant()
        assert not check(rows, "organisation_participation", strict).passed
        twice = rows.participation + tuple(took_part(p["organisation_id"], "p2")
                                           for p in rows.participation)
        assert check(change(rows, participation=twice), "organisation_participation",
                     strict).passed


class TestGrids:
    def test_exactly_300_and_500(self) -> None:
        low, high = check(compliant(), "grid_households_min"), check(compliant(),
                                                                      "grid_households_max")
        assert (low.value, low.threshold, low.passed, low.at_most) == (300, 300, True, False)
        assert (high.value, high.threshold, high.passed, high.at_most) == (500, 500, True, True)
        assert low.detail == "2 / 2 grids in 300–500"

    def test_299_households(self) -> None:
        rows = compliant()
        found = check(change(rows, grids=(grid("G01", 299), *rows.grids[1:])),
                      "grid_households_min")
        assert (found.value, found.passed, found.detail) == (299, False, "1 / 2 grids in 300–500")

    def test_501_households(self) -> None:
        rows = compliant()
        found = check(change(rows, grids=(rows.grids[0], grid("G02", 501), rows.grids[2])),
                      "grid_households_max")
        assert (found.value, found.passed) == (501, False)

    def test_special_grids_are_exempt(self) -> None:
        rows = compliant()
        grids = (*rows.grids, grid("S02", 2_000, special=1))
        assert check(change(rows, grids=grids), "grid_households_max").passed

    def test_no_ordinary_grid_fails(self) -> None:
        found = check(change(compliant(), grids=(grid("S01", 1, special=1),)),
                      "grid_households_min")
        assert (found.value, found.passed) == (None, False)


class TestTimeLimits:
    @pytest.mark.parametrize(("code", "on_time", "late"), [
        ("objections_on_time", "answered_on_time", "answered_late"),
        ("closed_on_time", "closed_on_time", "closed_overdue"),
    ])
    def test_all_in_time_passes_one_late_fails(self, code: str, on_time: str,
                                               late: str) -> None:
        rows = compliant()
        found = check(rows, code)
        assert (found.value, found.threshold, found.passed) == (100.0, 100.0, True)
        one_late = change(rows, needs={**rows.needs, on_time: 9, late: 1})
        found = check(one_late, code)
        assert (found.value, found.passed, found.detail) == (90.0, False, "9 / 10 in time")

    @pytest.mark.parametrize("code", ["objections_on_time", "closed_on_time"])
    def test_no_cases_passes(self, code: str) -> None:
        found = check(change(compliant(), needs={}), code)
        assert (found.value, found.passed) == (None, True)

    def test_a_policy_target_below_all(self) -> None:
        target = msgspec.structs.replace(T, version="target-90", closed_on_time_share=0.9,
                                         objections_on_time_share=0.9)
        rows = compliant()
        at = change(rows, needs={"closed_on_time": 9, "closed_overdue": 1,
                                 "answered_on_time": 9, "answered_late": 1})
        below = change(rows, needs={"closed_on_time": 8, "closed_overdue": 1,
                                    "answered_on_time": 8, "answered_late": 1})
        for code in ("closed_on_time", "objections_on_time"):
            assert check(at, code, target).passed
            assert not check(below, code, target).passed

    def test_the_objection_label_names_the_working_days(self) -> None:
        two = msgspec.structs.replace(T, objection_answer_working_days=2)
        found = check(compliant(), "objections_on_time", two)
        assert "2 个工作日" in found.label_zh and "2 working day" in found.label_en


class TestTrainings:
    def test_every_worker_trained_once(self) -> None:
        found = check(compliant(), "worker_trainings")
        assert (found.value, found.threshold, found.passed, found.detail) == (
            1, 1, True, "18 / 18 trained")

    def test_one_worker_untrained(self) -> None:
        rows = compliant()
        found = check(change(rows, trainings=rows.trainings[1:]), "worker_trainings")
        assert (found.value, found.passed, found.detail) == (0, False, "17 / 18 trained")

    def test_either_half_counts_for_the_year(self) -> None:
        rows = compliant()
        trainings = (trained("s0", half=1), *rows.trainings[1:])
        assert check(change(rows, trainings=trainings), "worker_trainings").passed

    def test_another_years_training_does_not_count(self) -> None:
        rows = compliant()
        trainings = (trained("s0", year=YEAR - 1), *rows.trainings[1:])
        assert not check(change(rows, trainings=trainings), "worker_trainings").passed

    def test_window_staff_trained_this_half(self) -> None:
        found = check(compliant(), "window_trainings")
        assert (found.value, found.threshold, found.passed, found.detail) == (
            1, 1, True, "3 / 3 trained")

    def test_window_staff_trained_only_in_the_other_half(self) -> None:
        rows = compliant()
        trainings = (trained("s0", half=1), *rows.trainings[1:])
        found = check(change(rows, trainings=trainings), "window_trainings")
        assert (found.value, found.passed, found.detail) == (0, False, "2 / 3 trained")
        assert check(change(rows, trainings=trainings), "window_trainings", half=1).value == 0

    def test_no_window_staff_fails(self) -> None:
        rows = compliant()
        no_window = tuple({**s, "window_staff": 0} for s in rows.staff)
        found = check(change(rows, staff=no_window), "window_trainings")
        assert (found.value, found.passed) == (None, False)

    def test_a_policy_of_two_a_year(self) -> None:
        two = msgspec.structs.replace(T, worker_trainings_per_year=2)
        rows = compliant()
        assert not check(rows, "worker_trainings", two).passed
        twice = tuple({**t, "trainings": 2} for t in rows.trainings)
        assert check(change(rows, trainings=twice), "worker_trainings", two).passed


class TestThresholds:
    def test_defaults_are_the_standards_numbers(self) -> None:
        assert (T.workers_per_10k, T.certified_social_workers, T.volunteer_share,
                T.social_organisations, T.teams, T.team_members, T.grid_households,
                T.objection_answer_working_days, T.worker_trainings_per_year,
                T.window_trainings_per_half_year) == (18, 2, 0.18, 12, 5, 5, (300, 500), 1, 1, 1)

    def test_a_version_is_frozen_and_round_trips(self) -> None:
        with pytest.raises(AttributeError):
            T.teams = 6  # type: ignore[misc]
        encoded = msgspec.json.encode(msgspec.structs.replace(T, version="2027.1", teams=6))
        decoded = msgspec.json.decode(encoded, type=ComplianceThresholds)
        assert (decoded.version, decoded.teams, decoded.grid_households) == (
            "2027.1", 6, (300, 500))

    @pytest.mark.parametrize(("month", "half"), [(1, 1), (6, 1), (7, 2), (12, 2)])
    def test_half_of(self, month: int, half: int) -> None:
        assert half_of(month) == half
