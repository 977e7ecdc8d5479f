"""Numbers behind the live latency plots, without Qt: rolling percentiles, nice axis ends that change rarely, a
robust axis top that outliers do not squash, the time unit an axis reads in, logarithmic ticks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def rolling_percentiles(values: np.ndarray, window: int, step: int = 1) -> np.ndarray:
    """``(3, m)``: nearest-rank median, p90 and p99 of ``window`` consecutive values, for every ``step``-th
    window counted back from the last one (so the last value always ends a window)."""
    if values.size < window:
        return np.empty((3, 0))
    views = np.lib.stride_tricks.sliding_window_view(values, window)[::-1][::step][::-1]
    rows = np.sort(views, axis=1)
    ranks = [max(0, int(np.ceil(window * p / 100)) - 1) for p in (50, 90, 99)]
    return rows[:, ranks].T


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= ``value``."""
    if value <= 0 or not np.isfinite(value):
        return 1.0
    power = 10 ** np.floor(np.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def log_ticks(lo: float, hi: float) -> list[list[tuple[float, str]]]:
    """Axis ticks for log10(ms) from ``lo`` to ``hi``: labelled 1-2-5 steps, unlabelled 1..9 steps."""
    major, minor = [], []
    for power in range(int(np.floor(lo)) - 1, int(np.ceil(hi)) + 1):
        for m in range(1, 10):
            x = power + np.log10(m)
            if lo - 0.05 <= x <= hi + 0.05:
                if m in (1, 2, 5):
                    major.append((float(x), f"{m * 10.0**power:g}"))
                else:
                    minor.append((float(x), ""))
    return [major, minor]


@dataclass
class StickyRange:
    """An axis top that grows at once and shrinks only when the data have used less than a third of it for
    ``patience`` updates (or no run is going on), in nice steps: axes are slow to repaint, so they change rarely."""

    patience: int
    top: float = 0.0
    low: int = 0

    def fit(self, peak: float, running: bool = True) -> float | None:
        """The new top for ``peak``, or None to keep the axis as it is."""
        if not np.isfinite(peak) or peak <= 0:
            return None
        small = peak < self.top / 3
        self.low = self.low + 1 if small else 0
        if peak > self.top or (small and (self.low >= self.patience or not running)):
            self.low, self.top = 0, nice_ceiling(peak * 1.1)
            return self.top
        return None


def robust_peak(values: Sequence[np.ndarray], percent: float = 99.0, spread: float = 1.5) -> float:
    """How high a latency axis should reach for ``values``: their largest value, but no more than ``spread`` times
    their ``percent``-th percentile (nearest rank), so that a few outliers do not squash the plot (NaN when empty)."""
    data = [np.asarray(v, dtype=np.float64) for v in values if len(v)]
    if not data:
        return math.nan
    every = np.concatenate(data) if len(data) > 1 else data[0]
    k = max(0, math.ceil(every.size * percent / 100) - 1)
    return min(float(every.max()), float(np.partition(every, k)[k]) * spread)


#: Units a latency axis may read in: (name, factor from milliseconds, used while the axis top is below this many ms).
TIME_UNITS = (("µs", 1000.0, 1.0), ("ms", 1.0, 10_000.0), ("s", 0.001, math.inf))


def time_unit(top_ms: float) -> tuple[str, float]:
    """The unit an axis reaching ``top_ms`` reads in (µs below 1 ms, s from 10 s) and its factor from ms."""
    for name, factor, below in TIME_UNITS:
        if top_ms < below:
            return name, factor
    return "ms", 1.0  # NaN


def log_time_ticks(lo: float, hi: float) -> tuple[str, list[list[tuple[float, str]]]]:
    """:func:`log_ticks` for log10(ms) from ``lo`` to ``hi``, labelled in the unit of ``10**hi`` ms: the unit's name
    and the ticks (``0.01, 0.02`` ms read ``10, 20`` µs)."""
    unit, factor = time_unit(10.0 ** hi)
    major, minor = log_ticks(lo, hi)
    return unit, [[(x, f"{10.0 ** x * factor:.3g}") for x, _ in major], minor]
