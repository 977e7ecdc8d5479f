"""Decompression chains (Const -> Convert -> [Subtract zero point] -> Multiply scale) as the statistics see them:
the :class:`Chain` record with its small scale and zero point, its per-row view when they are constant along the
trailing axes, and :class:`RowDequant`, the de-quantized statistics from per-row reductions of the codes (numpy
only)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ovexplorer.core.weights.histograms import histogram
from ovexplorer.core.weights.value_summary import Accumulator, ValueStats, zero_count


@dataclass(frozen=True, slots=True)
class Chain:
    """Const -> Convert -> [Subtract zp] -> Multiply scale, with the small zp/scale arrays decoded."""

    nodes: tuple[str, ...]
    zero_point: np.ndarray | None
    scale: np.ndarray
    #: When scale and zero point are constant along the trailing axes (per channel or per group), the weight
    #: is seen as (rows, ``cols``) with one scale (and zero point) per row: statistics of the de-quantized
    #: values then follow from per-row reductions of the codes, without materialising them.
    cols: int = 0
    scale_rows: np.ndarray | None = None
    zero_point_rows: np.ndarray | None = None


def with_rows(chain: Chain, shape: tuple[int, ...]) -> Chain:
    """Add the per-row view of ``chain`` when scale and zero point allow it (and are finite)."""
    arrays = [a for a in (chain.scale, chain.zero_point) if a is not None]
    if not shape or not all(np.isfinite(a).all() for a in arrays):
        return chain
    k = len(shape)
    while k > 1 and all(a.shape[k - 1] == 1 for a in arrays):
        k -= 1
    lead = shape[:k]

    def rows(a: np.ndarray | None) -> np.ndarray | None:
        if a is None:
            return None
        return np.ascontiguousarray(np.broadcast_to(a.reshape(a.shape[:k]), lead).reshape(-1), dtype=np.float64)

    cols = int(np.prod(shape[k:], dtype=np.int64)) if k < len(shape) else 1
    return Chain(chain.nodes, chain.zero_point, chain.scale, cols, rows(chain.scale), rows(chain.zero_point))


def padded_to_rank(a: np.ndarray, rank: int, shape: tuple[int, ...]) -> np.ndarray:
    if a.ndim > rank:
        raise ValueError("broadcast rank")
    a = a.reshape((1,) * (rank - a.ndim) + a.shape)
    np.broadcast_shapes(a.shape, shape)  # raises ValueError when it does not broadcast
    return a


class RowDequant:
    """Statistics of de-quantized values ``(q - z[row]) * s[row]`` from per-row reductions of the codes ``q``."""

    def __init__(self, chain: Chain, acc: Accumulator) -> None:
        self.chain, self.acc = chain, acc
        self.cols = chain.cols
        self.n = 0
        self.s = self.q = 0.0
        self.mn, self.mx = math.inf, -math.inf
        self.zeros = 0
        self.samples: list[np.ndarray] = []

    def add(self, codes: np.ndarray, first: int) -> None:
        """``codes``: decoded codes (float32, whole rows) starting at flat index ``first``."""
        acc, cols = self.acc, self.cols
        w = codes.reshape(-1, cols)
        r0 = first // cols
        rows = w.shape[0]
        sc = self.chain.scale_rows[r0:r0 + rows]
        zp = self.chain.zero_point_rows[r0:r0 + rows] if self.chain.zero_point_rows is not None else None
        rmin = np.minimum.reduce(w, axis=1).astype(np.float64)
        rmax = np.maximum.reduce(w, axis=1).astype(np.float64)
        # 8-bit (or smaller) integer codes: float32 row sums are exact below 2**24.
        rsum = np.add.reduce(w, axis=1, dtype=np.float32 if cols < 65536 else np.float64).astype(np.float64)
        rsq = np.einsum("ij,ij->i", w, w).astype(np.float64)
        # The stored codes.
        acc.mn, acc.mx = min(acc.mn, float(rmin.min())), max(acc.mx, float(rmax.max()))
        acc.n += codes.size
        acc.s += float(rsum.sum())
        acc.q += float(rsq.sum())
        if acc.mn <= 0.0:
            acc.zeros += zero_count(codes)
        if acc.keep:
            start = (-first) % acc.stride
            acc.samples.append(codes[start::acc.stride].copy())
        # The de-quantized values, row by row.
        z = zp if zp is not None else 0.0
        lo = np.where(sc >= 0, rmin - z, rmax - z) * sc
        hi = np.where(sc >= 0, rmax - z, rmin - z) * sc
        self.mn, self.mx = min(self.mn, float(lo.min())), max(self.mx, float(hi.max()))
        self.n += codes.size
        self.s += float(np.dot(sc, rsum - cols * z))
        self.q += float(np.dot(sc * sc, rsq - 2 * z * rsum + cols * np.square(z)))
        live_w, live_zp = w, zp
        dead = sc == 0  # rows whose scale is zero: every value is zero
        if dead.any():
            self.zeros += int(dead.sum()) * cols
            live_w, live_zp = w[~dead], (zp[~dead] if zp is not None else None)
        if live_zp is None:
            self.zeros += zero_count(live_w)
        else:
            self.zeros += int(np.count_nonzero(live_w == live_zp.astype(np.float32)[:, None]))
        if acc.keep:
            idx = np.arange((-first) % acc.stride, codes.size, acc.stride)
            r = idx // cols
            self.samples.append(((codes[idx] - (zp[r] if zp is not None else 0.0)) * sc[r]).astype(np.float32))

    def finish(self, bins: int) -> ValueStats:
        stride = self.acc.stride
        if self.n == 0:
            return ValueStats(self.n, math.nan, math.nan, math.nan, math.nan, 0, 0, 0, (0,) * bins, (0.0, 1.0), stride)
        mean = self.s / self.n
        var = max(0.0, self.q / self.n - mean * mean) if self.mx > self.mn else 0.0
        if self.mx == self.mn:
            mean = self.mn
        lo, hi = (self.mn, self.mx) if self.mx > self.mn else (self.mn - 0.5, self.mx + 0.5)
        values = np.concatenate(self.samples) if self.samples else np.zeros(0, np.float32)
        values = np.clip(values, np.float32(lo), np.float32(hi))  # float32 rounding of the samples
        counts = histogram(values, lo, hi, bins)
        return ValueStats(self.n, self.mn, self.mx, mean, math.sqrt(var), self.zeros, 0, 0,
                          tuple(counts.tolist()), (lo, hi), stride)


def chain_rows(a: np.ndarray, r0: int, r1: int) -> np.ndarray:
    return a if a.ndim == 0 or a.shape[0] == 1 else a[r0:r1]
