"""A layered (Sugiyama) layout of one level of a graph, in pure Python and numpy.

:func:`layered_layout` runs the steps in order, each a function here or in a sibling module:

1. :func:`orient_edges` - a topological order; cycles broken by reversing back edges;
2. :func:`layering` - longest-path ranks with sources pulled down to their consumers (:func:`assign_ranks`),
   then high-fan-out long-span edges detached (drawn as proxies by the caller) and the ranks computed again;
3. :func:`add_dummy_nodes` - a dummy node on every rank a kept edge crosses (:class:`ProperGraph`);
4. :func:`initial_order`, then :func:`ovexplorer.core.layout.ordering.reduce_crossings` - median sweeps
   alternating down and up plus adjacent transposition (the best order seen is kept);
5. :func:`ovexplorer.core.layout.coordinates.assign_breadth` - coordinates along each rank by weighted
   isotonic regression that pulls each node to its aligned neighbour under the real box widths;
6. :func:`assign_depth` and :func:`route_edges` - rank positions across, and the polyline of every kept edge.

Coordinates here are in *layer space*: ``x`` along a rank (breadth), ``y`` across ranks (depth). The
caller transposes for a left-to-right layout. Every step is linear or ``n log n`` in nodes plus dummies.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ovexplorer.core.layout.coordinates import ProperGraph, assign_breadth
from ovexplorer.core.layout.ordering import inversions, reduce_crossings
from ovexplorer.core.util.tasks import CancelToken

__all__ = [
    "Depths",
    "Layering",
    "LevelLayout",
    "Orientation",
    "ProperGraph",
    "add_dummy_nodes",
    "assign_depth",
    "assign_ranks",
    "initial_order",
    "inversions",
    "layered_layout",
    "layering",
    "long_edges",
    "orient_edges",
    "route_edges",
]

DUMMY_WIDTH = 2.0
LAYER_GAP = 42.0
MIN_RANK_DEPTH = 8.0
ENTRY_STEP = 22.0  # largest distance between edges entering one box


@dataclass(frozen=True, slots=True)
class LevelLayout:
    """Result of :func:`layered_layout`; ``x``/``y`` are box centres in layer space."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    rank: tuple[int, ...]
    routes: dict[tuple[int, int], tuple[tuple[float, float], ...]]  # per kept (src, dst) pair
    detached: tuple[tuple[int, int], ...]
    crossings: int
    width: float
    height: float
    dummies: int
    ranks: int


class Orientation(NamedTuple):
    """The edges of :func:`orient_edges`."""

    pairs: list[tuple[int, int]]  # the given edges, sorted, without loops, duplicates or ids out of range
    order: list[int]  # a topological order
    at: list[int]  # each node's place in ``order``
    oriented: dict[tuple[int, int], tuple[int, int]]  # given pair -> the pair along ``order``
    succ: list[list[int]]  # sorted successors along ``order``
    pred: list[list[int]]


class Layering(NamedTuple):
    """The ranks of :func:`layering` and the edges left after detaching."""

    rank: list[int]
    succ: list[list[int]]
    pred: list[list[int]]
    detached: list[tuple[int, int]]  # given (src, dst) pairs not routed


class Depths(NamedTuple):
    """Where each rank lies across the ranks (:func:`assign_depth`)."""

    top: list[float]  # each rank's first depth
    size: list[float]  # each rank's depth (its deepest box)
    total: float


