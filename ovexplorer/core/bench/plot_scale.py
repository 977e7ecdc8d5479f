"""Numbers behind the live latency plots, without Qt: rolling percentiles, nice axis ends that change rarely,
logarithmic ticks."""

from __future__ import annotations

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
