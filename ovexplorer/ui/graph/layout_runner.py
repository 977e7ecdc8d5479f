"""Layouts run in a worker, one at a time: a new request cancels the previous one, and the results of a
cancelled or replaced request never arrive. Shows progress in a bar and the layout's counts in a label."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from ovexplorer.core.layout.graph_layout import GraphLayouter, LayoutOptions, first_view
from ovexplorer.core.layout.grouping import Grouping
from ovexplorer.core.model.graph import Graph
from ovexplorer.ui.graph.canvas_data import prepare_canvas
from ovexplorer.ui.shell.workers import Task, TaskRunner


class LayoutRunner:
    """Runs :meth:`GraphLayouter.layout` (and the scene's paths) off the UI thread for a panel."""

    def __init__(self, parent: QWidget) -> None:
        self.runner = TaskRunner(parent)
        self.task: Task | None = None
        self.generation = 0
        self.progress = QProgressBar(parent)
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.status = QLabel(parent)

    def cancel(self) -> None:
        if self.task is not None and not self.task.done:
            self.task.cancel()
        self.task = None
        self.generation += 1
        self.progress.hide()

    def start(self, graph: Graph, options: LayoutOptions, layouter: GraphLayouter | None,
              expanded: frozenset[int] | None, on_done: Callable[[Any], None],
              on_failed: Callable[[BaseException], None], grouping: Grouping | None = None) -> Task:
        """Lay out ``graph`` (reusing ``layouter``'s cache when given, else ``grouping`` when given: the group
        ids of ``expanded``); ``on_done((layouter, layout, canvas))``. Without either and without ``expanded``,
        the first view (:func:`first_view`)."""
        self.cancel()
        generation = self.generation

        def work(progress, cancel):
            if layouter is None and expanded is None and grouping is None:  # a first view (every op if cheap)
                lay_out, layout = first_view(graph, options, progress=progress, cancel=cancel)
            else:
                lay_out = layouter or GraphLayouter(graph, options, grouping)
                layout = lay_out.layout(expanded, progress=progress, cancel=cancel)
            return lay_out, layout, prepare_canvas(layout)  # the scene's paths are built here too

        def done(result: Any) -> None:
            if generation == self.generation:
                self.progress.hide()
                on_done(result)

        def failed(exc: BaseException) -> None:
            if generation == self.generation:
                self.progress.hide()
                self.status.setText("")
                on_failed(exc)

        def progress(fraction: float, text: str) -> None:
            if generation == self.generation:
                self.progress.setValue(int(max(0.0, fraction) * 1000))

        self.progress.setValue(0)
        self.progress.show()
        self.status.setText("Laying out…")
        self.task = self.runner.start(work, on_success=done, on_failure=failed, on_progress=progress)
        return self.task