def layered_layout(
    n: int,
    edges: Sequence[tuple[int, int]],
    widths: Sequence[float],
    heights: Sequence[float],
    *,
    top: Sequence[int] = (),
    bottom: Sequence[int] = (),
    fan_out: int = 6,
    span: int = 3,
    sweeps: int = 6,
    reference: bool = False,
    tiebreak: Sequence[float] | None = None,
    anchors: dict[tuple[int, int], tuple[float, float]] | None = None,
    anchored: Sequence[int] = (),
    cancel: CancelToken | None = None,
) -> LevelLayout:
    """Lay out ``n`` boxes (``widths``/``heights`` in layer space) joined by ``edges`` (src, dst).

    ``top`` nodes sit on the first rank and ``bottom`` nodes on the last (a group's entry and exit ports).
    Edges from a node with ``fan_out`` or more consumers that span more than ``span`` ranks are detached
    (returned in ``detached``, not routed), except the shortest one. ``reference=True`` runs a plain
    barycenter Sugiyama (no median, transposition or best-order keeping), for comparison. ``tiebreak``
    orders neighbouring nodes with the same neighbours (swapping them changes no crossing), e.g. by the
    position of the port they feed inside an expanded group. ``anchors[(src, dst)] = (a, b)`` says the edge
    leaves ``src`` at ``a`` and enters ``dst`` at ``b`` from their centres (along the rank), so coordinates
    keep such edges straight too. ``anchored`` nodes are inputs (Parameters): they, and what they feed, keep
    their longest-path rank; everything else fed only by sources moves down beside its consumer.
    """
    bottom_set = set(bottom)
    edges_ = orient_edges(n, edges)
    ranked = layering(n, edges_, set(top), bottom_set, set(anchored), fan_out=fan_out, span=span)
    if cancel is not None:
        cancel.check()
    g = add_dummy_nodes(n, ranked, widths, edges_.oriented, anchors)
    layers, pos = initial_order(g, edges_.at)
    if cancel is not None:
        cancel.check()
    layers, crossings = reduce_crossings(layers, pos, g.up, g.down, n, sweeps=sweeps, reference=reference,
                                         tiebreak=tiebreak, cancel=cancel)
    x = assign_breadth(layers, pos, g)
    depths = assign_depth(g, heights, len(layers))
    total = g.total
    left = min((x[v] - g.width[v] / 2.0 for v in range(total)), default=0.0)
    right = max((x[v] + g.width[v] / 2.0 for v in range(total)), default=0.0)
    xs = [xv - left for xv in x]
    ys = [depths.top[g.rank[v]] + max(depths.size[g.rank[v]], MIN_RANK_DEPTH) / 2.0 for v in range(total)]
    return LevelLayout(
        x=tuple(xs[:n]),
        y=tuple(ys[:n]),
        rank=tuple(g.rank[:n]),
        routes=route_edges(g, xs, ys, heights, depths, edges_.oriented, bottom_set),
        detached=tuple(ranked.detached),
        crossings=crossings,
        width=right - left if total else 0.0,
        height=depths.total,
        dummies=total - n,
        ranks=len(layers),
    )


def _topological(n: int, succ: list[list[int]], indeg: list[int]) -> list[int]:
    deg = list(indeg)
    queue = deque(v for v in range(n) if deg[v] == 0)
    order: list[int] = []
    while queue:
        v = queue.popleft()
        order.append(v)
        for w in succ[v]:
            deg[w] -= 1
            if deg[w] == 0:
                queue.append(w)
    if len(order) < n:  # a cycle: append the rest in index order, their back edges get reversed
        seen = set(order)
        order.extend(v for v in range(n) if v not in seen)
    return order


def orient_edges(n: int, edges: Sequence[tuple[int, int]]) -> Orientation:
    """Keep the edges between distinct nodes ``0..n-1`` and orient each along a topological order (the back
    edges of cycles are reversed)."""
    pairs = sorted({(s, d) for s, d in edges if s != d and 0 <= s < n and 0 <= d < n})
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for s, d in pairs:
        succ[s].append(d)
        indeg[d] += 1
    order = _topological(n, succ, indeg)
    at = [0] * n
    for i, v in enumerate(order):
        at[v] = i
    oriented: dict[tuple[int, int], tuple[int, int]] = {}
    for s, d in pairs:
        oriented[(s, d)] = (s, d) if at[s] < at[d] else (d, s)
    succ = [[] for _ in range(n)]
    pred: list[list[int]] = [[] for _ in range(n)]
    for s, d in set(oriented.values()):
        succ[s].append(d)
        pred[d].append(s)
    for lst in succ:
        lst.sort()
    for lst in pred:
        lst.sort()
    return Orientation(pairs, order, at, oriented, succ, pred)


