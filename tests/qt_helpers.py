"""Helpers for pytest-qt tests: drag-and-drop files the way the window system delivers them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


def drop_files(widget: QWidget, paths: list[Path], pos: QPoint | None = None) -> bool:
    """Drag ``paths`` over ``widget`` and drop them; return whether the drop was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = pos or widget.rect().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def run_app_windows(qtbot, monkeypatch, argv: list[str]) -> list:
    """Run ``ovexplorer.ui.shell.app.run_app(argv)`` without its event loop; return the windows it made.

    qtbot closes them.
    """
    from ovexplorer.ui.shell import app as app_module
    from ovexplorer.ui.shell.main_window import MainWindow

    windows: list[MainWindow] = []
    monkeypatch.setattr(app_module.QApplication, "exec", lambda self: 0)
    original = MainWindow.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        windows.append(self)

    monkeypatch.setattr(MainWindow, "__init__", remember)
    assert app_module.run_app(argv) == 0
    for w in windows:
        qtbot.addWidget(w)
    return windows
