"""The latency histogram of every run shown, on a logarithmic latency axis that reaches the p99 with a margin
(the share of inferences beyond it is in the title, not drawn: one outlier does not squash the histogram)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from ovexplorer.core.bench.latency_state import LIVE_STATS
from ovexplorer.core.bench.plot_scale import StickyRange, log_time_ticks, robust_peak, time_unit
from ovexplorer.ui.latency.plot_style import Series, style_plot

HIST_BINS = 60
SAMPLE = 8192  # latencies the axis's reach is estimated from
TITLE = "Latency histogram"


class HistogramPlot(pg.PlotWidget):
    """Share of inferences per latency bin (uniform in log10 ms: numpy's fast path), one step curve per run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        style_plot(self, TITLE, "ms (log scale)", "% of inferences")
        self.enableAutoRange(x=False, y=False)
        self.reset()

    def reset(self) -> None:
        self.clear()
        self._sticky = StickyRange(5)
        self._ticks: list = []
        self._x = (0.0, 0.0)
        self.unit = "ms"
        self.setLabel("bottom", "ms (log scale)")
        self.beyond = 0  # inferences slower than the axis reaches (named in the title)
        self._title = TITLE
        self.setTitle(TITLE, color="#222", size="10pt")

    def add_series(self, series: Series) -> None:
        series.curves["hist"] = self.plot([], [], stepMode="center", pen=pg.mkPen(series.color, width=2))

    def refresh(self, everyone: Sequence[Series], running: bool) -> None:
        shown = [s for s in everyone if s.shown and s.run.recorder.count]
        data = {id(s): s.run.recorder.latest(LIVE_STATS if s.run.active else None)[1] for s in shown}
        if not data:
            return
        lo = max(min(float(v.min()) for v in data.values()), 1e-6)
        reach = robust_peak([v[::max(1, v.size // SAMPLE)] for v in data.values()])  # the axis moves in 0.1-decade
        # steps: the p99 of an even sample is as good, and 8x cheaper than that of 65,536 values
        lo, hi = np.log10(lo), np.log10(max(reach, 1e-6))
        hi = hi if hi > lo + 0.005 else lo + 0.005
        log_edges = np.linspace(lo, hi, HIST_BINS + 1)
        peak, beyond, total = 0.0, 0, 0
        for s in shown:
            values = data[id(s)]
            counts, _ = np.histogram(np.log10(np.maximum(values, 1e-6)), bins=HIST_BINS, range=(lo, hi))
            percent = counts * 100.0 / max(1, values.size)  # of every inference, those beyond the axis too
            beyond += int(np.count_nonzero(values > 10.0 ** hi))
            total += values.size
            s.curves["hist"].setData(log_edges, percent)
            peak = max(peak, float(percent.max()))
        self._name_beyond(beyond, total, 10.0 ** hi)
        top = self._sticky.fit(peak, running)
        if top is not None:
            self.setYRange(0, min(top, 100.0), padding=0)
        x_range = (np.floor(lo * 10 - 0.5) / 10, np.ceil(hi * 10 + 0.5) / 10)  # 0.1-decade steps: rarely changes
        if x_range != self._x:
            self._x = x_range
            self.setXRange(*x_range, padding=0)
        unit, ticks = log_time_ticks(*x_range)  # labelled in µs for a sub-millisecond model
        if ticks != self._ticks:  # setting the same ticks again would repaint the axis all the same
            self._ticks = ticks
            self.getAxis("bottom").setTicks(ticks)
            if unit != self.unit:  # a new label re-lays the axis out
                self.unit = unit
                self.setLabel("bottom", f"{unit} (log scale)")

    def _name_beyond(self, beyond: int, total: int, reach_ms: float) -> None:
        """The share beyond the axis in the title, in one figure (two from 10 %): it changes rarely while a run goes
        on (a new title re-lays the plot out; a count changed at every refresh)."""
        self.beyond = beyond
        unit, factor = time_unit(reach_ms)
        percent = 100 * beyond / max(1, total)
        share = f"{percent:.0f} %" if percent >= 1 else f"{percent:.1g} %"
        title = f"Histogram ({share} > {reach_ms * factor:.3g} {unit} not shown)" if beyond else TITLE  # fits 300 px
        if title != self._title:  # a new title repaints the plot's header
            self._title = title
            self.setTitle(title, color="#222", size="10pt")
