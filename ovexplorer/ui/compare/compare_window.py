"""The comparison window: A and B side by side (the Graph tab's panel, twice), coloured by status or by layer
error, with synchronised selection; below, the differences, the weights diff, outputs and activations, the
decoded answers side by side, and latency A/B. Every long step runs in a worker with progress and Cancel; the
state lives in :class:`ovexplorer.core.compare.compare_state.CompareState`."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.compare.answers import answer_kind, compare_answers, run_and_answer
from ovexplorer.core.compare.compare_state import CompareState
from ovexplorer.core.compare.latency_ab import latency_ab
from ovexplorer.core.compare.pair import compare_weights, open_pair
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.ui.compare.activations_view import ActivationsView
from ovexplorer.ui.compare.answers_view import AnswersView
from ovexplorer.ui.compare.differences_view import DifferencesView
from ovexplorer.ui.compare.latency_view import LatencyView
from ovexplorer.ui.compare.view_sync import ViewSync
from ovexplorer.ui.compare.weights_view import WeightsDiffView
from ovexplorer.ui.graph.graph_pane import make_graph_pane
from ovexplorer.ui.run.image_decode import decode_image
from ovexplorer.ui.shell.workers import Task, TaskRunner

#: Graphs of up to this many nodes open with every group expanded.
EXPAND_UP_TO = 800
#: A selected node is shown at least at this scale.
READABLE = 0.7


class _Side(QWidget):
    """One model's graph with its title and the caption of its selected node."""

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.title = QLabel(f"<b>{label}</b>", self)
        self.caption = QLabel("", self)
        self.caption.setWordWrap(True)
        self.panel = make_graph_pane(self)
        self.panel.horizontal_action.setChecked(True)  # side by side, each graph is wide rather than tall
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.caption)
        layout.addWidget(self.panel, 1)


