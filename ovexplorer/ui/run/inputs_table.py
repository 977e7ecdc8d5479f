"""The inputs table of the Run panel: one row per model input (name, shape or a shape editor, type, layout guess,
source, data, preview); typed cells that do not fit are marked red with the reason; files dropped on a row go
to that input. It renders :class:`~ovexplorer.core.run.run_state.InputRow` records and reports edits by signal.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QHeaderView, QLineEdit, QTableWidget, QTableWidgetItem, QWidget

from ovexplorer.core.run.inputs import INPUT_SUFFIXES, describe_array, guess_layout
from ovexplorer.core.run.run_state import InputRow
from ovexplorer.ui.run.image_decode import array_to_image

THUMB = 40
COL_NAME, COL_SHAPE, COL_TYPE, COL_LAYOUT, COL_SOURCE, COL_DATA, COL_PREVIEW = range(7)
KINDS = [("random", "Random"), ("zeros", "Zeros"), ("ones", "Ones"), ("values", "Values"), ("file", "File")]
#: How a cell whose typed text does not fit is marked (the reason is in its tooltip and under the table).
INVALID_STYLE = "QLineEdit { background: #ffd6d6; color: #600000; border: 1px solid #c00000; }"


def dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files of a drag or drop."""
    if not event.mimeData().hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]


class InputsTable(QTableWidget):
    """The inputs table; files dropped on a row go to that input (row -1: dropped between rows)."""

    files_dropped = Signal(int, list)
    kind_chosen = Signal(int, str)  # row, source kind picked in its combo
    values_edited = Signal(int, str)  # row, the text typed in its Data cell
    shape_edited = Signal(int, str)  # row, the text typed in its shape editor

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self._rendering = False
        self.setHorizontalHeaderLabels(["Input", "Shape", "Type", "Layout", "Source", "Data", "Preview"])
        self.verticalHeader().hide()
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setIconSize(QSize(THUMB, THUMB))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DATA, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(THUMB + 8)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QTableWidget.DragDropMode.DropOnly)

    # -- rendering ----------------------------------------------------------------------------
    def show_rows(self, rows: list[InputRow]) -> None:
        """One row per input, with fresh cell widgets (none outlives the model it was made for)."""
        self._rendering = True
        self.setRowCount(0)  # drops the last model's cell widgets (a shape editor would outlive its row)
        self.setRowCount(len(rows))
        for i, row in enumerate(rows):
            spec = row.spec
            name = QTableWidgetItem(spec.name)
            name.setToolTip(", ".join(spec.names) or spec.name)
            self.setItem(i, COL_NAME, name)
            if spec.is_static:
                self.setItem(i, COL_SHAPE, QTableWidgetItem(spec.partial_shape))
            else:
                edit = QLineEdit(self)
                edit.setPlaceholderText(spec.partial_shape)
                edit.editingFinished.connect(lambda i=i, e=edit: self._emit(self.shape_edited, i, e.text()))
                self.setCellWidget(i, COL_SHAPE, edit)
            self.setItem(i, COL_TYPE, QTableWidgetItem(spec.element_type))
            self.setItem(i, COL_LAYOUT, QTableWidgetItem(guess_layout(spec) or "—"))
            combo = QComboBox(self)
            for kind, label in KINDS:
                combo.addItem(label, kind)
            combo.currentIndexChanged.connect(lambda _=0, i=i, c=combo: self._emit(self.kind_chosen, i,
                                                                                  c.currentData()))
            self.setCellWidget(i, COL_SOURCE, combo)
            data = QLineEdit(self)
            data.editingFinished.connect(lambda i=i, e=data: self._emit(self.values_edited, i, e.text()))
            self.setCellWidget(i, COL_DATA, data)
            self.setItem(i, COL_PREVIEW, QTableWidgetItem())
            self.show_row(i, row)
        self._rendering = False

    def _emit(self, signal: Signal, i: int, text: str) -> None:
        if not self._rendering:
            signal.emit(i, text)

    def show_row(self, i: int, row: InputRow) -> None:
        """Render ``row`` in table row ``i`` (its source, data, shape editor, validity and preview)."""
        was, self._rendering = self._rendering, True
        combo = self.source_combo(i)
        combo.setCurrentIndex(combo.findData(row.source.kind))
        self._show_data(self.data_edit(i), row)
        shape_edit = self.shape_edit(i)
        if shape_edit is not None:
            if row.shape_error:
                shape_edit.setText(row.typed_shape)
            else:
                shape_edit.setText(",".join(str(d) for d in row.shape) if row.shape is not None else "")
            shape_edit.setStyleSheet(INVALID_STYLE if row.shape_error else "")
            shape_edit.setToolTip(row.shape_error or
                                  f"Shape of this dynamic input, within {row.spec.partial_shape}, e.g. 1,3,224,224")
        preview = self.item(i, COL_PREVIEW)
        if row.thumbnail is not None and row.source.kind == "file":
            preview.setIcon(QIcon(QPixmap.fromImage(array_to_image(row.thumbnail))))
            preview.setToolTip(row.source.path)
        else:
            preview.setIcon(QIcon())
            preview.setToolTip("")
        self._rendering = was

    @staticmethod
    def _show_data(data: QLineEdit, row: InputRow) -> None:
        kind = row.source.kind
        data.setReadOnly(kind != "values")
        if kind == "values":
            data.setText(row.source.text)
            data.setPlaceholderText("numbers, e.g. 2, 3")
        elif kind == "file":
            held = row.image if row.image is not None else row.tensor
            detail = f"  ({held.shape[1]} x {held.shape[0]} picture)" if row.image is not None else (
                f"  ({describe_array(held)})" if held is not None else "")
            data.setText(Path(row.source.path).name + detail)
        else:
            data.setText(row.source.describe())
        if kind != "values":
            data.setCursorPosition(0)  # a long description shows its start
        bad_values = kind == "values" and bool(row.values_error)
        data.setStyleSheet(INVALID_STYLE if bad_values else "")
        data.setToolTip(row.values_error if bad_values else row.source.path or data.text())

    def source_combo(self, i: int) -> QComboBox:
        return self.cellWidget(i, COL_SOURCE)

    def data_edit(self, i: int) -> QLineEdit:
        return self.cellWidget(i, COL_DATA)

    def shape_edit(self, i: int) -> QLineEdit | None:
        w = self.cellWidget(i, COL_SHAPE)
        return w if isinstance(w, QLineEdit) else None

    # -- drops --------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(p.suffix.lower() in INPUT_SUFFIXES for p in dropped_paths(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(self.rowAt(int(event.position().y())), paths)
