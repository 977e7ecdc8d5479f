"""Outputs and activations: run both models on the same input, the outputs compared side by side, and the error
of every matched layer along the depth of the network (click a point to select that layer in both graphs)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.compare.compare_state import COLOR_BY_ERROR, COLOR_BY_STATUS, CompareState

OUTPUT_COLUMNS = ("Output", "Shape A", "Shape B", "Max abs", "Mean abs", "Cosine", "SNR dB", "Top-1", "Top-5", "Note")


def _fmt(v: float | None, spec: str) -> str:
    if v is None:
        return "—"
    return "∞" if v == float("inf") else format(v, spec)


class ActivationsView(QWidget):
    """Run controls, the outputs table and the error-by-depth plot."""

    run_requested = Signal(int, str, bool)  # seed, input file ("" for random), layer by layer

    def __init__(self, state: CompareState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.input_path = ""
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 1 << 30)
        self.seed.setPrefix("seed ")
        self.input_label = QLabel("Input: seeded random data", self)
        self.file_button = QPushButton("File…", self)
        self.file_button.setToolTip("A picture, .npy or .npz for the inputs (an .npz with a leading sample axis "
                                    "runs each sample)")
        self.file_button.clicked.connect(self._choose_file)
        self.folder_button = QPushButton("Folder…", self)
        self.folder_button.setToolTip("A folder of pictures: both models run on each, the metrics are averaged")
        self.folder_button.clicked.connect(self._choose_folder)
        self.random_button = QPushButton("Random", self)
        self.random_button.setToolTip("Seeded random data")
        self.random_button.clicked.connect(lambda: self.set_input(""))
        self.layers_check = QCheckBox("Layer by layer", self)
        self.layers_check.setChecked(True)
        self.run_button = QPushButton("Run both", self)
        self.run_button.clicked.connect(
            lambda: self.run_requested.emit(self.seed.value(), self.input_path, self.layers_check.isChecked()))
        self.color_check = QCheckBox("Colour graphs by layer error", self)
        self.color_check.setEnabled(False)
        self.color_check.toggled.connect(
            lambda on: state.set_color_mode(COLOR_BY_ERROR if on else COLOR_BY_STATUS))
        controls = QHBoxLayout()
        for w in (self.input_label, self.file_button, self.folder_button, self.random_button, self.seed,
                  self.layers_check, self.run_button, self.color_check):
            controls.addWidget(w)
        controls.addStretch(1)
        self.notes = QLabel("", self)
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)  # a single plain note with an escaped quote stays readable
        self.table = QTableWidget(0, len(OUTPUT_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(OUTPUT_COLUMNS)
        self.table.verticalHeader().hide()
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground("w")
        self.plot.setLogMode(y=True)
        self.plot.showGrid(x=True, y=True, alpha=0.3)
        self.plot.getAxis("bottom").setLabel("depth in A (layers from the inputs)")
        self.plot.getAxis("left").setLabel("relative L2 error of B")
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.curve: pg.PlotDataItem | None = None
        self._rows: list = []
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.plot)
        split.setSizes([450, 550])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addWidget(self.notes)
        layout.addWidget(split, 1)
        state.activations_changed.connect(self._fill)
        state.answers_changed.connect(self._fill)
        state.comparison_changed.connect(self._clear)

    def set_input(self, path: str) -> None:
        """The file or folder both models run on ("" for seeded random data)."""
        self.input_path = path
        name = Path(path).name + ("/" if Path(path).is_dir() else "")
        self.input_label.setText(f"Input: {name}" if path else "Input: seeded random data")
        self.seed.setEnabled(not path)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Input for A and B", "",
                                              "Inputs (*.png *.jpg *.jpeg *.bmp *.npy *.npz);;All files (*)")
        if path:
            self.set_input(path)

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder of pictures for A and B")
        if path:
            self.set_input(path)

    def _clear(self) -> None:
        self.table.setRowCount(0)
        self.plot.clear()
        self.notes.setText("Run both models on the same input to compare their outputs and activations.")
        self.color_check.setChecked(False)
        self.color_check.setEnabled(False)

    def _fill(self) -> None:
        st = self.state
        self.table.setRowCount(len(st.outputs))
        for r, o in enumerate(st.outputs):
            m = o.metrics
            cells = [o.name_a, str(list(o.shape_a)), str(list(o.shape_b)),
                     _fmt(m.max_abs if m else None, ".3g"), _fmt(m.mean_abs if m else None, ".3g"),
                     _fmt(m.cosine if m else None, ".5f"), _fmt(m.snr_db if m else None, ".1f"),
                     "—" if o.top1_agrees is None else ("agrees" if o.top1_agrees else "differs"),
                     "—" if o.topk_overlap is None else f"{o.topk_overlap:.0%}", o.note]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if o.note and c == 0:
                    item.setToolTip(o.note)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self._plot()
        notes = [escape(n) for n in st.input_notes]
        worst = st.worst_layer()
        if worst is not None:
            first = next((r for r in st.error_by_depth()[2] if r.metrics.rel_l2 > 1e-2), None)
            notes.append(f"Worst layer: <b>{escape(worst.name)}</b> ({worst.type}, depth {worst.depth}), relative "
                         f"error {worst.metrics.rel_l2:.3g}" + (
                             f"; the error first passes 1% at <b>{escape(first.name)}</b> (depth {first.depth})"
                             if first is not None else ""))
        exact = sum(1 for r in st.error_by_depth()[2] if r.metrics.rel_l2 == 0)
        if exact:
            notes.append(f"{exact} layers give exactly A's values (drawn at the bottom of the plot)")
        answers = st.answers
        if answers is not None and answers.decoded:
            notes.append(f"Answers: {escape(answers.summary())} (side by side in the Answers tab)")
        skipped = sum(1 for r in st.layers if r.metrics is None)
        if skipped:
            notes.append(f"{skipped} layer outputs not compared (shapes differ)")
        self.notes.setText("<br>".join(notes))
        self.color_check.setEnabled(bool(st.layers))

    def _plot(self) -> None:
        self.plot.clear()
        depths, errors, rows = self.state.error_by_depth()
        self._rows = []
        if not rows:
            return
        x = np.array(depths, dtype=float)
        y = np.array(errors, dtype=float)
        positive = y[y > 0]
        floor = float(positive.min()) / 10 if positive.size else 1e-6
        y = np.maximum(y, floor)  # a layer without error sits at the bottom of the log axis
        order = np.argsort(x, kind="stable")
        self._rows = [rows[k] for k in order]
        self.curve = self.plot.plot(x[order], y[order], pen=pg.mkPen(150, 150, 150, width=1), symbol="o",
                                    symbolSize=7, symbolBrush=pg.mkBrush(220, 80, 60), symbolPen=None)
        self.curve.sigPointsClicked.connect(self._on_points)

    def _on_points(self, _item: object, points: list, _event: object = None) -> None:
        if len(points):
            row = self._rows[points[0].index()]
            self.state.select_pair(row.a, row.b)

    def plotted(self) -> tuple[np.ndarray, np.ndarray]:
        """The points drawn (x, y), in plot order."""
        if self.curve is None or not self._rows:
            return np.empty(0), np.empty(0)
        x, y = self.curve.getOriginalDataset()
        return np.asarray(x), np.asarray(y)
