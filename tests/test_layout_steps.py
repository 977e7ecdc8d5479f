"""The steps of the layered layout, each on its own (no Qt): orientation, layering, dummies, ordering,
coordinates, depths and routes."""

from __future__ import annotations

import itertools

from ovexplorer.core.layout.coordinates import align_vertically, assign_breadth, pava
from ovexplorer.core.layout.layered import (
    add_dummy_nodes,
    assign_depth,
    initial_order,
    layered_layout,
    layering,
    orient_edges,
    route_edges,
)
from ovexplorer.core.layout.ordering import count_crossings, reduce_crossings


def _proper(n: int, edges: list[tuple[int, int]], widths: list[float] | None = None, **kw):
    oriented = orient_edges(n, edges)
    ranked = layering(n, oriented, set(), set(), set(), fan_out=kw.get("fan_out", 6), span=kw.get("span", 3))
    g = add_dummy_nodes(n, ranked, widths or [40.0] * n, oriented.oriented, None)
    return oriented, ranked, g


def test_orient_edges_drops_loops_and_reverses_a_cycle() -> None:
    o = orient_edges(3, [(0, 1), (1, 2), (2, 0), (1, 1), (0, 1), (5, 0)])
    assert o.pairs == [(0, 1), (1, 2), (2, 0)]
    assert o.order == [0, 1, 2]  # no source: the rest in index order
    assert o.oriented[(2, 0)] == (0, 2)  # the back edge, reversed
    assert o.succ == [[1, 2], [2], []]


def test_layering_gives_longest_path_ranks_and_detaches_long_fan_out() -> None:
    # 0 feeds a chain 1..8 and every node of it: edges spanning more than 3 ranks are detached
    edges = [(i, i + 1) for i in range(1, 8)] + [(0, i) for i in range(1, 9)]
    o = orient_edges(9, edges)
    ranked = layering(9, o, {0}, set(), {0}, fan_out=6, span=3)
    assert ranked.rank == list(range(9))
    assert ranked.detached == [(0, d) for d in range(4, 9)]  # spans 4 to 8 > 3
    assert ranked.succ[0] == [1, 2, 3]


def test_add_dummy_nodes_puts_one_per_rank_crossed() -> None:
    _, ranked, g = _proper(4, [(0, 1), (1, 2), (2, 3), (0, 3)])
    assert ranked.rank == [0, 1, 2, 3]
    assert g.total == 6 and g.is_dummy == [False] * 4 + [True, True]
    chain = g.chains[(0, 3)]
    assert chain[0] == 0 and chain[-1] == 3 and [g.rank[v] for v in chain] == [0, 1, 2, 3]
    for a, b in itertools.pairwise(chain):
        assert g.down[a].count(b) == 1 and g.up[b].count(a) == 1


def test_reduce_crossings_untangles_a_crossed_pair() -> None:
    # 0->3 and 1->2 cross when the lower rank is ordered 2, 3; one sweep fixes it
    o, _, g = _proper(4, [(0, 3), (1, 2)])
    layers, pos = initial_order(g, o.at)
    assert sorted(layers[1]) == [2, 3]
    layers[1] = [2, 3]
    pos[2], pos[3] = 0, 1
    assert count_crossings(layers, pos, g.down) == 1
    layers, crossings = reduce_crossings(layers, pos, g.up, g.down, g.n)
    assert crossings == 0 == count_crossings(layers, pos, g.down)
    assert all(pos[v] == i for layer in layers for i, v in enumerate(layer))


def test_pava_respects_separations_and_otherwise_hits_targets() -> None:
    assert pava([0.0, 100.0], [1.0, 1.0], [0.0, 10.0]) == [0.0, 100.0]
    x = pava([5.0, 5.0], [1.0, 1.0], [0.0, 10.0])  # both want 5: pushed apart symmetrically
    assert x == [0.0, 10.0]
    heavy = pava([5.0, 5.0], [100.0, 1.0], [0.0, 10.0])  # the heavy one stays nearer its target
    assert abs(heavy[0] - 5.0) < abs(heavy[1] - 5.0) and heavy[1] - heavy[0] >= 10.0 - 1e-9


def test_assign_breadth_keeps_a_chain_straight_and_boxes_apart() -> None:
    # a spine 0-1-2-3 with a side input 4 -> 2
    o, _, g = _proper(5, [(0, 1), (1, 2), (2, 3), (4, 2)], [60.0, 60.0, 60.0, 60.0, 80.0])
    layers, pos = initial_order(g, o.at)
    layers, _ = reduce_crossings(layers, pos, g.up, g.down, g.n)
    above, below = align_vertically(layers, pos, g)
    assert above[1] == 0 and below[0] == 1
    x = assign_breadth(layers, pos, g)
    pairs = [(above[v], v) for v in range(g.total) if above[v] >= 0]
    assert len(pairs) == 3  # 1 under 0, 3 under 2, 2 under one of its two inputs
    assert all(abs(x[a] - x[b]) < 1.0 for a, b in pairs)  # aligned nodes are pulled into one column
    for layer in layers:
        for a, b in itertools.pairwise(layer):
            assert x[b] - x[a] >= (g.width[a] + g.width[b]) / 2 - 1e-6


def test_depth_and_routes_join_the_boxes() -> None:
    o, _ranked, g = _proper(3, [(0, 1), (1, 2), (0, 2)])
    heights = [30.0, 50.0, 30.0]
    depths = assign_depth(g, heights, 3)
    assert depths.size == [30.0, 50.0, 30.0] and depths.top[1] == 30.0 + 42.0
    xs = [0.0] * g.total
    ys = [depths.top[g.rank[v]] + depths.size[g.rank[v]] / 2 for v in range(g.total)]
    routes = route_edges(g, xs, ys, heights, depths, o.oriented, set())
    long = routes[(0, 2)]
    assert long[0][1] == 30.0 and long[-1][1] == depths.top[2]  # bottom of 0 to top of 2
    assert len(long) == 4  # through the dummy on rank 1: in and out of its rank


def test_layered_layout_is_the_steps_in_order() -> None:
    lay = layered_layout(4, [(0, 1), (1, 2), (2, 3), (0, 3)], [40.0] * 4, [20.0] * 4)
    assert lay.rank == (0, 1, 2, 3) and lay.dummies == 2 and lay.crossings == 0
    assert set(lay.routes) == {(0, 1), (1, 2), (2, 3), (0, 3)}
