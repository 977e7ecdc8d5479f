"""The main window: menus, toolbar, panels, opening models (argv, File > Open, recent files, drops)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QWidget,
)

from ovexplorer.core.layout.first_screen import open_for_window
from ovexplorer.core.model.document import MODEL_SUFFIXES, ModelDocument, resolve_model_path
from ovexplorer.core.util import preload
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.core.util.tasks import CancelToken, ProgressFn
from ovexplorer.ui.graph.graph_panel import install_graph_panel
from ovexplorer.ui.run.run_panel import install_run_panel
from ovexplorer.ui.shell import startup_trace
from ovexplorer.ui.shell.deferred_panels import DeferredPanels
from ovexplorer.ui.shell.drop_overlay import DropOverlay
from ovexplorer.ui.shell.file_watch import ModelFileWatcher
from ovexplorer.ui.shell.help_pages import FIRST_STEPS, HelpDialog, shortcuts_html
from ovexplorer.ui.shell.summary_panel import SummaryPanel
from ovexplorer.ui.shell.window_state import restore_window_state, save_window_state
from ovexplorer.ui.shell.workers import Task, TaskRunner, share_the_gil_quickly

MAX_RECENT = 10
MODEL_FILTER = (
    "OpenVINO IR (*.xml);;ONNX (*.onnx);;TensorFlow Lite (*.tflite);;PaddlePaddle (*.pdmodel);;"
    "TensorFlow frozen graph (*.pb);;All files (*)"
)


class Panel(Protocol):
    """What a panel offers the window: it is told which document is open."""

    def set_document(self, doc: ModelDocument | None) -> None: ...


def load_document(path: Path, progress: ProgressFn, cancel: CancelToken) -> ModelDocument:
    """Open a model and prepare what its panels show first (summary, first graph view), all in a worker (a
    16,000-node summary took 100 ms on the UI thread); a model the app started reading at launch is taken from
    that preload."""
    preloaded = preload.take(path)
    if preloaded is not None:
        return preloaded.result(progress, cancel)
    return open_for_window(path, progress, cancel)


class MainWindow(QMainWindow):
    """One window showing one open model in several panels."""

    document_changed = Signal(object)  # ModelDocument | None
    load_failed = Signal(object)  # the exception
    #: A node of the top-level graph was selected (by id) in any panel; panels follow the selection.
    node_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        share_the_gil_quickly()
        self.setWindowTitle("ovexplorer")
        self.setAcceptDrops(True)
        self.document: ModelDocument | None = None
        self.runner = TaskRunner(self)
        self._load_task: Task | None = None
        self._awaiting_load = False  # a load was started and its outcome has not reached the UI thread yet
        self.error_box: QMessageBox | None = None
        self.help_dialog: HelpDialog | None = None
        self.panels: list[Panel] = []
        #: ``handler(paths, drop) -> bool``: takes dropped files that are not models (``drop=False``: would it?).
        self.extra_drop_handlers: list[Callable[[list[Path], bool], bool]] = []

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.summary_panel = SummaryPanel(self)
        self.add_panel(self.summary_panel, "Summary")
        # Weights and Latency (pyqtgraph) are built when first shown or once the graph is drawn
        self.deferred = DeferredPanels(self)
        self.deferred.add("weights_panel", "Weights", _install_weights_panel, ready=self._weights_ready)

        self._build_status_bar()
        self._build_actions()
        self._build_menus()
        install_run_panel(self)
        # the Weights tab counts a dynamic model's FLOPs at the shapes set in the Run tab
        self.run_panel.inputs_changed.connect(self._run_inputs_changed)
        # (its colouring reaches the graph once it has the open model: building it must not clear the colours)
        self.deferred.add("latency_panel", "Latency", _install_latency_panel,
                          ready=lambda panel: panel.node_colors_changed.connect(self.graph_panel.set_node_coloring))
        self.document_changed.connect(self._update_title)
        self.graph_panel, self.inspector = install_graph_panel(self)
        self.file_watcher = ModelFileWatcher(self)  # "model.xml changed on disk — Reload"
        self.drop_overlay = DropOverlay(self)
        # Widgets that take drops of their own (the graph's scene accepts any drag it is shown, then refuses
        # the drop) hand files to the window: a model dropped there opens, a picture goes to Run.
        for target in (self.graph_panel.view.viewport(), self.summary_panel.browser.viewport(),
                       self.inspector.browser.viewport()):
            target.installEventFilter(self)
        restore_window_state(self, self.tabs)

    # -- construction -------------------------------------------------------------------------
    def __getattr__(self, name: str):
        """A deferred panel (``weights_panel``, ``latency_panel``) is built when code first asks for it."""
        deferred = self.__dict__.get("deferred")
        if deferred is not None and name in deferred.pending:
            return deferred.build(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _run_inputs_changed(self, _name: str) -> None:
        # the Weights tab counts a dynamic model's FLOPs at the shapes set in the Run tab (once it is built)
        if "weights_panel" in self.__dict__:
            self.weights_panel.set_input_shapes(self.run_panel.chosen_shapes())

    def _weights_ready(self, panel) -> None:
        panel.set_input_shapes(self.run_panel.chosen_shapes())
        self._warm_up_helpers()

    def _warm_up_helpers(self) -> None:
        """Big weights start the statistics helpers ahead, once the Weights tab exists (processes: never during
        the first screen), in a worker."""
        if self.document is not None and "weights_panel" in self.__dict__:
            self.runner.start(_warm_up_helpers, self.document)

    def add_panel(self, panel: QWidget, title: str) -> None:
        """Add a panel as a tab; it is told about every document change."""
        self.tabs.addTab(panel, title)
        self.panels.append(panel)

    def insert_panel(self, index: int, panel: QWidget, title: str) -> None:
        """Insert a panel as the tab at ``index``; it is told about every document change."""
        self.tabs.insertTab(index, panel, title)
        self.panels.append(panel)

    def select_node(self, node_id: int) -> None:
        """Make ``node_id`` the selected node everywhere (graph, inspector, weights table...)."""
        if self.document is not None and 0 <= node_id < len(self.document.graph.nodes):
            self.node_selected.emit(node_id)

    def show_panel(self, panel: QWidget) -> None:
        """Bring a panel's tab to the front."""
        index = self.tabs.indexOf(panel)
        if index >= 0:
            self.tabs.setCurrentIndex(index)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = QLabel(self)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel_loading)
        for w in (self.progress_label, self.progress_bar, self.cancel_button):
            bar.addPermanentWidget(w)
            w.hide()

    def _build_actions(self) -> None:
        self.open_action = QAction("&Open…", self, shortcut=QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.open_dialog)
        self.save_as_action = QAction("Save as &IR…", self, shortcut=QKeySequence("Ctrl+Shift+S"))
        self.save_as_action.triggered.connect(self.save_as_dialog)
        self.save_as_action.setEnabled(False)
        self.close_action = QAction("Close &Model", self)
        self.close_action.triggered.connect(self.close_document)
        self.close_action.setEnabled(False)
        self.close_window_action = QAction("Close &Window", self)
        self.close_window_action.setShortcuts(
            [QKeySequence("Ctrl+W"), *(k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
                                      if k.toString() not in ("Ctrl+W", "Close"))])  # not the media key
        self.close_window_action.triggered.connect(self.close)
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.setToolTip("Close every window and quit (Ctrl+Q)")
        self.quit_action.triggered.connect(quit_application)
        self.about_action = QAction("&About ovexplorer", self)
        self.about_action.triggered.connect(self._about)
        self.shortcuts_action = QAction("&Keyboard Shortcuts", self, shortcut=QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.first_steps_action = QAction("&First Steps", self, shortcut=QKeySequence.StandardKey.HelpContents)
        self.first_steps_action.triggered.connect(self.show_first_steps)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.close_action)
        self.file_menu = file_menu
        self.file_menu_end = file_menu.addSeparator()  # panels add their entries (File > Export Graph) above it
        file_menu.addAction(self.close_window_action)
        file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("&View")
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.first_steps_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        self._refresh_recent_menu()
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main_toolbar")
        toolbar.addAction(self.open_action)
        self.toolbar = toolbar

    # -- opening ------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        start = str(self.document.path.parent) if self.document else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open model", start, MODEL_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> Task:
        """Open a model in a worker; the window stays usable and shows progress."""
        if self._load_task is not None and not self._load_task.done:
            self._load_task.cancel()
        target = resolve_model_path(path)
        self.progress_label.setText(f"Opening {target.name}…")
        self.progress_bar.setValue(0)
        for w in (self.progress_label, self.progress_bar, self.cancel_button):
            w.show()
        task = self.runner.start(
            load_document,
            target,
            on_success=self._loaded,
            on_failure=self._load_error,
            on_progress=self._load_progress,
            on_cancel=self._load_cancelled,
        )
        self._load_task = task
        self._awaiting_load = True
        if self.document is None:  # an empty window says what it is opening, not "No model is open"
            self.setWindowTitle(f"{target.name} — ovexplorer")
            for panel in self._loading_views():
                panel.show_loading(target.name)
        return task

    def _loading_views(self) -> list:
        """The panels (and the inspector) that show a loading state while a model opens into an empty window."""
        return [p for p in (*self.panels, self.inspector) if hasattr(p, "show_loading")]

    def _loading_ended_without_model(self) -> None:
        self._update_title(self.document)
        if self.document is None:
            for panel in self._loading_views():
                panel.set_document(None)

    def is_loading(self) -> bool:
        # not the task's own flag: a fast load can be done in its thread before its result is delivered here
        return self._awaiting_load

    def is_empty(self) -> bool:
        """No model shown and none loading: a file opened from outside may use this window."""
        return self.document is None and not self.is_loading()

    def cancel_loading(self) -> None:
        if self._load_task is not None:
            self._load_task.cancel()

    def _load_progress(self, fraction: float, text: str) -> None:
        if self.sender() is not (self._load_task.signals if self._load_task else None):
            return
        self.progress_bar.setValue(int(max(0.0, fraction) * 1000))
        self.progress_label.setText(text)

    def _end_progress(self) -> None:
        self._awaiting_load = False
        for w in (self.progress_label, self.progress_bar, self.cancel_button):
            w.hide()

    def _is_current(self) -> bool:
        return self._load_task is not None and self.sender() is self._load_task.signals

    def _loaded(self, doc: ModelDocument) -> None:
        if not self._is_current():
            doc.close()
            return
        startup_trace.mark("model_loaded")
        self._end_progress()
        self.set_document(doc)
        self._warm_up_helpers()
        self._add_recent(doc.path)
        self.statusBar().showMessage(
            f"Opened {doc.path.name}: {len(doc.graph.nodes)} operations, read in {doc.read_seconds:.2f} s", 8000
        )

    def _load_error(self, exc: BaseException) -> None:
        if not self._is_current():
            return
        self._end_progress()
        self._loading_ended_without_model()
        self.show_error("Cannot open model", exc)
        self.load_failed.emit(exc)

    def _load_cancelled(self) -> None:
        if self._is_current():
            self._end_progress()
            self._loading_ended_without_model()
            self.statusBar().showMessage("Opening cancelled", 5000)

    def set_document(self, doc: ModelDocument | None) -> None:
        old = self.document
        self.document = doc
        shown = self.tabs.currentWidget()
        for panel in self.panels:
            panel.set_document(doc)
        self.tabs.setCurrentWidget(shown)  # the tab the user had stays in front
        self.save_as_action.setEnabled(doc is not None)
        self.close_action.setEnabled(doc is not None)
        if old is not None and old is not doc:
            old.close()
        self.document_changed.emit(doc)

    def close_document(self) -> None:
        self.set_document(None)

    def _update_title(self, doc: ModelDocument | None) -> None:
        self.setWindowTitle(f"{doc.path.name} — ovexplorer" if doc else "ovexplorer")

    # -- errors -------------------------------------------------------------------------------
    def show_error(self, title: str, exc: BaseException | str) -> None:
        """A non-blocking error dialog; the raw library text goes under *Show Details*."""
        if isinstance(exc, OvexplorerError):
            text, detail = exc.message, exc.detail
        else:
            text, detail = str(exc), ""
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote tags (<svg>, <net>): never render them
        if detail:
            box.setDetailedText(detail)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.center_dialog(box)
        QTimer.singleShot(0, lambda b=box: self.center_dialog(b))  # again once its layout has settled
        self.error_box = box
        self.statusBar().showMessage(text, 10000)

    def center_dialog(self, dialog: QWidget) -> None:
        """Place ``dialog`` over the middle of this window (a window manager may not have placed it yet)."""
        try:
            if not dialog.isVisible():
                return
        except RuntimeError:  # already closed and deleted
            return
        if isinstance(dialog, QMessageBox):
            dialog.adjustSize()  # a message box sizes itself to its text
        frame = self.frameGeometry()
        dialog.move(frame.center() - QPoint(dialog.width() // 2, dialog.height() // 2))

    # -- save ---------------------------------------------------------------------------------
    def save_as_dialog(self) -> None:
        if self.document is None:
            return
        suggestion = str(self.document.path.with_name(self.document.path.stem + "_saved.xml"))
        path, _ = QFileDialog.getSaveFileName(self, "Save as OpenVINO IR", suggestion, "OpenVINO IR (*.xml)")
        if not path:
            return
        compress = (
            QMessageBox.question(self, "Save as IR", "Compress floating-point weights to FP16?")
            == QMessageBox.StandardButton.Yes
        )
        self.save_as(path, compress_to_fp16=compress)

    def save_as(self, path: str | Path, *, compress_to_fp16: bool = False) -> Task | None:
        doc = self.document
        if doc is None:
            return None

        def work(progress, cancel) -> Path:
            progress(-1.0, "Saving")
            return doc.save_ir(path, compress_to_fp16=compress_to_fp16)

        return self.runner.start(
            work,
            on_success=lambda p: self.statusBar().showMessage(f"Saved {p}", 8000),
            on_failure=lambda e: self.show_error("Cannot save model", e),
        )

    # -- recent files -------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = QSettings().value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        p = str(path.resolve())
        files = [p] + [f for f in self.recent_files() if f != p]
        settings = QSettings()
        settings.setValue("recent_files", files[:MAX_RECENT])
        settings.sync()
        self._refresh_recent_menu()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, f in enumerate(files):
            action = self.recent_menu.addAction(f"&{(i + 1) % 10} {Path(f).name}")
            action.setToolTip(f)
            action.triggered.connect(lambda _=False, f=f: self.open_path(f))
        self.recent_menu.setEnabled(bool(files))

    # -- drag and drop ------------------------------------------------------------------------
    @staticmethod
    def _model_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        if not event.mimeData().hasUrls():
            return []
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        return [p for p in paths if p.suffix.lower() in (*MODEL_SUFFIXES, ".bin")]

    def _extra_drop(self, event: QDragEnterEvent | QDropEvent, drop: bool) -> bool:
        """Files that are not models (a .bin counts as one only beside its .xml) go to the extra handlers."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        models = [p for p in paths if p.suffix.lower() in MODEL_SUFFIXES or (
            p.suffix.lower() == ".bin" and p.with_suffix(".xml").is_file())]
        if not paths or models:
            return False
        return any(handler(paths, drop) for handler in self.extra_drop_handlers)

    def drop_hint(self, event: QDragEnterEvent | QDropEvent) -> tuple[str, bool] | None:
        """What dropping the dragged files would do, and whether it is accepted (None: not files)."""
        if not event.mimeData().hasUrls():
            return None
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return None
        models = self._model_paths(event)
        if models:
            name = resolve_model_path(models[0]).name if models[0].suffix.lower() == ".bin" else models[0].name
            return f"Drop to open {name}", True
        if self._extra_drop(event, False):
            names = ", ".join(p.name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
            return f"Drop to load {names} as a model input (Run tab)", True
        what = "a model to open" if self.document is None else "a model, or an input for the Run tab"
        return f"{paths[0].name} is not {what}", False

    def _drag_enter(self, event: QDragEnterEvent) -> bool:
        hint = self.drop_hint(event)
        if hint is None:
            return False
        text, accepted = hint
        self.drop_overlay.show_hint(text, accepted, self.centralWidget())
        if accepted:
            event.acceptProposedAction()
        else:
            event.ignore()
        return True

    def _drop(self, event: QDropEvent) -> bool:
        self.drop_overlay.hide()
        if self._extra_drop(event, True):
            event.acceptProposedAction()
            return True
        paths = self._model_paths(event)
        if paths:
            event.acceptProposedAction()
            self.open_path(paths[0])
            return True
        return False

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self._drag_enter(event):
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Files dragged over widgets that would take any drag themselves (the graph) go to the window."""
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and event.mimeData().hasUrls():
            if kind == QEvent.Type.DragEnter:
                if not self._drag_enter(event):
                    event.ignore()
            elif self.drop_overlay.isVisible() and self.drop_overlay.accepted:
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop and event.mimeData().hasUrls():
            if not self._drop(event):
                event.ignore()
            return True
        if kind == QEvent.Type.DragLeave:
            self.drop_overlay.hide()
        return super().eventFilter(watched, event)

    # -- misc ---------------------------------------------------------------------------------
    def _about(self) -> None:
        from ovexplorer import __version__

        text = f"ovexplorer {__version__}\nA desktop explorer for OpenVINO models."
        QMessageBox.about(self, "About ovexplorer", text)

    def show_shortcuts(self) -> HelpDialog:
        return self._show_help("Keyboard Shortcuts — ovexplorer", shortcuts_html(self))

    def show_first_steps(self) -> HelpDialog:
        return self._show_help("First Steps — ovexplorer", FIRST_STEPS)

    def _show_help(self, title: str, html: str) -> HelpDialog:
        if self.help_dialog is not None:
            self.help_dialog.close()
        dialog = HelpDialog(title, html, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _=None, d=dialog: self._forget_help(d))
        dialog.show()
        self.center_dialog(dialog)
        self.help_dialog = dialog
        return dialog

    def _forget_help(self, dialog: HelpDialog) -> None:
        if self.help_dialog is dialog:
            self.help_dialog = None

    def save_layout(self) -> None:
        """Remember this window's geometry, docks, splitters and tab (the next window starts from them)."""
        save_window_state(self, self.tabs)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.runner.cancel_all()
        self.runner.wait(5000)
        if self.document is not None:
            # every panel lets go of what it holds for the model (compiled sessions: on Windows they lock the .bin)
            self.set_document(None)
        super().closeEvent(event)


def _install_weights_panel(window: MainWindow):
    from ovexplorer.ui.weights.weights_panel import WeightsPanel

    panel = WeightsPanel(window)
    window.add_panel(panel, "Weights")
    window.weights_panel = panel
    return panel


def _install_latency_panel(window: MainWindow):
    from ovexplorer.ui.latency.latency_panel import install_latency_panel

    return install_latency_panel(window)


def _warm_up_helpers(doc: ModelDocument, progress: ProgressFn, cancel: CancelToken) -> None:
    """Big weights start the statistics helpers ahead (processes: after the first screen, not during it)."""
    from ovexplorer.core.weights.statistics import warm_up_helpers

    if doc.model is not None:  # still open
        warm_up_helpers(doc)


def quit_application() -> None:
    """File > Quit: close every window (each saves its layout and stops its work), then quit."""
    QApplication.closeAllWindows()
    if not any(isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets()):
        QApplication.quit()
