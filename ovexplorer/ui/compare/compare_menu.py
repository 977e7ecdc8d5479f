"""File > Compare with… and Tools > Optimize… in the main window: both open a comparison window (for Optimize,
with the optimized copy as B once NNCF has written it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from ovexplorer.ui.shell.menus import add_menu_action

if TYPE_CHECKING:  # imported when first used: the comparison window brings pyqtgraph, not needed at start-up
    from ovexplorer.ui.compare.compare_window import CompareWindow
    from ovexplorer.ui.compare.optimize_dialog import OptimizeDialog

MODEL_FILTER = "OpenVINO IR (*.xml);;ONNX (*.onnx);;All files (*)"


def open_comparison(window: Any, path_a: str | Path, path_b: str | Path) -> CompareWindow:
    """Open a comparison window of ``path_a`` with ``path_b`` (kept by ``window`` while it is open)."""
    from ovexplorer.ui.compare.compare_window import CompareWindow

    compare = CompareWindow(path_a, path_b)
    window.compare_windows = [w for w in window.compare_windows if w.isVisible()] + [compare]
    compare.show()
    return compare


def compare_with_dialog(window: Any) -> CompareWindow | None:
    doc = window.document
    if doc is None:
        return None
    path, _ = QFileDialog.getOpenFileName(window, f"Compare {doc.path.name} with…", str(doc.path.parent),
                                          MODEL_FILTER)
    return open_comparison(window, doc.path, path) if path else None


def optimize_dialog(window: Any) -> OptimizeDialog | None:
    doc = window.document
    if doc is None:
        return None
    from ovexplorer.ui.compare.optimize_dialog import OptimizeDialog

    dialog = OptimizeDialog(doc.path, window)
    dialog.accepted.connect(lambda: start_optimize(window, dialog))
    window.optimize_dialog_ = dialog
    dialog.open()
    return dialog


def start_optimize(window: Any, dialog: OptimizeDialog) -> Any:
    """Run NNCF in a worker with a progress dialog (Cancel ends it); on success compare the result with A."""
    doc = window.document
    request = dialog.request()
    progress = QProgressDialog(request.describe(), "Cancel", 0, 0, window)
    progress.setWindowTitle("Optimize")
    progress.setMinimumDuration(0)
    window.optimize_progress = progress

    def done(result: Any) -> None:
        progress.reset()
        note = "; ".join(result.warnings)
        window.statusBar().showMessage(f"Wrote {result.path}" + (f" — warning: {note}" if note else ""), 15000)
        window.optimize_result = result
        open_comparison(window, request.model, result.path)

    def failed(exc: BaseException) -> None:
        progress.reset()
        window.show_error("Cannot optimize the model", exc)

    def cancelled() -> None:
        progress.reset()
        window.statusBar().showMessage("Optimization cancelled; nothing was written.", 10000)

    from ovexplorer.core.compare.optimize import optimize_model  # (NNCF's side: not needed at start-up)
    from ovexplorer.ui.run.image_decode import decode_image

    task = window.runner.start(optimize_model, request, open_paths=(doc.path,) if doc is not None else (),
                               decode=decode_image, on_success=done, on_failure=failed, on_cancel=cancelled,
                               on_progress=lambda f, t: progress.setLabelText(t))
    progress.canceled.connect(task.cancel)
    window.optimize_task = task
    return task


def install_compare(window: Any) -> None:
    """Add File > Compare with… and Tools > Optimize… to ``window`` (enabled while a model is open)."""
    window.compare_windows = []
    compare_action = QAction("Compare &with…", window)
    compare_action.setStatusTip("Open another model and compare it with this one, layer by layer")
    compare_action.triggered.connect(lambda: compare_with_dialog(window))
    optimize_action = QAction("&Optimize…", window)
    optimize_action.setStatusTip("Make an optimized copy with NNCF (INT8/INT4 weights, INT8) and compare it")
    optimize_action.triggered.connect(lambda: optimize_dialog(window))
    add_menu_action(window, "File", compare_action, needs_model=True)
    add_menu_action(window, "Tools", optimize_action, needs_model=True)
    window.compare_action, window.optimize_action = compare_action, optimize_action
