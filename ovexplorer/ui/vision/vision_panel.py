"""The Answers tab of the Run panel: what a vision model answers for the dropped picture, drawn on it.

A picture decoded for the model's input is answered by the Model API wrapper the model asks for (or the one the
graph suggests, or the user picks), compiled, run and decoded in a worker; the threshold slider only redraws
(decoding again, without inference, when it goes below what was decoded). A wrapper that does not fit says why in
one line; the Outputs tab keeps the raw tensors.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.core.vision.config import store_config
from ovexplorer.core.vision.draw import draw_answer
from ovexplorer.core.vision.export import write_answer, write_png
from ovexplorer.core.vision.vision_state import VisionState, compute, look_at, redecode
from ovexplorer.ui.shell.flow_layout import FlowLayout
from ovexplorer.ui.shell.workers import Task, TaskRunner
from ovexplorer.ui.vision.answer_drawing import AnswerDrawing
from ovexplorer.ui.vision.answer_view import AnswerView
from ovexplorer.ui.vision.params_form import ParamsForm
from ovexplorer.ui.vision.results_table import ResultsTable


class VisionPanel(QWidget):
    """See the module docstring. ``device`` is a callable giving the device to compile for."""

    def __init__(self, runner: TaskRunner, device: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.runner = runner
        self.device = device or (lambda: "CPU")
        self.state = VisionState()
        self.task: Task | None = None
        self.drawn = None
        self.last_draw_ms = 0.0
        self._pending = False
        self._opening: Any = None
        self.drawing = AnswerDrawing(runner, self._show_drawn, self._failed, self)
        self.form = ParamsForm(self)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(1, 100)
        self.slider_label = QLabel(self)
        self.view = AnswerView(self.state, self)
        self.table = ResultsTable(self.state, self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a00000; font-weight: bold;")
        self.message.hide()
        self.png_button = QPushButton("Save picture…", self)
        self.json_button = QPushButton("Save results…", self)
        self.save_ir_button = QPushButton("Save as IR with this setup…", self)
        self._layout()
        self.form.wrapper_chosen.connect(self.state.choose_wrapper)
        self.form.params_edited.connect(lambda changes: self.state.set_params(**changes))
        self.form.labels_requested.connect(self._labels_dialog)
        self.form.invalid.connect(self.show_error)
        self.slider.valueChanged.connect(lambda v: self.set_threshold(v / 100))
        self.view.box_clicked.connect(self.state.select)
        self.table.itemSelectionChanged.connect(self._row_selected)
        self.png_button.clicked.connect(lambda: self._export_dialog("png"))
        self.json_button.clicked.connect(lambda: self._export_dialog("json"))
        self.save_ir_button.clicked.connect(self._save_ir_dialog)
        self.state.config_changed.connect(self._config_changed)
        self.state.answered.connect(self.redraw)
        self.state.selection_changed.connect(self._selected)
        self.state.failed.connect(self.show_error)
        self._config_changed()

    def _layout(self) -> None:
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.form)
        row = QHBoxLayout()
        row.addWidget(QLabel("Show scores ≥", self))
        row.addWidget(self.slider, 1)
        row.addWidget(self.slider_label)
        top_layout.addLayout(row)
        top_layout.addWidget(self.message)
        top_layout.addWidget(self.view, 1)
        top_layout.addWidget(self.summary)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.table, 1)
        buttons_box = QWidget(bottom)
        buttons = FlowLayout(buttons_box)  # the row wraps in a narrow window
        for b in (self.png_button, self.json_button, self.save_ir_button):
            buttons.addWidget(b)
        bottom_layout.addWidget(buttons_box)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)

    # -- inputs from the Run panel ------------------------------------------------------------
    def open_model(self, model: Any) -> Task | None:
        """A new model: its task is guessed in a worker (a dynamic model is copied and reshaped to look at it)."""
        self.clear_error()
        self.state.open(None)
        if model is None:
            return None
        self._opening = model
        self.task = self.runner.start(look_at, model, on_success=lambda found: self._looked(model, found),
                                      on_failure=self._failed)
        return self.task

    def _looked(self, model: Any, found: Any) -> None:
        if model is not self._opening:
            return  # another model was opened meanwhile
        picture, name = self.state.image, self.state.image_name
        self.state.open(model, found)
        if self.state.error:
            self.show_error(self.state.error)
        if picture is not None:  # a picture dropped while the model was being looked at
            self.set_picture(picture, name)

    def set_picture(self, image: Any, name: str) -> Task | None:
        """A picture decoded for the model's input: answer it (the tab comes forward when the model has a task)."""
        self.state.set_picture(image, name)
        self.redraw()
        if self.state.config is not None:
            self.bring_forward()
        return self.answer()

    #: Called when an answer is on its way for a dropped picture (the hook shows the tab).
    bring_forward: Any = staticmethod(lambda: None)

    # -- work -----------------------------------------------------------------------------------
    def answer(self) -> Task | None:
        """Answer the picture in a worker (compile if the setup changed, infer, decode)."""
        s = self.state
        if not s.ready():
            return None
        if self.task is not None and not self.task.done:
            self._pending = True
            return None
        self.clear_error()
        self.summary.setText(f"Answering {s.image_name} with {s.config.wrapper}…")
        self.task = self.runner.start(compute, s.model, s.config, s.image, s.threshold, self.device(), s.vm,
                                      on_success=self._computed, on_failure=self._failed)
        return self.task

    def _computed(self, computed: Any) -> None:
        self.state.take(computed)
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self.state.answer = None
        self.redraw()
        self.state.fail(exc.message if isinstance(exc, OvexplorerError) else f"Unexpected error: {exc}")
        self._next()

    def _next(self) -> None:
        if self._pending:
            self._pending = False
            self.answer()

    def set_threshold(self, threshold: float) -> None:
        self.slider_label.setText(f"{threshold:.2f}")
        if self.slider.value() != round(threshold * 100):
            self.slider.blockSignals(True)
            self.slider.setValue(round(threshold * 100))
            self.slider.blockSignals(False)
        if self.state.set_threshold(threshold) and self.state.vm is not None and self.state.raw is not None:
            if self.task is not None and not self.task.done:  # one worker at a time uses the wrapper
                self._pending = True  # answered again at the new threshold when it is done
                return
            self.task = self.runner.start(redecode, self.state.vm, self.state.raw, self.state.threshold,
                                          on_success=self._redecoded, on_failure=self._failed)

    def _redecoded(self, answer: Any) -> None:
        self.state.take_decoded(answer)
        self._next()

    # -- rendering ------------------------------------------------------------------------------
    def _config_changed(self) -> None:
        s = self.state
        self.form.show_config(s.config, s.classes, s.needs_size, s.note, s.can_choose)
        self.slider.setEnabled(s.config is not None and s.config.task in ("detection", "instance-segmentation",
                                                                          "classification", "keypoints"))
        self.set_threshold(s.threshold)
        for b in (self.png_button, self.json_button):
            b.setEnabled(False)
        self.save_ir_button.setEnabled(s.config is not None)
        self.answer()

    def redraw(self) -> None:
        """Draw the answer at the current threshold (a large picture's in a worker: see :meth:`draw_picture`)."""
        start = time.perf_counter()
        s = self.state
        self.draw_picture()
        self.table.show_answer()
        has = s.answer is not None
        self.png_button.setEnabled(has)
        self.json_button.setEnabled(has)
        if has:
            a = s.answer
            self.summary.setText(f"{a.summary(s.threshold)} — {a.wrapper}; inference {a.infer_seconds * 1e3:.1f} ms,"
                                 f" decoding {a.decode_seconds * 1e3:.1f} ms")
        self.last_draw_ms = (time.perf_counter() - start) * 1e3

    def _selected(self, index: int | None) -> None:
        self.table.select_box(index)
        self.redraw_selection()

    def redraw_selection(self) -> None:
        if self.state.answer is not None and self.state.image is not None:
            self.draw_picture()

    def draw_picture(self) -> None:
        """The picture with the answer drawn on it (a large one in a worker: see :class:`AnswerDrawing`)."""
        s = self.state
        self.drawing.draw(s.image, s.answer, s.threshold, s.selected)

    @property
    def draw_task(self) -> Task | None:
        return self.drawing.task

    def _show_drawn(self, drawn: Any) -> None:
        self.drawn = drawn
        self.view.set_picture(drawn)

    def _row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self.table.box_rows:
            self.state.select(rows[0].row() if rows else None)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def clear_error(self) -> None:
        self.message.clear()
        self.message.hide()

    # -- files ----------------------------------------------------------------------------------
    def load_labels(self, path: str | Path) -> bool:
        problem = self.state.load_labels(path)
        return not problem

    def _labels_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Labels file", "", "Labels (*.txt *.json *.names *.csv);;All (*)")
        if path:
            self.load_labels(path)

    def dragEnterEvent(self, event: Any) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) == 1 and Path(urls[0].toLocalFile()).suffix.lower() in (".txt", ".names", ".json"):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: Any) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            self.load_labels(urls[0].toLocalFile())

    def export(self, path: str | Path) -> Task | None:
        """Write the annotated picture (.png, with its legend drawn in) or the results (.json / .csv) in a worker."""
        s = self.state
        if s.answer is None or s.image is None:
            return None
        path = Path(path)
        if path.suffix.lower() == ".png":
            return self.runner.start(lambda p, image, a, t, **_: write_png(p, draw_answer(image, a, t)), path,
                                     s.image, s.answer, s.threshold, on_success=self._saved, on_failure=self._failed)
        return self.runner.start(lambda p, a, t, n, **_: write_answer(p, a, t, n), path, s.answer, s.threshold,
                                 s.image_name, on_success=self._saved, on_failure=self._failed)

    def _saved(self, path: Path) -> None:
        self.summary.setText(f"Saved {path}")

    def _export_dialog(self, kind: str) -> None:
        filters = "PNG picture (*.png)" if kind == "png" else "JSON (*.json);;CSV (*.csv)"
        path, _ = QFileDialog.getSaveFileName(self, "Save", "", filters)
        if path:
            self.export(path)

    def save_ir(self, document: Any, path: str | Path) -> Task | None:
        """Write the model with this setup in its rt_info ``model_info`` (Save as IR), in a worker."""
        if document is None or self.state.config is None:
            return None
        config = self.state.config

        def work(**_: Any) -> Path:
            store_config(document.model, config)
            return document.save_ir(path)

        return self.runner.start(work, on_success=self._saved, on_failure=self._failed)

    def _save_ir_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save as IR", "", "OpenVINO IR (*.xml)")
        if path:
            self.save_ir(self.document_getter(), path)

    document_getter: Any = staticmethod(lambda: None)

