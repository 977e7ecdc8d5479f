"""The export dialog of the Graph tab: asks where, says what is written (see :data:`EXPORT_KINDS`), lays out every
group in a worker when asked to, and reports the saved path."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from ovexplorer.core.layout.graph_layout import GraphLayouter
from ovexplorer.ui.graph.canvas_data import prepare_canvas
from ovexplorer.ui.graph.graph_export import EXPORT_KINDS, export_layout, export_start_dir, remember_export_dir
from ovexplorer.ui.shell.workers import Task, TaskRunner


class GraphExporter(QObject):
    """Exports for one :class:`GraphPanel`; ``exported(path, what)`` after each file written."""

    exported = Signal(str, str)

    def __init__(self, panel: Any) -> None:
        super().__init__(panel)
        self.panel = panel
        self.runner = TaskRunner(self)  # the every-group-expanded layout of an export
        self.task: Task | None = None

    def ask(self, suffix: str, kind: str) -> None:
        """Ask where to write ``kind`` (see :data:`EXPORT_KINDS`) as ``suffix``; the dialog says what is exported
        and starts in the last export folder (or Pictures/Documents); the status bar confirms the saved path."""
        frame = self.panel.frame
        if self.panel.view.layout_data is None or frame is None:
            return
        doc = self.panel.state.document
        name = (doc.path.stem if doc is not None else "graph") + f".{suffix}"
        what = EXPORT_KINDS[kind]
        path, _ = QFileDialog.getSaveFileName(self.panel, f"Export graph: {what} ({suffix.upper()})",
                                              str(export_start_dir() / name), f"{suffix.upper()} (*.{suffix})")
        if not path:
            return
        if not path.lower().endswith(f".{suffix}"):
            path += f".{suffix}"
        if kind == "expanded":
            expanded = self.panel.state.all_expanded()
            graph, options = frame.graph, self.panel.state.options  # a layouter of its own: the view's is in use
            self.panel.layouts.status.setText("Laying out every group for the export…")
            task = self.runner.start(
                lambda progress, cancel: _expanded_layout(GraphLayouter(graph, options), expanded, progress, cancel),
                on_success=lambda result: self._write_export(path, what, result),
                on_failure=lambda exc: self._export_failed(path, exc))
            self.task = task
            return
        self._write_export(path, what, None)

    def _write_export(self, path: str, what: str, expanded: Any) -> None:
        if expanded is not None and self.panel.view.layout_data is not None:
            layout = self.panel.view.layout_data
            self.panel.layouts.status.setText(f"{len(layout.nodes)} nodes · {len(layout.groups)} groups · "
                                              f"{layout.crossings} crossings")
        try:
            if expanded is None:
                written = self.panel.export(path, whole=what != EXPORT_KINDS["view"])
            else:
                coloring = self.panel.state.shown_coloring() if self.panel.state.at_top else None
                written = export_layout(*expanded, path, show_edge_labels=self.panel.shapes_action.isChecked(),
                                        node_colors=coloring.colors if coloring is not None else None)
        except OSError as exc:
            self._export_failed(path, exc)
            return
        remember_export_dir(written)
        self.exported.emit(str(written), what)

    def _export_failed(self, path: str, exc: BaseException) -> None:
        if self.panel.window_ is not None:
            self.panel.window_.show_error("Cannot export the graph", f"Could not write {path}: {exc}")


def _expanded_layout(layouter, expanded, progress, cancel):
    """(layout, canvas) of ``layouter``'s graph with ``expanded`` groups open (in a worker)."""
    layout = layouter.layout(expanded, progress=progress, cancel=cancel)
    return layout, prepare_canvas(layout)