def assign_ranks(n: int, order: list[int], succ: list[list[int]], pred: list[list[int]],
           top: set[int], bottom: set[int], anchored: set[int]) -> list[int]:
    """Longest-path ranks from the sources; then every node fed only by constant-like sources (not an input:
    not ``top``, not ``anchored``) moves down next to its first consumer. A weight's decompression chain then
    sits beside the MatMul it feeds instead of on the first rank with an edge down to the 2,000th."""
    rank = [0] * n
    for v in order:
        r = rank[v] + 1
        for w in succ[v]:
            if rank[w] < r:
                rank[w] = r
    free = [False] * n
    for v in order:
        free[v] = v not in top and v not in anchored and all(free[u] for u in pred[v])
    for v in reversed(order):
        if free[v] and succ[v]:
            rank[v] = max(rank[v], min(rank[w] for w in succ[v]) - 1)
    if bottom:
        last = max((rank[v] for v in range(n) if v not in bottom), default=0) + 1
        for v in bottom:
            rank[v] = last
    return rank


def long_edges(n: int, succ: list[list[int]], rank: list[int], bottom: set[int], *, fan_out: int,
               span: int) -> set[tuple[int, int]]:
    """The oriented edges to detach: from a node with ``fan_out`` or more consumers, those spanning more than
    ``span`` ranks (never into ``bottom``), keeping the shortest one when every edge would go."""
    drop: set[tuple[int, int]] = set()
    for s in range(n):
        outs = succ[s]
        if len(outs) < fan_out:
            continue
        far = [d for d in outs if rank[d] - rank[s] > span and d not in bottom]
        if not far:
            continue
        if len(far) == len(outs):
            far.remove(min(outs, key=lambda d: (rank[d] - rank[s], d)))
        for d in far:
            drop.add((s, d))
    return drop


def layering(n: int, edges: Orientation, top: set[int], bottom: set[int], anchored: set[int], *, fan_out: int,
          span: int) -> Layering:
    """Ranks for every node, after detaching the :func:`long_edges` (ranked again without them)."""
    succ, pred = edges.succ, edges.pred
    rank = assign_ranks(n, edges.order, succ, pred, top, bottom, anchored)
    drop = long_edges(n, succ, rank, bottom, fan_out=fan_out, span=span)
    detached: list[tuple[int, int]] = []
    if drop:
        detached = [(s, d) for s, d in edges.pairs if edges.oriented[(s, d)] in drop]
        succ = [[d for d in succ[s] if (s, d) not in drop] for s in range(n)]
        pred = [[s for s in pred[d] if (s, d) not in drop] for d in range(n)]
        rank = assign_ranks(n, edges.order, succ, pred, top, bottom, anchored)
    return Layering(rank, succ, pred, detached)


def add_dummy_nodes(n: int, ranked: Layering, widths: Sequence[float],
                    oriented: dict[tuple[int, int], tuple[int, int]],
                    anchors: dict[tuple[int, int], tuple[float, float]] | None) -> ProperGraph:
    """Replace every kept edge spanning several ranks by a chain through one dummy node per rank crossed.

    Anchored edges (``anchors[(src, dst)] = (a, b)``, ports of expanded groups) leave and enter their boxes off
    centre: the first and last link of their chain get the wanted offset in ``delta``.
    """
    rank, succ = ranked.rank, ranked.succ
    up: list[list[int]] = [[] for _ in range(n)]
    down: list[list[int]] = [[] for _ in range(n)]
    node_rank = list(rank)
    width = [float(w) for w in widths]
    is_dummy = [False] * n
    chains: dict[tuple[int, int], list[int]] = {}
    anchor = {pair: off for pair, off in (anchors or {}).items() if oriented.get(pair) == pair}
    delta: dict[tuple[int, int], float] = {}
    for s in range(n):
        for d in succ[s]:
            chain = [s]
            prev = s
            for r in range(rank[s] + 1, rank[d]):
                v = len(node_rank)
                node_rank.append(r)
                width.append(DUMMY_WIDTH)
                is_dummy.append(True)
                up.append([prev])
                down.append([])
                down[prev].append(v)
                chain.append(v)
                prev = v
            down[prev].append(d)
            up[d].append(prev)
            chain.append(d)
            chains[(s, d)] = chain
            off = anchor.get((s, d))
            if off is not None:
                first, last = (chain[0], chain[1]), (chain[-2], chain[-1])
                delta[first] = delta.get(first, 0.0) + off[0]
                delta[last] = delta.get(last, 0.0) - off[1]
    return ProperGraph(n, node_rank, width, is_dummy, up, down, chains, delta)


