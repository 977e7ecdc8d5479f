"""What a whole latency run needs, kept at a fixed cost whatever its length.

A :class:`RunSummary` is fed batches of ``(latencies in ms, completion times in s)`` in inference order and keeps:

* exact totals (count, sum, sum of squares, min, max);
* per-interval aggregates (count, sum, min, max of latency) covering the whole run; the interval starts at
  ``interval`` seconds and doubles (neighbouring intervals merged) whenever ``max_intervals`` would be exceeded;
* a fixed-size log-spaced latency histogram (:data:`HIST_EDGES`, plus under- and overflow bins);
* a decimated latency series: every ``stride``-th inference, the stride doubling (every other kept sample
  dropped) whenever ``max_samples`` would be exceeded.

Memory is ``O(max_intervals + max_samples + len(HIST_EDGES))`` however many inferences are fed.
"""

from __future__ import annotations

import math

import numpy as np

HIST_EDGES = np.logspace(-3, 5, 8 * 20 + 1)  # 1 µs .. 100 s, 20 bins per decade


class RunSummary:
    """Whole-run aggregates of a latency run (see the module docstring)."""

    def __init__(self, interval: float = 0.1, max_intervals: int = 4096, max_samples: int = 8192) -> None:
        self.interval = float(interval)
        self.max_intervals = max(2, int(max_intervals))
        self.max_samples = max(2, int(max_samples))
        self.count = 0
        self.sum = 0.0
        self.sumsq = 0.0
        self.min = math.inf
        self.max = -math.inf
        self.missed = 0  # inferences never fed (a reader fell behind the ring); not in any aggregate
        self.bin_count = np.zeros(self.max_intervals, dtype=np.int64)
        self.bin_sum = np.zeros(self.max_intervals, dtype=np.float64)
        self.bin_min = np.full(self.max_intervals, math.inf)
        self.bin_max = np.full(self.max_intervals, -math.inf)
        self.bins_used = 0
        self.hist = np.zeros(HIST_EDGES.size + 1, dtype=np.int64)  # [under, ..., over]
        self.stride = 1
        self.sample_index = np.zeros(self.max_samples, dtype=np.int64)
        self.sample_time = np.zeros(self.max_samples, dtype=np.float64)
        self.sample_latency = np.zeros(self.max_samples, dtype=np.float64)
        self.samples = 0

    # -- feeding ----------------------------------------------------------------------------------
    def skip(self, n: int) -> None:
        """``n`` inferences were lost before being fed: counted in :attr:`missed`, indices move on."""
        self.missed += int(n)

    def update(self, latencies_ms: np.ndarray, times_s: np.ndarray) -> None:
        """Fold the next inferences (in order; completion times non-decreasing) into the aggregates."""
        lat = np.asarray(latencies_ms, dtype=np.float64)
        t = np.asarray(times_s, dtype=np.float64)
        if lat.size == 0:
            return
        first = self.count + self.missed
        self.count += int(lat.size)
        self.sum += float(lat.sum())
        self.sumsq += float(np.dot(lat, lat))
        self.min = min(self.min, float(lat.min()))
        self.max = max(self.max, float(lat.max()))
        self.hist += np.bincount(np.searchsorted(HIST_EDGES, lat, side="right"), minlength=self.hist.size)
        self._fold_intervals(lat, t)
        self._fold_samples(first, lat, t)

    def _fold_intervals(self, lat: np.ndarray, t: np.ndarray) -> None:
        while int(max(0.0, float(t[-1])) / self.interval) >= self.max_intervals:
            self._coarsen()
        bins = (np.maximum(t, 0.0) / self.interval).astype(np.int64)
        if bins.size > 1 and np.any(bins[1:] < bins[:-1]):
            order = np.argsort(bins, kind="stable")
            bins, lat = bins[order], lat[order]
        starts = np.concatenate(([0], np.flatnonzero(bins[1:] != bins[:-1]) + 1))
        ids = bins[starts]
        self.bin_count[ids] += np.diff(np.append(starts, bins.size))
        self.bin_sum[ids] += np.add.reduceat(lat, starts)
        self.bin_min[ids] = np.minimum(self.bin_min[ids], np.minimum.reduceat(lat, starts))
        self.bin_max[ids] = np.maximum(self.bin_max[ids], np.maximum.reduceat(lat, starts))
        self.bins_used = max(self.bins_used, int(ids[-1]) + 1)

    def _coarsen(self) -> None:
        """Merge neighbouring intervals: the interval doubles, the arrays keep their size."""
        half = self.max_intervals // 2
        n = half * 2
        for arr, merge in ((self.bin_count, np.add), (self.bin_sum, np.add),
                           (self.bin_min, np.minimum), (self.bin_max, np.maximum)):
            merged = merge(arr[0:n:2], arr[1:n:2])
            if n < arr.size:  # an odd size: the last interval joins the last merged one
                merged[-1] = merge(merged[-1], arr[n])
            arr[:half] = merged
            arr[half:] = 0 if merge is np.add else (math.inf if merge is np.minimum else -math.inf)
        self.interval *= 2
        self.bins_used = (self.bins_used + 1) // 2

    def _fold_samples(self, first: int, lat: np.ndarray, t: np.ndarray) -> None:
        while True:
            offset = (-first) % self.stride
            take = np.arange(offset, lat.size, self.stride)
            if self.samples + take.size <= self.max_samples:
                break
            keep = np.flatnonzero(self.sample_index[:self.samples] % (2 * self.stride) == 0)
            for arr in (self.sample_index, self.sample_time, self.sample_latency):
                arr[:keep.size] = arr[keep]
            self.samples = int(keep.size)
            self.stride *= 2
        end = self.samples + take.size
        self.sample_index[self.samples:end] = first + take
        self.sample_time[self.samples:end] = t[take]
        self.sample_latency[self.samples:end] = lat[take]
        self.samples = end

    # -- reading ----------------------------------------------------------------------------------
    @property
    def mean(self) -> float:
        return self.sum / self.count if self.count else math.nan

    @property
    def std(self) -> float:
        if not self.count:
            return math.nan
        m = self.mean
        return math.sqrt(max(0.0, self.sumsq / self.count - m * m))

    def intervals(self) -> dict[str, np.ndarray]:
        """Per-interval aggregates up to the last one used: ``start_s, count, sum_ms, min_ms, max_ms`` (min/max NaN
        for an empty interval)."""
        n = self.bins_used
        count = self.bin_count[:n].copy()
        empty = count == 0
        lo, hi = self.bin_min[:n].copy(), self.bin_max[:n].copy()
        lo[empty] = hi[empty] = math.nan
        return {"start_s": np.arange(n) * self.interval, "count": count, "sum_ms": self.bin_sum[:n].copy(),
                "min_ms": lo, "max_ms": hi}

    def histogram(self) -> tuple[np.ndarray, np.ndarray]:
        """``(edges_ms, counts)``: ``counts[0]`` is below ``edges[0]``, ``counts[-1]`` at or above ``edges[-1]``,
        ``counts[i]`` in ``[edges[i-1], edges[i])``."""
        return HIST_EDGES.copy(), self.hist.copy()

    def decimated(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(inference index, time s, latency ms)`` of every :attr:`stride`-th inference."""
        n = self.samples
        return self.sample_index[:n].copy(), self.sample_time[:n].copy(), self.sample_latency[:n].copy()

    def nbytes(self) -> int:
        """Bytes held by the arrays (fixed at construction)."""
        return sum(a.nbytes for a in (self.bin_count, self.bin_sum, self.bin_min, self.bin_max, self.hist,
                                      self.sample_index, self.sample_time, self.sample_latency))

    def to_dict(self) -> dict:
        """JSON-ready whole-run aggregates."""
        iv = self.intervals()
        edges, counts = self.histogram()
        idx, t, lat = self.decimated()
        return {
            "count": self.count, "missed": self.missed, "sum_ms": self.sum,
            "min_ms": None if not self.count else self.min, "max_ms": None if not self.count else self.max,
            "interval_s": self.interval,
            "intervals": {k: [None if isinstance(x, float) and math.isnan(x) else x for x in v.tolist()]
                          for k, v in iv.items()},
            "histogram": {"edges_ms": edges.tolist(), "counts": counts.tolist(),
                          "note": "counts[0] below edges_ms[0], counts[-1] at or above edges_ms[-1]"},
            "decimated": {"stride": self.stride, "inference": idx.tolist(), "time_s": t.tolist(),
                          "latency_ms": lat.tolist()},
        }
