"""The Latency tab's controls: Start/Stop, mode, limit, hint, streams, requests, export and clear (a row that wraps
in a narrow window)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QPushButton, QSpinBox, QWidget

from ovexplorer.core.bench.benchmark import MODES
from ovexplorer.core.bench.latency_options import LIMITS, LatencySettings
from ovexplorer.core.run.session import PERFORMANCE_HINTS
from ovexplorer.ui.shell.flow_layout import FlowLayout


class LatencyToolbar(QWidget):
    """Emits ``settings_changed(LatencySettings)`` whenever a choice changes."""

    settings_changed = Signal(object)
    #: The widgets the panel exposes by name.
    CONTROLS = ("start_button", "mode_combo", "limit_combo", "iterations_spin", "seconds_spin", "hint_combo",
                "streams_spin", "requests_spin", "export_csv_button", "export_json_button", "save_png_button",
                "clear_button")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = FlowLayout(self)  # wraps onto a second row in a narrow window (was a 1099-px-wide QHBoxLayout)
        row.setContentsMargins(0, 0, 0, 0)
        self.start_button = QPushButton("Start", self)
        self.mode_combo = QComboBox(self)
        for mode in MODES:
            self.mode_combo.addItem(mode, mode)
        self.mode_combo.setToolTip("sync: one request, infer() in a loop (latency)\nasync: N requests kept busy")
        self.limit_combo = QComboBox(self)
        for text, kind in LIMITS:
            self.limit_combo.addItem(text, kind)
        self.iterations_spin = QSpinBox(self)
        self.iterations_spin.setRange(1, 100_000_000)
        self.iterations_spin.setValue(1000)
        self.seconds_spin = QDoubleSpinBox(self)
        self.seconds_spin.setRange(0.1, 86400)
        self.seconds_spin.setValue(10)
        self.seconds_spin.setSuffix(" s")
        self.hint_combo = QComboBox(self)
        self.hint_combo.addItem("hint: as in Run", None)
        for hint in PERFORMANCE_HINTS:
            self.hint_combo.addItem(hint, hint)
        self.streams_spin = self._auto_spin("streams")
        self.requests_spin = self._auto_spin("requests")
        for w in (self.start_button, self.mode_combo, self.limit_combo, self.iterations_spin, self.seconds_spin,
                  self.hint_combo, self.streams_spin, self.requests_spin):
            row.addWidget(w)
        row.addStretch(1)
        self.export_csv_button = QPushButton("Export CSV…", self)
        self.export_json_button = QPushButton("Export JSON…", self)
        self.save_png_button = QPushButton("Save plots…", self)
        self.clear_button = QPushButton("Clear", self)
        for w in (self.export_csv_button, self.export_json_button, self.save_png_button, self.clear_button):
            row.addWidget(w)
        self.limit_combo.currentIndexChanged.connect(self._limit_changed)
        for combo in (self.mode_combo, self.limit_combo, self.hint_combo):
            combo.currentIndexChanged.connect(self._changed)
        for spin in (self.iterations_spin, self.seconds_spin, self.streams_spin, self.requests_spin):
            spin.valueChanged.connect(self._changed)
        self._limit_changed()

    def _auto_spin(self, name: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(0, 256)
        spin.setSpecialValueText(f"{name}: auto")
        spin.setPrefix(f"{name} ")
        return spin

    def show_used(self, streams: int, requests: int) -> None:
        """What "auto" became for the run shown last (0: not known, plain "auto")."""
        for spin, name, value in ((self.streams_spin, "streams", streams), (self.requests_spin, "requests", requests)):
            spin.setSpecialValueText(f"{name}: auto ({value})" if value else f"{name}: auto")
            spin.setToolTip(f"The device chose {value} {name} for the last run" if value else "")
            spin.updateGeometry()

    def settings(self) -> LatencySettings:
        return LatencySettings(
            mode=self.mode_combo.currentData(), limit=self.limit_combo.currentData(),
            iterations=self.iterations_spin.value(), seconds=self.seconds_spin.value(),
            hint=self.hint_combo.currentData(), streams=self.streams_spin.value(),
            requests=self.requests_spin.value())

    def _limit_changed(self, *_args: Any) -> None:
        kind = self.limit_combo.currentData()
        self.iterations_spin.setVisible(kind == "iterations")
        self.seconds_spin.setVisible(kind == "seconds")

    def _changed(self, *_args: Any) -> None:
        self.settings_changed.emit(self.settings())

    def update_buttons(self, running: bool, can_start: bool, has_runs: bool) -> None:
        self.start_button.setText("Stop" if running else "Start")
        self.start_button.setEnabled(running or can_start)
        for w in (self.export_csv_button, self.export_json_button, self.save_png_button):
            w.setEnabled(has_runs)
        self.clear_button.setEnabled(has_runs and not running)
