"""Crossing reduction for a layered graph: the order of the nodes on each rank.

Median sweeps alternate down and up, each followed by adjacent transposition; the order with the fewest
crossings seen is kept (:func:`reduce_crossings`). ``reference=True`` runs plain barycenter sweeps instead,
the textbook Sugiyama the benchmark compares against. Crossings are counted exactly as inversions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ovexplorer.core.util.tasks import CancelToken


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


def count_crossings(layers: list[list[int]], pos: list[int], down: list[list[int]]) -> int:
    """Edge crossings between consecutive ranks (``down[v]``: the lower neighbours of ``v``)."""
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


def median(values: list[float]) -> float:
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
                keyed.append((sum(vals) / len(vals) if mean else median(vals), i))
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


def reduce_crossings(
    layers: list[list[int]],
    pos: list[int],
    up: list[list[int]],
    down: list[list[int]],
    n: int,
    *,
    sweeps: int = 6,
    reference: bool = False,
    tiebreak: Sequence[float] | None = None,
    cancel: CancelToken | None = None,
) -> tuple[list[list[int]], int]:
    """Reorder every rank to reduce crossings; returns (the layers, their crossings) and updates ``pos``.

    One barycenter sweep down first; then ``sweeps`` median sweeps alternating up and down, each followed by
    transposition, keeping the best order seen (stops early at zero crossings). Runs of real nodes (ids below
    ``n``) with the same neighbours are finally sorted by ``tiebreak``. ``reference=True``: barycenter sweeps
    only, the last order kept.
    """
    n_ranks = len(layers)
    _sweep(layers, pos, up, range(1, n_ranks), mean=True)
    if reference:
        for _ in range(sweeps // 2):
            _sweep(layers, pos, down, range(n_ranks - 2, -1, -1), mean=True)
            _sweep(layers, pos, up, range(1, n_ranks), mean=True)
        return layers, count_crossings(layers, pos, down)
    best = [list(layer) for layer in layers]
    crossings = count_crossings(layers, pos, down)
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
        c = count_crossings(layers, pos, down)
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
    return layers, crossings
