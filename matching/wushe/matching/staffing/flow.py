"""The min-cost-flow relaxation: a valid lower bound of the objective and a candidate plan.

source → volunteer (one arc per k-th shift, cost increasing: the convex load)
→ (volunteer, time block) (capacity 1: rule 3) → shift (tier-4 cost, new face
shared out, kept proposal rewarded) → sink (required places rewarded by tier 1
or 2, the rest free); a bypass arc lets flow skip everything. The pair, team
and organisation terms are left out and no cost is above the true cost, so the
optimum plus the fixed pairs' constants never exceeds the full objective.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ortools.graph.python import min_cost_flow

from wushe.matching.staffing.evaluate import Selection

if TYPE_CHECKING:
    from wushe.matching.staffing.capacity import Capacity
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.instance import Instance

__all__ = ["FlowResult", "relax"]

SOURCE, SINK = 0, 1
COST_LIMIT = 2**61  # the cost-scaling algorithm multiplies costs by the node count


@dataclass(frozen=True, slots=True)
class FlowResult:
    bound: int  # a proven lower bound of the weighted objective
    selection: Selection  # the flow's pairs (fixed ones included), no team adopted
    scale: int  # costs were divided by this (1: exact) to fit the flow's integer range


@dataclass(slots=True)
class _Network:
    tails: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    capacities: list[int] = field(default_factory=list)
    costs: list[int] = field(default_factory=list)
    nodes: int = 2
    pair_arcs: dict[int, int] = field(default_factory=dict)  # arc → pair
    supply: int = 0
    constant: int = 0  # objective terms fixed by the fixed pairs and teams

    def node(self) -> int:
        self.nodes += 1
        return self.nodes - 1

    def arc(self, tail: int, head: int, capacity: int, cost: int) -> int:
        self.tails.append(tail)
        self.heads.append(head)
        self.capacities.append(capacity)
        self.costs.append(cost)
        return len(self.tails) - 1


def relax(instance: Instance, pairs: Pairs, capacity: list[Capacity],
          weights: dict[int, int]) -> FlowResult | None:
    """Solve the relaxation with these tier weights (0-based tier → weight)."""
    network = _Network()
    shift_nodes = _shift_side(instance, pairs, network, weights)
    _volunteer_side(instance, pairs, capacity, network, shift_nodes=shift_nodes, weights=weights)
    network.constant += _fixed_constant(instance, pairs, weights)
    network.arc(SOURCE, SINK, network.supply, 0)
    return _solve(network, pairs)


def _shift_side(instance: Instance, pairs: Pairs, network: _Network,
                weights: dict[int, int]) -> list[int]:
    nodes: list[int] = []
    for s, shift in enumerate(instance.shifts):
        node = network.node()
        nodes.append(node)
        fixed = sum(pairs.fixed[p] for p in pairs.by_shift[s])
        room = max(0, shift.max_headcount - fixed)
        required = max(0, shift.min_headcount - fixed)
        reward = weights[0 if shift.priority else 1]
        network.constant += reward * required
        network.arc(node, SINK, min(required, room), -reward)
        network.arc(node, SINK, room - min(required, room), 0)
    return nodes


def _volunteer_side(instance: Instance, pairs: Pairs, capacity: list[Capacity],
                    network: _Network, *, shift_nodes: list[int],
                    weights: dict[int, int]) -> None:
    arc_costs = _pair_costs(instance, pairs, weights)
    for v, cap in enumerate(capacity):
        if cap.most == 0:
            continue
        node = network.node()
        steps = instance.year_steps(instance.volunteers[v])
        for k in range(cap.fixed + 1, cap.fixed + cap.most + 1):
            network.arc(SOURCE, node, 1, weights[4] * (k + steps))
        network.supply += cap.most
        for block in cap.blocks:
            tail = node
            if len(block) > 1:
                tail = network.node()
                network.arc(node, tail, 1, 0)
            for p in block:
                arc = network.arc(tail, shift_nodes[pairs.shift[p]], 1, arc_costs[p])
                network.pair_arcs[arc] = p


def _pair_costs(instance: Instance, pairs: Pairs, weights: dict[int, int]) -> list[int]:
    """Tier-4 cost per pair, the new-face cost shared over the visits it could cover."""
    face_cost = weights[3] * instance.params.new_face_cost
    covered = {(pairs.volunteer[p], pairs.resident[p]) for p in range(len(pairs))
               if pairs.fixed[p] and pairs.resident[p] >= 0}
    shares: dict[tuple[int, int], int] = {}
    for p in range(len(pairs)):
        key = (pairs.volunteer[p], pairs.resident[p])
        if not pairs.fixed[p] and key[1] >= 0 and key not in covered:
            shares[key] = shares.get(key, 0) + 1
    costs: list[int] = []
    for p in range(len(pairs)):
        cost = weights[3] * pairs.cost[p] - (weights[2] if pairs.previous[p] else 0)
        count = shares.get((pairs.volunteer[p], pairs.resident[p]))
        costs.append(cost + (face_cost // count if count else 0))
    return costs


def _fixed_constant(instance: Instance, pairs: Pairs, weights: dict[int, int]) -> int:
    """Terms every plan pays: fixed pairs and teams, proposals that cannot be kept."""
    fixed = [p for p in range(len(pairs)) if pairs.fixed[p]]
    faces = {(pairs.volunteer[p], pairs.resident[p]) for p in fixed if pairs.resident[p] >= 0}
    quality = sum(pairs.cost[p] for p in fixed) + instance.params.new_face_cost * len(faces)
    loads: dict[int, int] = {}
    for p in fixed:
        loads[pairs.volunteer[p]] = loads.get(pairs.volunteer[p], 0) + 1
    fairness = sum(instance.load_cost(instance.volunteers[v], n) for v, n in loads.items())
    adopted: dict[int, int] = {}
    for project, teams in instance.candidate_teams.items():
        if project in instance.problem.fixed_teams and teams:
            quality += instance.adoption_distance(project, teams[0])
            adopted[teams[0]] = adopted.get(teams[0], 0) + 1
    fairness += sum(instance.team_load_cost(instance.teams[t], n) for t, n in adopted.items())
    # every pending proposal counts as dropped here; keeping one is a reward on its arc
    changes = len(instance.problem.previous - instance.problem.fixed)
    return weights[2] * changes + weights[3] * quality + weights[4] * fairness


def _solve(network: _Network, pairs: Pairs) -> FlowResult | None:
    biggest = max((abs(c) for c in network.costs), default=1) or 1
    scale = -(-biggest * (network.nodes + 1) // COST_LIMIT)
    scale = max(1, scale)
    costs = network.costs if scale == 1 else [c // scale for c in network.costs]
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        network.tails, network.heads, network.capacities, costs)
    solver.set_node_supply(SOURCE, network.supply)
    solver.set_node_supply(SINK, -network.supply)
    if solver.solve() != solver.OPTIMAL:
        return None
    arcs = list(network.pair_arcs)
    flows: Any = solver.flows(arcs)
    chosen = {network.pair_arcs[a] for a, f in zip(arcs, flows.tolist(), strict=True) if f}
    chosen |= {p for p in range(len(pairs)) if pairs.fixed[p]}
    bound = scale * solver.optimal_cost() + network.constant
    return FlowResult(bound, Selection(chosen), scale)
