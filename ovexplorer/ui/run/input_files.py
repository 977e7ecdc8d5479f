"""Reading input files for the Run panel: a file chosen, dropped on a row or on the window is decoded in a
worker for the input it targets (or the inputs it fits); the number of files still being read is kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.inputs import INPUT_SUFFIXES
from ovexplorer.core.run.run_state import InputRow, RunState
from ovexplorer.core.util.errors import InputError
from ovexplorer.ui.run.inputs_table import dropped_paths
from ovexplorer.ui.run.run_work import Decoded, decode_file
from ovexplorer.ui.shell.workers import Task, TaskRunner


class InputFiles(QObject):
    """Starts decodes; ``decoded(list[Decoded])`` or ``failed(exc)`` for the model that was open, ``busy(text)``
    when one starts and ``busy("")`` when one ends."""

    decoded = Signal(list)
    failed = Signal(object)
    busy = Signal(str)

    def __init__(self, state: RunState, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.pending = 0  # files still being read

    @staticmethod
    def accepts(paths: list[Path]) -> bool:
        return any(p.suffix.lower() in INPUT_SUFFIXES for p in paths)

    def wanted(self, paths: list[Path]) -> bool:
        """A model is open and one of ``paths`` is an input file."""
        return self.state.document is not None and self.accepts(paths)

    def window_drop(self, panel: QWidget, paths: list[Path], drop: bool) -> bool:
        """Input files dropped anywhere on the window (``drop``; else only dragged over it): the window shows
        ``panel`` and the files are loaded. False when none is an input file or no model is open."""
        if not self.wanted(paths):
            return False
        if drop:
            window = panel.window()
            if hasattr(window, "show_panel"):
                window.show_panel(panel)
            for path in paths:
                self.load(path)
        return True

    def take_drops(self, widget: QWidget) -> None:
        """Files dropped on ``widget`` are loaded for the inputs they fit."""
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QDragEnterEvent):
            if self.wanted(dropped_paths(event)):
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
            paths = dropped_paths(event)
            if self.wanted(paths):
                event.acceptProposedAction()
                for path in paths:
                    self.load(path)
            return True
        return super().eventFilter(watched, event)

    def load(self, path: str | Path, target: str | None = None, shape: tuple[int, ...] | None = None) -> Task | None:
        """Decode ``path`` (in a worker) for input ``target`` (at ``shape`` when given, for a dynamic input),
        or for the input(s) it fits when ``target`` is None."""
        doc = self.state.document
        if doc is None:
            return None
        path = Path(path)
        if path.suffix.lower() not in INPUT_SUFFIXES:
            self.failed.emit(InputError(
                f"{path.name}: unknown input file type {path.suffix or '(no suffix)'}; use .npy, .npz, .bin, .raw, "
                ".csv, .txt or a PNG/JPEG/BMP picture."))
            return None
        rows = [replace(r, shape=shape) if shape is not None and r.spec.name == target else r
                for r in self.state.rows]
        self.pending += 1
        self.busy.emit(f"Reading {path.name}…")
        return self.runner.start(decode_file, path, rows, target, on_success=self._ended(doc, self.decoded.emit),
                                 on_failure=self._ended(doc, self.failed.emit))

    def _ended(self, doc: ModelDocument, emit: Callable[[object], None]) -> Callable[[object], None]:
        def ended(value: object) -> None:
            self.pending -= 1
            self.busy.emit("")
            if self.state.document is doc:  # another model opened meanwhile: its rows are not these
                emit(value)
        return ended


def ask_input_file(parent: QWidget, row: InputRow) -> Path | None:
    """The file the user picks for ``row`` (starting in the folder of its current file), or None."""
    start = str(Path(row.source.path).parent) if row.source.path else ""
    pattern = " ".join(f"*{s}" for s in INPUT_SUFFIXES)
    path, _ = QFileDialog.getOpenFileName(parent, f"Data for {row.spec.name}", start,
                                          f"Input data ({pattern});;All files (*)")
    return Path(path) if path else None


__all__ = ["Decoded", "InputFiles", "ask_input_file"]
