"""The min-cost-flow relaxation: a valid lower bound of the objective and a candidate plan.

source → volunteer (one arc per k-th shift, cost increasing: the convex load)
→ (volunteer, time block) (capacity 1: rule 3) → shift (tier-4 cost, new face
shared out, kept proposal rewarded) → sink (required places rewarded by tier 1
or 2, the rest free); a bypass arc lets flow skip everything. The pair, team
and organisation terms are left out and no cost is above the true cost, so the
optimum plus the fixed pairs' constants never exceeds the full objective.
The network is built in bulk (numpy arrays), one arc per usable pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from ortools.graph.python import min_cost_flow

from wushe.matching.staffing.evaluate import Selection

if TYPE_CHECKING:
    from wushe.matching.staffing.candidates import Ints
    from wushe.matching.staffing.capacity import Capacities
    from wushe.matching.staffing.eligibility import Pairs
    from wushe.matching.staffing.instance import Instance

__all__ = ["FlowResult", "pair_costs", "potentials", "relax"]

SOURCE, SINK = 0, 1
COST_LIMIT = 2**61  # the cost-scaling algorithm multiplies costs by the node count
UNUSABLE = 2**62  # reduced cost of a pair no plan can use


@dataclass(frozen=True, slots=True)
class FlowResult:
    bound: int  # a proven lower bound of the weighted objective
    selection: Selection  # the flow's pairs (fixed ones included), no team adopted
    scale: int  # costs were divided by this (1: exact) to fit the flow's integer range
    # Per pair, a lower bound of what using it adds to the bound (reduced cost at the
    # optimum, times the scale; 0 for pairs in the flow or fixed): a plan using pair p
    # costs at least bound + reduced[p]. None when the potentials could not be settled.
    reduced: Ints | None = None


@dataclass(slots=True)
class _Network:
    tails: list[Ints] = field(default_factory=list)
    heads: list[Ints] = field(default_factory=list)
    capacities: list[Ints] = field(default_factory=list)
    costs: list[Ints] = field(default_factory=list)
    nodes: int = 2
    supply: int = 0
    constant: int = 0  # objective terms fixed by the fixed pairs and teams

    def reserve(self, count: int) -> int:
        """Number ``count`` new nodes; returns the first."""
        self.nodes += count
        return self.nodes - count

    def arcs(self, tails: Ints, heads: Ints, capacities: Ints, costs: Ints) -> int:
        """Add arcs in bulk; returns the index of the first."""
        first = sum(len(t) for t in self.tails)
        self.tails.append(tails)
        self.heads.append(heads)
        self.capacities.append(capacities)
        self.costs.append(costs)
        return first


def relax(instance: Instance, pairs: Pairs, capacity: Capacities,
          weights: dict[int, int]) -> FlowResult | None:
    """Solve the relaxation with these tier weights (0-based tier → weight)."""
    network = _Network()
    shift_nodes = _shift_side(instance, pairs, network, weights)
    used, first = _volunteer_side(instance, pairs, capacity, network, shift_nodes,
                                  weights=weights)
    network.constant += _fixed_constant(instance, pairs, weights)
    _arc_list(network, [SOURCE], [SINK], [network.supply], [0])
    return _solve(network, pairs, used, first)


def _arc_list(network: _Network, tails: list[int], heads: list[int], capacities: list[int],
              costs: list[int]) -> int:
    return network.arcs(*(np.array(x, dtype=np.int64) for x in (tails, heads, capacities,
                                                                  costs)))


def _shift_side(instance: Instance, pairs: Pairs, network: _Network,
                weights: dict[int, int]) -> Ints:
    shifts = instance.shifts
    first = network.reserve(len(shifts))
    nodes = np.arange(first, first + len(shifts), dtype=np.int64)
    fixed = np.bincount(pairs.array.shift[pairs.array.fixed], minlength=len(shifts)).tolist()
    tails, capacities, costs = [], [], []
    for s, shift in enumerate(shifts):
        room = max(0, shift.max_headcount - fixed[s])
        required = max(0, shift.min_headcount - fixed[s])
        reward = weights[0 if shift.priority else 1]
        network.constant += reward * required
        tails += [first + s, first + s]
        capacities += [min(required, room), room - min(required, room)]
        costs += [-reward, 0]
    _arc_list(network, tails, [SINK] * len(tails), capacities, costs)
    return nodes


def _volunteer_side(instance: Instance, pairs: Pairs, capacity: Capacities,
                    network: _Network, shift_nodes: Ints, *,
                    weights: dict[int, int]) -> tuple[Ints, int]:
    """Load arcs, block arcs and one arc per pair; returns the pairs with an arc and the
    index of the first of those arcs."""
    columns = pairs.array
    most = np.array(capacity.most, dtype=np.int64)
    active = np.flatnonzero(most > 0)
    node = np.zeros(len(most), dtype=np.int64)
    node[active] = np.arange(network.reserve(len(active)), network.nodes)
    network.supply += int(most.sum())
    _load_arcs(instance, capacity, network, node, active=active, weights=weights)
    used = np.flatnonzero((capacity.block >= 0) & (most[columns.volunteer] > 0))
    block = capacity.block[used]
    sizes = np.bincount(block, minlength=capacity.blocks)
    shared = np.flatnonzero(sizes > 1)
    tail = node[columns.volunteer[used]]
    if len(shared):
        block_node = np.zeros(capacity.blocks, dtype=np.int64)
        block_node[shared] = np.arange(network.reserve(len(shared)), network.nodes)
        owner = np.zeros(capacity.blocks, dtype=np.int64)
        owner[block] = columns.volunteer[used]
        ones = np.ones(len(shared), dtype=np.int64)
        network.arcs(node[owner[shared]], block_node[shared], ones, ones * 0)
        tail = np.where(sizes[block] > 1, block_node[block], tail)
    costs = pair_costs(instance, pairs, weights)[used]
    first = network.arcs(tail, shift_nodes[columns.shift[used]],
                         np.ones(len(used), dtype=np.int64), costs)
    return used, first


def _load_arcs(instance: Instance, capacity: Capacities, network: _Network, node: Ints, *,
               active: Ints, weights: dict[int, int]) -> None:
    """source → volunteer: the k-th shift costs W5·(k + year steps), k after the fixed ones."""
    most = np.array(capacity.most, dtype=np.int64)[active]
    held = np.array(capacity.fixed, dtype=np.int64)[active]
    steps = np.array([instance.year_steps(instance.volunteers[v]) for v in active.tolist()],
                     dtype=np.int64)
    within = np.arange(int(most.sum())) - np.repeat(np.cumsum(most) - most, most) + 1
    k = np.repeat(held, most) + within
    ones = np.ones(len(k), dtype=np.int64)
    network.arcs(ones * SOURCE, np.repeat(node[active], most), ones,
                 weights[4] * (k + np.repeat(steps, most)))


def pair_costs(instance: Instance, pairs: Pairs, weights: dict[int, int]) -> Ints:
    """Relaxed cost per pair: tier-4 cost with the new-face cost shared over the visits it
    could cover (so never above the true cost), a kept proposal rewarded by tier 3."""
    columns = pairs.array
    face_cost = weights[3] * instance.params.new_face_cost
    residents = max(1, len(pairs.residents))
    face = columns.volunteer * residents + columns.resident
    covered = face[columns.fixed & (columns.resident >= 0)]
    open_ = ~columns.fixed & (columns.resident >= 0) & ~np.isin(face, covered)
    keys, inverse, counts = np.unique(face[open_], return_inverse=True, return_counts=True)
    shares = np.zeros(len(face), dtype=np.int64)
    shares[open_] = face_cost // counts[inverse.reshape(-1)]
    del keys
    return weights[3] * columns.cost - weights[2] * columns.previous.astype(np.int64) + shares


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


def _solve(network: _Network, pairs: Pairs, used: Ints, first: int) -> FlowResult | None:
    tails, heads = np.concatenate(network.tails), np.concatenate(network.heads)
    capacities, costs = np.concatenate(network.capacities), np.concatenate(network.costs)
    biggest = int(np.abs(costs).max()) if len(costs) else 1
    scale = max(1, -(-max(1, biggest) * (network.nodes + 1) // COST_LIMIT))
    if scale > 1:
        costs = costs // scale
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    solver.set_node_supply(SOURCE, network.supply)
    solver.set_node_supply(SINK, -network.supply)
    if solver.solve() != solver.OPTIMAL:
        return None
    flows = np.asarray(solver.flows(np.arange(len(tails), dtype=np.int64)), dtype=np.int64)
    pair_flows = flows[first:first + len(used)]
    chosen = set(used[pair_flows > 0].tolist())
    chosen |= set(np.flatnonzero(pairs.array.fixed).tolist())
    bound = scale * solver.optimal_cost() + network.constant
    reduced = None
    arcs = _Arcs(tails, heads, capacities, costs, flows)
    potential = potentials(arcs, network.nodes)
    if potential is not None:
        # unusable pairs (no arc: no room left) never appear in a plan
        reduced = np.full(len(pairs), UNUSABLE, dtype=np.int64)
        reduced[pairs.array.fixed] = 0
        arc = slice(first, first + len(used))
        gain = costs[arc] + potential[tails[arc]] - potential[heads[arc]]
        reduced[used] = scale * np.where(pair_flows > 0, 0, np.maximum(gain, 0))
    return FlowResult(bound, Selection(chosen), scale, reduced)


@dataclass(frozen=True, slots=True)
class _Arcs:
    tails: Ints
    heads: Ints
    capacities: Ints
    costs: Ints
    flows: Ints


def potentials(arcs: _Arcs, nodes: int, rounds: int = 2000) -> Ints | None:
    """Node potentials proving an optimal flow optimal: no residual arc has a negative
    reduced cost (Bellman-Ford from every node at once, in bulk); None if not settled.

    For any flow f of the network, cost(f) = cost(f*) + Σ reduced(a)·(f(a) − f*(a)), and
    each term is ≥ 0 (arcs empty at the optimum have reduced cost ≥ 0, full ones ≤ 0),
    so a plan using an arc empty at the optimum costs at least the optimum plus its
    reduced cost.
    """
    forward, backward = arcs.flows < arcs.capacities, arcs.flows > 0
    tails = np.concatenate((arcs.tails[forward], arcs.heads[backward]))
    heads = np.concatenate((arcs.heads[forward], arcs.tails[backward]))
    costs = np.concatenate((arcs.costs[forward], -arcs.costs[backward]))
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    potential = np.zeros(nodes, dtype=np.int64)
    for _ in range(rounds):
        settled = np.minimum(potential[targets],
                             np.minimum.reduceat(potential[tails] + costs, starts))
        if (settled == potential[targets]).all():
            return potential
        potential[targets] = settled
    return None
