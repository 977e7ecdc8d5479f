"""A layered (Sugiyama) layout of one level of a graph, in pure Python and numpy.

Steps: topological order (cycles broken by reversing back edges), longest-path ranks with sources pulled
down to their consumers, detaching of high-fan-out long-span edges (drawn as proxies by the caller), dummy
nodes for edges spanning several ranks, crossing reduction by median sweeps alternating down and up plus
adjacent transposition (the best order seen is kept), and coordinates by weighted isotonic regression
per rank (pool-adjacent-violators) that pulls each node to the median of its neighbours under the minimum
separations given by the real box widths; dummy chains weigh more, so long edges and spines stay straight.

Coordinates here are in *layer space*: ``x`` along a rank (breadth), ``y`` across ranks (depth). The
caller transposes for a left-to-right layout. Every step is linear or ``n log n`` in nodes plus dummies.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ovexplorer.core.util.tasks import CancelToken

NODE_GAP = 24.0
DUMMY_GAP = 10.0
DUMMY_WIDTH = 2.0
LAYER_GAP = 42.0
SPINE_SPAN = 4  # nodes in a chain (ranks spanned + 1) from which an edge counts as a spine


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


def _ranks(n: int, order: list[int], succ: list[list[int]], pred: list[list[int]],
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


def inversions(a: np.ndarray) -> int:
    """Number of pairs ``i < j`` with ``a[i] > a[j]`` (vectorised bottom-up merge counting)."""
    a = np.asarray(a, dtype=np.int64)
    n = len(a)
    if n < 2:
        return 0
    a = a - a.min()
    span = int(a.max()) + 1
    total = 0
    width = 1
    idx = np.arange(n)
    while width < n:
        pair = idx // (2 * width)
        in_b = (idx // width) % 2 == 1
        key = pair * span + a
        a_keys = key[~in_b]  # sorted: blocks are sorted and pair-major
        b_keys = key[in_b]
        b_pair = pair[in_b]
        ends = np.searchsorted(a_keys, (b_pair + 1) * span, side="left")
        total += int((ends - np.searchsorted(a_keys, b_keys, side="right")).sum())
        a = np.sort(key) - pair * span  # pair-major sort keeps pairs in place
        width *= 2
    return total


def _count_crossings(layers: list[list[int]], pos: list[int], down: list[list[int]]) -> int:
    keys: list[int] = []
    big = max((len(layer) for layer in layers), default=1) + 1
    for li, layer in enumerate(layers[:-1]):
        base = li * big
        for v in layer:
            nbs = down[v]
            if len(nbs) == 1:
                keys.append(base + pos[nbs[0]])
            elif nbs:
                keys.extend(sorted(base + pos[w] for w in nbs))
    return inversions(np.array(keys, dtype=np.int64)) if len(keys) > 1 else 0


def _median(values: list[float]) -> float:
    m = len(values)
    if m == 1:
        return values[0]
    values.sort()
    h = m // 2
    return values[h] if m % 2 else (values[h - 1] + values[h]) / 2.0


def _sweep(layers: list[list[int]], pos: list[int], adj: list[list[int]], indices: range, mean: bool) -> None:
    for li in indices:
        layer = layers[li]
        if len(layer) < 2:
            continue
        keyed: list[tuple[float, int]] = []
        slots: list[int] = []
        for i, v in enumerate(layer):
            nbs = adj[v]
            if nbs:
                vals = [float(pos[u]) for u in nbs]
                keyed.append((sum(vals) / len(vals) if mean else _median(vals), i))
                slots.append(i)
        if not keyed:
            continue
        keyed.sort()
        new = list(layer)
        for slot, (_, i) in zip(slots, keyed, strict=True):
            new[slot] = layer[i]
        layers[li] = new
        for i, v in enumerate(new):
            pos[v] = i


def _pair_crossings(a: list[int], b: list[int], pos: list[int]) -> int:
    """Crossings between the edges of ``u`` (neighbour positions ``a``) and ``v`` (``b``) if u is left of v."""
    c = 0
    for x in a:
        px = pos[x]
        for y in b:
            if px > pos[y]:
                c += 1
    return c


def _transpose(layers: list[list[int]], pos: list[int], up: list[list[int]], down: list[list[int]],
               rounds: int = 2, max_degree: int = 24) -> None:
    for _ in range(rounds):
        improved = False
        for layer in layers:
            for i in range(len(layer) - 1):
                u, v = layer[i], layer[i + 1]
                if len(up[u]) + len(down[u]) > max_degree or len(up[v]) + len(down[v]) > max_degree:
                    continue
                before = _pair_crossings(up[u], up[v], pos) + _pair_crossings(down[u], down[v], pos)
                after = _pair_crossings(up[v], up[u], pos) + _pair_crossings(down[v], down[u], pos)
                if after < before:
                    layer[i], layer[i + 1] = v, u
                    pos[u], pos[v] = i + 1, i
                    improved = True
        if not improved:
            break


def _order_equivalents(layer: list[int], up: list[list[int]], down: list[list[int]],
                       tiebreak: Sequence[float], n: int) -> None:
    """Sort runs of adjacent real nodes with identical neighbours by ``tiebreak``."""
    i = 0
    while i < len(layer):
        v = layer[i]
        j = i + 1
        if v < n:
            sig = (up[v], down[v])
            while j < len(layer) and layer[j] < n and (up[layer[j]], down[layer[j]]) == sig:
                j += 1
            if j - i > 1:
                layer[i:j] = sorted(layer[i:j], key=lambda w: (tiebreak[w], w))
        i = j


def _pava(target: list[float], weight: list[float], offset: list[float]) -> list[float]:
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
    top_set, bottom_set, anchored_set = set(top), set(bottom), set(anchored)
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
    # Orient every edge along the topological order (back edges of cycles are reversed).
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
    rank = _ranks(n, order, succ, pred, top_set, bottom_set, anchored_set)
    detached: list[tuple[int, int]] = []
    drop: set[tuple[int, int]] = set()
    for s in range(n):
        outs = succ[s]
        if len(outs) < fan_out:
            continue
        far = [d for d in outs if rank[d] - rank[s] > span and d not in bottom_set]
        if not far:
            continue
        if len(far) == len(outs):
            far.remove(min(outs, key=lambda d: (rank[d] - rank[s], d)))
        for d in far:
            drop.add((s, d))
    if drop:
        for s, d in pairs:
            if oriented[(s, d)] in drop:
                detached.append((s, d))
        succ = [[d for d in succ[s] if (s, d) not in drop] for s in range(n)]
        pred = [[s for s in pred[d] if (s, d) not in drop] for d in range(n)]
        rank = _ranks(n, order, succ, pred, top_set, bottom_set, anchored_set)
    if cancel is not None:
        cancel.check()

    # Dummy nodes: ids n.. ; chains per oriented edge.
    up: list[list[int]] = [[] for _ in range(n)]
    down: list[list[int]] = [[] for _ in range(n)]
    node_rank = list(rank)
    width = [float(w) for w in widths]
    is_dummy = [False] * n
    chains: dict[tuple[int, int], list[int]] = {}
    # Anchored edges leave/enter their boxes off-centre (ports of expanded groups): link (p, q) wants
    # x[q] - x[p] == delta[(p, q)].
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
    total = len(node_rank)
    n_ranks = max(node_rank, default=-1) + 1
    layers: list[list[int]] = [[] for _ in range(n_ranks)]
    # Initial order: nodes by topological position, dummies right after their source.
    for v in sorted(range(n), key=lambda v: at[v]):
        layers[node_rank[v]].append(v)
    for chain in chains.values():
        for v in chain[1:-1]:
            layers[node_rank[v]].append(v)
    pos = [0] * total
    for layer in layers:
        for i, v in enumerate(layer):
            pos[v] = i
    if cancel is not None:
        cancel.check()
    _sweep(layers, pos, up, range(1, n_ranks), mean=True)
    if reference:
        for _ in range(sweeps // 2):
            _sweep(layers, pos, down, range(n_ranks - 2, -1, -1), mean=True)
            _sweep(layers, pos, up, range(1, n_ranks), mean=True)
        crossings = _count_crossings(layers, pos, down)
    else:
        best = [list(layer) for layer in layers]
        crossings = _count_crossings(layers, pos, down)
        for it in range(sweeps):
            if crossings == 0:
                break
            if cancel is not None:
                cancel.check()
            if it % 2 == 0:
                _sweep(layers, pos, down, range(n_ranks - 2, -1, -1), mean=False)
            else:
                _sweep(layers, pos, up, range(1, n_ranks), mean=False)
            _transpose(layers, pos, up, down)
            c = _count_crossings(layers, pos, down)
            if c < crossings:
                crossings = c
                best = [list(layer) for layer in layers]
        layers = best
        if tiebreak is not None:
            for layer in layers:
                _order_equivalents(layer, up, down, tiebreak, n)
        for layer in layers:
            for i, v in enumerate(layer):
                pos[v] = i

    # Coordinates: each node is aligned with at most one upper and one lower neighbour (a simplified
    # Brandes–Köpf vertical alignment: long edges first, then the median neighbour); aligned nodes pull
    # hard towards their partner, unaligned ones gently towards the median of their neighbours, and every
    # rank is solved exactly under its separations (isotonic regression).
    x = [0.0] * total
    offsets: list[list[float]] = []
    for layer in layers:
        off = [0.0] * len(layer)
        for i in range(1, len(layer)):
            a, b = layer[i - 1], layer[i]
            gap = DUMMY_GAP if (is_dummy[a] or is_dummy[b]) else NODE_GAP
            off[i] = off[i - 1] + (width[a] + width[b]) / 2.0 + gap
        offsets.append(off)
        centre = off[-1] / 2.0 if off else 0.0
        for v, o in zip(layer, off, strict=True):
            x[v] = o - centre

    # Vertical alignment (mutual): a node pairs with one upper neighbour not yet paired below.
    above = [-1] * total
    below = [-1] * total
    span = [0] * total  # for a dummy: the number of ranks its edge spans (long edges align first)
    for chain in chains.values():
        for v in chain[1:-1]:
            span[v] = len(chain)
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
    strong = [1000.0 if is_dummy[v] else 100.0 for v in range(total)]

    def place(indices: range, mode: str) -> None:
        for li in indices:
            layer = layers[li]
            if not layer:
                continue
            target: list[float] = []
            weights: list[float] = []
            for v in layer:
                a = above[v] if mode in ("up", "final") else -1
                b = below[v] if mode == "down" or (mode == "final" and a < 0) else -1
                if a >= 0:
                    target.append(x[a] + delta.get((a, v), 0.0))
                    weights.append(strong[v])
                elif b >= 0:
                    target.append(x[b] - delta.get((v, b), 0.0))
                    weights.append(strong[v])
                else:
                    vals = [x[u] + delta.get((u, v), 0.0) for u in up[v]] + [
                        x[w] - delta.get((v, w), 0.0) for w in down[v]]
                    target.append(_median(vals) if vals else x[v])
                    weights.append(0.3)
            for v, xv in zip(layer, _pava(target, weights, offsets[li]), strict=True):
                x[v] = xv

    for _ in range(3):
        place(range(1, n_ranks), "up")
        place(range(n_ranks - 2, -1, -1), "down")
    place(range(n_ranks), "final")

    # Depth coordinates.
    rank_h = [0.0] * n_ranks
    for v in range(n):
        if heights[v] > rank_h[node_rank[v]]:
            rank_h[node_rank[v]] = float(heights[v])
    rank_top = [0.0] * n_ranks
    cur = 0.0
    for r in range(n_ranks):
        rank_top[r] = cur
        cur += max(rank_h[r], 8.0) + LAYER_GAP
    height = cur - LAYER_GAP if n_ranks else 0.0
    left = min((x[v] - width[v] / 2.0 for v in range(total)), default=0.0)
    right = max((x[v] + width[v] / 2.0 for v in range(total)), default=0.0)
    xs = [xv - left for xv in x]
    ys = [rank_top[node_rank[v]] + max(rank_h[node_rank[v]], 8.0) / 2.0 for v in range(total)]
    # Edges entering a node spread along its top edge, in the order of where they come from.
    entry: dict[tuple[int, int], float] = {}
    for d in range(n):
        ins = up[d]
        if len(ins) < 2 or d in bottom_set:
            continue
        k = len(ins)
        step = min(22.0, 0.8 * width[d] / k)
        for i, p in enumerate(sorted(ins, key=lambda p: (xs[p], p))):
            entry[(p, d)] = (i - (k - 1) / 2.0) * step
    routes: dict[tuple[int, int], tuple[tuple[float, float], ...]] = {}
    for (s, d), (os_, od) in oriented.items():
        chain = chains.get((os_, od))
        if chain is None:
            continue
        pts: list[tuple[float, float]] = [(xs[os_], ys[os_] + heights[os_] / 2.0)]
        for v in chain[1:-1]:
            r = node_rank[v]
            pts.append((xs[v], rank_top[r]))
            pts.append((xs[v], rank_top[r] + max(rank_h[r], 8.0)))
        pts.append((xs[od] + entry.get((chain[-2], od), 0.0), ys[od] - heights[od] / 2.0))
        if (os_, od) != (s, d):
            pts.reverse()
        routes[(s, d)] = tuple(pts)
    return LevelLayout(
        x=tuple(xs[:n]),
        y=tuple(ys[:n]),
        rank=tuple(node_rank[:n]),
        routes=routes,
        detached=tuple(detached),
        crossings=crossings,
        width=right - left if total else 0.0,
        height=height,
        dummies=total - n,
        ranks=n_ranks,
    )
