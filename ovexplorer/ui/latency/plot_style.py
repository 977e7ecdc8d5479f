"""The look shared by the Latency tab's plots (white, light grid, axes cached as pixmaps) and the series they draw."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QWidget

from ovexplorer.core.bench.benchmark import BenchmarkRun
from ovexplorer.core.bench.latency_state import RunEntry


@dataclass(eq=False)
class Series:
    """One run as drawn: the state's entry and its curves in the plots (by name)."""

    entry: RunEntry
    curves: dict[str, pg.PlotDataItem] = field(default_factory=dict)
    end: int = 0  # index of the last inference the latency plot shows
    marked: tuple[float, np.ndarray] | None = None  # (axis top, indices) of the inferences marked as outliers

    @property
    def run(self) -> BenchmarkRun:
        return self.entry.run

    @property
    def color(self) -> str:
        return self.entry.color

    @property
    def shown(self) -> bool:
        return self.entry.shown


def style_plot(plot: pg.PlotWidget, title: str, x: str, y: str) -> pg.PlotWidget:
    """Title, axis labels, grid; each axis kept as a pixmap, repainted only when its ticks change."""
    plot.setTitle(title, color="#222", size="10pt")
    plot.setLabel("bottom", x)
    plot.setLabel("left", y)
    plot.showGrid(x=True, y=True, alpha=0.25)
    for axis in ("left", "bottom"):
        item = plot.getAxis(axis)
        item.setPen(pg.mkPen("#444"))
        item.setTextPen(pg.mkPen("#222"))
        # text is slow to paint: keep each axis as a pixmap, repainted only when its ticks change
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    plot.setMouseEnabled(x=True, y=True)
    plot.setMinimumHeight(120)
    return plot


def new_plot(parent: QWidget | None, title: str, x: str, y: str) -> pg.PlotWidget:
    return style_plot(pg.PlotWidget(parent, background="w"), title, x, y)
