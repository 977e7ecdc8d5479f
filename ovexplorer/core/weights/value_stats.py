"""Statistics of stored tensors, computed in chunks over zero-copy views of their raw bytes.

No Qt and no OpenVINO here (only numpy), so helper processes (:mod:`ovexplorer.core.weights.stats_pool`) import it
cheaply and compute statistics straight from the weights file.

Memory stays bounded: values are decoded ``CHUNK_ELEMENTS`` at a time, and on Linux the pages of the
weights file that a chunk touched are handed back to the kernel (``madvise(MADV_DONTNEED)`` on the
read-only file mapping: the page cache keeps them, the process's RSS does not grow with the model).

A whole float32 tensor in one chunk (the common case) takes five numpy passes over cached values after the
first one from memory: min, max, sum (einsum), sum of squares (BLAS sdot), zero count (compare + count),
plus a histogram of an evenly strided sample of ``HIST_SAMPLES`` values.

De-quantized statistics of per-channel chains with long rows come from per-row reductions of the codes
(min, max, sum, sum of squares per row, combined with each row's scale and zero point), so the de-quantized
values are never materialised; other chains (short groups, odd broadcasts) are de-quantized chunk by chunk.
"""

from __future__ import annotations

import ctypes
import functools
import math
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ovexplorer.core.util.tasks import CancelToken
from ovexplorer.core.weights.dtypes import ElementCodec, codec_for

#: Values decoded and reduced at a time: 1 MiB of float32, so the passes after the first one read the
#: chunk from the core's L2 cache (4 MiB chunks made the passes over big constants 2x slower).
CHUNK_ELEMENTS = 1 << 18
#: Histogram bins.
HIST_BINS = 64
#: By default a histogram counts an evenly strided sample of at most this many values per constant, and at
#: most 1 in 8 of mid-size ones (every value up to ``SMALL_ELEMENTS``); ``exact_histograms=True`` counts all.
HIST_SAMPLES = 1 << 13
#: De-quantized statistics come from per-row reductions of the codes when rows (values sharing one scale)
#: are at least this long; numpy's reductions along short rows are slower than de-quantizing the chunk.
ROW_PATH_MIN_COLS = 2048
#: Constants up to this size are mapped in ahead as a whole; bigger ones a chunk at a time.
CHUNK_BYTES = CHUNK_ELEMENTS * 4
#: Histograms count every value of constants up to this size.
SMALL_ELEMENTS = 4096
#: Constants of at most this many values are computed together (:func:`tensors_values`): real models hold
#: thousands of tiny shape, axis and bias constants. Beyond, the batch's per-value work (float64, exact
#: histogram) costs more than one constant's dozen numpy calls (4,000 zero points of 3,872 values: 0.39 s).
BATCH_ELEMENTS = 512
#: Bytes of small constants whose pages are mapped in ahead of their statistics, in one call.
POPULATE_AHEAD = 16 << 20


class ValueStats(NamedTuple):
    """Statistics of a set of values (stored or de-quantized). A NamedTuple (immutable plain data): one is
    made per constant and per de-quantized view, 4x cheaper than a frozen dataclass, and pickled fast."""

    count: int
    min: float
    max: float
    mean: float
    std: float
    zero_count: int
    nan_count: int
    inf_count: int
    hist_counts: tuple[int, ...]
    hist_range: tuple[float, float]
    #: 1 when the histogram counts every finite value, k when it counts every k-th one.
    hist_stride: int = 1

    @property
    def zero_fraction(self) -> float:
        return self.zero_count / self.count if self.count else 0.0

    @property
    def finite_count(self) -> int:
        return self.count - self.nan_count - self.inf_count

    def hist_edges(self) -> np.ndarray:
        return np.linspace(self.hist_range[0], self.hist_range[1], len(self.hist_counts) + 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "min": _num(self.min), "max": _num(self.max), "mean": _num(self.mean), "std": _num(self.std),
            "zero_fraction": self.zero_fraction, "zero_count": self.zero_count,
            "nan_count": self.nan_count, "inf_count": self.inf_count,
            "histogram": {"counts": list(self.hist_counts), "range": [_num(v) for v in self.hist_range],
                          "stride": self.hist_stride},
        }


