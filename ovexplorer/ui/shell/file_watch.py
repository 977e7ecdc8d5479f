"""Warn when the open model changes on disk: a non-blocking bar "model.xml changed on disk — Reload"."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QToolBar, QWidget

#: Editors and exporters write in several steps (or write a new file and rename it): wait for quiet.
SETTLE_MS = 300

_BAR_STYLE = "QToolBar#file_changed_bar { background: #fff4c2; border-bottom: 1px solid #d9c36a; }"


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class ModelFileWatcher(QObject):
    """Watches the open model's files (``.xml`` and ``.bin``) for a window; shows a bar offering *Reload*."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self._check)
        self._signatures: dict[Path, tuple[int, int] | None] = {}
        self._main: Path | None = None

        self.bar = QToolBar("File changed", window)
        self.bar.setObjectName("file_changed_bar")
        self.bar.setMovable(False)
        self.bar.setFloatable(False)
        self.bar.setStyleSheet(_BAR_STYLE)
        self.label = QLabel(self.bar)
        self.label.setContentsMargins(8, 0, 8, 0)
        self.bar.addWidget(self.label)
        spacer = QWidget(self.bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.bar.addWidget(spacer)
        self.reload_action = self.bar.addAction("Reload")
        self.reload_action.setToolTip("Open the model again from disk")
        self.reload_action.triggered.connect(self.reload)
        reload_font = self.bar.widgetForAction(self.reload_action).font()
        reload_font.setBold(True)
        self.bar.widgetForAction(self.reload_action).setFont(reload_font)
        self.dismiss_action = self.bar.addAction("Dismiss")
        self.dismiss_action.triggered.connect(self.bar.hide)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.bar.hide()
        window.document_changed.connect(self.watch)

    def watch(self, doc) -> None:
        """Follow ``doc``'s files (or none)."""
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        self.settle.stop()
        self.bar.hide()
        self._signatures = {}
        self._main = None
        if doc is None or not Path(doc.path).is_file():
            return
        self._main = Path(doc.path)
        for p in (doc.path, doc.weights_path):
            if p is not None and Path(p).is_file():
                self._signatures[Path(p)] = _signature(Path(p))
        self.watcher.addPaths([os.fspath(p) for p in self._signatures])

    def _changed(self, _path: str) -> None:
        self.settle.start()

    def _check(self) -> None:
        changed, removed = [], []
        watched = set(self.watcher.files())
        for path, before in self._signatures.items():
            now = _signature(path)
            if now is None:
                removed.append(path)
                continue
            if os.fspath(path) not in watched:  # replaced by rename: the watch went with the old inode
                self.watcher.addPath(os.fspath(path))
            if now != before:
                changed.append(path)
        if not changed and not removed:
            return
        for path in changed:
            self._signatures[path] = _signature(path)
        names = ", ".join(p.name for p in changed + removed)
        if removed:
            self.label.setText(f"⚠ {names} {'was' if len(removed) == 1 else 'were'} removed from disk "
                               "— the model shown is what was read before.")
        else:
            self.label.setText(f"⚠ {names} changed on disk.")
        self.reload_action.setEnabled(self._main is not None and self._main.is_file())
        self.bar.show()

    def reload(self) -> None:
        """Open the model again from disk (in this window)."""
        self.bar.hide()
        if self._main is not None:
            self.window.open_path(self._main)
