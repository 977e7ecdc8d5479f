"""The *Inputs* box of the Run panel: a drop hint, the inputs table, why red cells do not fit, and the editor of
the selected input. It renders the rows of a :class:`~ovexplorer.core.run.run_state.RunState`."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from ovexplorer.core.run.run_state import InputRow
from ovexplorer.ui.run.inputs_table import InputsTable
from ovexplorer.ui.run.source_editor import SourceEditor

INVALID_TEXT = "#a00000"


class InputsBox(QGroupBox):
    """The inputs table with the validity text under it and the selected input's editor.

    Edits come out by input name: ``values_typed(name, text)`` (only when the typed values differ from the row's),
    ``shape_typed(name, text)``, ``preprocess_set(name, ImagePreprocess)``, ``random_set(row, distribution, seed,
    low, high)`` for the selected row, ``files_dropped(name or None, paths)`` (None: dropped below the rows)."""

    values_typed = Signal(str, str)
    shape_typed = Signal(str, str)
    preprocess_set = Signal(str, object)
    random_set = Signal(int, str, int, float, float)
    files_dropped = Signal(object, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Inputs", parent)  # the drop hint below wraps: a long title set a 423-px minimum
        drop_hint = QLabel("Drop .npy, .npz, .bin, .raw, .csv, .txt or pictures on a row.", self)
        drop_hint.setWordWrap(True)
        self.rows: list[InputRow] = []
        self.table = InputsTable(self)
        self.table.itemSelectionChanged.connect(self._show_editor)
        self.editor = SourceEditor(self)
        self.invalid_label = QLabel(self)  # why the cells marked in red do not fit
        self.invalid_label.setWordWrap(True)
        self.invalid_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.invalid_label.setStyleSheet(f"color: {INVALID_TEXT};")
        self.invalid_label.hide()
        self.table.values_edited.connect(self._values_edited)
        self.table.shape_edited.connect(lambda i, text: self.shape_typed.emit(self.rows[i].spec.name, text))
        self.table.files_dropped.connect(self._files_dropped)
        self.editor.random_edited.connect(self._random_edited)
        self.editor.preprocess_edited.connect(lambda pre: self.preprocess_set.emit(self.current().spec.name, pre))
        layout = QVBoxLayout(self)
        for widget, stretch in ((drop_hint, 0), (self.table, 1), (self.invalid_label, 0), (self.editor, 0)):
            layout.addWidget(widget, stretch)

    def show_rows(self, rows: list[InputRow]) -> None:
        """All rows anew (a model opened)."""
        self.rows = rows
        self.table.show_rows(rows)
        self._show_validity()

    def show_row(self, i: int) -> None:
        """Row ``i`` changed."""
        self.table.show_row(i, self.rows[i])
        if i == self.table.currentRow():
            self._show_editor()
        self._show_validity()

    def current(self) -> InputRow | None:
        i = self.table.currentRow()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def _values_edited(self, i: int, text: str) -> None:
        if i < len(self.rows) and self.rows[i].source.kind == "values" and text != self.rows[i].source.text:
            self.values_typed.emit(self.rows[i].spec.name, text)

    def _files_dropped(self, i: int, paths: list) -> None:
        self.files_dropped.emit(self.rows[i].spec.name if 0 <= i < len(self.rows) else None, paths)

    def _random_edited(self, distribution: str, seed: int, low: float, high: float) -> None:
        i = self.table.currentRow()
        if 0 <= i < len(self.rows):
            self.random_set.emit(i, distribution, seed, low, high)

    def _show_editor(self) -> None:
        self.editor.show_row(self.current())

    def _show_validity(self) -> None:
        bad = [r for r in self.rows if r.problem]
        self.invalid_label.setText("\n".join(f"⚠ {r.problem}" for r in bad))
        self.invalid_label.setVisible(bool(bad))

    def focus_invalid(self, i: int) -> None:
        """Select row ``i`` and put the cursor in its red cell (the shape editor first)."""
        self.table.selectRow(i)
        row = self.rows[i]
        edit = self.table.shape_edit(i) if row.shape_error else self.table.data_edit(i)
        if edit is not None:
            edit.setFocus()