def _num(v: float) -> float | None:
    """JSON-safe number (NaN and infinities become None)."""
    return v if math.isfinite(v) else None


# -- accumulation -----------------------------------------------------------------------------
class _Accumulator:
    """Running min/max/sum/sum-of-squares/zero/NaN/Inf counts plus histogram samples over chunks."""

    def __init__(self, count: int, bins: int, stride: int, keep_samples: bool) -> None:
        self.count, self.bins, self.stride, self.keep = count, bins, stride, keep_samples
        self.n = 0
        self.s = 0.0
        self.q = 0.0
        self.mn = math.inf
        self.mx = -math.inf
        self.zeros = self.nans = self.infs = 0
        self.samples: list[np.ndarray] = []
        self.m2 = 0.0
        self.hist: np.ndarray | None = None

    def add(self, x: np.ndarray, first: int) -> None:
        """Add the chunk ``x`` (flat), whose first value has flat index ``first``."""
        if x.size == 0:
            return
        if self.keep:
            if self.stride == 1:
                self.samples.append(x)
            elif x.size == self.count:  # the whole tensor in one chunk: a view does (finish() comes first)
                self.samples.append(x[::self.stride])
            else:
                self.samples.append(x[(-first) % self.stride::self.stride].copy())
        mn, mx = float(np.minimum.reduce(x)), float(np.maximum.reduce(x))
        if not (math.isfinite(mn) and math.isfinite(mx)):
            nan_mask = np.isnan(x)
            nans = int(np.count_nonzero(nan_mask))
            finite = np.isfinite(x)
            self.nans += nans
            self.infs += x.size - nans - int(np.count_nonzero(finite))
            x = x[finite]
            if x.size == 0:
                return
            mn, mx = float(np.minimum.reduce(x)), float(np.maximum.reduce(x))
        self.mn, self.mx = min(self.mn, mn), max(self.mx, mx)
        self.n += x.size
        # einsum sums with SIMD lanes (2x faster than np.add.reduce's pairwise sum here); a chunk's relative
        # error stays ~1e-7, and chunks are added in float64.
        s = float(np.einsum("i->", x))
        q = _sum_squares(x)
        if not (math.isfinite(s) and math.isfinite(q)):  # float32 overflow near 3e38
            x64 = x.astype(np.float64)
            s, q = float(np.add.reduce(x64)), _sum_squares(x64)
        self.s += s
        self.q += q
        if mn <= 0.0 <= mx:
            self.zeros += _zero_count(x)

    # Second pass (only when needed): precise variance and/or exact histogram of a large tensor.
    @property
    def mean(self) -> float:
        return self.s / self.n if self.n else math.nan

    @property
    def needs_precise_var(self) -> bool:
        """True when the mean dominates the spread and E[x²] - E[x]² would lose the variance."""
        if self.n < 2:
            return False
        msq = self.q / self.n
        var = msq - self.mean * self.mean  # (float ** overflows with an exception, * gives inf)
        return math.isfinite(msq) and var <= 1e-3 * msq and self.mx > self.mn

    @property
    def needs_hist_pass(self) -> bool:
        return not self.keep and self.n > 0

    def add_second(self, x: np.ndarray, precise_var: bool) -> None:
        if self.nans or self.infs:
            x = x[np.isfinite(x)]
        if x.size == 0:
            return
        if precise_var:
            d = x - x.dtype.type(self.mean)
            self.m2 += _sum_squares(d)
        if self.needs_hist_pass:
            counts = histogram(x, *self.hist_range(), self.bins)
            self.hist = counts if self.hist is None else self.hist + counts

    def hist_range(self) -> tuple[float, float]:
        if self.n == 0:
            return (0.0, 1.0)
        if self.mn == self.mx:
            return (self.mn - 0.5, self.mx + 0.5)
        return (self.mn, self.mx)

    def finish(self, precise_var: bool) -> ValueStats:
        if self.n == 0:
            return ValueStats(self.count, math.nan, math.nan, math.nan, math.nan, self.zeros, self.nans, self.infs,
                              (0,) * self.bins, (0.0, 1.0), self.stride)
        mean = self.s / self.n
        if self.mn == self.mx:  # one value (float32 sums would leave a rounding residue in the variance)
            mean, var = self.mn, 0.0
        elif precise_var:
            var = self.m2 / self.n
        else:
            var = max(0.0, self.q / self.n - mean * mean)
        lo, hi = self.hist_range()
        if self.hist is not None:
            counts = self.hist
        elif self.samples:
            values = self.samples[0] if len(self.samples) == 1 else np.concatenate(self.samples)
            if self.nans or self.infs:
                values = values[np.isfinite(values)]
            counts = histogram(values, lo, hi, self.bins)
        else:
            counts = np.zeros(self.bins, dtype=np.int64)
        return ValueStats(self.count, self.mn, self.mx, mean, math.sqrt(var), self.zeros, self.nans, self.infs,
                          tuple(counts.tolist()), (lo, hi), self.stride)


