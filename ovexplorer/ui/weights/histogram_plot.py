"""The histogram of the selected constant (stored or de-quantized values, counts or log counts), drawn with
pyqtgraph from :class:`ovexplorer.core.weights.weights_state.WeightsState`."""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from ovexplorer.core.weights.numbers import format_value
from ovexplorer.core.weights.weights_state import WeightsState
from ovexplorer.ui.weights.axes import ValueAxis, compact_count
from ovexplorer.ui.weights.plot_column import plot_column


class HistogramPlot(QWidget):
    """Title, options (log counts, de-quantized) and the bars of the selected constant's histogram."""

    def __init__(self, state: WeightsState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.title = QLabel("Select a constant to see its histogram.", self)
        self.title.setWordWrap(True)
        self.log_check = QCheckBox("Log counts", self)
        self.dequant_check = QCheckBox("De-quantized", self)
        self.dequant_check.setEnabled(False)  # and unchecked: enabled and checked for constants that have them
        self.dequant_check.setToolTip("Select a constant")
        self.log_check.toggled.connect(self.redraw)
        self.dequant_check.toggled.connect(state.set_show_dequant)
        # values on the x axis and counts on the y axis as they are (-0.5, 2e-05; 1.5 k), never "(x0.001)"
        self.plot = pg.PlotWidget(self, axisItems={"bottom": ValueAxis("bottom", format_value),
                                                   "left": ValueAxis("left", compact_count)})
        self.plot.setBackground("w")
        self.plot.setMinimumHeight(160)
        self.plot.showGrid(y=True, alpha=0.3)
        self.plot.setMouseEnabled(x=True, y=False)
        self.bars: pg.BarGraphItem | None = None
        plot_column(self, self.title, [self.log_check, self.dequant_check], self.plot)
        state.selection_changed.connect(self._on_selection)
        state.dequant_changed.connect(self.redraw)

    def _on_selection(self, row: object) -> None:
        selected = self.state.selected
        has = selected is not None and selected.dequant is not None
        self.dequant_check.setEnabled(has)
        with QSignalBlocker(self.dequant_check):  # checked only where it applies; the choice stays in the state
            self.dequant_check.setChecked(has and self.state.show_dequant)
        if selected is None:
            tip = "Select a constant"
        elif has:
            tip = "Show the values the model computes with, through " + " → ".join(selected.dequant_chain)
        else:
            tip = f"No de-quantized values: the stored {selected.element_type} values are used as they are"
        self.dequant_check.setToolTip(tip)
        self.redraw()

    def redraw(self) -> None:
        self.plot.clear()
        row = self.state.selected
        s = self.state.shown_stats()
        if row is None:
            self.title.setText("Select a constant to see its histogram.")
            return
        if s is None or s.finite_count == 0:
            self.title.setText(f"<b>{escape(row.name)}</b>: {escape(row.note or 'no finite values')}")
            return
        edges = s.hist_edges()
        counts = np.array(s.hist_counts, dtype=float)
        log = self.log_check.isChecked()
        heights = np.log10(counts + 1) if log else counts
        self.bars = pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=heights, brush=pg.mkBrush(70, 130, 200),
                                    pen=pg.mkPen(40, 90, 150, width=0.5))
        self.plot.addItem(self.bars)
        self.plot.getAxis("left").setLabel("log₁₀(count + 1)" if log else "count")
        if row.dequant is row.stats:  # f16/bf16 widened to f32: the same values
            what = f"stored {row.element_type}, computed as f32"
        else:
            what = "de-quantized" if s is row.dequant else f"stored {row.element_type}"
        sampled = f", histogram of 1 in {s.hist_stride} values" if s.hist_stride > 1 else ""
        bad = "".join(f", <b style='color:#b00'>{n:,} {label}</b>"
                      for n, label in ((s.nan_count, "NaN"), (s.inf_count, "Inf")) if n)
        self.plot.getAxis("bottom").setLabel(f"value ({what})")
        self.plot.setXRange(float(edges[0]), float(edges[-1]), padding=0.02)
        self.plot.setYRange(0, float(heights.max()) * 1.05 or 1.0, padding=0)
        flags = f" <span style='color:#b00'>[{escape(', '.join(row.flags))}]</span>" if row.flags else ""
        self.title.setText(
            f"<b>{escape(row.name)}</b>{flags}<br>{what}: min {format_value(s.min)}, max {format_value(s.max)}, "
            f"mean {format_value(s.mean)}, std {format_value(s.std)}, zeros {s.zero_fraction:.1%}{bad}{sampled}"
        )
