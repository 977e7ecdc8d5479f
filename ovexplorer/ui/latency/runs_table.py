"""The runs table: one checkable row per run (tick it to plot it) with its statistics."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPixmap
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QWidget

from ovexplorer.core.bench.benchmark import BenchmarkRun, LatencyStats
from ovexplorer.core.bench.latency_options import used_by
from ovexplorer.core.bench.latency_state import LIVE_STATS

STAT_COLUMNS = ("Run", "State", "Count", "Median", "Mean", "Min", "Max", "p90", "p99", "Std", "FPS", "Warm-up",
                "Streams", "Requests")


class RunsTable(QTableWidget):
    """Rows of runs; ``shown_toggled(row, shown)`` when a row's box is ticked or unticked."""

    shown_toggled = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(STAT_COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(STAT_COLUMNS))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(20)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.itemChanged.connect(self._item_changed)
        self.setToolTip("Latencies in ms (nearest-rank percentiles, as benchmark_app); tick a run to plot it")

    def add_run(self, label: str, color: str) -> None:
        self.blockSignals(True)
        r = self.rowCount()
        self.insertRow(r)
        item = QTableWidgetItem(label)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        swatch = QPixmap(12, 12)
        swatch.fill(QColor(color))
        item.setIcon(swatch)
        self.setItem(r, 0, item)
        for c in range(1, len(STAT_COLUMNS)):
            self.setItem(r, c, QTableWidgetItem(""))
        self.blockSignals(False)
        self.resizeColumnToContents(0)

    def selected_row(self) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return rows[0].row() if rows else None

    def set_checked(self, row: int, shown: bool) -> None:
        item = self.item(row, 0)
        want = Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked
        if item is not None and item.checkState() != want:
            item.setCheckState(want)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            self.shown_toggled.emit(item.row(), item.checkState() == Qt.CheckState.Checked)

    def fill(self, row: int, run: BenchmarkRun) -> None:
        """Row ``row``'s statistics (over the latest inferences while the run goes on)."""
        stats: LatencyStats = run.stats(LIVE_STATS if run.active else None)
        state = run.state if run.error is None else "failed"
        values = [state, str(stats.count)] + [
            "" if np.isnan(v) else f"{v:.3f}" for v in (stats.median, stats.mean, stats.min, stats.max,
                                                          stats.p90, stats.p99, stats.std)
        ] + [f"{stats.fps:.1f}", f"{run.warmup_ms[0]:.2f}" if run.warmup_ms else ""]
        streams, requests = used_by(run)
        values += [str(streams), str(requests)] if streams else ["", ""]
        self.blockSignals(True)
        for c, text in enumerate(values, start=1):
            item = self.item(row, c)
            item.setText(text)
            if c > 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if run.error is not None:
            self.item(row, 1).setForeground(QBrush(QColor("#b00020")))
            self.item(row, 1).setToolTip(run.error.message)
        self.blockSignals(False)
        if not run.active:
            self.resizeColumnsToContents()
