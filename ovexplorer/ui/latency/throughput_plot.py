"""Throughput over the whole run (inferences per second in half-second bins) of every run shown."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ovexplorer.core.bench.plot_scale import StickyRange
from ovexplorer.ui.latency.plot_style import Series, style_plot


class ThroughputPlot(pg.PlotWidget):
    """Inferences per second against seconds since the run began; the axes change in nice steps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        style_plot(self, "Throughput", "s", "inferences / s")
        self.enableAutoRange(x=False, y=False)
        self.reset()

    def reset(self) -> None:
        self.clear()
        self._fps = StickyRange(5)
        self._time = StickyRange(1_000_000)

    def add_series(self, series: Series) -> None:
        series.curves["fps"] = self.plot([], [], pen=pg.mkPen(series.color, width=2), symbol="o", symbolSize=4,
                                         symbolBrush=series.color, symbolPen=None)

    def refresh(self, series: Series, everyone: Sequence[Series], running: bool) -> None:
        """``series``' throughput from its whole-run aggregates; the axes fitted to ``everyone`` shown."""
        x, fps = series.run.throughput_series()
        series.curves["fps"].setData(x, fps)
        peaks = [(float(np.max(d[0])), float(np.max(d[1]))) for d in (s.curves["fps"].getData() for s in everyone
                                                                       if s.shown) if d[0] is not None and len(d[0])]
        if not peaks:
            return
        top = self._fps.fit(max(p[1] for p in peaks), running)
        if top is not None:
            self.setYRange(0, top, padding=0)
        end = self._time.fit(max(p[0] for p in peaks), running)
        if end is not None:
            self.setXRange(0, end, padding=0)
