"""The Weights panel: a sortable, filterable table of every constant's statistics, its histogram, and
a model summary with a chart of where the parameters go.

Statistics are computed by :mod:`ovexplorer.core.weights.statistics` in a worker (never on the UI thread) when the
panel is first shown for a document, or on *Compute*; rows appear while the work goes on.
"""

from __future__ import annotations

import threading
from html import escape
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.model.summary import human_bytes, human_count
from ovexplorer.core.run.session import reshape_inputs
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.core.weights.flops import ModelTotals, model_totals, totals_at_shapes
from ovexplorer.core.weights.statistics import ValueStats, WeightStats, iter_weight_stats
from ovexplorer.core.weights.weights_export import export_csv, export_json
from ovexplorer.ui.shell.workers import Task, TaskRunner

_Index = QModelIndex | QPersistentModelIndex
#: (header, tooltip) of each column.
COLUMNS = (
    ("Name", "Constant's friendly name"),
    ("Type", "Stored element type"),
    ("Shape", "Shape of the constant"),
    ("Elements", "Number of values"),
    ("Bytes", "Bytes in the weights file"),
    ("Min", "Smallest finite value (stored)"),
    ("Max", "Largest finite value (stored)"),
    ("Mean", "Mean of the finite values (stored)"),
    ("Std", "Standard deviation of the finite values (stored)"),
    ("Zeros", "Fraction of values that are exactly zero"),
    ("NaN", "Number of NaN values"),
    ("Inf", "Number of infinite values"),
    ("Deq. min", "Smallest de-quantized value (compressed weights)"),
    ("Deq. max", "Largest de-quantized value"),
    ("Deq. mean", "Mean of the de-quantized values"),
    ("Deq. std", "Standard deviation of the de-quantized values"),
    ("Consumers", "Operation types that read this constant (through decompression)"),
    ("Flags", "NaN, Inf, all zero, or why there are no statistics"),
)
COL_NAME, COL_TYPE, COL_SHAPE, COL_COUNT, COL_BYTES = range(5)
COL_FLAGS = len(COLUMNS) - 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY, _SORT, _ALIGN = int(Qt.ItemDataRole.DisplayRole), int(SORT_ROLE), int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND, _DECORATION = int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP, _USER = int(Qt.ItemDataRole.ToolTipRole), int(Qt.ItemDataRole.UserRole)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
FLAG_COLOR = QColor(255, 214, 204)
ERROR_COLOR = QColor(255, 236, 179)
CHART_TOP = 15


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    if np.isnan(v):
        return "nan"
    return f"{v:.4g}"


def _stat(s: ValueStats | None, attr: str) -> float | None:
    return None if s is None else float(getattr(s, attr))


