"""The local improvement pass: coverage held, the lower tiers never worse."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from tests.unit.matching.conftest import tiers_by_definition, tiny_problems
from wushe.matching.staffing import Params, Problem, Shift, Team, Volunteer, Window
from wushe.matching.staffing.capacity import capacities
from wushe.matching.staffing.check import violations
from wushe.matching.staffing.eligibility import Pairs, eligible_pairs
from wushe.matching.staffing.evaluate import Selection, counted_organisations
from wushe.matching.staffing.flow import relax
from wushe.matching.staffing.improve import improve
from wushe.matching.staffing.instance import Instance
from wushe.matching.staffing.repair import repair
from wushe.matching.staffing.weights import stage_weights, weights_for

DAY = Window(0, 24 * 60)
GRIDS = {"g": (0, 0), "far": (5, 0)}


def _shift(id_: str, **kw: Any) -> Shift:
    fields: dict[str, Any] = {"project_id": "p", "grid": "g", "category": "care", "start": 60,
                              "end": 120, "min_headcount": 1, "max_headcount": 1}
    return Shift(id=id_, **(fields | kw))


def _person(id_: str, **kw: Any) -> Volunteer:
    fields: dict[str, Any] = {"windows": (DAY,), "home_grid": "g", "cap_minutes": 600}
    return Volunteer(id=id_, **(fields | kw))


def _setting(problem: Problem) -> tuple[Instance, Pairs]:
    instance = Instance.of(problem)
    return instance, eligible_pairs(instance)


def _tiers(problem: Problem, instance: Instance, pairs: Pairs,
           selection: Selection) -> tuple[int, ...]:
    planned = {(instance.volunteers[pairs.volunteer[p]].id, instance.shifts[pairs.shift[p]].id)
               for p in selection.pairs}
    adopted = {project: instance.teams[t].id for project, t in selection.teams.items()}
    return tiers_by_definition(problem, planned, adopted)


def _pick(instance: Instance, pairs: Pairs, wanted: set[tuple[str, str]]) -> Selection:
    return Selection({p for p in range(len(pairs))
                      if (instance.volunteers[pairs.volunteer[p]].id,
                          instance.shifts[pairs.shift[p]].id) in wanted})


def _flow_plan(instance: Instance, pairs: Pairs) -> Selection:
    capacity = capacities(instance, pairs)
    organisations = counted_organisations(instance, pairs)
    weights = weights_for(instance, pairs, capacity, organisations)
    flow = relax(instance, pairs, capacity, stage_weights(weights.bounds, (0, 1, 2, 3, 4)))
    assert flow is not None
    return repair(instance, pairs, flow.selection)


class TestMoves:
    def test_a_nearer_free_person_takes_the_place(self) -> None:
        problem = Problem(shifts=(_shift("s"),), grid_positions=GRIDS,
                          volunteers=(_person("near"), _person("away", home_grid="far")))
        instance, pairs = _setting(problem)
        found = improve(instance, pairs, _pick(instance, pairs, {("away", "s")}), [])
        assert _pick(instance, pairs, {("near", "s")}).pairs == found.pairs

    def test_two_people_on_clashing_shifts_trade_places(self) -> None:
        problem = Problem(shifts=(_shift("s"), _shift("t", start=100, end=160, grid="far")),
                          grid_positions=GRIDS,
                          volunteers=(_person("near"), _person("away", home_grid="far")))
        instance, pairs = _setting(problem)
        start = _pick(instance, pairs, {("away", "s"), ("near", "t")})
        assert improve(instance, pairs, start, []).pairs == _pick(
            instance, pairs, {("near", "s"), ("away", "t")}).pairs

    def test_a_busy_person_stays_where_nobody_else_can_go(self) -> None:
        nursing = frozenset({"nurse"})
        problem = Problem(
            shifts=(_shift("s"), _shift("t", start=100, end=160, grid="far", skills=nursing)),
            grid_positions=GRIDS,
            volunteers=(_person("near", skills=nursing), _person("away", home_grid="far")))
        instance, pairs = _setting(problem)
        start = _pick(instance, pairs, {("away", "s"), ("near", "t")})
        assert improve(instance, pairs, start, []).pairs == start.pairs

    def test_a_chain_leaves_a_place_open_only_beyond_the_required(self) -> None:
        problem = Problem(
            shifts=(_shift("s"), _shift("t", start=100, end=160, max_headcount=2, grid="far")),
            grid_positions=GRIDS,
            volunteers=(_person("near"), _person("away", home_grid="far"),
                        _person("other", home_grid="far")))
        instance, pairs = _setting(problem)
        start = _pick(instance, pairs, {("away", "s"), ("near", "t"), ("other", "t")})
        found = improve(instance, pairs, start, [])
        assert _pick(instance, pairs, {("near", "s")}).pairs <= found.pairs
        assert len(found.pairs) == 2

    def test_a_person_beyond_the_required_leaves(self) -> None:
        problem = Problem(shifts=(_shift("s", max_headcount=2),), grid_positions=GRIDS,
                          volunteers=(_person("near"), _person("away", home_grid="far")))
        instance, pairs = _setting(problem)
        start = _pick(instance, pairs, {("near", "s"), ("away", "s")})
        assert improve(instance, pairs, start, []).pairs == _pick(
            instance, pairs, {("near", "s")}).pairs

    def test_a_home_visit_keeps_its_two_people(self) -> None:
        problem = Problem(shifts=(_shift("s", max_headcount=2, home_visit=True),),
                          grid_positions=GRIDS,
                          volunteers=(_person("a", home_grid="far"), _person("b")))
        instance, pairs = _setting(problem)
        start = _pick(instance, pairs, {("a", "s"), ("b", "s")})
        assert improve(instance, pairs, start, []).pairs == start.pairs

    def test_a_team_only_place_stays_with_the_adopted_team(self) -> None:
        people = (_person("a", home_grid="far"), _person("b", home_grid="far"), _person("c"))
        team = Team(id="t", members=("a", "b"), home_grid="g")
        other = Team(id="u", members=("c",), home_grid="g")
        problem = Problem(shifts=(_shift("s", team_only=True, max_headcount=2),),
                          volunteers=people, teams=(team, other), grid_positions=GRIDS,
                          params=Params(team_slot_min=1))
        instance, pairs = _setting(problem)
        start = _pick(instance, pairs, {("a", "s")})
        start.teams["p"] = 0
        assert improve(instance, pairs, start, []).pairs == start.pairs


@settings(max_examples=150, deadline=None)
@given(tiny_problems())
def test_improvement_keeps_the_rules_and_coverage_and_never_worsens(problem: Problem) -> None:
    instance, pairs = _setting(problem)
    start = _flow_plan(instance, pairs)
    before = _tiers(problem, instance, pairs, start)
    found = improve(instance, pairs, start, counted_organisations(instance, pairs))
    after = _tiers(problem, instance, pairs, found)
    assert violations(instance, pairs, found) == violations(instance, pairs, start)
    assert after[:2] == before[:2]
    assert after <= before