_SCRATCH = threading.local()


def _scratch_bools(size: int) -> np.ndarray:
    """A reusable boolean buffer of this thread (a fresh one per tensor would be mapped and faulted each time)."""
    buf = getattr(_SCRATCH, "bools", None)
    if buf is None or buf.size < size:
        buf = _SCRATCH.bools = np.empty(max(size, CHUNK_ELEMENTS), dtype=np.bool_)
    return buf[:size]


def _quick_stats(x: np.ndarray, count: int, bins: int, stride: int) -> ValueStats | None:
    """Statistics of a whole float32 tensor in one chunk with the fewest numpy passes (the common case).

    Exact min, max, mean, std, zero count; a histogram of every ``stride``-th value. None when the values
    need the general path: NaN or Inf present, or values so big that float32 sums could overflow.
    """
    mn, mx = float(np.minimum.reduce(x)), float(np.maximum.reduce(x))
    if not (-math.inf < mn and mx < math.inf):  # NaN fails both comparisons
        return None
    n = x.size
    big = max(-mn, mx)
    if big * big * n > 3e38 or big * n > 3e38:  # float32 sums could overflow: the general path goes float64
        return None
    # einsum sums with SIMD lanes (2x faster than np.add.reduce's pairwise sum); _sum_squares is BLAS sdot.
    # Both keep ~1e-7 relative error here.
    s, q = float(np.einsum("i->", x)), _sum_squares(x)
    mean = s / n
    msq = q / n
    var = msq - mean * mean
    if mn == mx:  # one value (float32 sums would leave a rounding residue in the variance)
        mean, var = mn, 0.0
    elif n >= 2 and var <= 1e-3 * msq:  # the mean dominates the spread: E[x²] - E[x]² would lose it
        d = x - np.float32(mean)
        var = _sum_squares(d) / n
        if not math.isfinite(var):
            return None
    zeros = _zero_count(x) if mn <= 0.0 <= mx else 0
    lo, hi = (mn, mx) if mx > mn else (mn - 0.5, mx + 0.5)
    counts = histogram(x[::stride] if stride > 1 else x, lo, hi, bins)
    return ValueStats(count, mn, mx, mean, math.sqrt(max(0.0, var)), zeros, 0, 0, tuple(counts.tolist()),
                      (lo, hi), stride)


def _zero_count(x: np.ndarray) -> int:
    """Values equal to zero (+0.0 and -0.0): one compare into a reused buffer and a boolean count (1.5x faster
    than counting integer views, 6x faster than ``count_nonzero`` of floats)."""
    x = x.reshape(-1)
    return int(np.count_nonzero(np.equal(x, 0, out=_scratch_bools(x.size))))


def _sum_squares(x: np.ndarray) -> float:
    """BLAS sdot/ddot through np.vdot: 2x faster than einsum's product sum, and unlike np.dot it does not wake
    OpenBLAS's threads (np.dot of 256K floats used 1.6 CPU-seconds per second: a core taken from the helpers)."""
    return float(np.vdot(x, x))


