"""The graph's search bar: incremental search by name, type or tensor name, with next/previous."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from ovexplorer.core.layout.search import SearchHits
from ovexplorer.core.model.graph import Graph


class SearchBar(QWidget):
    """Emits ``found(node_id)`` for the current hit as the user types or steps through hits."""

    found = Signal(int)

    def __init__(self, parent: QWidget | None = None, hits: SearchHits | None = None) -> None:
        super().__init__(parent)
        self.graph: Graph | None = None
        self.state = hits if hits is not None else SearchHits()
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find by name, type or tensor name")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self._search)
        self.edit.installEventFilter(self)
        self.count = QLabel(self)
        self.prev_button = QToolButton(self, text="▲", toolTip="Previous (Shift+F3)")
        self.next_button = QToolButton(self, text="▼", toolTip="Next (F3, Enter)")
        self.close_button = QToolButton(self, text="✕", toolTip="Close (Esc)")
        self.prev_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.close_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(QLabel("Find:", self))
        row.addWidget(self.edit, 1)
        row.addWidget(self.count)
        for b in (self.prev_button, self.next_button, self.close_button):
            row.addWidget(b)

    def set_graph(self, graph: Graph | None) -> None:
        self.graph = graph
        self._search(self.edit.text())

    def open(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def _search(self, text: str) -> None:
        self._show(self.state.search(self.graph, text))

    def _show(self, hit: int | None) -> None:
        self.count.setText(self.state.label())
        if hit is not None:
            self.found.emit(hit)

    def next(self) -> None:
        self._show(self.state.step(1))

    def previous(self) -> None:
        self._show(self.state.step(-1))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.edit and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.previous()
                else:
                    self.next()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.hide()
                return True
        return super().eventFilter(obj, event)
