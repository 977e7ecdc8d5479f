"""Export from the Latency tab: a run as CSV or JSON (written in a worker), the plots as PNG; the status label and
the window's status bar say where the file went, or why it could not be written."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QWidget

from ovexplorer.core.bench.latency_export import atomic_write
from ovexplorer.core.bench.latency_state import LatencyState
from ovexplorer.ui.shell.workers import Task, TaskRunner


class ExportActions:
    """The file dialogs and writes behind the Export CSV / Export JSON / Save plots buttons."""

    def __init__(self, state: LatencyState, plots: QWidget, status_label: QLabel, runner: TaskRunner) -> None:
        self.state, self.plots, self.status_label, self.runner = state, plots, status_label, runner

    def export_dialog(self, kind: str) -> Task | None:
        """Ask for a path, then write the selected run there in a worker (a long run's export takes a few hundred
        ms)."""
        entry = self.state.chosen()
        if entry is None:
            return None
        path, _ = QFileDialog.getSaveFileName(self.plots, f"Export run as {kind.upper()}",
                                              f"{self.state.file_stem(entry)}.{kind}",
                                              "CSV (*.csv)" if kind == "csv" else "JSON (*.json)")
        if not path:
            return None
        self.status_label.setText(f"Exporting {entry.run.label} to {path}…")
        return self.runner.start(lambda progress, cancel: self.state.export(entry, path),
                                 on_success=lambda saved: self.say(f"Saved {saved}"), on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, OSError):
            sys.excepthook(type(exc), exc, exc.__traceback__)  # a bug: the error reporter shows it
            return
        self.say(f"Cannot save {exc.filename or ''}: {exc.strerror or exc}")

    def say(self, text: str) -> None:
        """In the status label, and in the window's status bar when there is one."""
        self.status_label.setText(text)
        window = self.status_label.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def save_plot(self, path: str | Path) -> Path:
        """The three plots as one PNG."""
        pixmap = self.plots.grab()
        return atomic_write(path, lambda tmp: _save_pixmap(pixmap, tmp))

    def save_plot_dialog(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.plots, "Save plots as PNG", "latency.png", "PNG (*.png)")
        if not path:
            return None
        return self._saved(lambda: self.save_plot(path))

    def _saved(self, save: Callable[[], Path]) -> Path | None:
        try:
            saved = save()
        except OSError as exc:
            self.status_label.setText(f"Cannot save {exc.filename or ''}: {exc.strerror or exc}")
            return None
        self.status_label.setText(f"Saved {saved}")
        return saved


def _save_pixmap(pixmap: QPixmap, path: Path) -> None:
    if not pixmap.save(str(path), "PNG"):
        raise OSError(0, "could not write the PNG", str(path))
