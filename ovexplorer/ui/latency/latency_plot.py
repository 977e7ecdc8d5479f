"""The scrolling latency plot: the last inferences of every run shown, and the chosen run's rolling median, p90
and p99. The axis reaches the p99 of what is shown with a margin (not a single outlier's height); inferences above
it are marked by triangles on the top edge. It reads in µs, ms or s, whichever suits its top."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from ovexplorer.core.bench.plot_scale import StickyRange, robust_peak, rolling_percentiles, time_unit
from ovexplorer.ui.latency.plot_style import Series, style_plot

WINDOW = 2000  # inferences shown by the scrolling latency plot
ROLLING = 50  # inferences in the rolling median / p90 / p99
ROLLING_STEP = 5  # ... at every 5th inference (400 points across the window)
SHRINK_AFTER = 40  # ticks (2 s) the latency axis waits before shrinking
ROLLING_NAMES = ("median", "p90", "p99")
LEGEND_COLUMNS = 3  # runs per row of the key under the plot


class LatencyPlot(pg.PlotWidget):
    """Latency per inference over the last :data:`WINDOW` inferences."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        style_plot(self, f"Latency per inference (last {WINDOW}; rolling {ROLLING}: median, p90 dashed, p99 dotted)",
                   "inferences ago", "ms")
        self._add_legend()
        self.setXRange(-WINDOW, 0, padding=0.01)
        self.disableAutoRange()
        self.getAxis("left").enableAutoSIPrefix(False)  # never a bare "(x0.001)": the unit is in the label
        self._range = StickyRange(SHRINK_AFTER)
        self.unit = "ms"
        self.outliers = 0  # inferences above the axis top, marked on its edge

    def _add_legend(self) -> None:
        """The runs' key in a row under the x axis (inside the plot it hid the oldest inferences)."""
        legend = pg.LegendItem(colCount=LEGEND_COLUMNS, labelTextColor="#222")
        self.plotItem.layout.addItem(legend, 4, 1)
        self.plotItem.legend = legend  # curves plotted with a name join it

    def reset(self) -> None:
        """No curves (the runs were cleared)."""
        self.clear()
        self.plotItem.legend.clear()
        self._range = StickyRange(SHRINK_AFTER)
        self.outliers = 0

    def add_series(self, series: Series) -> None:
        series.curves["latency"] = self.plot([], [], pen=pg.mkPen(series.color, width=1), name=series.run.label)
        series.curves["latency"].setDownsampling(auto=True, method="peak")  # spikes stay visible
        dark = QColor(series.color).darker(150)
        series.curves["median"] = self.plot([], [], pen=pg.mkPen(dark, width=2))
        series.curves["p90"] = self.plot([], [], pen=pg.mkPen(dark, width=1.5, style=Qt.PenStyle.DashLine))
        series.curves["p99"] = self.plot([], [], pen=pg.mkPen(dark, width=1.5, style=Qt.PenStyle.DotLine))
        marks = pg.ScatterPlotItem(symbol="t1", size=9, pen=pg.mkPen(dark), brush=pg.mkBrush(series.color))
        self.addItem(marks)  # a bare scatter: moving it repaints, a PlotDataItem's setPos rebuilt its points
        series.curves["outliers"] = marks

    def draw(self, series: Series, everyone: Sequence[Series], rolling: bool, running: bool) -> None:
        """``series``' last inferences (and, with ``rolling``, its rolling lines); the axis fitted to
        ``everyone`` shown."""
        first, lat, _ = series.run.recorder.latest(WINDOW + ROLLING - 1)
        show = lat[-WINDOW:]
        series.curves["latency"].setData(np.arange(-show.size + 1, 1), show)
        series.end = first + lat.size - 1
        if rolling:
            self.draw_rolling(series, lat)
        self.fit_range(everyone, running, marks=rolling)

    def draw_rolling(self, series: Series, lat: np.ndarray | None = None) -> None:
        if lat is None:
            _, lat, _ = series.run.recorder.latest(WINDOW + ROLLING - 1)
        lat = lat[-(WINDOW + ROLLING - 1):]
        roll = rolling_percentiles(lat, ROLLING, ROLLING_STEP)
        x = -ROLLING_STEP * np.arange(roll.shape[1])[::-1]
        for k, name in enumerate(ROLLING_NAMES):
            series.curves[name].setData(x, roll[k] if roll.size else np.empty(0))

    @staticmethod
    def clear_rolling(series: Series) -> None:
        for name in ROLLING_NAMES:
            series.curves[name].setData([], [])

    @property
    def top(self) -> float:
        """The axis top in ms (0 before anything was drawn)."""
        return self._range.top

    def fit_range(self, everyone: Sequence[Series], running: bool, marks: bool = True) -> None:
        """Fit the axis to the p99 of the latencies shown with a margin (:func:`robust_peak`): it grows at once and
        shrinks only when the data have used less than a third of it for ``SHRINK_AFTER`` ticks, in nice steps, so
        the axis (slow to repaint) changes rarely, even for spiky data. Then mark what lies above it (with ``marks``
        or a new top; else the marks only scroll: new ones appear at the next rolling tick, 0.1 s later)."""
        shown = [s for s in everyone if s.shown]
        data = [d for d in (s.curves["latency"].yData for s in shown) if d is not None and len(d)]  # not downsampled
        if not data:
            return
        top = self._range.fit(robust_peak(data), running)
        if top is not None:
            self.setYRange(0, top, padding=0)
            unit, factor = time_unit(top)
            if unit != self.unit:
                self.unit = unit
                self.getAxis("left").setScale(factor)
                self.setLabel("left", unit)
        if marks or top is not None:
            self._mark_outliers(shown)
        else:
            for s in shown:
                if s.curves["outliers"].pos().x() != -s.end:
                    s.curves["outliers"].setPos(-s.end, 0)

    def _mark_outliers(self, shown: Sequence[Series]) -> None:
        """Triangles at the top edge over the inferences above it. A mark's x is its inference's index, the item is
        moved by the index of the last one drawn: as the plot scrolls, the marks move without new data (a
        scatter's ``setData`` at 20 Hz cost more than the rest of the latency plot's drawing)."""
        top, count = self._range.top, 0
        for s in shown:
            y = s.curves["latency"].yData
            above = np.flatnonzero(y > top) if y is not None and len(y) else np.empty(0, dtype=np.intp)
            count += above.size
            marked = s.end - (len(y) - 1) + above if above.size else above
            marks = s.curves["outliers"]
            if s.marked is None or s.marked[0] != top or not np.array_equal(s.marked[1], marked):
                marks.setData(x=marked, y=np.full(marked.size, top * 0.97))
                s.marked = (top, marked)
            if marks.pos().x() != -s.end:
                marks.setPos(-s.end, 0)
        self.outliers = count