def histogram(values: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Counts of ``values`` (all finite, within [lo, hi]) in ``bins`` equal bins; the last bin is closed."""
    if values.size == 0:
        return np.zeros(bins, dtype=np.int64)
    width = hi - lo
    if not width > 0:  # all values equal and so large that lo - 0.5 == hi + 0.5: everything in the first bin
        counts = np.zeros(bins, dtype=np.int64)
        counts[0] = values.size
        return counts
    if values.dtype == np.float32 and math.isfinite(float(np.float32(hi) - np.float32(lo))) and width > 1e-30:
        t = np.subtract(values, np.float32(lo))  # float32 math: the values are float32 already
        np.multiply(t, np.float32(bins / width), out=t)
    elif math.isfinite(width):  # (v - lo) / width: no overflowing scale for a range of denormals
        t = (values.astype(np.float64) - lo) / width * bins
    else:  # a range wider than the largest float64 (-1e308..1e308): halves fit
        t = (values.astype(np.float64) * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5) * bins
    # lo <= v <= hi, so 0 <= t <= bins (+ rounding): no clipping pass; int32 converts ~10x faster than int64.
    idx = t.astype(np.int32)
    try:
        counts = np.bincount(idx, minlength=bins + 1)
    except ValueError:  # a value below lo: not expected, but never fail on it
        counts = np.bincount(np.clip(idx, 0, bins), minlength=bins + 1)
    if counts.size > bins + 1:
        counts[bins] += counts[bins + 1:].sum()
    counts[bins - 1] += counts[bins]  # the maximum falls in the last bin
    return counts[:bins].astype(np.int64)


# -- decompression chains -----------------------------------------------------------------------
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



#: The note of a string constant: text has no value statistics (and nothing to flag).
STRING_NOTE = "string values (text): no statistics"


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


class _RowDequant:
    """Statistics of de-quantized values ``(q - z[row]) * s[row]`` from per-row reductions of the codes ``q``."""

    def __init__(self, chain: Chain, acc: _Accumulator) -> None:
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
            acc.zeros += _zero_count(codes)
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
            self.zeros += _zero_count(live_w)
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


def _rows(a: np.ndarray, r0: int, r1: int) -> np.ndarray:
    return a if a.ndim == 0 or a.shape[0] == 1 else a[r0:r1]


# -- pages of the weights file --------------------------------------------------------------------
class PageReleaser:
    """Maps pages of the read-only weights mapping in ahead of use and hands them back once done (Linux).

    ``populate`` asks the kernel to map a whole byte range in one call (``MADV_POPULATE_READ``, Linux 5.14+):
    about half the cost of the page faults the reductions would take as they first touch the pages.
    ``release`` gives the pages back (``MADV_DONTNEED``) in batches, so the RSS stays bounded.
    """

    MADV_DONTNEED = 4
    MADV_POPULATE_READ = 22
    BATCH = 32 << 20

    def __init__(self, weights_path: os.PathLike | str | None) -> None:
        self._ranges: list[tuple[int, int]] = []
        #: The mapping's start address and the file offset mapped there, per range.
        self._offsets: dict[int, int] = {}
        #: (st_dev, st_ino, st_size, st_mtime_ns) of the mapped file, when a mapping was found.
        self.identity: tuple[int, int, int, int] | None = None
        self._lock = threading.Lock()
        self._pending: list[tuple[int, int, object]] = []
        self._pending_bytes = 0
        self._madvise: Any = None
        self._can_populate = True
        if sys.platform != "linux" or weights_path is None:
            return
        try:
            st = os.stat(weights_path)
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
                for line in f:
                    parts = line.split(maxsplit=5)
                    if len(parts) < 6 or "w" in parts[1] or int(parts[4]) != st.st_ino:
                        continue
                    if os.path.realpath(parts[5].strip()) != os.path.realpath(weights_path):
                        continue
                    start, end = (int(v, 16) for v in parts[0].split("-"))
                    self._ranges.append((start, end))
                    self._offsets[start] = int(parts[2], 16)
            if self._ranges:
                self.identity = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
                libc = ctypes.CDLL(None, use_errno=True)
                libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
                self._madvise = libc.madvise
                self._page = os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, AttributeError):
            self._ranges = []

    def _locate(self, raw: np.ndarray) -> tuple[int, int, int, int] | None:
        """(mapping start, mapping end, first byte, end) addresses of ``raw`` in the weights mapping, or None
        (a constant built in memory, which is never advised)."""
        if not self._ranges or raw.size == 0:
            return None
        addr = raw.__array_interface__["data"][0]
        end = addr + raw.nbytes
        return next(((s, e, addr, end) for s, e in self._ranges if s <= addr and end <= e), None)

    def _pages(self, raw: np.ndarray) -> tuple[int, int] | None:
        """The page-aligned address range of ``raw`` inside the weights mapping, or None if it is not there."""
        found = self._locate(raw)
        if found is None:
            return None
        s, e, addr, end = found
        return max(s, addr // self._page * self._page), min(e, -(-end // self._page) * self._page)

    def file_offset(self, raw: np.ndarray) -> int | None:
        """Where ``raw``'s first byte sits in the weights file, or None if it is not in the file's mapping."""
        found = self._locate(raw)
        return None if found is None else found[2] - found[0] + self._offsets[found[0]]

    def populate(self, raws: list[np.ndarray]) -> list[tuple[int, int]]:
        """Map the pages of ``raws`` in now, touching ranges merged into one call each; return those ranges
        (for :meth:`release_spans` once done)."""
        spans = sorted(r for r in map(self._pages, raws) if r is not None)
        merged: list[list[int]] = []
        for a0, a1 in spans:
            if merged and a0 <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], a1)
            else:
                merged.append([a0, a1])
        if self._can_populate:
            for a0, a1 in merged:
                if self._madvise(a0, a1 - a0, self.MADV_POPULATE_READ) != 0:
                    self._can_populate = False  # an older kernel (EINVAL): the page faults do the work
                    break
        return [(a0, a1) for a0, a1 in merged]

    def release_spans(self, spans: list[tuple[int, int]], keep: object) -> None:
        """Hand back ranges :meth:`populate` returned (``keep`` holds their constants alive until then)."""
        if not spans:
            return
        with self._lock:
            self._pending.extend((a0, a1, keep) for a0, a1 in spans)
            self._pending_bytes += sum(a1 - a0 for a0, a1 in spans)
            if self._pending_bytes < self.BATCH:
                return
            pending, self._pending, self._pending_bytes = self._pending, [], 0
        self._advise(pending)

    def release(self, raw: np.ndarray) -> None:
        """Note that ``raw``'s pages are done with; they are handed back in batches of ``BATCH`` bytes."""
        span = self._pages(raw)
        if span is None:
            return
        with self._lock:
            # ``raw`` is kept until the advice is given: it holds its Constant, so the mapping cannot be
            # unmapped (and the addresses reused) in between.
            self._pending.append((span[0], span[1], raw))
            self._pending_bytes += span[1] - span[0]
            if self._pending_bytes < self.BATCH:
                return
            pending, self._pending, self._pending_bytes = self._pending, [], 0
        self._advise(pending)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending, self._pending_bytes = self._pending, [], 0
        self._advise(pending)

    def release_everything(self) -> None:
        """Hand back every mapped page of the weights file, including those the kernel mapped around a page
        fault (up to 64 KiB around each: reading many small constants, such as scales, adds up)."""
        self.flush()
        for a0, a1 in self._ranges:
            self._madvise(a0, a1 - a0, self.MADV_DONTNEED)

    def _advise(self, ranges: list[tuple[int, int, object]]) -> None:
        # Pages of a read-only file mapping: dropping them loses nothing (they are read again on access),
        # so neighbouring ranges are merged into few calls (each call costs a TLB flush on every core).
        merged: list[list[int]] = []
        for a0, a1, _ in sorted(ranges, key=lambda r: r[0]):
            if merged and a0 <= merged[-1][1]:  # touching or overlapping: one call
                merged[-1][1] = max(merged[-1][1], a1)
            else:
                merged.append([a0, a1])
        for a0, a1 in merged:
            self._madvise(a0, a1 - a0, self.MADV_DONTNEED)


def windows(items: list[TensorItem]) -> Iterator[tuple[int, int]]:
    """Index ranges ``[i, j)`` of consecutive items whose bytes to map in ahead add up to about
    ``POPULATE_AHEAD``: one :func:`tensors_values` call each (so the pages mapped at once stay bounded)."""
    sizes = [0 if a is None else a.size for a in map(_ahead_bytes, items)]
    i = 0
    while i < len(sizes):
        j, size = i, 0
        while j < len(sizes) and (j == i or size + sizes[j] <= POPULATE_AHEAD):
            size += sizes[j]
            j += 1
        yield i, j
        i = j


class TensorStats(NamedTuple):
    """What :func:`tensor_values` found: the stored values' statistics (None on a problem, told by ``note``)
    and, for the head of a decompression chain, the de-quantized values' statistics."""

    stats: ValueStats | None
    note: str = ""
    dequant: ValueStats | None = None


def _never_raises(fn: Callable[..., TensorStats]) -> Callable[..., TensorStats]:
    """Statistics never raise on bad values or shapes (only :class:`Cancelled`): a problem becomes the note."""

    @functools.wraps(fn)
    def safe(*args: Any, **kwargs: Any) -> TensorStats:
        try:
            return fn(*args, **kwargs)
        except (ArithmeticError, ValueError, TypeError, IndexError, MemoryError) as exc:
            return TensorStats(None, f"statistics could not be computed: {type(exc).__name__}: {exc}")

    return safe


@_never_raises
def tensor_values(
    raw: np.ndarray | None,
    element_type: str,
    shape: tuple[int, ...],
    chain: Chain | None = None,
    *,
    bins: int = HIST_BINS,
    hist_samples: int = HIST_SAMPLES,
    exact: bool = False,
    cancel: CancelToken | None = None,
    releaser: PageReleaser | None = None,
) -> TensorStats:
    """Statistics of one stored tensor from its raw bytes (a flat uint8 view, read in chunks, never copied)."""
    count = math.prod(shape)
    codec = codec_for(element_type)
    if codec is None:
        if element_type == "string":
            return TensorStats(None, STRING_NOTE)
        return TensorStats(None, f"unsupported element type {element_type}")
    if any(d < 0 for d in shape):
        return TensorStats(None, f"invalid shape {list(shape)}: a negative dimension")
    if count == 0:
        return TensorStats(None, f"zero-size constant (shape {list(shape)}): no values")
    if raw is None:
        return TensorStats(None, "the stored bytes could not be read")
    need = codec.byte_size(count)
    if raw.size < need:
        return TensorStats(None, f"holds {raw.size} bytes but shape {list(shape)} of {element_type} needs {need}")

    # At most hist_samples values, and at most 1 in 8 of a mid-size constant (at least SMALL_ELEMENTS, which
    # are counted exactly): the histogram of 8,192 strided values cost a quarter of a 128 KiB constant's time.
    stride = 1 if exact else max(1, -(-count // min(hist_samples, max(SMALL_ELEMENTS, count // 8))))
    chain = chain if shape else None
    if chain is None and count <= CHUNK_ELEMENTS:  # the common case, kept lean: one chunk, no de-quantization
        values = codec.decode(raw, 0, count)
        if values.dtype == np.float32:
            quick = _quick_stats(values, count, bins, stride)
            if quick is not None:
                if releaser is not None:
                    releaser.release(raw[:need])
                return TensorStats(quick, "" if shape else "scalar")
        acc = _Accumulator(count, bins, stride, True)
        acc.add(values, 0)
        precise = acc.needs_precise_var
        if precise:
            acc.add_second(values, True)
        stats = acc.finish(precise)
        if releaser is not None:
            releaser.release(raw[:need])
        return TensorStats(stats, _note(stats, shape))

    keep = (count // stride) <= CHUNK_ELEMENTS if exact else True
    acc = _Accumulator(count, bins, stride, keep)
    row_elems = int(np.prod(shape[1:], dtype=np.int64)) if len(shape) > 1 else 1
    if chain is not None and chain.scale_rows is not None and chain.cols >= ROW_PATH_MIN_COLS and not exact:
        return _by_rows(raw, codec, shape, count, chain, acc, row_elems, bins, cancel, releaser)
    if chain is not None:
        step_rows = max(1, CHUNK_ELEMENTS // max(1, row_elems))
        bounds = [(r * row_elems, min(count, (r + step_rows) * row_elems)) for r in range(0, shape[0], step_rows)]
    else:
        bounds = [(i, min(count, i + CHUNK_ELEMENTS)) for i in range(0, count, CHUNK_ELEMENTS)]
    dacc = _Accumulator(count, bins, stride, keep) if chain is not None else None
    single = len(bounds) == 1
    kept: list[tuple[np.ndarray, np.ndarray | None]] = []

    mapped = [0]  # values whose pages are mapped in (a big constant: 4 chunks at a time, fewer calls)

    def chunk(i0: int, i1: int) -> tuple[np.ndarray, np.ndarray | None]:
        if releaser is not None and need > CHUNK_BYTES and (i1 > mapped[0] or i0 < mapped[0] - 4 * (i1 - i0)):
            mapped[0] = min(count, i0 + 4 * (i1 - i0))  # (smaller constants were mapped in with their block)
            releaser.populate([raw[i0 * codec.bits // 8:-(-mapped[0] * codec.bits // 8)]])
        values = codec.decode(raw, i0, i1 - i0)
        dq = None
        if chain is not None:
            r0, r1 = i0 // row_elems, i1 // row_elems
            w = values.reshape((r1 - r0, *shape[1:]))
            if chain.zero_point is not None:
                dq = w - _rows(chain.zero_point, r0, r1)
                dq *= _rows(chain.scale, r0, r1)  # in place: one temporary, not two
            else:
                dq = w * _rows(chain.scale, r0, r1)
            dq = dq.reshape(-1)
        return values, dq

    def release(i0: int, i1: int) -> None:
        if releaser is not None:
            releaser.release(raw[i0 * codec.bits // 8:-(-i1 * codec.bits // 8)])

    for i0, i1 in bounds:
        if cancel is not None:
            cancel.check()
        values, dq = chunk(i0, i1)
        acc.add(values, i0)
        if dacc is not None and dq is not None:
            dacc.add(dq, i0)
        if single:
            kept.append((values, dq))
        else:
            release(i0, i1)
    accs = [(acc, 0)] + ([(dacc, 1)] if dacc is not None else [])
    precise = {k: a.needs_precise_var for a, k in accs}
    if any(precise.values()) or any(a.needs_hist_pass for a, _ in accs):
        for i0, i1 in bounds:
            if cancel is not None:
                cancel.check()
            pair = kept[0] if single else chunk(i0, i1)
            for a, k in accs:
                if pair[k] is not None and (precise[k] or a.needs_hist_pass):
                    a.add_second(pair[k], precise[k])
            if not single:
                release(i0, i1)
    stats = acc.finish(precise[0])
    if single:
        release(*bounds[0])
    dstats = dacc.finish(precise[1]) if dacc is not None else None
    return TensorStats(stats, _note(stats, shape), dstats)




def _by_rows(
    raw: np.ndarray,
    codec: ElementCodec,
    shape: tuple[int, ...],
    count: int,
    chain: Chain,
    acc: _Accumulator,
    row_elems: int,
    bins: int,
    cancel: CancelToken | None,
    releaser: PageReleaser | None,
) -> TensorStats:
    """Stored and de-quantized statistics of a decompression chain with per-row scales (one pass of reductions)."""
    deq = _RowDequant(chain, acc)
    step = max(1, CHUNK_ELEMENTS // max(1, row_elems)) * row_elems
    for i0 in range(0, count, step):
        if cancel is not None:
            cancel.check()
        i1 = min(count, i0 + step)
        if releaser is not None and codec.byte_size(count) > CHUNK_BYTES:
            releaser.populate([raw[i0 * codec.bits // 8:-(-i1 * codec.bits // 8)]])
        deq.add(codec.decode(raw, i0, i1 - i0), i0)
        if releaser is not None:
            releaser.release(raw[i0 * codec.bits // 8:-(-i1 * codec.bits // 8)])
    stats = acc.finish(False)
    return TensorStats(stats, _note(stats, shape), deq.finish(bins))


def _note(stats: ValueStats, shape: tuple[int, ...]) -> str:
    if stats.nan_count == stats.count:
        return "all values are NaN"
    return "" if shape else "scalar"




class TensorItem(NamedTuple):
    """One stored tensor for :func:`tensors_values`."""

    raw: np.ndarray | None
    element_type: str
    shape: tuple[int, ...]
    chain: Chain | None = None


def tensors_values(
    items: list[TensorItem],
    *,
    bins: int = HIST_BINS,
    hist_samples: int = HIST_SAMPLES,
    exact: bool = False,
    cancel: CancelToken | None = None,
    releaser: PageReleaser | None = None,
) -> list[TensorStats]:
    """:func:`tensor_values` of each item; small ones (up to ``BATCH_ELEMENTS`` values, with their de-quantized
    values for chain heads) are computed together, with a few numpy calls for all instead of a dozen each.

    The pages of the items up to ``CHUNK_BYTES`` are mapped in together first and handed back together after;
    bigger ones go a chunk at a time."""
    out: list[TensorStats | None] = [None] * len(items)
    small: list[tuple[int, np.ndarray]] = []
    dequantized: list[tuple[int, np.ndarray]] = []  # small heads of decompression chains: their values
    ahead = [_ahead_bytes(item) for item in items]
    window = [a for a in ahead if a is not None]
    spans = releaser.populate(window) if releaser is not None else []
    for k, item in enumerate(items):
        codec = codec_for(item.element_type)
        count = math.prod(item.shape)
        if (codec is not None and 0 < count <= min(BATCH_ELEMENTS, hist_samples) and item.raw is not None
                and item.raw.size >= codec.byte_size(count) and (item.chain is None or item.shape)):
            values = codec.decode(item.raw, 0, count)
            small.append((k, values))
            if item.chain is not None:
                dequantized.append((k, _dequantize(values.reshape(item.shape), item.chain)))
    if small:
        try:
            stored = dict(zip((k for k, _ in small), _batch_stats([v for _, v in small], bins), strict=True))
            deq = dict(zip((k for k, _ in dequantized), _batch_stats([v for _, v in dequantized], bins),
                           strict=True))
        except (ArithmeticError, ValueError, MemoryError):  # one at a time below, each with its own note
            stored, deq = {}, {}
        for k, found in stored.items():
            if found is not None and (items[k].chain is None or deq[k] is not None):
                out[k] = TensorStats(found, "" if items[k].shape else "scalar", deq.get(k))
    for k, item in enumerate(items):
        if out[k] is None:  # big, compressed, unreadable, or with values the batch leaves to the general path
            if cancel is not None:
                cancel.check()
            out[k] = tensor_values(item.raw, item.element_type, item.shape, item.chain, bins=bins,
                                   hist_samples=hist_samples, exact=exact, cancel=cancel,
                                   releaser=releaser if ahead[k] is None else None)
    if releaser is not None:
        releaser.release_spans(spans, window)
    return out  # type: ignore[return-value]


def _ahead_bytes(item: TensorItem) -> np.ndarray | None:
    """The bytes of a constant small enough to be mapped in with its neighbours (None: a big one, mapped in a
    chunk at a time, or no bytes)."""
    codec = codec_for(item.element_type)
    if codec is None or item.raw is None:
        return None
    need = codec.byte_size(math.prod(item.shape))
    return item.raw[:need] if 0 < need <= min(item.raw.size, CHUNK_BYTES) else None


def _dequantize(codes: np.ndarray, chain: Chain) -> np.ndarray:
    """``(codes - zero point) * scale`` of a whole (small) tensor, flat float32."""
    if chain.zero_point is not None:
        out = codes - chain.zero_point
        out *= chain.scale
    else:
        out = codes * chain.scale
    return np.asarray(out, dtype=np.float32).reshape(-1)


def _batch_stats(values: list[np.ndarray], bins: int) -> list[ValueStats | None]:
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
