"""The inputs table of the Run panel: one row per model input; files dropped on a row go to that input."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QHeaderView, QTableWidget, QWidget

from ovexplorer.core.run.inputs import INPUT_SUFFIXES

THUMB = 40
COL_NAME, COL_SHAPE, COL_TYPE, COL_LAYOUT, COL_SOURCE, COL_DATA, COL_PREVIEW = range(7)


def dropped_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files of a drag or drop."""
    if not event.mimeData().hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]


class InputsTable(QTableWidget):
    """The inputs table; files dropped on a row go to that input (row -1: dropped between rows)."""

    files_dropped = Signal(int, list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
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
