"""The latency histogram of every run shown, on a logarithmic latency axis."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ovexplorer.core.bench.latency_state import LIVE_STATS
from ovexplorer.core.bench.plot_scale import StickyRange, log_ticks
from ovexplorer.ui.latency.plot_style import Series, style_plot

HIST_BINS = 60


class HistogramPlot(pg.PlotWidget):
    """Share of inferences per latency bin (uniform in log10 ms: numpy's fast path), one step curve per run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        style_plot(self, "Latency histogram", "ms (log scale)", "% of inferences")
        self.enableAutoRange(x=False, y=False)
        self.reset()

    def reset(self) -> None:
        self.clear()
        self._sticky = StickyRange(5)
        self._ticks: list = []
        self._x = (0.0, 0.0)

    def add_series(self, series: Series) -> None:
        series.curves["hist"] = self.plot([], [], stepMode="center", pen=pg.mkPen(series.color, width=2))

    def refresh(self, everyone: Sequence[Series], running: bool) -> None:
        shown = [s for s in everyone if s.shown and s.run.recorder.count]
        data = {id(s): np.log10(np.maximum(s.run.recorder.latest(LIVE_STATS if s.run.active else None)[1], 1e-6))
                for s in shown}
        if not data:
            return
        lo = min(float(v.min()) for v in data.values())
        hi = max(float(v.max()) for v in data.values())
        hi = hi if hi > lo + 0.005 else lo + 0.005
        log_edges = np.linspace(lo, hi, HIST_BINS + 1)
        peak = 0.0
        for s in shown:
            counts, _ = np.histogram(data[id(s)], bins=HIST_BINS, range=(lo, hi))
            percent = counts * 100.0 / max(1, counts.sum())
            s.curves["hist"].setData(log_edges, percent)
            peak = max(peak, float(percent.max()))
        top = self._sticky.fit(peak, running)
        if top is not None:
            self.setYRange(0, min(top, 100.0), padding=0)
        x_range = (np.floor(lo * 10 - 0.5) / 10, np.ceil(hi * 10 + 0.5) / 10)  # 0.1-decade steps: rarely changes
        if x_range != self._x:
            self._x = x_range
            self.setXRange(*x_range, padding=0)
        ticks = log_ticks(*x_range)
        if ticks != self._ticks:  # setting the same ticks again would repaint the axis all the same
            self._ticks = ticks
            self.getAxis("bottom").setTicks(ticks)
