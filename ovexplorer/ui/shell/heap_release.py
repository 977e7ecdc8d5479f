"""After a model is replaced or closed, hand the C heaps' free pages back to the system (in a worker)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from ovexplorer.core.util.heap_trim import return_free_memory, trim_available
from ovexplorer.ui.shell.workers import TaskRunner

#: How long after the document changed: the panels drop the old model's layout, statistics and compiled model
#: first (some when their cancelled tasks come back).
DELAY_MS = 400


def _trim(progress: Any, cancel: Any) -> float | None:
    return return_free_memory()


class HeapRelease(QObject):
    """Trims once per burst of document changes; ``trims`` counts the trims done (tests wait on it)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.runner = TaskRunner(self)
        self.trims = 0
        self.last_seconds: float | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self._start)
        if trim_available():
            window.document_changed.connect(self._schedule)

    def _schedule(self, _doc: object) -> None:
        self.timer.start()

    def _start(self) -> None:
        if self.runner.running:  # one at a time; a change during a trim trims again afterwards
            self.timer.start()
            return
        self.runner.start(_trim, on_success=self._done)

    def _done(self, seconds: float | None) -> None:
        self.last_seconds = seconds
        self.trims += 1


def install_heap_release(window: Any) -> HeapRelease:
    """Trim the heaps after each document change of ``window`` (glibc only; elsewhere nothing happens)."""
    window.heap_release = HeapRelease(window)
    return window.heap_release
