"""The Run panel: compile options, one row per model input (shape, type, layout guess, source, preview),
drag-and-drop of files onto rows or the window, Run (F5 / Ctrl+R) in a worker, and the outputs view.

All decoding, compiling and inference go through ``ovexplorer.core`` in worker threads; a bad file or a
failing compile shows one message and changes nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.inputs import (
    DISTRIBUTIONS,
    INPUT_SUFFIXES,
    ImagePreprocess,
    InputSource,
    describe_array,
    guess_layout,
    parse_values,
)
from ovexplorer.core.run.ports import PortSpec, model_inputs, shape_misfit, shape_text
from ovexplorer.core.run.session import (
    PERFORMANCE_HINTS,
    PRECISION_HINTS,
    CompiledSession,
    CompileOptions,
)
from ovexplorer.core.util.errors import InputError, OvexplorerError
from ovexplorer.ui.run.devices_view import DevicePicker, DevicePropertiesDialog
from ovexplorer.ui.run.image_decode import array_to_image
from ovexplorer.ui.run.inputs_table import (
    COL_DATA,
    COL_LAYOUT,
    COL_NAME,
    COL_PREVIEW,
    COL_SHAPE,
    COL_SOURCE,
    COL_TYPE,
    InputsTable,
    dropped_paths,
)
from ovexplorer.ui.run.outputs_view import OutputsView
from ovexplorer.ui.run.run_work import Decoded, InputRow, RunOutcome, decode_file, run_model
from ovexplorer.ui.shell.workers import Task, TaskRunner

#: Inputs with at most this many values start as typed values (zeros), the others as seeded random data.
TYPED_DEFAULT_LIMIT = 16
KINDS = [("random", "Random"), ("zeros", "Zeros"), ("ones", "Ones"), ("values", "Values"), ("file", "File")]

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
        self.setAcceptDrops(True)
        self.runner = runner or TaskRunner(self)
        self.picker = picker
        self.document: ModelDocument | None = None
        self.rows: list[InputRow] = []
        self.session: CompiledSession | None = None
        #: The input tensors of the last run (what a latency benchmark would feed the session).
        self.last_inputs: dict[str, np.ndarray] = {}
        self._session_shapes: tuple | None = None
        self._run_task: Task | None = None
        self._loads: int = 0
        self.last_error = ""
        self._status = "Not compiled"
        self._updating = False
        self._build()
        if picker is not None:
            picker.device_changed.connect(self._options_changed)
        self.set_document(None)

    # -- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        self.run_action = QAction("&Run", self)
        self.run_action.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+R")])
        self.run_action.setToolTip("Run the model once with these inputs (F5 / Ctrl+R)")
        self.run_action.triggered.connect(self.run)
        self.compile_action = QAction("&Compile", self)
        self.compile_action.triggered.connect(self.compile)
        self.properties_action = QAction("Device &properties…", self)
        self.properties_action.triggered.connect(self.show_device_properties)

        options = QGroupBox("Compile", self)
        self.device_label = QLabel(self)
        self.device_combo: QComboBox | None = None
        if self.picker is None:  # a panel without a window toolbar gets its own picker
            self.device_combo = DevicePicker(self, self.runner)
            self.device_combo.device_changed.connect(self._options_changed)
        self.hint_combo = QComboBox(self)
        self.hint_combo.addItem("device default", None)
        for hint in PERFORMANCE_HINTS:
            self.hint_combo.addItem(hint.lower().replace("_", " "), hint)
        self.precision_combo = QComboBox(self)
        self.precision_combo.addItem("device default", None)
        for p in PRECISION_HINTS:
            self.precision_combo.addItem(p, p)
        self.streams_spin = QSpinBox(self)
        self.streams_spin.setRange(0, 256)
        self.streams_spin.setSpecialValueText("default")
        self.requests_spin = QSpinBox(self)
        self.requests_spin.setRange(0, 256)
        self.requests_spin.setSpecialValueText("default")
        self.cache_check = QCheckBox("Model cache", self)
        self.cache_check.setToolTip("Cache compiled models (CACHE_DIR) so the next compile is faster")
        self.profiling_check = QCheckBox("Profiling", self)
        self.profiling_check.setToolTip("Collect per-layer counters (PERF_COUNT)")
        settings = QSettings()
        self.cache_check.setChecked(settings.value("run/cache", False, type=bool))
        for w in (self.hint_combo, self.precision_combo):
            w.currentIndexChanged.connect(self._options_changed)
        for w in (self.streams_spin, self.requests_spin):
            w.valueChanged.connect(self._options_changed)
        for w in (self.cache_check, self.profiling_check):
            w.toggled.connect(self._options_changed)
        self.compile_button = QPushButton("Compile", self)
        self.compile_button.clicked.connect(self.compile)
        self.properties_button = QPushButton("Properties…", self)
        self.properties_button.clicked.connect(self.show_device_properties)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.hide()
        self.status_label = QLabel("Not compiled", self)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        device_row = QHBoxLayout()
        device_row.addWidget(self.device_combo if self.device_combo is not None else self.device_label)
        device_row.addWidget(self.properties_button)
        device_row.addStretch(1)
        form.addRow("Device", device_row)
        form.addRow("Performance hint", self.hint_combo)
        form.addRow("Precision hint", self.precision_combo)
        counts = QHBoxLayout()
        counts.addWidget(self.streams_spin)
        counts.addWidget(QLabel("Infer requests", self))
        counts.addWidget(self.requests_spin)
        counts.addStretch(1)
        form.addRow("Streams", counts)
        checks = QHBoxLayout()
        checks.addWidget(self.cache_check)
        checks.addWidget(self.profiling_check)
        checks.addStretch(1)
        form.addRow("", checks)
        status = QHBoxLayout()
        status.addWidget(self.compile_button)
        status.addWidget(self.busy)
        status.addWidget(self.status_label, 1)
        form.addRow(status)
        options.setLayout(form)

        inputs_box = QGroupBox("Inputs", self)  # the drop hint below wraps: a long title set a 423-px minimum
        drop_hint = QLabel("Drop .npy, .npz, .bin, .raw, .csv, .txt or pictures on a row.", inputs_box)
        drop_hint.setWordWrap(True)
        self.table = InputsTable(inputs_box)
        self.table.files_dropped.connect(self._files_dropped_on_table)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.editor = self._build_editor(inputs_box)
        inputs_layout = QVBoxLayout(inputs_box)
        inputs_layout.addWidget(drop_hint)
        inputs_layout.addWidget(self.table, 1)
        inputs_layout.addWidget(self.editor)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.run_button = QPushButton("Run  (F5)", self)
        self.run_button.clicked.connect(self.run)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.message, 1)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(options)
        left_layout.addWidget(inputs_box, 1)
        left_layout.addLayout(run_row)

        outputs_box = QGroupBox("Outputs", self)
        outputs_box.setMinimumWidth(260)
        self.outputs = OutputsView(outputs_box)
        self.outputs.failed.connect(lambda exc: self.show_message(getattr(exc, "message", str(exc))))
        self.outputs.saved.connect(lambda p: self.show_message(f"Saved {p}", error=False))
        outputs_layout = QVBoxLayout(outputs_box)
        outputs_layout.addWidget(self.outputs)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(outputs_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([700, 560])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _build_editor(self, parent: QWidget) -> QWidget:
        editor = QWidget(parent)
        self.random_box = QGroupBox("Random data", editor)
        self.dist_combo = QComboBox(self.random_box)
        self.dist_combo.addItems(list(DISTRIBUTIONS))
        self.seed_spin = QSpinBox(self.random_box)
        self.seed_spin.setRange(0, 999_999)
        self.low_spin = QDoubleSpinBox(self.random_box)
        self.high_spin = QDoubleSpinBox(self.random_box)
        for spin in (self.low_spin, self.high_spin):
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(3)
        self.low_label, self.high_label = QLabel("Low", self.random_box), QLabel("High", self.random_box)
        random_layout = QGridLayout(self.random_box)
        random_layout.addWidget(self.dist_combo, 0, 0, 1, 2)
        random_layout.addWidget(QLabel("Seed", self.random_box), 0, 2)
        random_layout.addWidget(self.seed_spin, 0, 3)
        random_layout.addWidget(self.low_label, 1, 0)
        random_layout.addWidget(self.low_spin, 1, 1)
        random_layout.addWidget(self.high_label, 1, 2)
        random_layout.addWidget(self.high_spin, 1, 3)
        self.dist_combo.currentIndexChanged.connect(self._random_edited)
        self.seed_spin.valueChanged.connect(self._random_edited)
        self.low_spin.valueChanged.connect(self._random_edited)
        self.high_spin.valueChanged.connect(self._random_edited)

        self.image_box = QGroupBox("Picture preprocessing", editor)
        self.resize_check = QCheckBox("Resize to input", self.image_box)
        self.order_combo = QComboBox(self.image_box)
        self.order_combo.addItems(["RGB", "BGR"])
        self.layout_combo = QComboBox(self.image_box)
        self.layout_combo.addItems(["auto", "NCHW", "NHWC", "CHW", "HWC"])
        self.mean_edit = QLineEdit(self.image_box)
        self.scale_edit = QLineEdit(self.image_box)
        tips = ((self.mean_edit, "Mean per channel (R, G, B), subtracted"),
                (self.scale_edit, "Scale per channel (R, G, B), divides after the mean"))
        for edit, tip in tips:
            edit.setToolTip(tip)
            edit.setMinimumWidth(90)
            edit.setMaximumWidth(140)
            edit.editingFinished.connect(self._preprocess_edited)
        image_layout = QGridLayout(self.image_box)
        image_layout.addWidget(self.resize_check, 0, 0)
        image_layout.addWidget(self.order_combo, 0, 1)
        image_layout.addWidget(QLabel("Layout", self.image_box), 0, 2)
        image_layout.addWidget(self.layout_combo, 0, 3)
        image_layout.addWidget(QLabel("Mean", self.image_box), 1, 0)
        image_layout.addWidget(self.mean_edit, 1, 1)
        image_layout.addWidget(QLabel("Scale", self.image_box), 1, 2)
        image_layout.addWidget(self.scale_edit, 1, 3)
        self.resize_check.toggled.connect(self._preprocess_edited)
        self.order_combo.currentIndexChanged.connect(self._preprocess_edited)
        self.layout_combo.currentIndexChanged.connect(self._preprocess_edited)

        self.random_box.hide()  # shown for the selected row's source (hidden now: no stale minimum width)
        self.image_box.hide()
        self.open_button = QPushButton("Load file…", editor)
        self.open_button.clicked.connect(self.open_file_dialog)
        layout = QHBoxLayout(editor)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.random_box)
        layout.addWidget(self.image_box)
        layout.addStretch(1)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        return editor

    # -- document -----------------------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        if self._run_task is not None:
            self._run_task.cancel()
            self._run_task = None
        self.document = doc
        specs = model_inputs(doc.model) if doc is not None and doc.model is not None else ()
        self.rows = [InputRow(spec, self._default_source(spec)) for spec in specs]
        self._drop_session("Not compiled")
        self.last_inputs = {}
        self.outputs.clear()
        self.clear_message()
        self._fill_table()
        enabled = doc is not None
        for w in (self.run_action, self.compile_action, self.run_button, self.compile_button):
            w.setEnabled(enabled)
        self._set_busy(False)
        if self.rows:
            self.table.selectRow(0)
        self._selection_changed()

    @staticmethod
    def _default_source(spec: PortSpec) -> InputSource:
        shape = spec.static_shape
        if shape is not None and 0 < int(np.prod(shape)) <= TYPED_DEFAULT_LIMIT and spec.dtype is not None:
            return InputSource(kind="values", text=", ".join(["0"] * int(np.prod(shape))))
        return InputSource(kind="random")

    def _fill_table(self) -> None:
        self._updating = True
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            spec = row.spec
            name = QTableWidgetItem(spec.name)
            name.setToolTip(", ".join(spec.names) or spec.name)
            self.table.setItem(i, COL_NAME, name)
            if spec.is_static:
                self.table.setItem(i, COL_SHAPE, QTableWidgetItem(spec.partial_shape))
            else:
                edit = QLineEdit(self.table)
                edit.setPlaceholderText(spec.partial_shape)
                edit.setToolTip(f"Shape of this dynamic input, within {spec.partial_shape}, e.g. 1,3,224,224")
                edit.editingFinished.connect(lambda i=i, e=edit: self._shape_edited(i, e.text()))
                self.table.setCellWidget(i, COL_SHAPE, edit)
            self.table.setItem(i, COL_TYPE, QTableWidgetItem(spec.element_type))
            self.table.setItem(i, COL_LAYOUT, QTableWidgetItem(guess_layout(spec) or "—"))
            combo = QComboBox(self.table)
            for kind, label in KINDS:
                combo.addItem(label, kind)
            combo.currentIndexChanged.connect(lambda _=0, i=i, c=combo: self._kind_chosen(i, c.currentData()))
            self.table.setCellWidget(i, COL_SOURCE, combo)
            data = QLineEdit(self.table)
            data.editingFinished.connect(lambda i=i, e=data: self._values_edited(i, e.text()))
            self.table.setCellWidget(i, COL_DATA, data)
            self.table.setItem(i, COL_PREVIEW, QTableWidgetItem())
            self._refresh_row(i)
        self._updating = False

    def _refresh_row(self, i: int) -> None:
        row = self.rows[i]
        was = self._updating
        self._updating = True
        combo = self.source_combo(i)
        combo.setCurrentIndex(combo.findData(row.source.kind))
        data = self.data_edit(i)
        kind = row.source.kind
        data.setReadOnly(kind != "values")
        if kind == "values":
            data.setText(row.source.text)
            data.setPlaceholderText("numbers, e.g. 2, 3")
        elif kind == "file":
            held = row.image if row.image is not None else row.tensor
            detail = f"  ({held.shape[1]} x {held.shape[0]} picture)" if row.image is not None else (
                f"  ({describe_array(held)})" if held is not None else "")
            data.setText(Path(row.source.path).name + detail)
        else:
            data.setText(row.source.describe())
        data.setToolTip(row.source.path or data.text())
        shape_edit = self.table.cellWidget(i, COL_SHAPE)
        if isinstance(shape_edit, QLineEdit):
            shape_edit.setText(",".join(str(d) for d in row.shape) if row.shape is not None else "")
        preview = self.table.item(i, COL_PREVIEW)
        if row.thumbnail is not None and row.source.kind == "file":
            preview.setIcon(QIcon(QPixmap.fromImage(array_to_image(row.thumbnail))))
            preview.setToolTip(row.source.path)
        else:
            preview.setIcon(QIcon())
            preview.setToolTip("")
        self._updating = was

    def source_combo(self, i: int) -> QComboBox:
        return self.table.cellWidget(i, COL_SOURCE)

    def data_edit(self, i: int) -> QLineEdit:
        return self.table.cellWidget(i, COL_DATA)

    def shape_edit(self, i: int) -> QLineEdit | None:
        w = self.table.cellWidget(i, COL_SHAPE)
        return w if isinstance(w, QLineEdit) else None

    def chosen_shapes(self) -> dict[str, tuple[int, ...]]:
        """The shapes set for the dynamic inputs (typed, or taken from a file), by input name."""
        return {r.spec.name: r.shape for r in self.rows if not r.spec.is_static and r.shape is not None}

    def row_index(self, name: str) -> int:
        return next(i for i, r in enumerate(self.rows) if r.spec.name == name)

    # -- messages -----------------------------------------------------------------------------
    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(
            "color: #a00000; font-weight: bold;" if error else "color: #006000;"
        )
        self.message.show()
        if error:
            self.last_error = text
            self.failed.emit(text)

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    def _fail(self, exc: BaseException) -> None:
        self.show_message(exc.message if isinstance(exc, OvexplorerError) else f"Unexpected error: {exc}")

    # -- editing ------------------------------------------------------------------------------
    def _set_source(self, i: int, source: InputSource, **changes: Any) -> None:
        row = self.rows[i]
        self.rows[i] = replace(row, source=source, **changes)
        self._refresh_row(i)
        if i == self.table.currentRow():
            self._selection_changed()
        self.inputs_changed.emit(row.spec.name)

    def _kind_chosen(self, i: int, kind: str) -> None:
        if self._updating or i >= len(self.rows):
            return
        row = self.rows[i]
        self.table.selectRow(i)
        if kind == "file":
            if row.source.kind != "file":
                self._refresh_row(i)  # stays as it was until a file is loaded
            self.open_file_dialog()
            return
        source = replace(row.source, kind=kind)
        if kind == "values" and not source.text:
            shape = row.current_shape
            count = int(np.prod(shape)) if shape is not None else 0
            source = replace(source, text=", ".join(["0"] * count) if 0 < count <= TYPED_DEFAULT_LIMIT else "")
        self._set_source(i, source)

    def _values_edited(self, i: int, text: str) -> None:
        if self._updating or i >= len(self.rows) or self.rows[i].source.kind != "values":
            return
        row = self.rows[i]
        if text == row.source.text:
            return
        self.set_values(row.spec.name, text)

    def set_values(self, name: str, text: str) -> bool:
        """Type ``text`` as the values of input ``name``; a misfit is shown and the previous values kept."""
        i = self.row_index(name)
        row = self.rows[i]
        try:
            array = parse_values(text, row.spec, row.shape)
        except InputError as exc:
            self._fail(exc)
            self._refresh_row(i)
            return False
        self.clear_message()
        shape = tuple(array.shape) if not row.spec.is_static else row.shape
        self._set_source(i, replace(row.source, kind="values", text=text), shape=shape)
        return True

    def _shape_edited(self, i: int, text: str) -> None:
        if self._updating or i >= len(self.rows):
            return
        self.set_shape(self.rows[i].spec.name, text)

    def set_shape(self, name: str, text: str) -> bool:
        """Set the shape of a dynamic input from ``1,3,224,224``, validated against its partial shape."""
        i = self.row_index(name)
        row = self.rows[i]
        text = text.strip().strip("[]()")
        if not text:
            self.rows[i] = replace(row, shape=None)
            return True
        try:
            dims = tuple(int(d) for d in text.replace("x", ",").replace(" ", ",").split(",") if d)
        except ValueError:
            self.show_message(f"Shape of {name}: {text!r} is not a list of whole numbers like 1,3,224,224.")
            self._refresh_row(i)
            return False
        problem = shape_misfit(row.spec, dims)
        if problem:
            self.show_message(f"Shape {shape_text(dims)} does not fit: {problem}.")
            self._refresh_row(i)
            return False
        self.clear_message()
        if row.source.kind == "file" and not row.source.is_image:
            # the file is read again for this shape; if it does not fit, the message says why and nothing changes
            self._refresh_row(i)
            self.load_file(row.source.path, name, shape=dims)
            return True
        self.rows[i] = replace(row, shape=dims)
        self._refresh_row(i)
        self.inputs_changed.emit(name)
        return True

    def _selection_changed(self) -> None:
        i = self.table.currentRow()
        row = self.rows[i] if 0 <= i < len(self.rows) else None
        self.editor.setEnabled(row is not None)
        self.random_box.setVisible(row is not None and row.source.kind == "random")
        self.image_box.setVisible(row is not None and row.source.is_image)
        if row is None:
            return
        self._updating = True
        s = row.source
        self.dist_combo.setCurrentText(s.distribution)
        self.seed_spin.setValue(s.seed)
        self.low_spin.setValue(s.low)
        self.high_spin.setValue(s.high)
        normal = s.distribution == "normal"
        self.low_label.setText("Mean" if normal else "Low")
        self.high_label.setText("Std" if normal else "High")
        p = s.preprocess
        self.resize_check.setChecked(p.resize)
        self.order_combo.setCurrentText(p.channel_order)
        self.layout_combo.setCurrentText(p.layout)
        self.mean_edit.setText(", ".join(f"{v:g}" for v in p.mean))
        self.scale_edit.setText(", ".join(f"{v:g}" for v in p.scale))
        self._updating = False

    def _random_edited(self) -> None:
        i = self.table.currentRow()
        if self._updating or not 0 <= i < len(self.rows):
            return
        source = replace(self.rows[i].source, distribution=self.dist_combo.currentText(), seed=self.seed_spin.value(),
                         low=self.low_spin.value(), high=self.high_spin.value())
        self._set_source(i, source)

    def _triple(self, text: str, what: str) -> tuple[float, float, float]:
        try:
            values = [float(v) for v in text.replace(";", ",").replace(" ", ",").split(",") if v]
        except ValueError:
            raise InputError(f"{what} {text!r}: expected one number or three (R, G, B).") from None
        if len(values) == 1:
            values *= 3
        if len(values) != 3:
            raise InputError(f"{what} {text!r}: expected one number or three (R, G, B).")
        return values[0], values[1], values[2]

    def _preprocess_edited(self) -> None:
        i = self.table.currentRow()
        if self._updating or not 0 <= i < len(self.rows):
            return
        try:
            pre = ImagePreprocess(
                resize=self.resize_check.isChecked(),
                channel_order=self.order_combo.currentText(),
                layout=self.layout_combo.currentText(),
                mean=self._triple(self.mean_edit.text(), "Mean"),
                scale=self._triple(self.scale_edit.text(), "Scale"),
            )
            if 0.0 in pre.scale:
                raise InputError("Scale: 0 would divide by zero.")
        except InputError as exc:
            self._fail(exc)
            self._selection_changed()
            return
        self.set_preprocess(self.rows[i].spec.name, pre)

    def set_preprocess(self, name: str, pre: ImagePreprocess) -> None:
        i = self.row_index(name)
        self.clear_message()
        self._set_source(i, replace(self.rows[i].source, preprocess=pre))

    # -- files --------------------------------------------------------------------------------
    def open_file_dialog(self) -> None:
        i = self.table.currentRow()
        if not 0 <= i < len(self.rows):
            return
        start = str(Path(self.rows[i].source.path).parent) if self.rows[i].source.path else ""
        pattern = " ".join(f"*{s}" for s in INPUT_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(self, f"Data for {self.rows[i].spec.name}", start,
                                              f"Input data ({pattern});;All files (*)")
        if path:
            self.load_file(Path(path), self.rows[i].spec.name)

    def _files_dropped_on_table(self, row: int, paths: list[Path]) -> None:
        target = self.rows[row].spec.name if 0 <= row < len(self.rows) else None
        for path in paths:
            self.load_file(path, target)

    def load_file(
        self, path: str | Path, target: str | None = None, shape: tuple[int, ...] | None = None
    ) -> Task | None:
        """Decode ``path`` (in a worker) for input ``target`` (at ``shape`` when given, for a dynamic input),
        or for the input(s) it fits when ``target`` is None."""
        if self.document is None:
            return None
        path = Path(path)
        if path.suffix.lower() not in INPUT_SUFFIXES:
            self.show_message(
                f"{path.name}: unknown input file type {path.suffix or '(no suffix)'}; use .npy, .npz, .bin, .raw, "
                ".csv, .txt or a PNG/JPEG/BMP picture."
            )
            return None
        rows = [replace(r, shape=shape) if shape is not None and r.spec.name == target else r for r in self.rows]
        doc = self.document
        self._loads += 1
        self._set_busy(True, f"Reading {path.name}…")

        def done(decoded: list[Decoded]) -> None:
            self._loads -= 1
            self._set_busy(False)
            if self.document is doc:
                self._apply_decoded(decoded)

        def failed(exc: BaseException) -> None:
            self._loads -= 1
            self._set_busy(False)
            if self.document is doc:
                self._fail(exc)

        return self.runner.start(decode_file, path, rows, target, on_success=done, on_failure=failed)

    def _apply_decoded(self, decoded: list[Decoded]) -> None:
        self.clear_message()
        for d in decoded:
            i = self.row_index(d.name)
            row = self.rows[i]
            shape = row.shape if row.spec.is_static or d.tensor is None else tuple(d.tensor.shape)
            source = InputSource(kind="file", path=str(d.path), preprocess=row.source.preprocess,
                                 distribution=row.source.distribution, seed=row.source.seed,
                                 low=row.source.low, high=row.source.high)
            self._set_source(i, source, shape=shape, tensor=d.tensor, image=d.image, thumbnail=d.thumbnail)
        names = ", ".join(d.name for d in decoded)
        self.show_message(f"{decoded[0].path.name} → {names}", error=False)

    def accepts(self, paths: list[Path]) -> bool:
        return self.document is not None and any(p.suffix.lower() in INPUT_SUFFIXES for p in paths)

    def handle_window_drop(self, paths: list[Path], drop: bool) -> bool:
        """For ``MainWindow.extra_drop_handlers``: take input files dropped anywhere on the window."""
        if not self.accepts(paths):
            return False
        if drop:
            window = self.window()
            if hasattr(window, "show_panel"):
                window.show_panel(self)
            for path in paths:
                self.load_file(path)
        return True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        paths = dropped_paths(event)
        if self.accepts(paths):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if self.accepts(paths):
            event.acceptProposedAction()
            for path in paths:
                self.load_file(path)

    # -- compile and run ----------------------------------------------------------------------
    def current_device(self) -> str:
        picker = self.picker or self.device_combo
        return picker.current_device() if picker is not None else "CPU"

    def options(self) -> CompileOptions:
        return CompileOptions(
            device=self.current_device(),
            performance_hint=self.hint_combo.currentData(),
            precision_hint=self.precision_combo.currentData(),
            num_streams=self.streams_spin.value() or None,
            num_requests=self.requests_spin.value(),
            cache=self.cache_check.isChecked(),
            profiling=self.profiling_check.isChecked(),
        )

    def _options_changed(self, *_args: Any) -> None:
        self.device_label.setText(self.current_device())
        settings = QSettings()
        settings.setValue("run/cache", self.cache_check.isChecked())
        settings.sync()  # a crash right after must not lose the choice
        if self.session is not None:
            self._drop_session("Options changed: compiles again on the next run")

    def _drop_session(self, text: str) -> None:
        had = self.session is not None
        if self.session is not None:
            self.session.close()
        self.session = None
        self._session_shapes = None
        self._status = text
        self.status_label.setText(text)
        self.device_label.setText(self.current_device())
        if had:
            self.session_changed.emit(None)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        running = self._run_task is not None and not self._run_task.done
        busy = busy or running or self._loads > 0
        self.busy.setVisible(busy)
        if not busy:
            self.status_label.setText(self._status)
        elif text:
            self.status_label.setText(text)
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
        if doc is None or doc.model is None or (self._run_task is not None and not self._run_task.done):
            return None
        if self._loads > 0:
            self.show_message("A file is still being read; run again when it is loaded.")
            return None
        self.clear_message()
        options = self.options()
        task = self.runner.start(
            run_model, doc.model, doc.name, options, list(self.rows), self.session, self._session_shapes, infer,
            on_success=lambda outcome: self._finished(doc, outcome),
            on_failure=lambda exc: self._run_failed(doc, exc),
            on_progress=lambda _f, text: self._set_busy(True, text),
            on_cancel=lambda: self._set_busy(False),
        )
        self._run_task = task
        self._set_busy(True, "Running…" if infer else f"Compiling for {options.device}…")
        return task

    def _finished(self, doc: ModelDocument, outcome: RunOutcome) -> None:
        self._run_task = None
        if doc is not self.document:
            return
        session = outcome.session
        if outcome.compiled:
            if self.session is not None and self.session is not session:
                self.session.close()
            self.session, self._session_shapes = session, outcome.shapes
            self.session_changed.emit(session)
            self.compiled.emit(session)
        executed = ", ".join(session.execution_devices)
        where = session.options.device + (f" ({executed})" if executed != session.options.device else "")
        self._status = f"Compiled for {where} in {session.compile_seconds:.3f} s"
        self._set_busy(False)
        if outcome.result is not None:
            types = {s.name: s.element_type for s in session.outputs}
            device = ", ".join(session.execution_devices)
            self.last_inputs = outcome.inputs
            self.outputs.set_result(outcome.result, types, doc.graph.rt_info, device, outcome.stats)
            self.ran.emit(outcome.result)

    def _run_failed(self, doc: ModelDocument, exc: BaseException) -> None:
        self._run_task = None
        if doc is not self.document:
            return
        if self.session is None:
            self._status = "Not compiled"
        self._set_busy(False)
        self._fail(exc)

    def show_device_properties(self) -> DevicePropertiesDialog:
        dialog = DevicePropertiesDialog(self.current_device().split(":", 1)[0], self, self.runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.properties_dialog = dialog
        return dialog


def install_run_panel(window: Any) -> RunPanel:
    """Add the device picker to the window's toolbar, the Run tab, the Run menu, and the drop hook."""
    picker = DevicePicker(window, window.runner)
    window.toolbar.addSeparator()
    window.toolbar.addWidget(QLabel(" Device ", window))
    window.toolbar.addWidget(picker)
    panel = RunPanel(window, picker=picker, runner=window.runner)
    window.add_panel(panel, "Run")
    window.toolbar.addAction(panel.run_action)
    bar = window.menuBar()
    menu = QMenu("&Run", window)
    if bar.actions():
        bar.insertMenu(bar.actions()[-1], menu)  # before Help
    else:
        bar.addMenu(menu)
    for action in (panel.run_action, panel.compile_action, panel.properties_action):
        menu.addAction(action)
    window.extra_drop_handlers.append(panel.handle_window_drop)
    window.device_picker = picker
    window.run_panel = panel
    return panel