class WeightsTableModel(QAbstractTableModel):
    """Rows of :class:`WeightStats`; appended while the statistics are computed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[WeightStats] = []
        self._cells: list[tuple | None] = []  # per row: ((display, sort key) per column, brush, icon?)
        self._warning = None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return COLUMNS[section][1]
        return None

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self._cells = []
        self.endResetModel()

    def append(self, rows: list[WeightStats]) -> None:
        if not rows:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.rows.extend(rows)
        self._cells.extend([None] * len(rows))
        self.endInsertRows()

    def row_of_node(self, node_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.node_id == node_id), -1)

    @staticmethod
    def _values(r: WeightStats) -> list[Any]:
        """(display, sort key) pairs of every column."""
        s, d = r.stats, r.dequant
        flags = ", ".join(r.flags) or r.note
        return [
            (r.label, r.label.lower()),
            (r.element_type, r.element_type),
            ("×".join(map(str, r.shape)) or "scalar", r.count),
            (f"{r.count:,}", r.count),
            (human_bytes(r.nbytes), r.nbytes),
            *((_fmt(_stat(s, a)), _sort_num(_stat(s, a))) for a in ("min", "max", "mean", "std")),
            (f"{s.zero_fraction:.1%}" if s else "", s.zero_fraction if s else -1.0),
            (str(s.nan_count) if s else "", s.nan_count if s else -1),
            (str(s.inf_count) if s else "", s.inf_count if s else -1),
            *((_fmt(_stat(d, a)), _sort_num(_stat(d, a))) for a in ("min", "max", "mean", "std")),
            (", ".join(r.consumer_types), ", ".join(r.consumer_types)),
            (flags, flags),
        ]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each repaint: keep it to a few list look-ups.
        row = index.row()
        if not 0 <= row < len(self.rows):
            return None
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self._row_cells(self.rows[row])
        role = int(role)
        col = index.column()
        if role == _DISPLAY:
            return cells[0][col][0]
        if role == _SORT:
            return cells[0][col][1]
        if role == _ALIGN:
            return _RIGHT if COL_COUNT <= col < COL_FLAGS - 1 else None
        if role == _BACKGROUND:
            return cells[1]
        if role == _DECORATION:
            return self._warning_icon() if cells[2] and col == COL_NAME else None
        if role == _TOOLTIP:
            return _row_tooltip(self.rows[row])
        if role == _USER:
            return self.rows[row]
        return None

    def _row_cells(self, r: WeightStats) -> tuple[list[Any], QBrush | None, bool]:
        flags = r.flags
        brush = None
        if flags or (r.note and r.stats is None):
            brush = QBrush(ERROR_COLOR if "error" in flags or r.stats is None else FLAG_COLOR)
        return self._values(r), brush, bool(flags)

    def _warning_icon(self) -> Any:
        if self._warning is None:
            from PySide6.QtWidgets import QApplication

            self._warning = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._warning


def _sort_num(v: float | None) -> float:
    return -np.inf if v is None or np.isnan(v) else v


def _row_tooltip(r: WeightStats) -> str:
    lines = [f"<b>{escape(r.label)}</b>", f"{escape(r.element_type)} {list(r.shape)}, {r.count:,} values, "
             f"{human_bytes(r.nbytes)}"]
    if r.consumers:
        lines.append("Read by: " + escape(", ".join(r.consumers[:5])) + (" …" if len(r.consumers) > 5 else ""))
    s = r.stats
    if s is not None:
        if s.nan_count:
            lines.append(f"<b>{s.nan_count:,} NaN values</b>")
        if s.inf_count:
            lines.append(f"<b>{s.inf_count:,} infinite values</b>")
        if "all zero" in r.flags:
            lines.append("<b>Every value is zero</b>")
    if r.note:
        lines.append(escape(r.note))
    if r.dequant_chain:
        lines.append("De-quantized through: " + escape(" → ".join(r.dequant_chain)))
    return "<br>".join(lines)


class WeightsFilter(QSortFilterProxyModel):
    """Text filter on name / type / consumers, and an optional 'flagged only'."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.text = ""
        self.flagged_only = False

    def set_text(self, text: str) -> None:
        self._change_filter(lambda: setattr(self, "text", text.strip().lower()))

    def set_flagged_only(self, on: bool) -> None:
        self._change_filter(lambda: setattr(self, "flagged_only", on))

    def _change_filter(self, change: Any) -> None:
        if hasattr(self, "endFilterChange"):  # Qt >= 6.10 (invalidateFilter is deprecated there)
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        rows = self.sourceModel().rows
        if source_row >= len(rows):
            return False
        r = rows[source_row]
        if self.flagged_only and not (r.flags or (r.note and r.stats is None)):
            return False
        if not self.text:
            return True
        hay = " ".join((r.label, r.element_type, " ".join(r.consumer_types), " ".join(r.flags), r.note)).lower()
        return all(word in hay for word in self.text.split())


