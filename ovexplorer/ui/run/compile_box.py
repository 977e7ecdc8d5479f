"""The *Compile* box of the Run panel: device (with *Properties…*), performance and precision hints, streams,
infer requests, model cache, profiling, the *Compile* button, a busy bar and the compile status."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ovexplorer.core.run.session import PERFORMANCE_HINTS, PRECISION_HINTS, CompileOptions
from ovexplorer.ui.run.devices_view import DevicePicker, DevicePropertiesDialog
from ovexplorer.ui.shell.workers import TaskRunner


class CompileBox(QGroupBox):
    """Compile options as widgets; ``options_changed`` on any change (the cache choice is remembered)."""

    options_changed = Signal()

    def __init__(self, parent: QWidget, picker: DevicePicker | None, runner: TaskRunner) -> None:
        super().__init__("Compile", parent)
        self.picker = picker
        self.runner = runner
        self.device_label = QLabel(self)
        self.device_combo: DevicePicker | None = None
        if picker is None:  # a panel without a window toolbar gets its own picker
            self.device_combo = DevicePicker(self, runner)
            self.device_combo.device_changed.connect(self._changed)
        self.hint_combo = QComboBox(self)
        self.hint_combo.addItem("device default", None)
        for hint in PERFORMANCE_HINTS:
            self.hint_combo.addItem(hint.lower().replace("_", " "), hint)
        self.precision_combo = QComboBox(self)
        self.precision_combo.addItem("device default", None)
        for p in PRECISION_HINTS:
            self.precision_combo.addItem(p, p)
        self.streams_spin = QSpinBox(self)
        self.requests_spin = QSpinBox(self)
        for spin in (self.streams_spin, self.requests_spin):
            spin.setRange(0, 256)
            spin.setSpecialValueText("default")
            spin.valueChanged.connect(self._changed)
        self.cache_check = QCheckBox("Model cache", self)
        self.cache_check.setToolTip("Cache compiled models (CACHE_DIR) so the next compile is faster")
        self.cache_check.setChecked(QSettings().value("run/cache", False, type=bool))
        self.profiling_check = QCheckBox("Profiling", self)
        self.profiling_check.setToolTip("Collect per-layer counters (PERF_COUNT)")
        for combo in (self.hint_combo, self.precision_combo):
            combo.currentIndexChanged.connect(self._changed)
        for check in (self.cache_check, self.profiling_check):
            check.toggled.connect(self._changed)
        if picker is not None:
            picker.device_changed.connect(self._changed)
        self.compile_button = QPushButton("Compile", self)
        self.properties_button = QPushButton("Properties…", self)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.hide()
        self.status_label = QLabel("Not compiled", self)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Device", self._row(self.device_combo or self.device_label, self.properties_button))
        form.addRow("Performance hint", self.hint_combo)
        form.addRow("Precision hint", self.precision_combo)
        form.addRow("Streams", self._row(self.streams_spin, QLabel("Infer requests", self), self.requests_spin))
        form.addRow("", self._row(self.cache_check, self.profiling_check))
        status = QHBoxLayout()
        status.addWidget(self.compile_button)
        status.addWidget(self.busy)
        status.addWidget(self.status_label, 1)
        form.addRow(status)

    @staticmethod
    def _row(*widgets: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        for w in widgets:
            row.addWidget(w)
        row.addStretch(1)
        return row

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

    def show_device_properties(self, parent: QWidget) -> DevicePropertiesDialog:
        """Open (not modal) the properties of the current device, over ``parent``."""
        dialog = DevicePropertiesDialog(self.current_device().split(":", 1)[0], parent, self.runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_status(self, busy: bool, text: str) -> None:
        """The busy bar shown while ``busy``; ``text`` as the status ("" while busy: the status stays)."""
        self.busy.setVisible(busy)
        if text:
            self.status_label.setText(text)

    def _changed(self, *_args: object) -> None:
        self.device_label.setText(self.current_device())
        settings = QSettings()
        settings.setValue("run/cache", self.cache_check.isChecked())
        settings.sync()  # a crash right after must not lose the choice
        self.options_changed.emit()
