"""The main window: the tabs of the panels, the open document, and the pieces around them (menus: menus.py,
opening: open_flow.py, drops: file_drops.py, dialogs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox, QTabWidget, QWidget

from ovexplorer.core.model.document import ModelDocument, file_title
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.core.util.gc_pause import freeze_start_up
from ovexplorer.core.util.tasks import CancelToken, ProgressFn
from ovexplorer.ui.compare.compare_menu import install_compare
from ovexplorer.ui.graph.graph_panel import install_graph_panel
from ovexplorer.ui.run.run_tab import install_run_tab
from ovexplorer.ui.shell.deferred_panels import DeferredPanels
from ovexplorer.ui.shell.file_drops import FileDrops
from ovexplorer.ui.shell.file_watch import ModelFileWatcher
from ovexplorer.ui.shell.heap_release import install_heap_release
from ovexplorer.ui.shell.help_pages import FIRST_STEPS, HelpDialog, shortcuts_html
from ovexplorer.ui.shell.menus import build_window_menus
from ovexplorer.ui.shell.open_flow import OpenFlow, load_document, recent_files
from ovexplorer.ui.shell.summary_panel import SummaryPanel
from ovexplorer.ui.shell.window_state import restore_window_state, save_window_state
from ovexplorer.ui.shell.workers import Task, TaskRunner, share_the_gil_quickly

__all__ = ["MainWindow", "load_document", "quit_application"]


class Panel(Protocol):
    """What a panel offers the window: it is told which document is open."""

    def set_document(self, doc: ModelDocument | None) -> None: ...


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

        self.opener = OpenFlow(self)  # the load in a worker, its progress in the status bar, Open Recent
        build_window_menus(self)  # File, View, Help and the main toolbar (menus.WINDOW_MENUS)
        self.opener.set_recent_menu(self.recent_menu)
        install_run_tab(self)  # the device picker and Run (toolbar, menu); the Run panel when first needed
        self.deferred.add("run_panel", "Run", _install_run_panel, ready=self._run_ready)
        # (its colouring reaches the graph once it has the open model: building it must not clear the colours)
        self.deferred.add("latency_panel", "Latency", _install_latency_panel,
                          ready=lambda panel: panel.node_colors_changed.connect(self.graph_panel.set_node_coloring))
        self.document_changed.connect(self._update_title)
        self.document_changed.connect(self._build_run_for_language_models)
        install_heap_release(self)  # a released model's freed C heap pages go back to the system
        self.graph_panel, self.inspector = install_graph_panel(self)
        install_compare(self)  # File > Compare with…, Tools > Optimize…
        self.file_watcher = ModelFileWatcher(self)  # "model.xml changed on disk — Reload"
        self.drops = FileDrops(self)
        self.drop_overlay = self.drops.overlay
        self.drops.watch(self.graph_panel.view.viewport(), self.summary_panel.browser.viewport(),
                         self.inspector.browser.viewport())
        restore_window_state(self, self.tabs)
        QTimer.singleShot(0, freeze_start_up)  # once up: no full collection walks start-up's objects again

    # -- panels -------------------------------------------------------------------------------
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

    def _run_ready(self, panel) -> None:
        # the Weights tab counts a dynamic model's FLOPs at the shapes set in the Run tab
        panel.inputs_changed.connect(self._run_inputs_changed)
        if self.document is not None:
            self.text_view.set_path(self.document.path)  # (it was not there when the model opened)
            self._run_inputs_changed("")

    def _build_run_for_language_models(self, doc: ModelDocument | None) -> None:
        """A language model's export: the Run tab's text view is built at once (it adds the architecture to the
        Summary), just after the graph's first paint."""
        from ovexplorer.core.text.export_folder import find_export

        if doc is not None and "run_panel" in self.deferred.pending and find_export(doc.path) is not None:
            QTimer.singleShot(0, lambda: self.deferred.build("run_panel") if self.document is doc else None)

    def _weights_ready(self, panel) -> None:
        if "run_panel" in self.__dict__:  # (else no shape was set yet: the Run tab was never shown)
            panel.set_input_shapes(self.run_panel.chosen_shapes())
        self.warm_up_helpers()

    def warm_up_helpers(self) -> None:
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

    # -- the document -------------------------------------------------------------------------
    def open_dialog(self) -> None:
        self.opener.ask()

    def open_path(self, path: str | Path) -> Task:
        """Open a model in a worker; the window stays usable and shows progress."""
        return self.opener.open(path)

    def is_loading(self) -> bool:
        # not the task's own flag: a fast load can be done in its thread before its result is delivered here
        return self.opener.awaiting

    def is_empty(self) -> bool:
        """No model shown and none loading: a file opened from outside may use this window."""
        return self.document is None and not self.is_loading()

    def cancel_loading(self) -> None:
        self.opener.cancel()

    def set_document(self, doc: ModelDocument | None) -> None:
        old = self.document
        self.document = doc
        shown = self.tabs.currentWidget()
        for panel in self.panels:
            panel.set_document(doc)
        self.tabs.setCurrentWidget(shown)  # the tab the user had stays in front
        if old is not None and old is not doc:
            old.close()
        self.document_changed.emit(doc)

    def close_document(self) -> None:
        self.set_document(None)

    def _update_title(self, doc: ModelDocument | None) -> None:
        self.setWindowTitle(f"{file_title(doc.path)}{doc.path.suffix} — ovexplorer" if doc else "ovexplorer")

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
        return recent_files()

    def _add_recent(self, path: Path) -> None:
        self.opener.add_recent(path)

    # -- drag and drop (file_drops.FileDrops) -------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.drops.drag_enter(event):
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()

    def dropEvent(self, event: QDropEvent) -> None:
        self.drops.drop(event)

    # -- misc ---------------------------------------------------------------------------------
    def quit_all(self) -> None:
        quit_application()

    def show_about(self) -> None:
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


def _install_run_panel(window: MainWindow):
    """The Run panel and the views hooked into it: a picture model's Answers, a language model's text view."""
    from ovexplorer.ui.run.run_tab import build_run_panel
    from ovexplorer.ui.text.text_install import install_text_view
    from ovexplorer.ui.vision.run_hook import install_vision_panel

    panel = build_run_panel(window)
    install_vision_panel(window)
    install_text_view(window)  # language models: the text view in the Run tab, the architecture in the Summary
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