class _RowSink:
    """Rows handed from the worker to the UI thread: the worker appends, a UI timer takes them in batches.

    Polling (rather than a queued signal per batch) keeps the worker from ever waiting on the UI thread, and
    measured fewer event-loop stalls while the statistics run.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[WeightStats] = []
        self.totals: ModelTotals | None = None

    def push(self, row: WeightStats) -> None:
        with self._lock:
            self._pending.append(row)

    def take(self) -> list[WeightStats]:
        with self._lock:
            rows, self._pending = self._pending, []
        return rows


class WeightsPanel(QWidget):
    """Per-constant statistics with histogram and model summary."""

    stats_finished = Signal()
    shape_totals_ready = Signal()  # the compute at the Run tab's shapes is shown

    def __init__(self, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.doc: ModelDocument | None = None
        self.totals: ModelTotals | None = None
        #: The compute at the input shapes set in the Run tab (a dynamic model's MACs need sizes), and its task.
        self.shape_totals: ModelTotals | None = None
        self.shape_note = ""
        self._shapes_generation = 0
        self.runner = TaskRunner(self)
        self.task: Task | None = None
        self._generation = 0
        self._computed_for: ModelDocument | None = None
        self._syncing = False
        self.sink: _RowSink | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._drain)
        self._build()
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

        self.model = WeightsTableModel(self)
        self.proxy = WeightsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_NAME, 260)
        for col in range(1, len(COLUMNS)):
            header.resizeSection(col, 80)
        header.resizeSection(COL_SHAPE, 100)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.flagged_check.toggled.connect(self.proxy.set_flagged_only)

        # Histogram of the selected constant.
        self.hist_title = QLabel("Select a constant to see its histogram.", self)
        self.hist_title.setWordWrap(True)
        self.log_check = QCheckBox("Log counts", self)
        self.dequant_check = QCheckBox("De-quantized", self)
        self.dequant_check.setChecked(True)
        self.dequant_check.setEnabled(False)
        self.log_check.toggled.connect(self._redraw_histogram)
        self.dequant_check.toggled.connect(self._redraw_histogram)
        self.hist_plot = pg.PlotWidget(self)
        self.hist_plot.setBackground("w")
        self.hist_plot.setMinimumHeight(160)
        self.hist_plot.showGrid(y=True, alpha=0.3)
        self.hist_plot.setMouseEnabled(x=True, y=False)
        self.hist_plot.getAxis("left").enableAutoSIPrefix(False)  # no "(x0.001)" on log counts
        self.hist_bars: pg.BarGraphItem | None = None
        hist_opts = QHBoxLayout()
        hist_opts.addWidget(self.log_check)
        hist_opts.addWidget(self.dequant_check)
        hist_opts.addStretch(1)

        # Model summary and where the parameters go.
        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart_by = QComboBox(self)
        self.chart_by.addItems(["by consumer op type", "by name scope"])
        self.chart_by.currentIndexChanged.connect(self._redraw_chart)
        self.chart = pg.PlotWidget(self)
        self.chart.setBackground("w")
        self.chart.setMinimumHeight(200)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        chart_head = QHBoxLayout()
        chart_head.addWidget(QLabel("<b>Parameters</b>", self))
        chart_head.addWidget(self.chart_by)
        chart_head.addStretch(1)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.addWidget(self.hist_title)
        side_layout.addLayout(hist_opts)
        side_layout.addWidget(self.hist_plot, 3)
        side_layout.addWidget(self.summary_label)
        side_layout.addLayout(chart_head)
        side_layout.addWidget(self.chart, 4)

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

    # -- document ----------------------------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        self.cancel()
        self._poll.stop()
        self.sink = None
        self._generation += 1
        self.doc = doc
        self.totals = None
        self.shape_totals = None
        self.shape_note = ""
        self._shapes_generation += 1
        self._computed_for = None
        self.model.clear()
        self._show_histogram(None)
        self._redraw_chart()
        self.summary_label.setText("" if doc is None else "<i>Statistics not computed yet.</i>")
        self.compute_button.setEnabled(doc is not None)
        self.compute_button.setText("Compute")
        self.progress.hide()
        self.export_button.setEnabled(False)
        self.status.setText("No model is open." if doc is None else "")
        if doc is not None and self.isVisible():
            self.compute()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.doc is not None and self._computed_for is not self.doc:
            self.compute()

    # -- computing ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done

    def compute(self, **options: Any) -> Task | None:
        """Start (or restart) the statistics in a worker; rows arrive in the table as they are ready."""
        doc = self.doc
        if doc is None:
            return None
        self.cancel()
        self._generation += 1
        generation = self._generation
        self._computed_for = doc
        self.model.clear()
        # A sink per run, so rows still buffered by a cancelled run never reach this one.
        sink = self.sink = _RowSink()

        def work(progress, cancel) -> int:
            sink.totals = model_totals(doc.graph)
            count = 0
            for row in iter_weight_stats(doc, progress=progress, cancel=cancel, **options):
                sink.push(row)
                count += 1
            return count

        self._poll.start()

        self.progress.setValue(0)
        self.progress.show()
        self.compute_button.setText("Cancel")
        self.status.setText("Computing statistics…")
        self.task = self.runner.start(
            work,
            on_success=lambda n, g=generation: self._finished(g, f"{n} constants"),
            on_failure=lambda e, g=generation: self._finished(g, f"Statistics failed: {e}"),
            on_progress=lambda f, t, g=generation: self._on_progress(g, f),
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

    def _on_progress(self, generation: int, fraction: float) -> None:
        if generation == self._generation:
            self.progress.setValue(int(max(0.0, fraction) * 1000))

    def _drain(self) -> None:
        """Show the rows (and totals) the worker produced since the last call."""
        sink = self.sink
        if sink is None:
            return
        if self.totals is None and sink.totals is not None:
            self.totals = sink.totals
            self._update_summary()
            self._redraw_chart()
        rows = sink.take()
        if not rows:
            return
        self.model.append(rows)
        self.status.setText(f"{self.model.rowCount()} constants…")
        if self._pending_select is not None:
            self.select_node(self._pending_select)

    _pending_select: int | None = None

    def _finished(self, generation: int, text: str) -> None:
        if generation != self._generation:
            return
        self._drain()
        self._poll.stop()
        self.progress.hide()
        self.compute_button.setText("Compute")
        self.export_button.setEnabled(bool(self.model.rows))
        flagged = sum(1 for r in self.model.rows if r.flags)
        self.status.setText(text + (f" — {flagged} flagged" if flagged else ""))
        self._update_summary()
        self.stats_finished.emit()

    # -- compute at chosen shapes -----------------------------------------------------------------
    def set_input_shapes(self, shapes: dict[str, tuple[int, ...]]) -> None:
        """Count the compute again for these input shapes (set in the Run tab), in a worker."""
        doc = self.doc
        self._shapes_generation += 1
        generation = self._shapes_generation
        if doc is None or not shapes:
            self.shape_totals, self.shape_note = None, ""
            self._update_summary()
            return

        def done(totals: ModelTotals | None, note: str = "") -> None:
            if generation != self._shapes_generation:
                return
            self.shape_totals, self.shape_note = totals, note
            self._update_summary()
            self.shape_totals_ready.emit()

        base, chosen = self.totals, dict(shapes)

        def work(progress, cancel) -> ModelTotals:
            return totals_at_shapes(base or model_totals(doc.graph), reshape_inputs(doc.model, chosen), chosen)

        self.runner.start(work, on_success=done,
                          on_failure=lambda exc: done(None, f"Compute at the Run tab's shapes: {exc}"))

    # -- summary and chart -------------------------------------------------------------------------
    def _update_summary(self) -> None:
        t = self.totals
        if t is None:
            return
        by_type = ", ".join(f"{escape(k)} {human_bytes(v)}" for k, v in t.bytes_by_type.items()) or "none"
        flagged = sum(1 for r in self.model.rows if r.flags)
        flops = f"{human_count(t.flops)} FLOPs ({human_count(t.macs)} MACs)"
        if t.dynamic_layers:
            flops += f" + dynamic ({len(t.dynamic_layers)} layers)"
        parts = [
            f"<b>Parameters</b> {t.parameters:,} ({human_count(t.parameters)})",
            f"<b>Constants</b> {t.constants} — {human_bytes(t.total_bytes)} ({by_type})",
            f"<b>Compute</b> {flops if t.layers else 'no MatMul or convolution'}",
        ]
        s = self.shape_totals
        if s is not None and s.layers:
            at = f"{human_count(s.flops)} FLOPs ({human_count(s.macs)} MACs)"
            if s.dynamic_layers:
                at += f" + dynamic ({len(s.dynamic_layers)} layers)"
            parts.append(f"<b>Compute at the Run tab's shapes</b> {at} for {escape(s.shapes_text())}")
        elif self.shape_note:
            parts.append(escape(self.shape_note))
        if flagged:
            parts.append(f"<b style='color:#b00'>{flagged} flagged constants</b> (NaN, Inf or all zero)")
        self.summary_label.setText("<br>".join(parts))

    def chart_items(self) -> list[tuple[str, int]]:
        """The (label, parameters) pairs the chart shows, largest first."""
        if self.totals is None:
            return []
        data = self.totals.params_by_scope if self.chart_by.currentIndex() == 1 else \
            self.totals.params_by_consumer_type
        items = [(k, v) for k, v in data.items() if v > 0]
        if len(items) > CHART_TOP:
            rest = sum(v for _, v in items[CHART_TOP - 1:])
            items = [*items[:CHART_TOP - 1], (f"{len(items) - CHART_TOP + 1} others", rest)]
        return items

    def _redraw_chart(self) -> None:
        self.chart.clear()
        items = self.chart_items()
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

    # -- selection and histogram -------------------------------------------------------------------
    def selected_row(self) -> WeightStats | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.proxy.data(index, Qt.ItemDataRole.UserRole)

    def _on_current(self, current: QModelIndex, previous: QModelIndex) -> None:
        row = self.proxy.data(current, Qt.ItemDataRole.UserRole) if current.isValid() else None
        self._show_histogram(row)
        if row is not None and not self._syncing and self.window_ is not None:
            self._syncing = True
            try:
                self.window_.select_node(row.node_id)
            finally:
                self._syncing = False

    def select_node(self, node_id: int) -> None:
        """Select the row of ``node_id`` (when another panel selected that node)."""
        if self._syncing:
            return
        source_row = self.model.row_of_node(node_id)
        if source_row < 0:
            self._pending_select = node_id if self.running else None
            return
        self._pending_select = None
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return
        self._syncing = True
        try:
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        finally:
            self._syncing = False

    def _show_histogram(self, row: WeightStats | None) -> None:
        self._hist_row = row
        self.dequant_check.setEnabled(row is not None and row.dequant is not None)
        self._redraw_histogram()

    def shown_histogram(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(bin edges, counts) of the histogram on screen, or None."""
        s = self._shown_stats()
        if s is None:
            return None
        return s.hist_edges(), np.array(s.hist_counts)

    def _shown_stats(self) -> ValueStats | None:
        row = getattr(self, "_hist_row", None)
        if row is None:
            return None
        if row.dequant is not None and self.dequant_check.isChecked():
            return row.dequant
        return row.stats

    def _redraw_histogram(self) -> None:
        self.hist_plot.clear()
        row = getattr(self, "_hist_row", None)
        s = self._shown_stats()
        if row is None:
            self.hist_title.setText("Select a constant to see its histogram.")
            return
        if s is None or s.finite_count == 0:
            self.hist_title.setText(f"<b>{escape(row.name)}</b>: {escape(row.note or 'no finite values')}")
            return
        edges = s.hist_edges()
        counts = np.array(s.hist_counts, dtype=float)
        log = self.log_check.isChecked()
        heights = np.log10(counts + 1) if log else counts
        self.hist_bars = pg.BarGraphItem(x0=edges[:-1], x1=edges[1:], height=heights, brush=pg.mkBrush(70, 130, 200),
                                         pen=pg.mkPen(40, 90, 150, width=0.5))
        self.hist_plot.addItem(self.hist_bars)
        self.hist_plot.getAxis("left").setLabel("log₁₀(count + 1)" if log else "count")
        what = "de-quantized" if s is row.dequant else f"stored {row.element_type}"
        sampled = f", histogram of 1 in {s.hist_stride} values" if s.hist_stride > 1 else ""
        bad = "".join(f", <b style='color:#b00'>{n:,} {label}</b>"
                      for n, label in ((s.nan_count, "NaN"), (s.inf_count, "Inf")) if n)
        self.hist_plot.getAxis("bottom").setLabel(f"value ({what})")
        self.hist_plot.setXRange(float(edges[0]), float(edges[-1]), padding=0.02)
        self.hist_plot.setYRange(0, float(heights.max()) * 1.05 or 1.0, padding=0)
        flags = f" <span style='color:#b00'>[{escape(', '.join(row.flags))}]</span>" if row.flags else ""
        self.hist_title.setText(
            f"<b>{escape(row.name)}</b>{flags}<br>{what}: min {_fmt(s.min)}, max {_fmt(s.max)}, mean {_fmt(s.mean)}, "
            f"std {_fmt(s.std)}, zeros {s.zero_fraction:.1%}{bad}{sampled}"
        )

    # -- export ------------------------------------------------------------------------------------
    def visible_rows(self) -> list[WeightStats]:
        """Rows in the table's current order and filter."""
        return [self.proxy.data(self.proxy.index(i, 0), Qt.ItemDataRole.UserRole) for i in range(self.proxy.rowCount())]

    def export(self, path: str, kind: str) -> None:
        """Write the visible rows as ``csv`` or ``json`` (temporary file, then rename)."""
        rows = self.visible_rows()
        if kind == "csv":
            export_csv(rows, path)
        else:
            doc = self.doc
            export_json(doc.name if doc else "", str(doc.path) if doc else "", rows, self.totals, path)

    def export_dialog(self, kind: str) -> None:
        if not self.model.rows:
            return
        stem = self.doc.path.stem if self.doc else "weights"
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


def _short(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else "…" + label[-(limit - 1):]
