"""Opening a model in a window: the load in a worker, its progress and Cancel in the status bar, what the
panels show meanwhile, the outcome (document, error dialog or "cancelled"), and File > Open Recent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QProgressBar, QPushButton

from ovexplorer.core.layout.first_screen import open_for_window
from ovexplorer.core.model.document import ModelDocument, file_title, resolve_model_path
from ovexplorer.core.util import preload
from ovexplorer.core.util.tasks import CancelToken, ProgressFn
from ovexplorer.ui.shell import startup_trace
from ovexplorer.ui.shell.workers import Task

MAX_RECENT = 10
MODEL_FILTER = (
    "OpenVINO IR (*.xml);;ONNX (*.onnx);;TensorFlow Lite (*.tflite);;PaddlePaddle (*.pdmodel);;"
    "TensorFlow frozen graph (*.pb);;All files (*)"
)


def load_document(path: Path, progress: ProgressFn, cancel: CancelToken) -> ModelDocument:
    """Open a model and prepare what its panels show first (summary, first graph view), all in a worker (a
    16,000-node summary took 100 ms on the UI thread); a model the app started reading at launch is taken from
    that preload."""
    preloaded = preload.take(path)
    if preloaded is not None:
        return preloaded.result(progress, cancel)
    return open_for_window(path, progress, cancel)


def recent_files() -> list[str]:
    """The recently opened models, newest first (File > Open Recent)."""
    value = QSettings().value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


class OpenFlow(QObject):
    """Opens models into ``window`` (a MainWindow): one load at a time, the newest wins."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.task: Task | None = None
        self.awaiting = False  # a load was started and its outcome has not reached the UI thread yet
        bar = window.statusBar()
        self.label = QLabel(window)
        self.progress_bar = QProgressBar(window)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel", window)
        self.cancel_button.clicked.connect(self.cancel)
        for w in self._progress_widgets():
            bar.addPermanentWidget(w)
            w.hide()
        self.recent_menu: QMenu | None = None

    def _progress_widgets(self) -> tuple:
        return self.label, self.progress_bar, self.cancel_button

    # -- the load -----------------------------------------------------------------------------
    def ask(self) -> None:
        """File > Open: a file dialog starting beside the open model."""
        doc = self.window.document
        start = str(doc.path.parent) if doc else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self.window, "Open model", start, MODEL_FILTER)
        if path:
            self.open(path)

    def open(self, path: str | Path) -> Task:
        """Open a model in a worker; the window stays usable and shows progress."""
        if self.task is not None and not self.task.done:
            self.task.cancel()
        target = resolve_model_path(path)
        self.label.setText(f"Opening {target.name}…")
        self.progress_bar.setValue(0)
        for w in self._progress_widgets():
            w.show()
        self.task = self.window.runner.start(
            load_document,
            target,
            on_success=self._loaded,
            on_failure=self._failed,
            on_progress=self._progress,
            on_cancel=self._cancelled,
        )
        self.awaiting = True
        if self.window.document is None:  # an empty window says what it is opening, not "No model is open"
            self.window.setWindowTitle(f"{file_title(target)}{target.suffix} — ovexplorer")
            for panel in self._loading_views():
                panel.show_loading(target.name)
        return self.task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _loading_views(self) -> list:
        """The panels (and the inspector) that show a loading state while a model opens into an empty window."""
        window = self.window
        return [p for p in (*window.panels, window.inspector) if hasattr(p, "show_loading")]

    def _ended_without_model(self) -> None:
        self.window._update_title(self.window.document)
        if self.window.document is None:
            for panel in self._loading_views():
                panel.set_document(None)

    def _is_current(self) -> bool:
        return self.task is not None and self.sender() is self.task.signals

    def _progress(self, fraction: float, text: str) -> None:
        if not self._is_current():
            return
        self.progress_bar.setValue(int(max(0.0, fraction) * 1000))
        self.label.setText(text)

    def _end_progress(self) -> None:
        self.awaiting = False
        for w in self._progress_widgets():
            w.hide()

    def _loaded(self, doc: ModelDocument) -> None:
        if not self._is_current():
            doc.close()
            return
        startup_trace.mark("model_loaded")
        self._end_progress()
        self.window.set_document(doc)
        self.window.warm_up_helpers()
        self.add_recent(doc.path)
        self.window.statusBar().showMessage(
            f"Opened {doc.path.name}: {len(doc.graph.nodes)} operations, read in {doc.read_seconds:.2f} s", 8000
        )

    def _failed(self, exc: BaseException) -> None:
        if not self._is_current():
            return
        self._end_progress()
        self._ended_without_model()
        self.window.show_error("Cannot open model", exc)
        self.window.load_failed.emit(exc)

    def _cancelled(self) -> None:
        if self._is_current():
            self._end_progress()
            self._ended_without_model()
            self.window.statusBar().showMessage("Opening cancelled", 5000)

    # -- recent files -------------------------------------------------------------------------
    def set_recent_menu(self, menu: QMenu) -> None:
        """Keep ``menu`` (File > Open Recent) listing :func:`recent_files`."""
        self.recent_menu = menu
        self.refresh_recent_menu()

    def add_recent(self, path: Path) -> None:
        p = str(path.resolve())
        files = [p] + [f for f in recent_files() if f != p]
        settings = QSettings()
        settings.setValue("recent_files", files[:MAX_RECENT])
        settings.sync()
        self.refresh_recent_menu()

    def refresh_recent_menu(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        files = recent_files()
        for i, f in enumerate(files):
            action = menu.addAction(f"&{(i + 1) % 10} {Path(f).name}")
            action.setToolTip(f)
            action.triggered.connect(lambda _=False, f=f: self.window.open_path(f))
        menu.setEnabled(bool(files))
