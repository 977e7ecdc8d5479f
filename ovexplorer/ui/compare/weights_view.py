"""The weights diff: one row per matched weight (sortable, worst first) and the histogram of B − A of the
selected row; selecting a row selects the weight in both graphs."""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ovexplorer.core.compare.compare_state import CompareState
from ovexplorer.core.compare.weights_diff import WeightDiff

COLUMNS = ("Weight", "Layer", "Shape", "Stored A", "Stored B", "Rel. L2", "SNR dB", "Cosine", "Max abs")


class _Number(QTableWidgetItem):
    """A cell that sorts by its number (None last)."""

    def __init__(self, value: float | None, text: str) -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine = self.value if self.value is not None else float("inf")
        theirs = getattr(other, "value", None)
        return mine < (theirs if theirs is not None else float("inf"))


def _fmt(v: float | None, spec: str) -> str:
    if v is None:
        return "—"
    if v == float("inf"):
        return "∞"
    return format(v, spec)


class WeightsDiffView(QWidget):
    """Table and histogram of the weights diff."""

    def __init__(self, state: CompareState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.title = QLabel("Weights are compared once the models are matched.", self)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.currentCellChanged.connect(self._on_current)
        self.hist_title = QLabel("Select a weight to see the histogram of B − A.", self)
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground("w")
        self.plot.setMinimumHeight(120)
        self.plot.getAxis("bottom").setLabel("B − A (de-quantized)")
        self.plot.getAxis("left").setLabel("count")
        hist = QWidget(self)
        hl = QVBoxLayout(hist)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.hist_title)
        hl.addWidget(self.plot, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(hist)
        split.setSizes([700, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)
        self.bars: pg.BarGraphItem | None = None
        state.weights_changed.connect(self._fill)

    def _fill(self) -> None:
        rows = self.state.weights
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for r, w in enumerate(rows):
            m = w.metrics
            cells = [QTableWidgetItem(w.name), QTableWidgetItem(w.layer), QTableWidgetItem(w.shape),
                     QTableWidgetItem(w.stored_a), QTableWidgetItem(w.stored_b),
                     _Number(-m.rel_l2 if m else None, _fmt(m.rel_l2 if m else None, ".3g")),
                     _Number(m.snr_db if m else None, _fmt(m.snr_db if m else None, ".1f")),
                     _Number(m.cosine if m else None, _fmt(m.cosine if m else None, ".5f")),
                     _Number(-m.max_abs if m else None, _fmt(m.max_abs if m else None, ".3g"))]
            cells[0].setData(Qt.ItemDataRole.UserRole, r)
            if w.note:
                cells[0].setToolTip(w.note)
            for c, cell in enumerate(cells):
                self.table.setItem(r, c, cell)
        self.table.setSortingEnabled(True)
        self.table.sortItems(5, Qt.SortOrder.AscendingOrder)  # worst (largest relative error) first
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 260))
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 200))
        changed = sum(1 for w in rows if w.metrics is not None and w.metrics.max_abs > 0)
        self.title.setText(f"{len(rows)} matched weights compared on their de-quantized values; {changed} differ. "
                           "Worst first (relative L2 error); click a header to sort.")

    def row_of(self, table_row: int) -> WeightDiff | None:
        item = self.table.item(table_row, 0)
        return None if item is None else self.state.weights[item.data(Qt.ItemDataRole.UserRole)]

    def _on_current(self, row: int, _col: int, _prev_row: int, _prev_col: int) -> None:
        w = self.row_of(row)
        if w is None:
            return
        self.state.select_pair(w.a, w.b)
        self._draw(w)

    def _draw(self, w: WeightDiff) -> None:
        self.plot.clear()
        if w.hist is None or w.metrics is None:
            self.hist_title.setText(f"<b>{escape(w.name)}</b>: {escape(w.note or 'no values')}")
            return
        counts, lo, hi = w.hist
        edges = np.linspace(lo, hi, counts.size + 1)
        self.bars = pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=counts.astype(float),
                                    brush=pg.mkBrush(200, 100, 70), pen=pg.mkPen(150, 70, 40, width=0.5))
        self.plot.addItem(self.bars)
        m = w.metrics
        self.hist_title.setText(f"<b>{escape(w.name)}</b> ({escape(w.stored_a)} → {escape(w.stored_b)}): "
                                f"B − A of {m.count:,} values, max |B − A| {m.max_abs:.3g}, SNR "
                                f"{_fmt(m.snr_db, '.1f')} dB")
