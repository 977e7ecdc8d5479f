"""How far B's numbers are from A's: max and mean absolute error, relative L2 error, SNR in dB, cosine."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Histogram bins of B - A.
DIFF_BINS = 64


@dataclass(frozen=True, slots=True)
class Metrics:
    """Error of B against A over ``count`` values (A is the reference)."""

    count: int
    max_abs: float
    mean_abs: float
    rel_l2: float  # ||B - A|| / ||A||
    snr_db: float  # 10 log10(sum A^2 / sum (B - A)^2); inf when equal
    cosine: float

    def to_dict(self) -> dict[str, Any]:
        return {k: _json(getattr(self, k)) for k in ("count", "max_abs", "mean_abs", "rel_l2", "snr_db", "cosine")}


def _json(v: float) -> float | int | None:
    """JSON has no inf/NaN: they become None."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def tensor_metrics(a: np.ndarray, b: np.ndarray, chunk: int = 1 << 22) -> Metrics:
    """Metrics of ``b`` against ``a`` (same number of values), in float64, a chunk at a time."""
    fa, fb = np.asarray(a).reshape(-1), np.asarray(b).reshape(-1)
    if fa.size != fb.size:
        raise ValueError(f"{fa.size} values against {fb.size}")
    n = fa.size
    if n == 0:
        return Metrics(0, 0.0, 0.0, 0.0, math.inf, 1.0)
    max_abs = sum_abs = saa = sbb = sab = see = 0.0
    for start in range(0, n, chunk):
        xa = fa[start:start + chunk].astype(np.float64)
        xb = fb[start:start + chunk].astype(np.float64)
        d = xb - xa
        ad = np.abs(d)
        max_abs = max(max_abs, float(np.max(ad)))
        sum_abs += float(np.sum(ad))
        saa += float(np.dot(xa, xa))
        sbb += float(np.dot(xb, xb))
        sab += float(np.dot(xa, xb))
        see += float(np.dot(d, d))
    rel = math.sqrt(see / saa) if saa > 0 else (0.0 if see == 0 else math.inf)
    snr = math.inf if see == 0 else (10 * math.log10(saa / see) if saa > 0 else -math.inf)
    cos = sab / math.sqrt(saa * sbb) if saa > 0 and sbb > 0 else (1.0 if saa == sbb else 0.0)
    return Metrics(n, max_abs, sum_abs / n, rel, snr, cos)


def average_metrics(rows: list[Metrics]) -> Metrics:
    """Several inputs' metrics as one: the largest max abs, the mean of the others (SNR: over the inputs where B
    differs, inf when it never does); counts add up. A single row comes back as it is."""
    if len(rows) == 1:
        return rows[0]
    n = len(rows)
    finite_snr = [r.snr_db for r in rows if math.isfinite(r.snr_db)]
    snr = sum(finite_snr) / len(finite_snr) if finite_snr else rows[0].snr_db
    return Metrics(sum(r.count for r in rows), max(r.max_abs for r in rows), sum(r.mean_abs for r in rows) / n,
                   sum(r.rel_l2 for r in rows) / n, snr, sum(r.cosine for r in rows) / n)


def diff_histogram(a: np.ndarray, b: np.ndarray, bins: int = DIFF_BINS) -> tuple[np.ndarray, float, float]:
    """Counts of B - A in ``bins`` equal bins from -m to m (m = max |B - A|, at least tiny)."""
    d = np.asarray(b, np.float64).reshape(-1) - np.asarray(a, np.float64).reshape(-1)
    d = d[np.isfinite(d)]
    m = float(np.max(np.abs(d))) if d.size else 0.0
    m = m if m > 0 else 1e-12
    counts, _ = np.histogram(d, bins=bins, range=(-m, m))
    return counts.astype(np.int64), -m, m


def top_k_agreement(a: np.ndarray, b: np.ndarray, k: int = 5) -> tuple[bool, float]:
    """For a [1, classes] output: whether the top-1 classes agree, and the overlap of the top-k sets (0..1)."""
    fa, fb = np.asarray(a, np.float64).reshape(-1), np.asarray(b, np.float64).reshape(-1)
    k = min(k, fa.size)
    ta, tb = np.argsort(-fa, kind="stable")[:k], np.argsort(-fb, kind="stable")[:k]
    return bool(ta[0] == tb[0]), len(set(ta.tolist()) & set(tb.tolist())) / k
