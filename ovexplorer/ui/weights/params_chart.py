"""The model summary (parameters, constants by element type, FLOPs, flagged constants) and the chart of where
the parameters go, by consumer op type or by name scope."""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ovexplorer.core.model.summary import human_bytes, human_count
from ovexplorer.core.weights.flops import ModelTotals
from ovexplorer.core.weights.weights_state import WeightsState
from ovexplorer.ui.weights.axes import ValueAxis, compact_count
from ovexplorer.ui.weights.plot_column import plot_column


def summary_html(t: ModelTotals, flagged: int, shape_totals: ModelTotals | None = None, shape_note: str = "") -> str:
    """The summary's rich text for totals ``t``, ``flagged`` constants, and the compute at the Run tab's shapes
    (``shape_totals``, or ``shape_note`` saying why there is none)."""
    by_type = ", ".join(f"{escape(k)} {human_bytes(v)}" for k, v in t.bytes_by_type.items()) or "none"
    flops = f"{human_count(t.flops)} FLOPs ({human_count(t.macs)} MACs)"
    if t.dynamic_layers:
        flops += f" + dynamic ({len(t.dynamic_layers)} layers)"
    parts = [
        f"<b>Parameters</b> {t.parameters:,} ({human_count(t.parameters)})",
        f"<b>Constants</b> {t.constants} — {human_bytes(t.total_bytes)} ({by_type})",
        f"<b>Compute</b> {flops if t.layers else 'no MatMul or convolution'}",
    ]
    s = shape_totals
    if s is not None and s.layers:
        at = f"{human_count(s.flops)} FLOPs ({human_count(s.macs)} MACs)"
        if s.dynamic_layers:
            at += f" + dynamic ({len(s.dynamic_layers)} layers)"
        parts.append(f"<b>Compute at the Run tab's shapes</b> {at} for {escape(s.shapes_text())}")
    elif shape_note:
        parts.append(escape(shape_note))
    if flagged:
        parts.append(f"<b style='color:#b00'>{flagged} flagged constants</b> "
                     "(NaN, Inf, or all-zero weights of a MatMul or convolution)")
    return "<br>".join(parts)


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else "…" + label[-(limit - 1):]


class ParamsChart(QWidget):
    """The summary text over a horizontal bar chart of the parameters."""

    def __init__(self, state: WeightsState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart_by = QComboBox(self)
        self.chart_by.addItems(["by consumer op type", "by name scope"])
        self.chart_by.currentIndexChanged.connect(lambda i: state.set_chart_by_scope(i == 1))
        self.chart = pg.PlotWidget(self, axisItems={"bottom": ValueAxis("bottom", compact_count)})  # 20 M, not x1e+06
        self.chart.setBackground("w")
        self.chart.setMinimumHeight(200)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        plot_column(self, self.summary_label, [QLabel("<b>Parameters</b>", self), self.chart_by], self.chart)
        state.document_changed.connect(self._on_document)
        state.totals_changed.connect(self._on_totals)
        state.chart_changed.connect(self.redraw)

    def _on_document(self) -> None:
        self.summary_label.setText("" if self.state.document is None else "<i>Statistics not computed yet.</i>")

    def _on_totals(self) -> None:
        if self.state.totals is not None:
            state = self.state
            self.summary_label.setText(summary_html(state.totals, state.flagged_count(), state.shape_totals,
                                                    state.shape_note))
        self.redraw()

    def redraw(self) -> None:
        self.chart.clear()
        items = self.state.chart_items()
        if not items:
            return
        n = len(items)
        ys = np.arange(n)[::-1]
        widths = np.array([v for _, v in items], dtype=float)
        self.chart.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.7, width=widths, brush=pg.mkBrush(70, 130, 200)))
        for y, (label, v) in zip(ys, items, strict=True):
            text = pg.TextItem(f"{_short(label)}  {human_count(v)}", color=(20, 20, 20), anchor=(0, 0.5))
            text.setPos(0, float(y))
            self.chart.addItem(text)
        axis = self.chart.getAxis("left")
        axis.setTicks([[]])
        axis.setWidth(4)
        self.chart.getAxis("bottom").setLabel("parameters")
        self.chart.setYRange(n - 0.4 - max(n, 8), n - 0.4, padding=0)  # bars keep their height with few items
        self.chart.setXRange(0, float(widths.max()) * 1.02, padding=0)
