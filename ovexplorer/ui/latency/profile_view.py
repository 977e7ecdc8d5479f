"""The Profile view: per-layer timings (sortable), per-type totals, and the colours it offers the graph view.

Profiling compiles the model with PERF_COUNT in a worker (``core.bench.profiling.compile_and_profile``). Clicking a
layer asks the window to select its IR node; the colour mode sends ``NodeColoring`` to whoever paints the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.bench.profiling import (
    LayerTiming,
    NodeColoring,
    ProfileResult,
    compile_and_profile,
    node_coloring,
    precision_color,
    text_color,
    time_color,
)
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.session import CompileOptions
from ovexplorer.ui.latency.share_bar import SHARE_ROLE, ShareBarDelegate
from ovexplorer.ui.shell.flow_layout import FlowLayout
from ovexplorer.ui.shell.workers import Task, TaskRunner

LAYER_COLUMNS = ("Layer", "Type", "Exec type", "Precision", "Real (ms)", "CPU (ms)", "Status", "IR nodes")
TYPE_COLUMNS = ("Type", "Layers", "Real (ms)", "CPU (ms)", "Share")
COLOR_CHOICES = (("None", ""), ("Time", "time"), ("Runtime precision", "precision"))


class _Number(QTableWidgetItem):
    """A table cell that sorts by its number and shows it formatted."""

    def __init__(self, value: float, text: str) -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, _Number):
            return self.value < other.value
        return super().__lt__(other)


def _table(columns: tuple[str, ...], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(columns), parent)
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(20)
    table.setAlternatingRowColors(True)
    table.setSortingEnabled(True)
    return table


class ProfileView(QWidget):
    """Run the profiler and show its layers; emit colours for the graph and node ids to select."""

    node_colors_changed = Signal(object)  # NodeColoring
    node_activated = Signal(int)  # an IR node id of the top-level graph
    profiled = Signal(object)  # ProfileResult

    def __init__(
        self,
        options: Callable[[], CompileOptions],
        inputs: Callable[[], tuple[Mapping[str, np.ndarray] | None, dict[str, tuple[int, ...]]]],
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._options, self._inputs, self.runner = options, inputs, runner
        self.document: ModelDocument | None = None
        self.result: ProfileResult | None = None
        self._task: Task | None = None
        self._build()
        self.set_document(None)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        row = FlowLayout()  # wraps in a narrow window
        self.profile_button = QPushButton("Profile layers", self)
        self.profile_button.setToolTip("Compile with performance counters (PERF_COUNT) and time every layer")
        self.profile_button.clicked.connect(self.profile)
        self.iterations_spin = QSpinBox(self)
        self.iterations_spin.setRange(1, 10000)
        self.iterations_spin.setValue(20)
        self.iterations_spin.setPrefix("averaged over ")
        self.iterations_spin.setSuffix(" runs")
        self.color_combo = QComboBox(self)
        for text, mode in COLOR_CHOICES:
            self.color_combo.addItem(text, mode)
        self.color_combo.currentIndexChanged.connect(self._emit_colors)
        self.executed_check = QCheckBox("Executed layers only", self)
        self.executed_check.setChecked(True)
        self.executed_check.toggled.connect(self._fill)
        for w in (self.profile_button, self.iterations_spin, QLabel("Colour graph by", self), self.color_combo,
                  self.executed_check):
            row.addWidget(w)
        row.addStretch(1)
        layout.addLayout(row)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.legend_label = QLabel(self)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.legend_label)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.layers_table = _table(LAYER_COLUMNS, splitter)
        self.layers_table.cellClicked.connect(self._layer_clicked)
        self.types_table = _table(TYPE_COLUMNS, splitter)
        self.types_table.setItemDelegateForColumn(4, ShareBarDelegate(self.types_table))
        splitter.addWidget(self.layers_table)
        splitter.addWidget(self.types_table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

    # -- document -------------------------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.document = doc
        self.result = None
        self._fill()
        self.profile_button.setEnabled(doc is not None and doc.model is not None)
        self.status_label.setText("Profile the model to see where the time goes." if doc else "No model open.")
        self._emit_colors()

    # -- profiling ------------------------------------------------------------------------------
    def profile(self) -> Task | None:
        doc = self.document
        if doc is None or doc.model is None or (self._task is not None and not self._task.done):
            return None
        options = self._options()
        inputs, shapes = self._inputs()
        task = self.runner.start(
            compile_and_profile, doc.model, doc.graph, options, inputs, shapes,
            iterations=self.iterations_spin.value(), model_name=doc.name,
            on_success=lambda result: self._done(doc, result),
            on_failure=lambda exc: self._failed(doc, exc),
            on_cancel=lambda: self.profile_button.setEnabled(self.document is not None),
        )
        self._task = task
        self.profile_button.setEnabled(False)
        self.status_label.setText(f"Profiling on {options.device}…")
        return task

    def _done(self, doc: ModelDocument, result: ProfileResult) -> None:
        self._task = None
        if doc is not self.document:
            return
        self.profile_button.setEnabled(True)
        self.result = result
        executed = sum(1 for la in result.layers if la.executed)
        fused = sum(1 for la in result.layers if la.executed and len(la.node_ids) > 1 and not la.inserted)
        inserted = sum(1 for la in result.layers if la.executed and la.inserted)
        self.status_label.setText(
            f"{result.device}: {executed} layers executed ({fused} fused from several IR nodes, {inserted} added "
            f"by the plugin), {result.total_ms:.3f} ms per inference in all, averaged over {result.iterations} runs."
            + (f" Not mapped to the IR: {', '.join(result.unmapped)}." if result.unmapped else "")
        )
        self._fill()
        self._paint_cells(self.coloring())
        if not self.color_combo.currentData():
            self.color_combo.setCurrentIndex(1)  # time
        else:
            self._emit_colors()
        self.profiled.emit(result)

    def _failed(self, doc: ModelDocument, exc: BaseException) -> None:
        self._task = None
        if doc is not self.document:
            return
        self.profile_button.setEnabled(True)
        self.status_label.setText(f"Profiling failed: {getattr(exc, 'message', str(exc))}")

    # -- tables ---------------------------------------------------------------------------------
    def _fill(self, *_args: Any) -> None:
        result = self.result
        layers = result.table_rows(self.executed_check.isChecked()) if result else []
        table = self.layers_table
        table.setSortingEnabled(False)
        table.setRowCount(len(layers))
        times = [la.real_ms for la in layers if la.real_ms > 0]
        lo, hi = (min(times), max(times)) if times else (0.0, 0.0)
        names = {n.id: n.name for n in self.document.graph.nodes} if self.document else {}
        for r, la in enumerate(layers):
            nodes = ", ".join(names.get(i, str(i)) for i in la.node_ids)
            if la.inserted:
                nodes = f"inserted for: {nodes}"
            cells = [
                QTableWidgetItem(la.name), QTableWidgetItem(la.layer_type), QTableWidgetItem(la.exec_type),
                QTableWidgetItem(la.runtime_precision), _Number(la.real_ms, f"{la.real_ms:.4f}"),
                _Number(la.cpu_ms, f"{la.cpu_ms:.4f}"), QTableWidgetItem(la.status), QTableWidgetItem(nodes),
            ]
            cells[0].setData(Qt.ItemDataRole.UserRole, la)
            cells[0].setToolTip(f"{la.name}\nOriginal layers: {', '.join(la.originals) or '(none)'}")
            cells[7].setToolTip(nodes)
            if la.real_ms > 0 and hi > 0:
                color = time_color(la.real_ms, lo, hi)
                cells[4].setBackground(QBrush(QColor(color)))
                cells[4].setForeground(QBrush(QColor(text_color(color))))
            for c, item in enumerate(cells):
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.resizeColumnsToContents()
        table.setColumnWidth(0, min(table.columnWidth(0), 320))
        table.setColumnWidth(7, min(table.columnWidth(7), 360))
        header.setStretchLastSection(True)
        types = result.by_type if result else ()
        tt = self.types_table
        tt.setSortingEnabled(False)
        tt.setRowCount(len(types))
        for r, t in enumerate(types):
            cells = [QTableWidgetItem(t.layer_type), _Number(t.count, str(t.count)),
                     _Number(t.real_ms, f"{t.real_ms:.4f}"), _Number(t.cpu_ms, f"{t.cpu_ms:.4f}"),
                     _Number(t.share, f"{t.share * 100:.1f} %")]
            cells[4].setData(SHARE_ROLE, float(t.share))  # drawn as a bar (ShareBarDelegate)
            for c, item in enumerate(cells):
                tt.setItem(r, c, item)
        tt.setSortingEnabled(True)
        tt.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        tt.resizeColumnsToContents()
        tt.setColumnWidth(4, max(tt.columnWidth(4), 140))  # room for the bar
        tt.horizontalHeader().setStretchLastSection(True)

    def layer_at(self, row: int) -> LayerTiming | None:
        item = self.layers_table.item(row, 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _layer_clicked(self, row: int, _column: int) -> None:
        layer = self.layer_at(row)
        if layer is not None and layer.node_ids:
            self.node_activated.emit(layer.node_ids[0])

    # -- colours --------------------------------------------------------------------------------
    def coloring(self) -> NodeColoring:
        return node_coloring(self.result, self.color_combo.currentData() or "")

    def _emit_colors(self, *_args: Any) -> None:
        coloring = self.coloring()
        legend = coloring.legend
        if legend is not None and legend.entries:
            swatches = " ".join(
                f'<span style="background-color:{color}; color:{text_color(color)};">&nbsp;{label}&nbsp;</span>'
                for label, color in legend.entries)
            self.legend_label.setText(f"<b>{legend.title}:</b> {swatches}")
        else:
            self.legend_label.setText("")
        self._paint_cells(coloring)
        self.node_colors_changed.emit(coloring)

    def _paint_cells(self, coloring: NodeColoring) -> None:
        """Precision cells take the precision colours while the graph is coloured by precision."""
        table = self.layers_table
        for r in range(table.rowCount()):
            item = table.item(r, 3)
            if item is None:
                continue
            if coloring.mode == "precision" and item.text():
                color = precision_color(item.text())
                item.setBackground(QBrush(QColor(color)))
                item.setForeground(QBrush(QColor(text_color(color))))
            else:
                item.setData(Qt.ItemDataRole.BackgroundRole, None)
                item.setData(Qt.ItemDataRole.ForegroundRole, None)