class CompareWindow(QMainWindow):
    """Compares model ``path_a`` (the reference) with ``path_b``."""

    def __init__(self, path_a: str | Path, path_b: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path_a, self.path_b = Path(path_a), Path(path_b)
        self.setWindowTitle(f"Compare {self.path_a.name} with {self.path_b.name} — ovexplorer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.state = CompareState()
        self.runner = TaskRunner(self)
        self.task: Task | None = None
        self._running = False
        self.side_a, self.side_b = _Side(f"A: {self.path_a}", self), _Side(f"B: {self.path_b}", self)
        graphs = QSplitter(Qt.Orientation.Horizontal, self)
        graphs.addWidget(self.side_a)
        graphs.addWidget(self.side_b)
        self.differences = DifferencesView(self.state, self)
        self.weights = WeightsDiffView(self.state, self)
        self.activations = ActivationsView(self.state, self)
        self.answers = AnswersView(self.state, self)
        self.latency = LatencyView(self.state, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.differences, "Differences")
        self.tabs.addTab(self.weights, "Weights")
        self.tabs.addTab(self.activations, "Outputs && layers")
        self.tabs.addTab(self.answers, "Answers")
        self.tabs.addTab(self.latency, "Latency A/B")
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(graphs)
        split.addWidget(self.tabs)
        split.setSizes([560, 340])
        self.setCentralWidget(split)
        self.status = QLabel("", self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        bar = self.statusBar()
        bar.addWidget(self.status, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        for side, panel in ((0, self.side_a.panel), (1, self.side_b.panel)):
            panel.body_node_selected.connect(lambda _g, node, top, s=side: top and self.state.select(s, node))
            panel.layout_ready.connect(lambda p=panel: self._first_layout(p))
        self._expanded: set[int] = set()
        self._expanding: set[int] = set()
        self.sync = ViewSync(self.state, (self.side_a.panel, self.side_b.panel), self._layouts_in, self)
        self.sync_action = self.sync.action
        self.toolbar = self.addToolBar("Compare")
        self.toolbar.setObjectName("compare_toolbar")
        self.toolbar.addAction(self.sync_action)
        self.state.selection_changed.connect(self._show_selection)
        self.state.coloring_changed.connect(self._apply_coloring)
        self.activations.run_requested.connect(self.run_activations)
        self.answers.answer_requested.connect(self.run_answers)
        self.latency.run_requested.connect(self.run_latency)
        self.latency.round_done.connect(self._latency_round)
        self.resize(1400, 900)
        self._start(open_pair, self.path_a, self.path_b, on_success=self._opened, what="Opening and matching")

    # -- tasks --------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A step is running, or its outcome has not reached this window yet (a task is ``done`` in its worker
        thread before its result signal is delivered here)."""
        return self._running

    def _start(self, fn: Any, *args: Any, on_success: Any, what: str, **kwargs: Any) -> Task | None:
        if self.busy:
            self.status.setText("Wait for the current step to finish (or Cancel it).")
            return None
        self._running = True
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(f"{what}…")
        self.task = self.runner.start(fn, *args, on_success=lambda r: self._finished(on_success, r),
                                      on_failure=self._failed, on_progress=self._on_progress,
                                      on_cancel=lambda: self._ended(f"{what}: cancelled."), **kwargs)
        return self.task

    def _on_progress(self, fraction: float, text: str) -> None:
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        self.status.setText(text)

    def _ended(self, text: str) -> None:
        self._running = False
        self.progress.hide()
        self.cancel_button.hide()
        self.status.setText(text)

    def _finished(self, then: Any, result: Any) -> None:
        self._ended("")
        then(result)

    def _failed(self, exc: BaseException) -> None:
        text = exc.message if isinstance(exc, OvexplorerError) else f"{type(exc).__name__}: {exc}"
        self._ended(text)
        self.status.setStyleSheet("color: #b00")

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def wait(self, msecs: int = 60000) -> bool:
        return self.runner.wait(msecs)

    # -- steps --------------------------------------------------------------------------------
    def _opened(self, result: tuple) -> None:
        doc_a, doc_b, comparison = result
        self.side_a.panel.set_document(doc_a)
        self.side_b.panel.set_document(doc_b)
        self.state.set_comparison(doc_a, doc_b, comparison, answer_kind(doc_a))
        self.status.setStyleSheet("")
        self.status.setText(comparison.summary_text())
        self._start(compare_weights, comparison, doc_a, doc_b, on_success=self._weights_done,
                    what="Comparing weights")

    def _weights_done(self, rows: list) -> None:
        self.state.set_weights(rows)
        c = self.state.comparison
        self.status.setText(c.summary_text() if c is not None else "")

    def run_activations(self, seed: int, input_path: str, layers: bool) -> Task | None:
        st = self.state
        if st.comparison is None:
            return None
        self.tabs.setCurrentWidget(self.activations)
        return self._start(run_and_answer, st.doc_a, st.doc_b, st.comparison, seed=seed,
                           input_files=[input_path] if input_path else [], layers=layers, decode=decode_image,
                           prompt=self.answers.prompt.text(), decoders=st.decoders, on_success=self._ran,
                           what="Running A and B")

    def _ran(self, result: tuple) -> None:
        outputs, layers, notes, answers = result
        self.state.set_activations(outputs, layers, notes)
        self.state.set_answers(answers)

    def run_answers(self, prompt: str) -> Task | None:
        """Decode A's and B's answers for the Outputs tab's input (pictures) or ``prompt`` (language models)."""
        st = self.state
        if st.comparison is None:
            return None
        path = self.activations.input_path
        return self._start(compare_answers, st.doc_a, st.doc_b, pictures=[path] if path else [],
                           decode=decode_image, prompt=prompt, decoders=st.decoders,
                           on_success=self.state.set_answers,
                           what="Decoding the answers of A and B")

    def run_latency(self, rounds: int, seconds: float) -> Task | None:
        if self.state.comparison is None:
            return None
        return self._start(latency_ab, self.path_a, self.path_b, rounds=rounds, seconds=seconds,
                           on_round=self.latency.round_done.emit, on_success=self.state.set_latency,
                           what="Benchmarking A and B")

    def _latency_round(self, result: Any) -> None:
        """A round is in: shown at once (the plot and the speed-up so far) while the next ones run."""
        if self._running:
            self.state.set_latency(result)

    # -- graphs -------------------------------------------------------------------------------
    def _apply_coloring(self) -> None:
        self.side_a.panel.set_node_coloring(self.state.coloring(0))
        self.side_b.panel.set_node_coloring(self.state.coloring(1))

    def _first_layout(self, panel: Any) -> None:
        """A model small enough to read whole opens with every group expanded, so each layer shows its colour;
        a selection made meanwhile is shown once that layout is in."""
        if id(panel) in self._expanding:
            self._expanding.discard(id(panel))
            side = 0 if panel is self.side_a.panel else 1
            node = self.state.selected[side]
            if node is not None:
                panel.select(node, centre=True)
                self._readable(panel, node)
            return
        if id(panel) in self._expanded or panel.frame is None:
            return
        self._expanded.add(id(panel))
        if len(panel.frame.graph.nodes) <= EXPAND_UP_TO:
            self._expanding.add(id(panel))
            panel.expand_all()

    def _layouts_in(self) -> bool:
        """Both graphs have their first layout (expanded when small): from then on they move in step."""
        return len(self._expanded) == 2 and not self._expanding

    def _show_selection(self, a: int | None, b: int | None) -> None:
        with self.sync.paused():  # each graph centres its own node
            self._select_both(a, b)

    def _select_both(self, a: int | None, b: int | None) -> None:
        for side, node, view in ((0, a, self.side_a), (1, b, self.side_b)):
            if node is None:
                view.caption.setText("<i>no counterpart</i>" if (a, b)[1 - side] is not None else "")
                continue
            if id(view.panel) not in self._expanding:
                view.panel.select(node, centre=True)
                self._readable(view.panel, node)
            doc = self.state.doc_a if side == 0 else self.state.doc_b
            n = doc.graph.nodes[node]
            view.caption.setText(f"<b>{escape(n.type)}</b> {escape(n.name)} — "
                                 f"{escape(self.state.describe(side, node))}")

    @staticmethod
    def _readable(panel: Any, node: int) -> None:
        """Zoom in on ``node`` when the graph is drawn too small to read (a whole model fitted in half a window)."""
        view = panel.view
        if view.layout_data is None or panel.frame is None:
            return
        pos = view.scene_pos_of_node(panel.state.visible_target(node))
        if pos is not None and view.current_scale() < READABLE:
            view.zoom_about(READABLE / view.current_scale(), pos)
            view.centerOn(pos)

    def selected_in_graphs(self) -> tuple[int | None, int | None]:
        """The node each graph shows selected (what the user sees highlighted)."""
        return self.side_a.panel.view.item.selected, self.side_b.panel.view.item.selected

    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.cancel_all()
        self.runner.wait(10000)
        self.side_a.panel.set_document(None)
        self.side_b.panel.set_document(None)
        self.state.close()
        super().closeEvent(event)