def initial_order(g: ProperGraph, at: list[int]) -> tuple[list[list[int]], list[int]]:
    """(layers, pos): real nodes by topological position, each edge's dummies after them; ``pos[v]`` is
    ``v``'s index on its rank."""
    n, node_rank = g.n, g.rank
    layers: list[list[int]] = [[] for _ in range(max(node_rank, default=-1) + 1)]
    for v in sorted(range(n), key=lambda v: at[v]):
        layers[node_rank[v]].append(v)
    for chain in g.chains.values():
        for v in chain[1:-1]:
            layers[node_rank[v]].append(v)
    pos = [0] * g.total
    for layer_ in layers:
        for i, v in enumerate(layer_):
            pos[v] = i
    return layers, pos


def assign_depth(g: ProperGraph, heights: Sequence[float], n_ranks: int) -> Depths:
    """Each rank as deep as its deepest real box (at least :data:`MIN_RANK_DEPTH`), :data:`LAYER_GAP` apart."""
    rank_h = [0.0] * n_ranks
    for v in range(g.n):
        if heights[v] > rank_h[g.rank[v]]:
            rank_h[g.rank[v]] = float(heights[v])
    rank_top = [0.0] * n_ranks
    cur = 0.0
    for r in range(n_ranks):
        rank_top[r] = cur
        cur += max(rank_h[r], MIN_RANK_DEPTH) + LAYER_GAP
    return Depths(rank_top, rank_h, cur - LAYER_GAP if n_ranks else 0.0)


def route_edges(g: ProperGraph, xs: list[float], ys: list[float], heights: Sequence[float], depths: Depths,
                oriented: dict[tuple[int, int], tuple[int, int]],
                bottom: set[int]) -> dict[tuple[int, int], tuple[tuple[float, float], ...]]:
    """The polyline of every kept (src, dst) pair: from the source's bottom, down each dummy's rank, to the
    target's top, where the edges entering one node spread in the order of where they come from."""
    node_rank, up, width = g.rank, g.up, g.width
    entry: dict[tuple[int, int], float] = {}
    for d in range(g.n):
        ins = up[d]
        if len(ins) < 2 or d in bottom:
            continue
        k = len(ins)
        step = min(ENTRY_STEP, 0.8 * width[d] / k)
        for i, p in enumerate(sorted(ins, key=lambda p: (xs[p], p))):
            entry[(p, d)] = (i - (k - 1) / 2.0) * step
    routes: dict[tuple[int, int], tuple[tuple[float, float], ...]] = {}
    for (s, d), (os_, od) in oriented.items():
        chain = g.chains.get((os_, od))
        if chain is None:
            continue
        pts: list[tuple[float, float]] = [(xs[os_], ys[os_] + heights[os_] / 2.0)]
        for v in chain[1:-1]:
            r = node_rank[v]
            pts.append((xs[v], depths.top[r]))
            pts.append((xs[v], depths.top[r] + max(depths.size[r], MIN_RANK_DEPTH)))
        pts.append((xs[od] + entry.get((chain[-2], od), 0.0), ys[od] - heights[od] / 2.0))
        if (os_, od) != (s, d):
            pts.reverse()
        routes[(s, d)] = tuple(pts)
    return routes
