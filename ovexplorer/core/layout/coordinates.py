"""Coordinates along the ranks of an ordered layered graph (the breadth of every box).

Each node is aligned with at most one upper and one lower neighbour (a simplified Brandes–Köpf vertical
alignment: long edges first, then the median neighbour); aligned nodes pull hard towards their partner,
unaligned ones gently towards the median of their neighbours, and every rank is solved exactly under its
separations (weighted isotonic regression, pool-adjacent-violators). Dummy chains weigh more, so long edges
and spines stay straight.
"""

from __future__ import annotations

from dataclasses import dataclass

from ovexplorer.core.layout.ordering import median

NODE_GAP = 24.0
DUMMY_GAP = 10.0
SPINE_SPAN = 4  # nodes in a chain (ranks spanned + 1) from which an edge counts as a spine
ALIGNED_WEIGHT = 100.0  # pull of a node towards its aligned partner (a dummy's: DUMMY_WEIGHT)
DUMMY_WEIGHT = 1000.0
FREE_WEIGHT = 0.3  # pull of an unaligned node towards the median of its neighbours
PASSES = 3  # up-and-down passes before the final one


@dataclass(slots=True)
class ProperGraph:
    """A layered graph whose edges join consecutive ranks only: ids ``n..`` are dummy nodes on long edges."""

    n: int  # real nodes
    rank: list[int]  # per node, real and dummy
    width: list[float]  # breadth of each box (dummies: a thin line)
    is_dummy: list[bool]
    up: list[list[int]]  # neighbours on the rank above
    down: list[list[int]]  # neighbours on the rank below
    chains: dict[tuple[int, int], list[int]]  # per oriented edge: source, dummies, target
    delta: dict[tuple[int, int], float]  # link (p, q) wants x[q] - x[p] == delta (off-centre ports)

    @property
    def total(self) -> int:
        return len(self.rank)


def pava(target: list[float], weight: list[float], offset: list[float]) -> list[float]:
    """Minimise sum w (x - t)^2 subject to x[i+1] - x[i] >= offset[i+1] - offset[i] (offsets increasing)."""
    # y = x - offset must be non-decreasing: weighted isotonic regression of (t - offset).
    means: list[float] = []
    weights: list[float] = []
    sizes: list[int] = []
    for t, w, o in zip(target, weight, offset, strict=True):
        m, ww, s = t - o, w, 1
        while means and means[-1] >= m:
            pm, pw, ps = means.pop(), weights.pop(), sizes.pop()
            m = (pm * pw + m * ww) / (pw + ww)
            ww += pw
            s += ps
        means.append(m)
        weights.append(ww)
        sizes.append(s)
    out: list[float] = []
    for m, s in zip(means, sizes, strict=True):
        out.extend([m] * s)
    return [y + o for y, o in zip(out, offset, strict=True)]


def rank_offsets(layers: list[list[int]], g: ProperGraph) -> tuple[list[list[float]], list[float]]:
    """Per rank, each box's minimum distance from the first one (box widths plus gaps); and a first ``x``
    per node: its rank packed tight and centred on 0."""
    x = [0.0] * g.total
    offsets: list[list[float]] = []
    for layer in layers:
        off = [0.0] * len(layer)
        for i in range(1, len(layer)):
            a, b = layer[i - 1], layer[i]
            gap = DUMMY_GAP if (g.is_dummy[a] or g.is_dummy[b]) else NODE_GAP
            off[i] = off[i - 1] + (g.width[a] + g.width[b]) / 2.0 + gap
        offsets.append(off)
        centre = off[-1] / 2.0 if off else 0.0
        for v, o in zip(layer, off, strict=True):
            x[v] = o - centre
    return offsets, x


def align_vertically(layers: list[list[int]], pos: list[int], g: ProperGraph) -> tuple[list[int], list[int]]:
    """(above, below): each node's aligned upper and lower partner, or -1 (a mutual one-to-one pairing).

    Dummies pair first, longest edges first; a real node fed by a long edge (a residual, :data:`SPINE_SPAN`
    nodes or more) pairs only with that spine; otherwise with its median upper neighbour not yet paired below.
    """
    total = g.total
    above = [-1] * total
    below = [-1] * total
    span = [0] * total  # for a dummy: the number of ranks its edge spans (long edges align first)
    for chain in g.chains.values():
        for v in chain[1:-1]:
            span[v] = len(chain)
    is_dummy, up = g.is_dummy, g.up
    for layer in layers:
        for v in sorted(layer, key=lambda v: (not is_dummy[v], -span[v], pos[v])):
            nbs = up[v]
            if not nbs:
                continue
            if not is_dummy[v]:  # a long edge (a residual) is the spine; short side inputs are not
                longest = max(span[u] for u in nbs)
                if longest >= SPINE_SPAN:
                    nbs = [u for u in nbs if span[u] == longest]
            nbs = sorted(nbs, key=lambda u: pos[u])
            m = len(nbs)
            for u in dict.fromkeys((nbs[(m - 1) // 2], nbs[m // 2])):
                if below[u] < 0:
                    below[u] = v
                    above[v] = u
                    break
    return above, below


def place_ranks(x: list[float], layers: list[list[int]], offsets: list[list[float]], g: ProperGraph,
                above: list[int], below: list[int], indices: range, mode: str) -> None:
    """Solve the ranks ``indices`` in turn (updating ``x``), each node pulled towards its partner above
    (``mode`` "up"), below ("down"), above else below ("final"), or the median of its neighbours."""
    delta, up, down = g.delta, g.up, g.down
    for li in indices:
        layer = layers[li]
        if not layer:
            continue
        target: list[float] = []
        weights: list[float] = []
        for v in layer:
            a = above[v] if mode in ("up", "final") else -1
            b = below[v] if mode == "down" or (mode == "final" and a < 0) else -1
            strong = DUMMY_WEIGHT if g.is_dummy[v] else ALIGNED_WEIGHT
            if a >= 0:
                target.append(x[a] + delta.get((a, v), 0.0))
                weights.append(strong)
            elif b >= 0:
                target.append(x[b] - delta.get((v, b), 0.0))
                weights.append(strong)
            else:
                vals = [x[u] + delta.get((u, v), 0.0) for u in up[v]] + [
                    x[w] - delta.get((v, w), 0.0) for w in down[v]]
                target.append(median(vals) if vals else x[v])
                weights.append(FREE_WEIGHT)
        for v, xv in zip(layer, pava(target, weights, offsets[li]), strict=True):
            x[v] = xv


def assign_breadth(layers: list[list[int]], pos: list[int], g: ProperGraph) -> list[float]:
    """Every node's centre along its rank (dummies included), rank separations respected."""
    n_ranks = len(layers)
    offsets, x = rank_offsets(layers, g)
    above, below = align_vertically(layers, pos, g)
    for _ in range(PASSES):
        place_ranks(x, layers, offsets, g, above, below, range(1, n_ranks), "up")
        place_ranks(x, layers, offsets, g, above, below, range(n_ranks - 2, -1, -1), "down")
    place_ranks(x, layers, offsets, g, above, below, range(n_ranks), "final")
    return x
