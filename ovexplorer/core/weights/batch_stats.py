"""Statistics of many small constants at once: reductions over their concatenation, per segment (real models hold
thousands of tiny shape, axis and bias constants; a dozen numpy calls each would cost more than the values)."""

from __future__ import annotations

import numpy as np

from ovexplorer.core.weights.decompression import Chain
from ovexplorer.core.weights.value_summary import ValueStats


def dequantize(codes: np.ndarray, chain: Chain) -> np.ndarray:
    """``(codes - zero point) * scale`` of a whole (small) tensor, flat float32."""
    if chain.zero_point is not None:
        out = codes - chain.zero_point
        out *= chain.scale
    else:
        out = codes * chain.scale
    return np.asarray(out, dtype=np.float32).reshape(-1)


def batch_stats(values: list[np.ndarray], bins: int) -> list[ValueStats | None]:
    """Statistics of many small tensors at once (reductions over their concatenation, per segment). None for a
    tensor holding NaN/Inf or values whose range does not fit float64 arithmetic: the general path does those."""
    if not values:
        return []
    counts = np.fromiter((v.size for v in values), dtype=np.int64, count=len(values))
    starts = np.zeros(len(values), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    x = np.concatenate(values, dtype=np.float64)
    finite = np.isfinite(x)
    ok = np.ones(len(values), dtype=bool) if finite.all() else np.logical_and.reduceat(finite, starts)
    if not ok.all():
        x = np.where(finite, x, 0.0)  # keeps the segments aligned; the bad ones are dropped below
    mn = np.minimum.reduceat(x, starts)
    mx = np.maximum.reduceat(x, starts)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        mean = np.add.reduceat(x, starts) / counts
        d = x - np.repeat(mean, counts)  # two passes: exact variance even when the mean dominates
        var = np.add.reduceat(d * d, starts) / counts
        flat = mx == mn
        lo = np.where(flat, mn - 0.5, mn)
        hi = np.where(flat, mx + 0.5, mx)
        scale = bins / (hi - lo)
        ok &= np.isfinite(mean) & np.isfinite(var) & np.isfinite(scale) & (scale > 0)
        t = (x - np.repeat(lo, counts)) * np.repeat(np.where(ok, scale, 0.0), counts)
    zeros = np.add.reduceat(x == 0, starts, dtype=np.int64)
    idx = np.clip(np.nan_to_num(t, nan=0.0, posinf=0.0, neginf=0.0).astype(np.int64), 0, bins - 1)  # max: last bin
    idx += np.repeat(np.arange(len(values), dtype=np.int64) * bins, counts)
    hist = np.bincount(idx, minlength=len(values) * bins).reshape(len(values), bins)
    std = np.sqrt(np.maximum(var, 0.0))
    rows: list[ValueStats | None] = []
    for k in range(len(values)):
        if not ok[k]:
            rows.append(None)
            continue
        rows.append(ValueStats(int(counts[k]), float(mn[k]), float(mx[k]), float(mean[k]), float(std[k]),
                               int(zeros[k]), 0, 0, tuple(hist[k].tolist()), (float(lo[k]), float(hi[k])), 1))
    return rows
