"""Whole-run aggregates of a latency run at a fixed cost (core, no Qt)."""

from __future__ import annotations

import math

import numpy as np

from ovexplorer.core.bench.benchmark import LatencyRecorder
from ovexplorer.core.bench.run_summary import HIST_EDGES, RunSummary

RATE = 65_000  # inferences per second


def _latency(index: np.ndarray) -> np.ndarray:
    """A deterministic latency per inference index (0.5 .. 10.49 ms), so any kept sample can be checked."""
    return 0.5 + (index % 1000) / 100.0


def test_ten_minutes_at_65000_per_second_covers_the_whole_run_in_bounded_memory() -> None:
    summary = RunSummary()
    size = summary.nbytes()
    total, exact_sum, lo, hi = 0, 0.0, math.inf, -math.inf
    for second in range(600):  # a 10-minute run fed one second at a time
        index = np.arange(total, total + RATE)
        lat = _latency(index)
        t = second + (np.arange(RATE) + 1) / RATE  # completion times; the last one exactly at second + 1
        summary.update(lat, t)
        total += RATE
        exact_sum += float(lat.sum())
        lo, hi = min(lo, float(lat.min())), max(hi, float(lat.max()))
    assert summary.nbytes() == size < 400_000  # fixed whatever the length (the ring alone: 4 MB)
    assert summary.count == total == 600 * RATE
    assert math.isclose(summary.sum, exact_sum, rel_tol=1e-12) and (summary.min, summary.max) == (lo, hi)
    iv = summary.intervals()
    # the throughput series covers the whole run: from 0 to 600 s, every interval complete and exact
    assert iv["start_s"][0] == 0 and iv["start_s"][-1] + summary.interval >= 600.0
    assert summary.interval > 0.1  # coarsened to stay within max_intervals
    assert iv["count"].size <= summary.max_intervals and iv["count"].sum() == total
    full = iv["start_s"] + summary.interval <= 600.0
    per = round(RATE * summary.interval)
    assert np.all(np.abs(iv["count"][full][1:] - per) <= 1)  # times on bin edges may fall either side
    assert math.isclose(float(iv["sum_ms"].sum()), exact_sum, rel_tol=1e-12)
    assert np.nanmin(iv["min_ms"]) == lo and np.nanmax(iv["max_ms"]) == hi
    # the histogram holds every inference, in the right bins
    edges, counts = summary.histogram()
    assert counts.sum() == total and counts.size == HIST_EDGES.size + 1
    expected = np.bincount(np.searchsorted(edges, _latency(np.arange(1000)), side="right"), minlength=counts.size)
    assert np.array_equal(counts, expected * (total // 1000))
    # the decimated series spans the run, every stride-th inference, values exact
    idx, t, lat = summary.decimated()
    assert idx.size <= summary.max_samples and idx.size > summary.max_samples // 2
    assert np.all(np.diff(idx) == summary.stride) and idx[0] == 0 and idx[-1] > total - 2 * summary.stride
    assert np.array_equal(lat, _latency(idx))
    assert np.allclose(t, idx // RATE + (idx % RATE + 1) / RATE)


def test_recorder_summary_folds_what_the_ring_drops() -> None:
    rec = LatencyRecorder(64)
    lat = _latency(np.arange(1000))
    for i, v in enumerate(lat.tolist()):
        rec.add(v, i * 0.01)
    summary = rec.summary()  # read once at the end: the ring (64) held only the last 64
    assert summary.count == 1000 and summary.missed == 0
    assert math.isclose(summary.sum, float(lat.sum()), rel_tol=1e-12)
    assert summary.intervals()["count"].sum() == 1000
    idx, _t, kept = summary.decimated()
    assert np.array_equal(kept, lat[idx])
    assert rec.summary() is summary and summary.count == 1000  # reading again folds nothing twice


def test_coarsening_keeps_aggregates_exact() -> None:
    summary = RunSummary(interval=1.0, max_intervals=5, max_samples=4)
    t = np.arange(20) + 0.5
    lat = np.arange(20, dtype=float)
    summary.update(lat[:7], t[:7])
    summary.update(lat[7:], t[7:])
    iv = summary.intervals()
    assert summary.interval == 4.0
    assert iv["count"].tolist() == [4] * 5 and iv["sum_ms"].tolist() == [6.0, 22.0, 38.0, 54.0, 70.0]
    assert iv["min_ms"].tolist() == [0, 4, 8, 12, 16] and iv["max_ms"].tolist() == [3, 7, 11, 15, 19]
    idx, _, kept = summary.decimated()
    assert summary.stride == 8 and idx.tolist() == [0, 8, 16] and kept.tolist() == [0.0, 8.0, 16.0]
