"""The Run panel: compile options, one row per model input (shape, type, layout guess, source, preview),
drag-and-drop of files onto rows or the window, Run (F5 / Ctrl+R) in a worker, and the outputs view.

The inputs, their validity, the options and the freshness of the outputs live in a Qt-free
:class:`~ovexplorer.core.run.run_state.RunState`; the widgets here render it. All decoding, compiling and
inference go through ``ovexplorer.core`` in worker threads; a bad file or a failing compile shows one message
and changes nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.inputs import ImagePreprocess, InputSource
from ovexplorer.core.run.run_state import InputRow, RunKey, RunState
from ovexplorer.core.run.session import CompiledSession, CompileOptions
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.ui.run.devices_view import DevicePicker, DevicePropertiesDialog
from ovexplorer.ui.run.input_files import InputFiles, ask_input_file
from ovexplorer.ui.run.run_actions import run_actions
from ovexplorer.ui.run.run_control import RunControl
from ovexplorer.ui.run.run_form import RunForm
from ovexplorer.ui.run.run_work import Decoded, RunOutcome
from ovexplorer.ui.run.side_views import SideViews
from ovexplorer.ui.shell.workers import Task, TaskRunner

#: Widgets of the parts, also reachable as the panel's attributes (as the window and tests knew them).
_OPTIONS_WIDGETS = ("device_label", "device_combo", "hint_combo", "precision_combo", "streams_spin", "requests_spin",
                    "cache_check", "profiling_check", "compile_button", "properties_button", "busy", "status_label")
_EDITOR_WIDGETS = ("random_box", "dist_combo", "seed_spin", "low_spin", "high_spin", "low_label", "high_label",
                   "image_box", "resize_check", "order_combo", "layout_combo", "mean_edit", "scale_edit",
                   "preprocess_origin", "open_button")


class RunPanel(QWidget):
    """Compile the open model, give it inputs, run it, see the outputs."""

    session_changed = Signal(object)  # CompiledSession | None
    compiled = Signal(object)  # CompiledSession
    ran = Signal(object)  # InferResult
    inputs_changed = Signal(str)  # input name
    failed = Signal(str)  # the message shown
    busy_changed = Signal(bool)

    def __init__(
        self, parent: QWidget | None = None, picker: DevicePicker | None = None, runner: TaskRunner | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner or TaskRunner(self)
        self.picker = picker
        self.state = RunState()
        self.files = InputFiles(self.state, self.runner, self)
        self.files.take_drops(self)  # files dropped on the panel: decoded for the inputs they fit
        self.control = RunControl(self.runner, self)
        self.last_error = ""
        self._build()
        self.state.reset.connect(lambda: self.inputs_box.show_rows(self.state.rows))
        self.state.row_changed.connect(self.inputs_box.show_row)
        self.state.stale_changed.connect(self.outputs.set_stale)
        self.files.decoded.connect(self._apply_decoded)
        self.files.failed.connect(self._fail)
        self.files.busy.connect(lambda text: self._set_busy(bool(text), text))
        self.control.session_changed.connect(self.session_changed)
        self.control.compiled.connect(self.compiled)
        self.control.finished.connect(self._finished)
        self.control.failed.connect(self._run_failed)
        self.control.progress.connect(lambda text: self._set_busy(True, text))
        self.control.cancelled.connect(lambda: self._set_busy(False))
        self.set_document(None)

    @property
    def document(self) -> ModelDocument | None:
        return self.state.document

    @property
    def last_inputs(self) -> dict[str, np.ndarray]:
        """The input tensors of the last run (what a latency benchmark would feed the session)."""
        return self.state.last_inputs

    @property
    def rows(self) -> list[InputRow]:
        return self.state.rows

    def row_index(self, name: str) -> int:
        return self.state.row_index(name)

    def chosen_shapes(self) -> dict[str, tuple[int, ...]]:
        """The shapes set for the dynamic inputs (typed, or taken from a file), by input name."""
        return self.state.chosen_shapes()

    def invalid_rows(self) -> list[InputRow]:
        """The inputs whose typed values or shape do not fit (marked in red)."""
        return self.state.invalid_rows()

    def source_combo(self, i: int) -> QComboBox:
        return self.table.source_combo(i)

    def data_edit(self, i: int) -> QLineEdit:
        return self.table.data_edit(i)

    def shape_edit(self, i: int) -> QLineEdit | None:
        return self.table.shape_edit(i)

    def current_device(self) -> str:
        return self.options_box.current_device()

    def options(self) -> CompileOptions:
        return self.options_box.options()

    @property
    def _loads(self) -> int:
        return self.files.pending

    # -- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        self.run_action, self.compile_action, self.properties_action = run_actions(
            self, self.run, self.compile, self.show_device_properties)
        form = RunForm(self, self.picker, self.runner)
        self.options_box, self.inputs_box, self.message = form.options_box, form.inputs_box, form.message
        self.options_box.options_changed.connect(self._options_changed)
        self.options_box.compile_button.clicked.connect(self.compile)
        self.options_box.properties_button.clicked.connect(self.show_device_properties)
        for name in _OPTIONS_WIDGETS:
            setattr(self, name, getattr(self.options_box, name))

        self.table, self.editor = self.inputs_box.table, self.inputs_box.editor
        self.invalid_label = self.inputs_box.invalid_label
        self.table.kind_chosen.connect(self._kind_chosen)
        self.inputs_box.values_typed.connect(self.set_values)
        self.inputs_box.shape_typed.connect(self.set_shape)
        self.inputs_box.preprocess_set.connect(self.set_preprocess)
        self.inputs_box.random_set.connect(self._random_edited)
        self.inputs_box.files_dropped.connect(self._load_files)
        self.editor.preprocess_invalid.connect(self._preprocess_invalid)
        self.editor.load_requested.connect(self.open_file_dialog)
        for name in _EDITOR_WIDGETS:
            setattr(self, name, getattr(self.editor, name))
        self.run_button = form.run_button
        self.run_button.clicked.connect(self.run)

        self.side_tabs = SideViews(self)  # the outputs, and views other features add (add_side_view)
        self.outputs = self.side_tabs.outputs
        self.outputs.failed.connect(lambda exc: self.show_message(getattr(exc, "message", str(exc))))
        self.outputs.saved.connect(lambda p: self.show_message(f"Saved {p}", error=False))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(form)
        self.splitter.addWidget(self.side_tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([700, 560])
        QVBoxLayout(self).addWidget(self.splitter)

    def add_side_view(self, widget: QWidget, title: str) -> None:
        """Another view beside the outputs (a tab); ``show_side_view`` brings it forward."""
        self.side_tabs.addTab(widget, title)

    def show_side_view(self, widget: QWidget) -> None:
        self.side_tabs.setCurrentWidget(widget)

    # -- document and rendering ---------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        self.control.open(doc)
        self._drop_session("Not compiled")
        self.outputs.clear()
        self.clear_message()
        self.state.open(doc)  # the inputs box shows the new rows
        self._set_busy(False)  # Run and Compile enabled when a model is open
        if self.rows:
            self.table.selectRow(0)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.editor.show_row(self.inputs_box.current())

    # -- messages -----------------------------------------------------------------------------
    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.say(text, error=error)
        if error:
            self.last_error = text
            self.failed.emit(text)

    def clear_message(self) -> None:
        self.message.clear_message()

    def _fail(self, exc: BaseException) -> None:
        self.show_message(exc.message if isinstance(exc, OvexplorerError) else f"Unexpected error: {exc}")

    # -- editing ------------------------------------------------------------------------------
    def _set_source(self, i: int, source: InputSource, **changes: Any) -> None:
        self.state.update_row(i, source=source, **changes)
        self.inputs_changed.emit(self.rows[i].spec.name)

    def _kind_chosen(self, i: int, kind: str) -> None:
        if i >= len(self.rows):
            return
        self.table.selectRow(i)
        if kind == "file":
            if self.rows[i].source.kind != "file":
                self.inputs_box.show_row(i)  # stays as it was until a file is loaded
            self.open_file_dialog()
            return
        self._set_source(i, self.state.values_for_kind(i, kind))

    def set_values(self, name: str, text: str) -> bool:
        """Type ``text`` as the values of input ``name``; a misfit stays as typed, marked red with the reason,
        and Run waits for a fix."""
        problem = self.state.set_values(name, text)
        if not problem:
            self.clear_message()
        self.inputs_changed.emit(name)
        if problem:
            self.failed.emit(problem)
        return not problem

    def set_shape(self, name: str, text: str) -> bool:
        """Set the shape of a dynamic input from ``1,3,224,224``, validated against its partial shape; a misfit
        stays as typed, marked red with the reason."""
        problem, reread = self.state.type_shape(name, text)
        if problem:
            self.failed.emit(problem)
            return False
        if not text.strip().strip("[]()"):
            return True  # cleared
        self.clear_message()
        if reread is not None:  # the file is read again at this shape; if it does not fit, nothing changes
            self.load_file(self.rows[self.row_index(name)].source.path, name, shape=reread)
        else:
            self.inputs_changed.emit(name)
        return True

    def _random_edited(self, i: int, distribution: str, seed: int, low: float, high: float) -> None:
        self.state.set_random(i, distribution, seed, low, high)
        self.inputs_changed.emit(self.rows[i].spec.name)

    def _preprocess_invalid(self, exc: OvexplorerError) -> None:
        self._fail(exc)
        self._selection_changed()

    def set_preprocess(self, name: str, pre: ImagePreprocess) -> None:
        self.clear_message()
        self.state.set_preprocess(name, pre)
        self.inputs_changed.emit(name)

    # -- files --------------------------------------------------------------------------------
    def open_file_dialog(self) -> None:
        row = self.inputs_box.current()
        path = ask_input_file(self, row) if row is not None else None
        if path is not None:
            self.load_file(path, row.spec.name)

    def load_file(self, path: str | Path, target: str | None = None, shape: tuple[int, ...] | None = None
                  ) -> Task | None:
        """Decode ``path`` (in a worker) for input ``target`` (at ``shape`` when given, for a dynamic input),
        or for the input(s) it fits when ``target`` is None."""
        return self.files.load(path, target, shape)

    def _load_files(self, target: str | None, paths: list[Path]) -> None:
        for path in paths:
            self.load_file(path, target)

    def _apply_decoded(self, decoded: list[Decoded]) -> None:
        self.clear_message()
        for d in decoded:
            self.state.take_file(d.name, str(d.path), tensor=d.tensor, image=d.image, thumbnail=d.thumbnail)
            self.inputs_changed.emit(d.name)
        self.show_message(f"{decoded[0].path.name} → {', '.join(d.name for d in decoded)}", error=False)

    def accepts(self, paths: list[Path]) -> bool:
        return self.files.wanted(paths)

    def handle_window_drop(self, paths: list[Path], drop: bool) -> bool:
        """For ``MainWindow.extra_drop_handlers``: take input files dropped anywhere on the window."""
        return self.files.window_drop(self, paths, drop)

    # -- compile and run ----------------------------------------------------------------------
    @property
    def session(self) -> CompiledSession | None:
        return self.control.session

    def _options_changed(self) -> None:
        if self.session is not None:
            self._drop_session("Options changed: compiles again on the next run")
        self.state.set_options(self.options())

    def _drop_session(self, text: str) -> None:
        self.control.drop_session(text)
        self.status_label.setText(text)
        self.device_label.setText(self.current_device())

    def _set_busy(self, busy: bool, text: str = "") -> None:
        running = self.control.running
        busy = busy or running or self._loads > 0
        self.options_box.show_status(busy, text if busy else self.control.status)
        enabled = self.document is not None and not running
        for w in (self.run_action, self.run_button, self.compile_action, self.compile_button):
            w.setEnabled(enabled)
        self.busy_changed.emit(busy)

    def compile(self) -> Task | None:
        return self._start(infer=False)

    def run(self) -> Task | None:
        return self._start(infer=True)

    def _start(self, infer: bool) -> Task | None:
        doc = self.document
        if doc is None or doc.model is None or self.control.running:
            return None
        refusal, bad = self.state.start_refusal(infer, loading=self._loads > 0)
        if refusal:
            self.show_message(refusal)
            if bad is not None:
                self.inputs_box.focus_invalid(self.row_index(bad.spec.name))
            return None
        self.clear_message()
        self.state.set_options(self.options())
        task = self.control.start(doc, self.state.options, self.rows, self.state.key(), infer)
        self._set_busy(True, "Running…" if infer else f"Compiling for {self.state.options.device}…")
        return task

    def _finished(self, doc: ModelDocument, outcome: RunOutcome, key: RunKey) -> None:
        self._set_busy(False)
        if outcome.result is not None:
            session = outcome.session
            types = {s.name: s.element_type for s in session.outputs}
            self.outputs.set_result(outcome.result, types, doc.graph.rt_info, ", ".join(session.execution_devices),
                                    outcome.stats)
            self.state.show_outputs(key, outcome.inputs)  # out of date at once if the inputs changed while it ran
            self.ran.emit(outcome.result)

    def _run_failed(self, _doc: ModelDocument, exc: BaseException) -> None:
        self._set_busy(False)
        self._fail(exc)

    def show_device_properties(self) -> DevicePropertiesDialog:
        self.properties_dialog = self.options_box.show_device_properties(self)
        return self.properties_dialog
