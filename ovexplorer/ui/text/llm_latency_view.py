"""LLM latency: time to first token, time per output token, tokens/s and per-token latency at the prompt and
output lengths the user sets, and a sweep over prompt lengths plotted as it runs (work in a worker)."""

from __future__ import annotations

from collections import deque

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ovexplorer.core.text.llm_latency import LatencyPoint, genai_generate, measure_latency, sweep_prompt_lengths
from ovexplorer.core.text.text_state import TextModel
from ovexplorer.core.util.errors import InputError, OvexplorerError
from ovexplorer.ui.shell.workers import Task, TaskRunner


def parse_lengths(text: str) -> list[int]:
    try:
        lengths = sorted({int(t) for t in text.replace(",", " ").split()})
    except ValueError as exc:
        raise InputError(f"Prompt lengths must be whole numbers: {exc}") from exc
    if not lengths or lengths[0] < 1:
        raise InputError("Give at least one prompt length of 1 token or more.")
    return lengths


class LlmLatencyView(QWidget):
    """Measure one point or sweep prompt lengths; plots TTFT/TPOT over prompt length and per-token latency."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.model: TextModel | None = None
        self.points: list[LatencyPoint] = []
        self._incoming: deque[LatencyPoint] = deque()
        self.task: Task | None = None
        self.prompt_tokens = QSpinBox(self)
        self.prompt_tokens.setRange(1, 1 << 20)
        self.prompt_tokens.setValue(32)
        self.new_tokens = QSpinBox(self)
        self.new_tokens.setRange(2, 1 << 16)
        self.new_tokens.setValue(32)
        self.rounds = QSpinBox(self)
        self.rounds.setRange(1, 100)
        self.rounds.setValue(3)
        self.lengths = QLineEdit("8 16 32 64", self)
        self.use_genai = QCheckBox("through openvino-genai", self)
        self.use_genai.setToolTip("Full export folders: time openvino-genai's LLMPipeline (as deployed); otherwise "
                                  "the app's own loop over the model")
        self.measure_button = QPushButton("Measure", self)
        self.sweep_button = QPushButton("Sweep prompt lengths", self)
        self.stop_button = QPushButton("Stop", self)
        self.measure_button.clicked.connect(self.measure)
        self.sweep_button.clicked.connect(self.sweep)
        self.stop_button.clicked.connect(self.stop)
        self.result = QLabel("Set a prompt length and an output length, then Measure.", self)
        self.result.setWordWrap(True)
        self.sweep_plot = pg.PlotWidget(self)
        self.per_token_plot = pg.PlotWidget(self)
        for plot, x, y in ((self.sweep_plot, "prompt tokens", "ms"), (self.per_token_plot, "output token", "ms")):
            plot.setBackground("w")
            plot.showGrid(x=True, y=True, alpha=0.3)
            plot.setLabel("bottom", x)
            plot.setLabel("left", y)
            plot.setMinimumHeight(140)
        self.sweep_plot.addLegend()
        self.ttft_curve = self.sweep_plot.plot([], [], pen=pg.mkPen("#d95f02", width=2), symbol="o", name="TTFT")
        self.tpot_curve = self.sweep_plot.plot([], [], pen=pg.mkPen("#1b9e77", width=2), symbol="s", name="TPOT")
        self.per_token_curve = self.per_token_plot.plot([], [], pen=pg.mkPen("#7570b3", width=2), symbol="o",
                                                        symbolSize=5)
        row = QHBoxLayout()
        for label, w in (("Prompt tokens", self.prompt_tokens), ("Output tokens", self.new_tokens),
                         ("Rounds", self.rounds), ("Sweep", self.lengths)):
            row.addWidget(QLabel(label, self))
            row.addWidget(w)
        buttons = QHBoxLayout()
        for b in (self.measure_button, self.sweep_button, self.stop_button, self.use_genai):
            buttons.addWidget(b)
        buttons.addStretch(1)
        plots = QHBoxLayout()
        plots.addWidget(self.sweep_plot)
        plots.addWidget(self.per_token_plot)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addLayout(plots, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._drain)
        self._set_running(False)

    def set_model(self, model: TextModel | None) -> None:
        self.stop()
        self.model = model
        full = model is not None and model.export.is_full_export
        self.use_genai.setEnabled(full)
        self.use_genai.setChecked(full)
        self.points = []
        self._redraw()
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        ok = self.model is not None and self.model.is_decoder
        self.measure_button.setEnabled(ok and not running)
        self.sweep_button.setEnabled(ok and not running)
        self.stop_button.setEnabled(running)

    def measure(self) -> Task | None:
        return self._start([self.prompt_tokens.value()])

    def sweep(self) -> Task | None:
        try:
            lengths = parse_lengths(self.lengths.text())
        except InputError as exc:
            self.result.setText(exc.message)
            return None
        return self._start(lengths)

    def _start(self, lengths: list[int]) -> Task | None:
        if self.model is None or not self.model.is_decoder or self.task is not None:
            return None
        new, rounds, context = self.new_tokens.value(), self.rounds.value(), self.model.arch.context
        model, use_genai = self.model, self.use_genai.isChecked() and self.use_genai.isEnabled()
        if context is not None and lengths[0] + new > context:
            self.result.setText(f"{lengths[0]} prompt tokens + {new} output tokens exceed the model's context of "
                                f"{context} tokens.")
            return None
        incoming = self._incoming = deque()
        self.points = []

        def work(progress, cancel) -> list[LatencyPoint]:
            session = model.decoder  # compiled here on first use
            generate = genai_generate(model.genai()) if use_genai else None
            if len(lengths) == 1:
                point = measure_latency(session, lengths[0], new, rounds=rounds, cancel=cancel, generate=generate)
                incoming.append(point)
                return [point]
            return sweep_prompt_lengths(session, lengths, new, rounds=rounds, progress=progress, cancel=cancel,
                                        on_point=incoming.append, generate=generate)

        self.result.setText("Measuring…")
        self.task = self.runner.start(work, on_success=self._done, on_failure=self._failed,
                                      on_cancel=self._cancelled)
        self._set_running(True)
        self.timer.start()
        return self.task

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _drain(self) -> None:
        while self._incoming:
            self.points.append(self._incoming.popleft())
        self._redraw()

    def _finish(self) -> None:
        self.task = None
        self.timer.stop()
        self._drain()
        self._set_running(False)

    def _done(self, _points: list[LatencyPoint]) -> None:
        self._finish()

    def _cancelled(self) -> None:
        self._finish()
        self.result.setText(self.result.text() + " (stopped)")

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.result.setText(exc.message if isinstance(exc, OvexplorerError) else str(exc))

    def _redraw(self) -> None:
        pts = self.points
        self.ttft_curve.setData([p.prompt_tokens for p in pts], [p.ttft * 1e3 for p in pts])
        self.tpot_curve.setData([p.prompt_tokens for p in pts], [p.tpot * 1e3 for p in pts])
        if pts:
            last = pts[-1]
            self.per_token_curve.setData(list(range(1, len(last.per_token) + 1)), [s * 1e3 for s in last.per_token])
            self.result.setText(
                f"prompt {last.prompt_tokens} tokens, {last.new_tokens} output tokens: TTFT {last.ttft * 1e3:.2f} ms, "
                f"TPOT {last.tpot * 1e3:.3f} ms, {last.tokens_per_second:.1f} tokens/s (median of rounds, "
                f"{'openvino-genai' if self.use_genai.isChecked() and self.use_genai.isEnabled() else 'own loop'})")
        else:
            self.per_token_curve.setData([], [])
