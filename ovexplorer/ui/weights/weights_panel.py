"""The Weights panel: a sortable, filterable table of every constant's statistics, its histogram, and
a model summary with a chart of where the parameters go.

The feature's state and commands live in :class:`ovexplorer.core.weights.weights_state.WeightsState` (no Qt);
the panel composes the widgets that render it (:mod:`stats_table`, :mod:`histogram_plot`, :mod:`params_chart`)
and runs the statistics in a worker (never on the UI thread) when the panel is first shown for a document, or
on *Compute*; rows appear while the work goes on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.session import reshape_inputs
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.core.weights.flops import ModelTotals, model_totals, totals_at_shapes
from ovexplorer.core.weights.statistics import WeightStats, iter_weight_stats
from ovexplorer.core.weights.weights_state import CHART_TOP, WeightsState
from ovexplorer.ui.shell.workers import Task, TaskRunner
from ovexplorer.ui.weights.histogram_plot import HistogramPlot
from ovexplorer.ui.weights.params_chart import ParamsChart
from ovexplorer.ui.weights.stats_table import (
    COL_BYTES,
    COL_COUNT,
    COL_FLAGS,
    COL_NAME,
    COL_SHAPE,
    COL_TYPE,
    COLUMNS,
    ERROR_COLOR,
    FLAG_COLOR,
    SORT_ROLE,
    StatsTable,
    WeightsFilter,
    WeightsTableModel,
)

__all__ = [
    "CHART_TOP", "COLUMNS", "COL_BYTES", "COL_COUNT", "COL_FLAGS", "COL_NAME", "COL_SHAPE", "COL_TYPE",
    "ERROR_COLOR", "FLAG_COLOR", "SORT_ROLE", "WeightsFilter", "WeightsPanel", "WeightsTableModel",
]


class WeightsPanel(QWidget):
    """Per-constant statistics with histogram and model summary."""

    stats_finished = Signal()
    shape_totals_ready = Signal()  # the compute at the Run tab's shapes is shown

    def __init__(self, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.state = WeightsState()
        self.runner = TaskRunner(self)
        self.task: Task | None = None
        self._syncing = False
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self.state.drain)
        self._build()
        state = self.state
        state.run_changed.connect(self._on_run_changed)
        state.progress_changed.connect(lambda f: self.progress.setValue(int(f * 1000)))
        state.status_changed.connect(self.status.setText)
        state.selection_changed.connect(self._on_selection)
        if window is not None:
            window.node_selected.connect(self.select_node)
            window.installEventFilter(self)  # to cancel the statistics when the window closes
        self.set_document(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window_ and event.type() == QEvent.Type.Close:
            self.cancel()
        return super().eventFilter(watched, event)

    # -- construction -----------------------------------------------------------------------------
    def _build(self) -> None:
        state = self.state
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by name, element type, consumer, flag…")
        self.filter_edit.setClearButtonEnabled(True)
        self.flagged_check = QCheckBox("Flagged only", self)
        self.compute_button = QPushButton("Compute", self)
        self.compute_button.setToolTip("Compute the statistics of every constant")
        self.compute_button.clicked.connect(self._compute_or_cancel)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(200)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.export_button = QToolButton(self)
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        self.export_csv_action = menu.addAction("Export table as CSV…", lambda: self.export_dialog("csv"))
        self.export_json_action = menu.addAction("Export table as JSON…", lambda: self.export_dialog("json"))
        self.export_button.setMenu(menu)
        self.status = QLabel(self)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.flagged_check)
        bar.addWidget(self.compute_button)
        bar.addWidget(self.progress)
        bar.addWidget(self.export_button)

        self.table = StatsTable(state, self)
        self.model, self.proxy = self.table.source, self.table.proxy
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.filter_edit.textChanged.connect(state.set_filter_text)
        self.flagged_check.toggled.connect(state.set_flagged_only)

        self.histogram = HistogramPlot(state, self)
        self.params = ParamsChart(state, self)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.addWidget(self.histogram, 3)
        side_layout.addWidget(self.params, 4)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 480])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

    # the widgets tests and other code reach through the panel
    @property
    def hist_title(self) -> QLabel:
        return self.histogram.title

    @property
    def hist_bars(self) -> pg.BarGraphItem | None:
        return self.histogram.bars

    @property
    def log_check(self) -> QCheckBox:
        return self.histogram.log_check

    @property
    def dequant_check(self) -> QCheckBox:
        return self.histogram.dequant_check

    @property
    def summary_label(self) -> QLabel:
        return self.params.summary_label

    # -- document ----------------------------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        self.cancel()
        self._poll.stop()
        self.state.set_document(doc)
        self.compute_button.setEnabled(doc is not None)
        if doc is not None and self.isVisible():
            self.compute()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.state.needs_statistics:
            self.compute()

    # -- computing ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """From the start of a run until its end reached the panel (a worker can be done while its last rows
        and its outcome are still on their way to the UI thread)."""
        return self.state.running and self.task is not None

    def compute(self, **options: Any) -> Task | None:
        """Start (or restart) the statistics in a worker; rows arrive in the table as they are ready."""
        if self.state.document is None:
            return None
        self.cancel()
        generation, work = self.state.begin_run(iter_weight_stats, **options)
        state = self.state
        self.task = self.runner.start(
            work,
            on_success=lambda _n, g=generation: self._finished(g),
            on_failure=lambda e, g=generation: self._finished(g, f"Statistics failed: {e}"),
            on_progress=lambda f, t, g=generation: state.progress(g, f),
            on_cancel=lambda g=generation: self._finished(g, "Statistics cancelled"),
        )
        return self.task

    def cancel(self) -> None:
        if self.running:
            self.task.cancel()

    def _compute_or_cancel(self) -> None:
        if self.running:
            self.cancel()
        else:
            self.compute()

    def _on_run_changed(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.compute_button.setText("Cancel" if running else "Compute")
        if running:
            self._poll.start()
        else:
            self._poll.stop()
            self.export_button.setEnabled(bool(self.state.rows))

    def _finished(self, generation: int, note: str = "") -> None:
        if self.state.finish(generation, note):
            self.stats_finished.emit()

    # -- compute at chosen shapes -----------------------------------------------------------------
    def set_input_shapes(self, shapes: dict[str, tuple[int, ...]]) -> None:
        """Count the compute again for these input shapes (set in the Run tab), in a worker."""
        state = self.state
        generation = state.begin_shape_totals(shapes)
        if generation is None:
            return
        doc, base, chosen = state.document, state.totals, dict(shapes)

        def done(totals: ModelTotals | None, note: str = "") -> None:
            if state.shape_totals_done(generation, totals, note):
                self.shape_totals_ready.emit()

        def work(progress, cancel) -> ModelTotals:
            return totals_at_shapes(base or model_totals(doc.graph), reshape_inputs(doc.model, chosen), chosen)

        self.runner.start(work, on_success=done,
                          on_failure=lambda exc: done(None, f"Compute at the Run tab's shapes: {exc}"))

    def chart_items(self) -> list[tuple[str, int]]:
        """The (label, parameters) pairs the chart shows, largest first."""
        return self.state.chart_items()

    # -- selection and histogram -------------------------------------------------------------------
    def selected_row(self) -> WeightStats | None:
        return self.table.row_at(self.table.currentIndex())

    def _on_current(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self.table.refiltering:  # the filter hid or showed rows: the selection stays what the user chose
            return
        row = self.table.row_at(current)
        if row is not self.state.selected:
            self.state.select(row)
        if row is not None and not self._syncing and self.window_ is not None:
            self._syncing = True
            try:
                self.window_.select_node(row.node_id)
            finally:
                self._syncing = False

    def select_node(self, node_id: int) -> None:
        """Select the row of ``node_id`` (when another panel selected that node)."""
        if not self._syncing:
            self.state.select_node(node_id)

    def _on_selection(self, row: WeightStats | None) -> None:
        """Show the state's selected row as the table's current one."""
        if row is None:
            return
        index = self.table.index_of(row)
        if not index.isValid() or index.row() == self.table.currentIndex().row():
            return
        self._syncing = True
        try:
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        finally:
            self._syncing = False

    def shown_histogram(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(bin edges, counts) of the histogram on screen, or None."""
        return self.state.shown_histogram()

    # -- export ------------------------------------------------------------------------------------
    def visible_rows(self) -> list[WeightStats]:
        """Rows in the table's current order and filter."""
        return self.table.visible_rows()

    def export(self, path: str, kind: str) -> None:
        """Write the visible rows as ``csv`` or ``json`` (temporary file, then rename)."""
        self.state.export(path, kind, self.visible_rows())

    def export_dialog(self, kind: str) -> None:
        if not self.state.rows:
            return
        doc = self.state.document
        stem = doc.path.stem if doc else "weights"
        flt = "CSV (*.csv)" if kind == "csv" else "JSON (*.json)"
        path, _ = QFileDialog.getSaveFileName(self, f"Export weight statistics as {kind.upper()}",
                                              f"{stem}_weights.{kind}", flt)
        if not path:
            return
        try:
            self.export(path, kind)
        except OvexplorerError as exc:
            self.status.setText(exc.message)
            if self.window_ is not None:
                self.window_.show_error("Cannot export", exc)
            return
        self.status.setText(f"Exported {self.proxy.rowCount()} rows to {path}")
