"""The outputs of one inference: a table of every output, and for the selected one its statistics, values,
top-k classes (with softmax), an image view with a channel selector, and *Save as .npy*."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.run.outputs import (
    OutputStats,
    channel_count,
    image_layout,
    image_plane,
    is_classification,
    labels_from_rt_info,
    safe_file_name,
    save_npy,
    statistics,
    top_k,
    values_text,
)
from ovexplorer.core.run.ports import shape_text
from ovexplorer.core.run.session import InferResult
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.ui.run.image_decode import array_to_image

_IMAGE_VIEW = 192


def _table(columns: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(columns), parent)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class OutputsView(QWidget):
    """Shows an :class:`InferResult`."""

    saved = Signal(object)  # Path
    failed = Signal(object)  # the exception of a failed save

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: InferResult | None = None
        self.types: dict[str, str] = {}
        self.rt_info: Mapping[str, Any] = {}
        self.stats: dict[str, OutputStats] = {}
        self.header = QLabel("Run the model (F5) to see its outputs.", self)
        self.header.setWordWrap(True)
        self.table = _table(["Output", "Shape", "Type", "Min", "Max", "Mean", "Std"], self)
        self.table.setMaximumHeight(150)
        self.table.itemSelectionChanged.connect(self._show_selected)

        self.details = QGroupBox("Output", self)
        self.stats_label = QLabel(self.details)
        self.stats_label.setWordWrap(True)
        self.stats_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.values = QPlainTextEdit(self.details)
        self.values.setReadOnly(True)
        self.values.setMaximumHeight(90)

        self.top_box = QGroupBox("Top classes", self.details)
        self.softmax = QCheckBox("Softmax", self.top_box)
        self.softmax.toggled.connect(self._show_selected)
        self.k_spin = QSpinBox(self.top_box)
        self.k_spin.setRange(1, 100)
        self.k_spin.setValue(5)
        self.k_spin.setPrefix("top ")
        self.k_spin.valueChanged.connect(self._show_selected)
        self.top_table = _table(["#", "Class", "Score"], self.top_box)
        top_controls = QHBoxLayout()
        top_controls.addWidget(self.k_spin)
        top_controls.addWidget(self.softmax)
        top_controls.addStretch(1)
        top_layout = QVBoxLayout(self.top_box)
        top_layout.addLayout(top_controls)
        top_layout.addWidget(self.top_table)

        self.image_box = QGroupBox("Image view", self.details)
        self.channel = QSpinBox(self.image_box)
        self.channel.setPrefix("channel ")
        self.channel.valueChanged.connect(self._show_image)
        self.image_label = QLabel(self.image_box)
        self.image_label.setMinimumSize(_IMAGE_VIEW, _IMAGE_VIEW)
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_label.setStyleSheet("background: #202020;")
        image_layout_ = QVBoxLayout(self.image_box)
        image_layout_.addWidget(self.channel)
        image_layout_.addWidget(self.image_label, 1)

        self.save_button = QPushButton("Save as .npy…", self.details)
        self.save_button.clicked.connect(self.save_dialog)
        views = QHBoxLayout()
        views.addWidget(self.top_box, 1)
        views.addWidget(self.image_box, 1)
        details_layout = QVBoxLayout(self.details)
        details_layout.addWidget(self.stats_label)
        details_layout.addWidget(self.values)
        details_layout.addLayout(views, 1)
        details_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.table)
        layout.addWidget(self.details, 1)
        self.clear()

    # -- content ------------------------------------------------------------------------------
    def clear(self, text: str = "Run the model (F5) to see its outputs.") -> None:
        self.result = None
        self.header.setText(text)
        self.table.setRowCount(0)
        self.details.hide()

    def set_result(
        self,
        result: InferResult,
        types: Mapping[str, str],
        rt_info: Mapping[str, Any],
        device: str = "",
        stats: Mapping[str, OutputStats] | None = None,
    ) -> None:
        """Show ``result``; ``stats`` (computed in the worker for large outputs) are computed here when missing."""
        self.result = result
        self.stats = {name: (stats or {}).get(name) or statistics(a) for name, a in result.outputs.items()}
        self.types = dict(types)
        self.rt_info = rt_info
        where = f" on {device}" if device else ""
        self.header.setText(f"<b>Inference{where}: {result.seconds * 1000:.3f} ms</b>")
        self.table.setRowCount(len(result.outputs))
        for row, (name, array) in enumerate(result.outputs.items()):
            s = self.stats[name]
            cells = [name, shape_text(tuple(array.shape)), self.types.get(name, array.dtype.name), *s.cells()]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.details.show()
        self.table.selectRow(0)
        self._show_selected()

    def selected_name(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item else None

    def select_output(self, name: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                self.table.selectRow(row)

    def _array(self) -> tuple[str, np.ndarray] | None:
        name = self.selected_name()
        if self.result is None or name is None:
            return None
        return name, self.result.outputs[name]

    def _show_selected(self) -> None:
        current = self._array()
        if current is None:
            return
        name, array = current
        shape = tuple(array.shape)
        self.details.setTitle(f"{name}  {shape_text(shape)}  {self.types.get(name, array.dtype.name)}")
        self.stats_label.setText(self.stats[name].text())
        text = values_text(array)
        self.values.setVisible(bool(text))
        self.values.setPlainText(text)
        numeric = array.dtype.kind not in "US"  # text has no classes and no picture
        classification = numeric and is_classification(shape)
        self.top_box.setVisible(classification)
        if classification:
            labels = labels_from_rt_info(self.rt_info, int(array.size))
            classes = top_k(array, self.k_spin.value(), apply_softmax=self.softmax.isChecked(), labels=labels)
            self.top_table.setRowCount(len(classes))
            for row, c in enumerate(classes):
                for col, value in enumerate((str(row + 1), c.label, f"{c.score:.6g}")):
                    self.top_table.setItem(row, col, QTableWidgetItem(value))
        channels = channel_count(shape) if array.size > 1 and numeric else 0
        self.image_box.setVisible(channels > 0 and not classification)
        if self.image_box.isVisible():
            self.channel.blockSignals(True)
            self.channel.setRange(0, channels - 1)
            self.channel.setSuffix(f" of {channels} ({image_layout(shape)})")
            self.channel.blockSignals(False)
            self._show_image()

    def top_labels(self) -> list[str]:
        """The class names shown in the top-k table, best first."""
        return [self.top_table.item(r, 1).text() for r in range(self.top_table.rowCount())]

    def _show_image(self) -> None:
        current = self._array()
        if current is None or not self.image_box.isVisible():
            return
        plane = image_plane(current[1], self.channel.value())
        pixmap = QPixmap.fromImage(array_to_image(plane))
        self.image_label.setPixmap(
            pixmap.scaled(_IMAGE_VIEW, _IMAGE_VIEW, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.FastTransformation)
        )

    # -- save ---------------------------------------------------------------------------------
    def save_dialog(self) -> None:
        current = self._array()
        if current is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save output as .npy", f"{safe_file_name(current[0])}.npy", "NumPy array (*.npy)"
        )
        if path:
            try:
                self.save(path)
            except OvexplorerError as exc:
                self.failed.emit(exc)

    def save(self, path: str | Path) -> Path | None:
        current = self._array()
        if current is None:
            return None
        saved = save_npy(path, current[1])
        self.saved.emit(saved)
        return saved
