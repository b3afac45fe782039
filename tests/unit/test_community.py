"""Community: founding, population, grids and venue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import uuid4

import pytest

from tests.helpers import MONDAY_9AM, assert_replays_equal
from wushe.platform.domain.community import Community, Grid, Venue
from wushe.platform.domain.errors import DomainRuleError, ValidationError, WusheError


def found(**overrides: Any) -> Community:
    fields: dict[str, Any] = {
        "id": uuid4(), "code": "350102001", "name": "东街社区", "district": "鼓楼区",
        "permanent_population": 9000, "households": 3200, "at": MONDAY_9AM,
    }
    fields.update(overrides)
    return Community.found(**fields)


def grid(grid_id: str = "G01", households: int = 420, **overrides: Any) -> Grid:
    fields: dict[str, Any] = {"grid_id": grid_id, "name": f"网格 {grid_id}",
                              "households": households}
    fields.update(overrides)
    return Grid(**fields)


def saved(community: Community) -> Community:
    """The community with its pending events collected (as after a save)."""
    community.collect_events()
    return community


def assert_rejected(community: Community, error: type[WusheError], code: str,
                    command: Any) -> None:
    version = community.version
    with pytest.raises(error) as raised:
        command()
    assert raised.value.code == code
    assert community.version == version
    assert community.collect_events() == []


class TestFound:
    def test_records_the_community(self) -> None:
        community = found()
        assert (community.code, community.name, community.district) == (
            "350102001", "东街社区", "鼓楼区")
        assert (community.permanent_population, community.households) == (9000, 3200)
        assert community.founded_at == MONDAY_9AM
        assert community.grids == ()
        assert community.venue is None
        assert len(community.collect_events()) == 1

    @pytest.mark.parametrize("code", ["350102001", "350102001001", " 350102001 "])
    def test_accepts_9_or_12_digit_codes(self, code: str) -> None:
        assert found(code=code).code == code.strip()

    @pytest.mark.parametrize(("overrides", "code"), [
        ({"code": "35010200"}, "community.bad_code"),
        ({"code": "3501020011"}, "community.bad_code"),
        ({"code": "35010200A"}, "community.bad_code"),
        ({"name": "  "}, "input.required"),
        ({"district": ""}, "input.required"),
        ({"permanent_population": -1}, "input.out_of_range"),
        ({"households": -1}, "input.out_of_range"),
        ({"at": datetime(2026, 11, 30, 9)}, "input.naive_datetime"),  # noqa: DTZ001
    ])
    def test_rejects_bad_input(self, overrides: dict[str, Any], code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            found(**overrides)
        assert raised.value.code == code


class TestPopulation:
    def test_sets_population(self) -> None:
        community = saved(found())
        community.set_population(12000, 4100)
        assert (community.permanent_population, community.households) == (12000, 4100)
        assert len(community.collect_events()) == 1

    @pytest.mark.parametrize(("population", "households"), [(-5, 10), (10, -5),
                                                             (2_000_000, 10)])
    def test_rejects_out_of_range(self, population: int, households: int) -> None:
        community = saved(found())
        assert_rejected(community, ValidationError, "input.out_of_range",
                        lambda: community.set_population(population, households))


class TestGrids:
    def test_adds_grids_sorted_by_id(self) -> None:
        community = saved(found())
        community.add_grid(grid("G02"))
        community.add_grid(grid(" G01 ", 380))
        assert [g.grid_id for g in community.grids] == ["G01", "G02"]
        assert community.has_grid("G01")
        assert not community.has_grid("G03")
        assert community.grid("G01").households == 380
        assert community.grid_households == 800
        assert len(community.collect_events()) == 2

    @pytest.mark.parametrize("households", [1, 120, 650, 5000])
    def test_records_grids_outside_300_to_500(self, households: int) -> None:
        community = saved(found())
        community.add_grid(grid(households=households))
        assert community.grid("G01").households == households

    def test_special_grid_names_its_kind(self) -> None:
        community = saved(found())
        community.add_grid(grid("S01", 60, special=True, kind=" 学校 "))
        assert community.grid("S01") == Grid("S01", "网格 S01", 60, special=True, kind="学校")

    @pytest.mark.parametrize(("bad", "error", "code"), [
        (grid("G01"), DomainRuleError, "community.duplicate_grid"),
        (grid("G09", 0), ValidationError, "input.out_of_range"),
        (grid("G09", -3), ValidationError, "input.out_of_range"),
        (grid(""), ValidationError, "input.required"),
        (grid("G09", name=" "), ValidationError, "input.required"),
        (grid("G09", special=True), ValidationError, "community.special_grid_kind"),
        (grid("G09", kind=""), ValidationError, "input.required"),
    ])
    def test_add_rejects(self, bad: Grid, error: type[WusheError], code: str) -> None:
        community = saved(found())
        community.add_grid(grid("G01"))
        community.collect_events()
        assert_rejected(community, error, code, lambda: community.add_grid(bad))

    def test_changes_a_grid(self) -> None:
        community = saved(found())
        community.add_grid(grid("G01"))
        community.add_grid(grid("G02"))
        community.collect_events()
        community.change_grid(grid("G01", 510, name="新名"))
        assert community.grid("G01") == Grid("G01", "新名", 510)
        assert community.grid("G02") == grid("G02")
        assert len(community.collect_events()) == 1

    @pytest.mark.parametrize(("bad", "error", "code"), [
        (grid("G09"), DomainRuleError, "community.unknown_grid"),
        (grid("G01"), DomainRuleError, "community.grid_unchanged"),
        (grid("G01", 0), ValidationError, "input.out_of_range"),
    ])
    def test_change_rejects(self, bad: Grid, error: type[WusheError], code: str) -> None:
        community = saved(found())
        community.add_grid(grid("G01"))
        community.collect_events()
        assert_rejected(community, error, code, lambda: community.change_grid(bad))

    def test_removes_a_grid(self) -> None:
        community = saved(found())
        community.add_grid(grid("G01"))
        community.collect_events()
        community.remove_grid("G01")
        assert community.grids == ()
        assert len(community.collect_events()) == 1

    def test_remove_rejects_an_unknown_grid(self) -> None:
        community = saved(found())
        assert_rejected(community, DomainRuleError, "community.unknown_grid",
                        lambda: community.remove_grid("G01"))

    def test_lookup_of_unknown_grid_raises(self) -> None:
        with pytest.raises(DomainRuleError) as raised:
            found().grid("nope")
        assert raised.value.code == "community.unknown_grid"
        assert raised.value.field == "grid_id"


class TestVenue:
    def test_sets_venue(self) -> None:
        community = saved(found())
        community.set_venue(800, 680, ("阅览室", "调解室", " 阅览室 "))
        assert community.venue == Venue(800, 680, ("调解室", "阅览室"))
        assert community.venue.service_share == pytest.approx(0.85)
        assert len(community.collect_events()) == 1

    def test_service_area_may_equal_total(self) -> None:
        community = found()
        community.set_venue(500, 500, ())
        assert community.venue == Venue(500, 500, ())

    @pytest.mark.parametrize(("total", "service", "rooms", "code"), [
        (800, 801, (), "community.service_area_too_large"),
        (0, 0, (), "input.out_of_range"),
        (800, -1, (), "input.out_of_range"),
        (800, 600, ("",), "input.required"),
        (800, 600, tuple(f"房间{i}" for i in range(101)), "input.too_many"),
    ])
    def test_rejects(self, total: int, service: int, rooms: tuple[str, ...], code: str) -> None:
        community = saved(found())
        assert_rejected(community, ValidationError, code,
                        lambda: community.set_venue(total, service, rooms))


def test_replay_gives_the_same_state() -> None:
    community = found()
    community.set_population(9100, 3300)
    community.add_grid(grid("G01"))
    community.add_grid(grid("S01", 40, special=True, kind="医院"))
    community.change_grid(grid("G01", 460))
    community.remove_grid("S01")
    community.set_venue(900, 760, ("服务大厅", "社工室"))
    assert_replays_equal(community, community.collect_events())


# -- wrongly typed input ----------------------------------------------------------

NOT_INT: tuple[Any, ...] = (4.5, 9000.0, "9000", True, None)
NOT_TEXT: tuple[Any, ...] = (5, b"x", None)


class TestWrongTypes:
    """A wrongly typed argument is a ValidationError, and nothing is recorded."""

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [("id", v, "input.bad_id") for v in ("not-an-id", 5, None)]
        + [("code", v, "community.bad_code") for v in (350102001, None)]
        + [(f, v, "input.not_text") for f in ("name", "district") for v in NOT_TEXT]
        + [(f, v, "input.not_integer")
           for f in ("permanent_population", "households") for v in NOT_INT]
        + [("at", v, "input.not_datetime")
           for v in ("2026-12-01T09:00:00+08:00", date(2026, 12, 1), None)],
    )
    def test_found(self, field: str, value: object, code: str) -> None:
        with pytest.raises(ValidationError) as raised:
            found(**{field: value})
        assert (raised.value.code, raised.value.field) == (code, field)

    @pytest.mark.parametrize(
        ("command", "value", "code", "field"),
        [("population", v, "input.not_integer", "permanent_population") for v in NOT_INT]
        + [("households", v, "input.not_integer", "households") for v in NOT_INT]
        + [("grid", v, "input.bad_type", "grid")
           for v in (None, "G01", Venue(100, 80), {"grid_id": "G01"})]
        + [("grid", grid(households=v), "input.not_integer", "grid.households")
           for v in NOT_INT]
        + [("grid", grid(special=v), "input.not_boolean", "grid.special")
           for v in (1, "yes", None)]
        + [("grid", grid(grid_id=v), "input.not_text", "grid.grid_id") for v in NOT_TEXT]
        + [("grid", grid(kind=5), "input.not_text", "grid.kind")]
        + [("remove_grid", v, "input.not_text", "grid_id") for v in NOT_TEXT]
        + [("total_area_m2", v, "input.not_integer", "total_area_m2") for v in NOT_INT]
        + [("service_area_m2", v, "input.not_integer", "service_area_m2") for v in NOT_INT]
        + [("rooms", v, "input.not_sequence", "rooms") for v in ("活动室", None, 5)]
        + [("rooms", (5,), "input.not_text", "rooms")],
    )
    def test_commands(self, command: str, value: Any, code: str, field: str) -> None:
        community = saved(found())
        community.add_grid(grid("G01"))
        community.collect_events()
        calls: dict[str, Any] = {
            "population": lambda: community.set_population(value, 3200),
            "households": lambda: community.set_population(9000, value),
            "grid": lambda: community.add_grid(value),
            "remove_grid": lambda: community.remove_grid(value),
            "total_area_m2": lambda: community.set_venue(value, 80, ()),
            "service_area_m2": lambda: community.set_venue(100, value, ()),
            "rooms": lambda: community.set_venue(100, 80, value),
        }
        assert_rejected(community, ValidationError, code, calls[command])
        with pytest.raises(ValidationError) as raised:
            calls[command]()
        assert raised.value.field == field

    @pytest.mark.parametrize("value", [4.5, "420", True])
    def test_change_grid(self, value: Any) -> None:
        community = saved(found())
        community.add_grid(grid("G01"))
        community.collect_events()
        assert_rejected(community, ValidationError, "input.not_integer",
                        lambda: community.change_grid(grid("G01", households=value)))
