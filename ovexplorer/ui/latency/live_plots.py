"""The three live plots of the Latency tab as one widget: latency per inference on top, the histogram and the
throughput below; it draws the series it is given (the panel decides when)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ovexplorer.ui.latency.histogram_plot import HistogramPlot
from ovexplorer.ui.latency.latency_plot import LatencyPlot
from ovexplorer.ui.latency.plot_style import Series
from ovexplorer.ui.latency.throughput_plot import ThroughputPlot


class LivePlots(QWidget):
    """Latency, histogram and throughput plots of a list of series."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QVBoxLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.latency_plot = LatencyPlot(self)
        self.hist_plot = HistogramPlot(self)
        self.fps_plot = ThroughputPlot(self)
        bottom = QHBoxLayout()
        grid.addWidget(self.latency_plot, 3)
        bottom.addWidget(self.hist_plot)
        bottom.addWidget(self.fps_plot)
        grid.addLayout(bottom, 2)

    def add_series(self, series: Series) -> None:
        for plot in (self.latency_plot, self.hist_plot, self.fps_plot):
            plot.add_series(series)

    def reset(self) -> None:
        for plot in (self.latency_plot, self.hist_plot, self.fps_plot):
            plot.reset()

    def set_shown(self, series: Series, everyone: Sequence[Series], running: bool) -> None:
        for curve in series.curves.values():
            curve.setVisible(series.shown)
        self.hist_plot.refresh(everyone, running)

    def draw_latency(self, series: Series, everyone: Sequence[Series], rolling: bool, running: bool) -> None:
        """``series``' last inferences, and its rolling lines when ``rolling``."""
        self.latency_plot.draw(series, everyone, rolling, running)

    def draw_rolling(self, everyone: Sequence[Series], chosen: Series | None) -> None:
        """Rolling lines for ``chosen`` only."""
        for s in everyone:
            if s is chosen:
                self.latency_plot.draw_rolling(s)
            else:
                self.latency_plot.clear_rolling(s)

    def draw_slow(self, series: Series, everyone: Sequence[Series], running: bool) -> None:
        """Throughput of ``series`` and the histograms of everyone shown (a few times a second)."""
        self.fps_plot.refresh(series, everyone, running)
        self.hist_plot.refresh(everyone, running)
