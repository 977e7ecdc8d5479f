"""The graph's search bar: incremental search by name, type or tensor name, with next/previous."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from ovexplorer.core.layout.search import SearchHits
from ovexplorer.core.model.graph import Graph
from ovexplorer.ui.graph.shortcuts import bind_shortcuts


class SearchBar(QWidget):
    """Emits ``found(node_id)`` for the current hit as the user types or steps through hits."""

    found = Signal(int)
    closed = Signal()  # Esc or ✕: the hits are no longer shown

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
        self.close_button.clicked.connect(self.close_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(QLabel("Find:", self))
        row.addWidget(self.edit, 1)
        row.addWidget(self.count)
        for b in (self.prev_button, self.next_button, self.close_button):
            row.addWidget(b)

    def set_graph(self, graph: Graph | None) -> None:
        """Search ``graph`` from now on; its hits are counted but none is shown until the user asks (Enter, F3)."""
        self.graph = graph
        self.state.search(graph, self.edit.text())
        self.state.index = -1
        hits = len(self.state.hits)
        self.count.setText(f"{hits} match{'es' if hits != 1 else ''}" if hits else self.state.label())

    def bind_find_keys(self, widget: QWidget) -> list[QShortcut]:
        """Find (Ctrl+F), Find next (F3) and Find previous (Shift+F3) anywhere in ``widget``."""
        return bind_shortcuts(widget, (
            (QKeySequence.StandardKey.Find, "Ctrl+F", self.open),
            (QKeySequence.StandardKey.FindNext, "F3", self.next),
            (QKeySequence.StandardKey.FindPrevious, "Shift+F3", self.previous),
        ))

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

    def close_bar(self) -> None:
        """Hide the bar and drop the highlight of the current hit."""
        self.hide()
        self.closed.emit()

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
                self.close_bar()
                return True
        return super().eventFilter(obj, event)
