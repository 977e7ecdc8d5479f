"""The text view in the Run tab: type a prompt, see its tokens, the next-token distribution, and a generation
streaming in (Stop keeps the partial text); for encoders, fill-mask, token labels and the similarity of two
texts. All model work runs in workers; the view drains streamed tokens on a 30 ms timer."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.text.decoder import GenerationResult, NextToken
from ovexplorer.core.text.export_folder import find_export
from ovexplorer.core.text.text_state import TextModel, TokenStream, open_text_model
from ovexplorer.core.text.token_inputs import fill_token_inputs
from ovexplorer.core.text.tokenizer import Tokens
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.ui.shell.workers import Task, TaskRunner
from ovexplorer.ui.text.encoder_actions import EncoderActions, encoder_placeholder
from ovexplorer.ui.text.generation_options import GenerationOptions
from ovexplorer.ui.text.token_spans import TokenSpans

if TYPE_CHECKING:
    from ovexplorer.ui.text.llm_latency_view import LlmLatencyView
    from ovexplorer.ui.text.next_token_chart import NextTokenChart

_DRAIN_MS = 30
_TOKENIZE_DELAY_MS = 200


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, OvexplorerError) else f"{type(exc).__name__}: {exc}"


class TextView(EncoderActions, QWidget):
    """Prompt -> tokens -> next token / generation, for the export the open model belongs to."""

    opened = Signal(object)  # TextModel | None
    #: the prompt's tokens as values of the model's token inputs: {input name: array} (the Run table takes them)
    inputs_ready = Signal(object)
    generation_finished = Signal(object)  # GenerationResult

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None, device: Any = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.device = device or (lambda: "CPU")
        self.model: TextModel | None = None
        self.tokens: Tokens | None = None
        self.result: GenerationResult | None = None
        self.stream = TokenStream()
        self._open_task: Task | None = None
        self._gen_task: Task | None = None
        self._build()
        self.drain_timer = QTimer(self)
        self.drain_timer.setInterval(_DRAIN_MS)
        self.drain_timer.timeout.connect(self._drain)
        self.tokenize_timer = QTimer(self)
        self.tokenize_timer.setSingleShot(True)
        self.tokenize_timer.setInterval(_TOKENIZE_DELAY_MS)
        self.tokenize_timer.timeout.connect(self.tokenize)
        self.prompt.textChanged.connect(self.tokenize_timer.start)
        self.set_path(None)

    def _build(self) -> None:
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.prompt = QPlainTextEdit(self)
        self.prompt.setPlaceholderText("Type a prompt…")
        self.prompt.setMaximumHeight(90)
        self.second = QLineEdit(self)
        self.second.setPlaceholderText("A second text, to compare embeddings (cosine similarity)")
        self.options = GenerationOptions(self)
        self.next_button = QPushButton("Next token", self)
        self.generate_button = QPushButton("Generate", self)
        self.stop_button = QPushButton("Stop", self)
        self.fill_button = QPushButton("Fill [MASK]", self)
        self.compare_button = QPushButton("Similarity", self)
        self.labels_button = QPushButton("Label tokens", self)
        self.labels_button.setToolTip("Token classification: each token's label (id2label from config.json)")
        self.labels_button.clicked.connect(self.label_tokens)
        self.embedding_button = QPushButton("Embedding", self)
        self.embedding_button.setToolTip("The text's pooled embedding (pooler output, else the mean of its tokens)")
        self.embedding_button.clicked.connect(self.embedding)
        self.inputs_button = QPushButton("Use as inputs", self)
        self.inputs_button.setToolTip("Fill the model's token inputs below (ids, attention mask, position ids, "
                                      "beam index, token types) from the prompt's tokens")
        self.inputs_button.clicked.connect(self.use_as_inputs)
        self.next_button.clicked.connect(self.next_token)
        self.generate_button.clicked.connect(self.generate)
        self.stop_button.clicked.connect(self.stop)
        self.fill_button.clicked.connect(self.fill_mask)
        self.compare_button.clicked.connect(self.compare)
        buttons = QHBoxLayout()
        for b in (self.next_button, self.generate_button, self.stop_button, self.fill_button, self.labels_button,
                  self.embedding_button, self.compare_button, self.inputs_button):
            buttons.addWidget(b)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.spans = TokenSpans(self)
        # the chart and the latency view bring pyqtgraph (0.2 s of imports): built when a language model opens,
        # not at start-up for every window (see the chart and latency properties)
        self._chart: NextTokenChart | None = None
        self._latency: LlmLatencyView | None = None
        self._chart_slot = QWidget(self)
        self.output = QPlainTextEdit(self)
        self.output.setReadOnly(True)
        self.output.setPlaceholderText("Generated text streams here")
        lower = QSplitter(self)
        lower.addWidget(self.spans)
        lower.addWidget(self._chart_slot)
        lower.addWidget(self.output)
        lower.setSizes([300, 260, 300])
        self._lower = lower
        text_page = QWidget(self)
        page = QVBoxLayout(text_page)
        page.setContentsMargins(0, 0, 0, 0)
        for w in (self.prompt, self.second, self.options):
            page.addWidget(w)
        page.addLayout(buttons)
        page.addWidget(lower, 1)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(text_page, "Text")
        self.tabs.addTab(QWidget(self), "LLM latency")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)

    @property
    def chart(self) -> NextTokenChart:
        """The next-token bar chart (built on first use)."""
        if self._chart is None:
            from ovexplorer.ui.text.next_token_chart import NextTokenChart

            self._chart = NextTokenChart(self)
            self._lower.replaceWidget(self._lower.indexOf(self._chart_slot), self._chart)
            self._chart_slot.deleteLater()
        return self._chart

    @property
    def latency(self) -> LlmLatencyView:
        """The LLM latency page (built on first use)."""
        if self._latency is None:
            from ovexplorer.ui.text.llm_latency_view import LlmLatencyView

            self._latency = LlmLatencyView(self.runner, self)
            current = self.tabs.currentIndex()
            placeholder = self.tabs.widget(1)
            self.tabs.removeTab(1)
            self.tabs.insertTab(1, self._latency, "LLM latency")
            self.tabs.setCurrentIndex(current)
            placeholder.deleteLater()
        return self._latency

    # -- opening ------------------------------------------------------------------------------
    def set_path(self, path: Path | None) -> bool:
        """Open the export ``path`` belongs to (in a worker); hide the view when it is not a language model."""
        if self._open_task is not None:
            self._open_task.cancel()
        self.stop()
        self.model = None
        self.tokens = None
        if self._latency is not None:
            self._latency.set_model(None)
        if self._chart is not None:
            self._chart.show_next(None)
        self.spans.show_tokens(None)
        self.output.clear()
        self.result = None
        self.show_status("")
        export = find_export(path) if path is not None else None
        self.setVisible(export is not None)
        self._set_enabled()
        if export is None:
            return False
        self.header.setText(f"<b>Language model</b> {escape(export.folder.name)}: opening…")
        self._open_task = self.runner.start(open_text_model, export.model, self.device(),
                                            on_success=self._opened, on_failure=self._open_failed)
        return True

    def _opened(self, model: TextModel | None) -> None:
        if self.sender() is not (self._open_task.signals if self._open_task else None):
            return
        self.model = model
        self._open_task = None
        if model is None:
            return
        self.header.setText(f"<b>Language model</b> {escape(model.export.folder.name)}: {escape(model.headline())}")
        self.latency.set_model(model if model.is_decoder else None)
        self._set_enabled()
        self.opened.emit(model)
        if self.prompt.toPlainText():
            self.tokenize()

    def _open_failed(self, exc: BaseException) -> None:
        self._open_task = None
        self.header.setText(f"<b>Language model</b>: {escape(_message(exc))}")
        self.show_status(_message(exc), error=True)
        self.opened.emit(None)

    def _set_enabled(self) -> None:
        m = self.model
        generating = self._gen_task is not None
        decoder = m is not None and m.is_decoder
        tasks = m.tasks if m is not None else ("next token", "generation")
        for button in (self.next_button, self.generate_button, self.stop_button, self.options):
            button.setVisible("generation" in tasks)
        self.fill_button.setVisible("fill-mask" in tasks)
        self.labels_button.setVisible("token labels" in tasks)
        self.embedding_button.setVisible("embeddings" in tasks)
        self.compare_button.setVisible("similarity" in tasks)
        self.second.setVisible("similarity" in tasks)
        self.tabs.setTabVisible(1, "generation" in tasks)  # LLM latency: time to first token, time per token
        if "generation" not in tasks and self.tabs.currentIndex() == 1:
            self.tabs.setCurrentIndex(0)
        self.output.setPlaceholderText("Generated text streams here" if "generation" in tasks
                                       else encoder_placeholder(tasks))
        self.next_button.setEnabled(decoder and not generating)
        self.generate_button.setEnabled(decoder and not generating)
        self.stop_button.setEnabled(generating)

    def show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #a00000; font-weight: bold;" if error else "")

    # -- tokens -------------------------------------------------------------------------------
    def tokenize(self) -> Task | None:
        if self.model is None:
            return None
        text = self.prompt.toPlainText()
        return self.runner.start(lambda progress, cancel: self.model.tokenize(text), on_success=self._tokenized,
                                 on_failure=lambda exc: self.show_status(_message(exc), error=True))

    def _tokenized(self, tokens: Tokens) -> None:
        if tokens.text != self.prompt.toPlainText():
            return  # an older text
        self.tokens = tokens
        self.spans.show_tokens(tokens)
        limit = self.model.arch.context if self.model else None
        if limit is not None and len(tokens) > limit:
            self.show_status(f"The prompt has {len(tokens):,} tokens, more than the model's context of {limit:,}.",
                             error=True)
        else:
            self.show_status(f"{len(tokens)} tokens")

    def _with_tokens(self, fn, on_success) -> Task | None:
        """Run ``fn(tokens)`` in a worker on the current prompt's tokens (tokenizing it first)."""
        if self.model is None:
            return None
        model, text = self.model, self.prompt.toPlainText()

        def work(progress, cancel):
            tokens = model.tokenize(text)
            return tokens, fn(tokens, cancel)

        def done(pair) -> None:
            self._tokenized(pair[0])
            on_success(pair[1])

        return self.runner.start(work, on_success=done, on_failure=self._failed)

    def use_as_inputs(self) -> Task | None:
        """Emit :attr:`inputs_ready` with every token input filled for the prompt (the past of a stateless model's
        KV cache empty)."""
        model = self.model
        if model is None:
            return None

        def values(tokens: Tokens, cancel) -> dict:
            feed = fill_token_inputs(model.model.inputs, tokens.ids, extra=tokens.extra)
            if model.is_decoder:
                feed.update({name: np.zeros(dims, dtype) for name, (dims, dtype) in model.decoder.kv_shapes.items()})
            return feed

        return self._with_tokens(values, self.inputs_ready.emit)

    def _failed(self, exc: BaseException) -> None:
        self.show_status(_message(exc), error=True)

    def next_token(self) -> Task | None:
        model = self.model
        return self._with_tokens(lambda tokens, cancel: model.next_token(tokens, 10), self._show_next)

    def _show_next(self, nxt: NextToken) -> None:
        self.chart.show_next(nxt)

    # -- generation ---------------------------------------------------------------------------
    def generate(self) -> Task | None:
        if self.model is None or self._gen_task is not None:
            return None
        model, text = self.model, self.prompt.toPlainText()
        max_new, sampling = self.options.max_new.value(), self.options.sampling()
        use_genai = self.options.use_genai.isChecked()
        stream = self.stream = TokenStream()

        def work(progress, cancel) -> GenerationResult:
            tokens = model.tokenize(text)
            return model.generate(tokens, max_new, sampling, use_genai=use_genai, on_token=stream.put, cancel=cancel)

        self.output.clear()
        self.result = None
        self.show_status("Generating…")
        self._gen_task = self.runner.start(work, on_success=self._generated, on_failure=self._generation_failed)
        self._set_enabled()
        self.drain_timer.start()
        return self._gen_task

    def stop(self) -> None:
        if self._gen_task is not None:
            self._gen_task.cancel()
            self.show_status("Stopping…")

    @property
    def generating(self) -> bool:
        return self._gen_task is not None

    def _drain(self) -> None:
        events = self.stream.drain()
        if events:
            cursor = self.output.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            cursor.insertText("".join(e.text for e in events))
            self.show_status(f"Generating… {events[-1].index + 1} tokens")
        elif self._gen_task is None:
            self.drain_timer.stop()

    def _generated(self, result: GenerationResult) -> None:
        self._drain()
        self._gen_task = None
        self.result = result
        self.output.setPlainText(result.text)
        if result.first_step is not None:
            self.chart.show_next(result.first_step)
        how = {"stopped": "stopped", "eos": "end of sequence", "length": "done",
               "context": "context full"}.get(result.reason, result.reason)
        self.show_status(f"{len(result.tokens)} tokens ({how}): first token {result.ttft * 1e3:.1f} ms, then "
                         f"{result.tpot * 1e3:.2f} ms per token, {result.tokens_per_second:.1f} tokens/s")
        self._set_enabled()
        self.generation_finished.emit(result)

    def _generation_failed(self, exc: BaseException) -> None:
        self._drain()
        self._gen_task = None
        self.show_status(_message(exc), error=True)
        self._set_enabled()
