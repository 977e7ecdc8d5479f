"""The Latency tab: live benchmark runs with pyqtgraph plots, runs kept as series, export, and the Profile view.

A run's loop (``core.bench.benchmark.BenchmarkRun.run``) works in a persistent child process
(``core.bench.bench_process.BenchWorker``: the window's drawing never holds the loop's GIL), or, with ``use_process``
off, in a thread pool of this panel's own; the UI reads its ring buffer (shared memory for a child) from a QTimer
at display rate (never once per inference): latency per inference with a rolling
median / p90 / p99, a histogram and throughput over time. Every run stays as a series (a checkable row of the
runs table) and can be exported as CSV or JSON; the plots save as PNG. Stopping, closing the window, switching
models or a device error end the run cleanly and keep its data.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.bench.bench_process import BenchWorker, RemoteRun
from ovexplorer.core.bench.benchmark import MODES, BenchConfig, BenchmarkRun, LatencyStats, default_inputs
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.ports import model_inputs
from ovexplorer.core.run.session import PERFORMANCE_HINTS, CompiledSession, CompileOptions, compile_session
from ovexplorer.core.util.atomic import atomic_path
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.ui.latency.profile_view import ProfileView
from ovexplorer.ui.shell.flow_layout import FlowLayout
from ovexplorer.ui.shell.workers import Task, TaskRunner

TICK_MS = 50  # 20 Hz: display rate, never per inference
FEW_NEW = 16  # fewer new inferences than this since the last drawing: draw every SLOW_TICKS ticks
SLOW_TICKS = 4  # (5 Hz: the window of a 10 ms model took 7.3 % of a core at 10 Hz, 6 % of its throughput)
SLOW_EVERY = 8  # histogram, throughput and statistics every 8 ticks (2.5 Hz)
ROLLING_EVERY = 2  # rolling median / p90 / p99 every 2 ticks (10 Hz)
ROLLING_STEP = 5  # ... at every 5th inference (400 points across the window)
LIVE_STATS = 1 << 16  # while running, percentiles and histogram over the latest 65536 inferences
WINDOW = 2000  # inferences shown by the scrolling latency plot
ROLLING = 50  # inferences in the rolling median / p90 / p99
HIST_BINS = 60
SHRINK_AFTER = 40  # ticks (2 s) the latency axis waits before shrinking
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f")
STAT_COLUMNS = ("Run", "State", "Count", "Median", "Mean", "Min", "Max", "p90", "p99", "Std", "FPS", "Warm-up")
LIMITS = (("Until stopped", "none"), ("Iterations", "iterations"), ("Duration (s)", "seconds"))
#: Run the benchmark loop in a child process (default), so the window's drawing never stalls it; set
#: OVEXPLORER_BENCH_PROCESS=0 (or ``LatencyPanel.use_process = False``) to run it in a thread of the window.
USE_PROCESS = os.environ.get("OVEXPLORER_BENCH_PROCESS", "1").strip().lower() not in ("0", "no", "false", "off")
#: Linux: lower the UI thread's priority by this much (nice) once the benchmark child runs, so that on a busy
#: machine the plots yield the CPU to the loop. Off by default: an unprivileged process cannot undo it.
UI_NICE = int(os.environ.get("OVEXPLORER_BENCH_UI_NICE", "0") or 0)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp)`` on a temporary file beside ``path``, then move it into place (core/util/atomic.py)."""
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def export_csv(run: BenchmarkRun, path: str | Path) -> Path:
    """The run as CSV: ``#`` lines saying what each part covers, the per-inference rows kept (inference index,
    completion time (s), latency (ms)), then the whole-run aggregates in sections after a blank line: throughput
    per interval, the latency histogram and the decimated latency series."""
    first, lat, t = run.recorder.latest()
    summary = run.recorder.summary()
    iv = summary.intervals()
    edges, counts = summary.histogram()
    d_idx, d_t, d_lat = summary.decimated()

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            f.write(f"# ovexplorer latency run: {run.label} ({run.config.describe()}, {run.state})\n")
            f.write(f"# per-inference rows: {run.coverage()}; whole-run aggregates follow in sections\n")
            if summary.missed:
                f.write(f"# {summary.missed} inferences were overwritten before being aggregated\n")
            w.writerow(["inference", "time_s", "latency_ms"])
            for a in range(0, lat.size, _CHUNK):  # in chunks: a worker writing gives the UI thread the GIL between
                w.writerows(zip(range(first + a, first + a + lat[a:a + _CHUNK].size),
                                np.char.mod("%.6f", t[a:a + _CHUNK]).tolist(),
                                np.char.mod("%.6f", lat[a:a + _CHUNK]).tolist(), strict=True))
            f.write(f"\n# whole run: throughput over time, {summary.count} inferences in intervals of "
                    f"{summary.interval:g} s\n")
            w.writerow(["interval_start_s", "count", "inferences_per_s", "mean_ms", "min_ms", "max_ms"])
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = iv["sum_ms"] / iv["count"]
            for row in zip(iv["start_s"].tolist(), iv["count"].tolist(), mean.tolist(), iv["min_ms"].tolist(),
                           iv["max_ms"].tolist(), strict=True):
                start, n, m, lo, hi = row
                w.writerow([f"{start:.6f}", n, f"{n / summary.interval:.3f}", *(_cell(v) for v in (m, lo, hi))])
            f.write("\n# whole run: latency histogram (log-spaced bins, empty bins left out)\n")
            w.writerow(["from_ms", "to_ms", "count"])
            bounds = np.concatenate(([0.0], edges, [math.inf]))
            for i in np.flatnonzero(counts).tolist():
                w.writerow([f"{bounds[i]:.6g}", f"{bounds[i + 1]:.6g}", int(counts[i])])
            f.write(f"\n# whole run: every {summary.stride}th inference\n")
            w.writerow(["inference", "time_s", "latency_ms"])
            w.writerows(zip(d_idx.tolist(), np.char.mod("%.6f", d_t).tolist(), np.char.mod("%.6f", d_lat).tolist(),
                            strict=True))

    return atomic_write(path, write)


_CHUNK = 8192  # rows (or values) written per call


def _cell(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.6f}"


def export_json(run: BenchmarkRun, path: str | Path) -> Path:
    """The run (settings, warm-up, statistics, whole-run aggregates, the latencies kept and what they cover) as
    JSON."""
    data = run.to_dict()
    long = {k: data.pop(k) for k in ("latency_ms", "time_s")}  # written in chunks (one json.dumps of 262,144
    # floats holds the GIL for over 100 ms: the window would stall while a worker writes)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as f:
            f.write(json.dumps(data, default=_json_default)[:-1])
            for key, values in long.items():
                f.write(f", {json.dumps(key)}: [")
                for a in range(0, len(values), _CHUNK):
                    f.write((", " if a else "") + json.dumps(values[a:a + _CHUNK], default=_json_default)[1:-1])
                f.write("]")
            f.write("}")

    return atomic_write(path, write)


def _json_default(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return str(value)


def rolling_percentiles(values: np.ndarray, window: int, step: int = 1) -> np.ndarray:
    """``(3, m)``: nearest-rank median, p90 and p99 of ``window`` consecutive values, for every ``step``-th
    window counted back from the last one (so the last value always ends a window)."""
    if values.size < window:
        return np.empty((3, 0))
    views = np.lib.stride_tricks.sliding_window_view(values, window)[::-1][::step][::-1]
    rows = np.sort(views, axis=1)
    ranks = [max(0, int(np.ceil(window * p / 100)) - 1) for p in (50, 90, 99)]
    return rows[:, ranks].T


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= ``value``."""
    if value <= 0 or not np.isfinite(value):
        return 1.0
    power = 10 ** np.floor(np.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


def log_ticks(lo: float, hi: float) -> list[list[tuple[float, str]]]:
    """Axis ticks for log10(ms) from ``lo`` to ``hi``: labelled 1-2-5 steps, unlabelled 1..9 steps."""
    major, minor = [], []
    for power in range(int(np.floor(lo)) - 1, int(np.ceil(hi)) + 1):
        for m in range(1, 10):
            x = power + np.log10(m)
            if lo - 0.05 <= x <= hi + 0.05:
                if m in (1, 2, 5):
                    major.append((float(x), f"{m * 10.0**power:g}"))
                else:
                    minor.append((float(x), ""))
    return [major, minor]


@dataclass
class StickyRange:
    """An axis top that grows at once and shrinks only when the data have used less than a third of it for
    ``patience`` updates (or no run is going on), in nice steps: axes are slow to repaint, so they change rarely."""

    patience: int
    top: float = 0.0
    low: int = 0

    def fit(self, peak: float, running: bool = True) -> float | None:
        """The new top for ``peak``, or None to keep the axis as it is."""
        if not np.isfinite(peak) or peak <= 0:
            return None
        small = peak < self.top / 3
        self.low = self.low + 1 if small else 0
        if peak > self.top or (small and (self.low >= self.patience or not running)):
            self.low, self.top = 0, nice_ceiling(peak * 1.1)
            return self.top
        return None


@dataclass(eq=False)
class Series:
    """One run as shown: its colour, its row in the runs table, its curves."""

    run: BenchmarkRun
    color: str
    curves: dict[str, pg.PlotDataItem] = field(default_factory=dict)
    shown: bool = True
    task: Task | None = None


class _CloseWatcher(QObject):
    """Stops the panel's runs when the window closes (before the window's own close handling)."""

    def __init__(self, panel: LatencyPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.panel.shutdown()
        return False


class LatencyPanel(QWidget):
    """Live latency benchmark runs and per-layer profiling of the open model.

    With ``use_process`` (the default) a run's loop works in a persistent child process
    (:class:`~ovexplorer.core.bench.bench_process.BenchWorker`, started at the first run) that compiles the model from
    its file; else in a thread of this panel's own pool, on a session compiled here.
    """

    use_process: bool = USE_PROCESS
    ui_nice: int = UI_NICE

    #: ``NodeColoring`` (``.colors``: ``{node_id: '#rrggbb'}``, ``.legend``): paint the graph by time or precision.
    node_colors_changed = Signal(object)
    node_activated = Signal(int)  # a layer row was clicked: select this IR node
    run_started = Signal(object)  # BenchmarkRun
    run_finished = Signal(object)  # BenchmarkRun (finished, stopped or failed)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        run_panel: Any = None,
        picker: Any = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.run_panel, self.picker = run_panel, picker
        self.runner = runner or TaskRunner(self)  # compiles and profiling
        self.pool = QThreadPool(self)  # benchmark loops: never starve the window's pool
        self.pool.setMaxThreadCount(2)
        self.bench_runner = TaskRunner(self, self.pool)
        self.document: ModelDocument | None = None
        self.series: list[Series] = []
        self.active: Series | None = None
        self._sessions: dict[tuple, CompiledSession] = {}
        self._compile_task: Task | None = None
        self.worker: BenchWorker | None = None  # the child process, started at the first run
        self._pending: RemoteRun | None = None  # a run compiling in the child: a series once it warms up
        self._restart = False
        self._ticks = self._drawn = 0
        self._compile_serial = 0
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        if picker is not None and hasattr(picker, "device_changed"):
            picker.device_changed.connect(self._options_changed)
        self.set_document(None)

    # -- construction ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs)
        live = QWidget(self)
        self.tabs.addTab(live, "Live")
        self.profile_view = ProfileView(self.compile_options, self._profile_inputs, self.runner, self)
        self.profile_view.node_colors_changed.connect(self.node_colors_changed)
        self.profile_view.node_activated.connect(self.node_activated)
        self.tabs.addTab(self.profile_view, "Profile")

        v = QVBoxLayout(live)
        v.setContentsMargins(0, 4, 0, 0)
        row = FlowLayout()  # wraps onto a second row in a narrow window (was a 1099-px-wide QHBoxLayout)
        self.start_button = QPushButton("Start", live)
        self.start_button.clicked.connect(self.toggle)
        self.mode_combo = QComboBox(live)
        for mode in MODES:
            self.mode_combo.addItem(mode, mode)
        self.mode_combo.setToolTip("sync: one request, infer() in a loop (latency)\nasync: N requests kept busy")
        self.limit_combo = QComboBox(live)
        for text, kind in LIMITS:
            self.limit_combo.addItem(text, kind)
        self.iterations_spin = QSpinBox(live)
        self.iterations_spin.setRange(1, 100_000_000)
        self.iterations_spin.setValue(1000)
        self.seconds_spin = QDoubleSpinBox(live)
        self.seconds_spin.setRange(0.1, 86400)
        self.seconds_spin.setValue(10)
        self.seconds_spin.setSuffix(" s")
        self.limit_combo.currentIndexChanged.connect(self._limit_changed)
        self.hint_combo = QComboBox(live)
        self.hint_combo.addItem("hint: as in Run", None)
        for hint in PERFORMANCE_HINTS:
            self.hint_combo.addItem(hint, hint)
        self.streams_spin = QSpinBox(live)
        self.streams_spin.setRange(0, 256)
        self.streams_spin.setSpecialValueText("streams: auto")
        self.streams_spin.setPrefix("streams ")
        self.requests_spin = QSpinBox(live)
        self.requests_spin.setRange(0, 256)
        self.requests_spin.setSpecialValueText("requests: auto")
        self.requests_spin.setPrefix("requests ")
        for w in (self.mode_combo, self.hint_combo, self.streams_spin, self.requests_spin):
            signal = w.currentIndexChanged if isinstance(w, QComboBox) else w.valueChanged
            signal.connect(self._options_changed)
        for w in (self.start_button, self.mode_combo, self.limit_combo, self.iterations_spin, self.seconds_spin,
                  self.hint_combo, self.streams_spin, self.requests_spin):
            row.addWidget(w)
        row.addStretch(1)
        self.export_csv_button = QPushButton("Export CSV…", live)
        self.export_csv_button.clicked.connect(lambda: self.export_dialog("csv"))
        self.export_json_button = QPushButton("Export JSON…", live)
        self.export_json_button.clicked.connect(lambda: self.export_dialog("json"))
        self.save_png_button = QPushButton("Save plots…", live)
        self.save_png_button.clicked.connect(self.save_plot_dialog)
        self.clear_button = QPushButton("Clear", live)
        self.clear_button.clicked.connect(self.clear_runs)
        for w in (self.export_csv_button, self.export_json_button, self.save_png_button, self.clear_button):
            row.addWidget(w)
        v.addLayout(row)
        self.status_label = QLabel(live)
        self.status_label.setWordWrap(True)
        v.addWidget(self.status_label)

        splitter = QSplitter(Qt.Orientation.Vertical, live)
        self.plots = QWidget(splitter)
        grid = QVBoxLayout(self.plots)
        grid.setContentsMargins(0, 0, 0, 0)
        self.latency_plot = self._plot(
            f"Latency per inference (last {WINDOW}; rolling {ROLLING}: median, p90 dashed, p99 dotted)",
            "inferences ago", "ms")
        self._add_legend()
        self.latency_plot.setXRange(-WINDOW, 0, padding=0.01)
        self.latency_plot.disableAutoRange()
        self._y_top = 0.0
        self._low_ticks = 0
        bottom = QHBoxLayout()
        self.hist_plot = self._plot("Latency histogram", "ms (log scale)", "% of inferences")

        self.fps_plot = self._plot("Throughput", "s", "inferences / s")
        for plot in (self.hist_plot, self.fps_plot):
            plot.enableAutoRange(y=False)
        self.fps_plot.enableAutoRange(x=False)
        self.hist_plot.enableAutoRange(x=False)
        self._sticky = {"hist": StickyRange(5), "fps": StickyRange(5), "time": StickyRange(1_000_000)}
        self._hist_ticks: list = []
        self._hist_x = (0.0, 0.0)
        grid.addWidget(self.latency_plot, 3)
        bottom.addWidget(self.hist_plot)
        bottom.addWidget(self.fps_plot)
        grid.addLayout(bottom, 2)
        self.stats_table = QTableWidget(0, len(STAT_COLUMNS), splitter)
        self.stats_table.setHorizontalHeaderLabels(list(STAT_COLUMNS))
        self.stats_table.verticalHeader().setVisible(False)
        self.stats_table.verticalHeader().setDefaultSectionSize(20)
        self.stats_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.stats_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.stats_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.stats_table.itemChanged.connect(self._item_changed)
        self.stats_table.itemSelectionChanged.connect(self._selection_changed)
        self.stats_table.setToolTip(
            "Latencies in ms (nearest-rank percentiles, as benchmark_app); tick a run to plot it")
        splitter.addWidget(self.plots)
        splitter.addWidget(self.stats_table)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        v.addWidget(splitter, 1)
        self._limit_changed()

    def _add_legend(self) -> None:
        legend = self.latency_plot.addLegend(offset=(60, 10), labelTextColor="#222")  # top left: the oldest side
        legend.setBrush(pg.mkBrush(255, 255, 255, 200))

    def _plot(self, title: str, x: str, y: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(self.plots, background="w")
        plot.setTitle(title, color="#222", size="10pt")
        plot.setLabel("bottom", x)
        plot.setLabel("left", y)
        plot.showGrid(x=True, y=True, alpha=0.25)
        for axis in ("left", "bottom"):
            item = plot.getAxis(axis)
            item.setPen(pg.mkPen("#444"))
            item.setTextPen(pg.mkPen("#222"))
            # text is slow to paint: keep each axis as a pixmap, repainted only when its ticks change
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.setMouseEnabled(x=True, y=True)
        plot.setMinimumHeight(120)
        return plot

    def _limit_changed(self, *_args: Any) -> None:
        kind = self.limit_combo.currentData()
        self.iterations_spin.setVisible(kind == "iterations")
        self.seconds_spin.setVisible(kind == "seconds")

    # -- options --------------------------------------------------------------------------------
    def compile_options(self) -> CompileOptions:
        """The Run panel's options (device from the toolbar), with this tab's hint, streams and requests."""
        if self.run_panel is not None and hasattr(self.run_panel, "options"):
            options = replace(self.run_panel.options(), profiling=False)
        else:
            device = self.picker.current_device() if self.picker is not None else "CPU"
            options = CompileOptions(device=device)
        hint = self.hint_combo.currentData()
        if hint:
            options = replace(options, performance_hint=hint)
        if self.streams_spin.value():
            options = replace(options, num_streams=self.streams_spin.value())
        if self.requests_spin.value():
            options = replace(options, num_requests=self.requests_spin.value())
        return options

    def bench_config(self) -> BenchConfig:
        kind = self.limit_combo.currentData()
        return BenchConfig(
            mode=self.mode_combo.currentData(),
            iterations=self.iterations_spin.value() if kind == "iterations" else 0,
            seconds=self.seconds_spin.value() if kind == "seconds" else 0.0,
            requests=self.requests_spin.value(),
        )

    def _given_inputs(self) -> tuple[Mapping[str, np.ndarray] | None, dict[str, tuple[int, ...]]]:
        """The Run panel's last inputs (if any) and the shapes they give dynamic inputs."""
        doc = self.document
        inputs = dict(getattr(self.run_panel, "last_inputs", {}) or {}) if self.run_panel is not None else {}
        shapes: dict[str, tuple[int, ...]] = {}
        if doc is not None and doc.model is not None and inputs:
            for spec in model_inputs(doc.model):
                if not spec.is_static and spec.name in inputs:
                    shapes[spec.name] = tuple(inputs[spec.name].shape)
        return (inputs or None), shapes

    def _profile_inputs(self) -> tuple[Mapping[str, np.ndarray] | None, dict[str, tuple[int, ...]]]:
        return self._given_inputs()

    def _options_changed(self, *_args: Any) -> None:
        """A new device / hint / streams / requests / mode while running: end this run and start another."""
        if self.active is not None:
            self._restart = True
            self.stop()
        elif self._pending is not None or (self._compile_task is not None and not self._compile_task.done):
            self.stop()  # compiling for the old options: compile for the new ones instead
            self.start()

    # -- document -------------------------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        """A new model: the run going on ends (its series stays); compiled sessions and the profile go."""
        self._restart = False
        self.stop()
        if self._compile_task is not None:
            self._compile_task.cancel()
            self._compile_task = None
        self.document = doc
        self._sessions.clear()
        self.profile_view.set_document(doc)
        self._update_buttons()
        if doc is None:
            self.status_label.setText("Open a model to benchmark it.")
        elif self.active is None:
            self.status_label.setText(f"Ready to benchmark {doc.name}: press Start.")

    # -- runs -----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return (self.active is not None or self._pending is not None
                or (self._compile_task is not None and not self._compile_task.done))

    def toggle(self) -> None:
        if self.running:
            self._restart = False
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        """Compile (or reuse a compiled session) and start a run with the current settings."""
        doc = self.document
        if doc is None or doc.model is None or self.running:
            return False
        options, config = self.compile_options(), self.bench_config()
        inputs, shapes = self._given_inputs()
        if self.use_process and doc.path.exists() and self._start_remote(doc, options, config, inputs, shapes):
            return True
        key = (options, tuple(sorted(shapes.items())))
        session = self._sessions.get(key)
        if session is not None:
            return self._begin(doc, session, inputs, config)
        self.status_label.setText(f"Compiling {doc.name} for {options.describe()}…")
        self._compile_serial += 1
        serial = self._compile_serial
        self._compile_task = self.runner.start(
            compile_session, doc.model, options, shapes, fixed_shapes=True, model_name=doc.name,
            on_success=lambda s: self._compiled(doc, key, s, inputs, config, serial),
            on_failure=lambda exc: self._compile_failed(doc, exc, serial),
            on_cancel=self._update_buttons,
        )
        self._update_buttons()
        return True

    def _start_remote(self, doc: ModelDocument, options: CompileOptions, config: BenchConfig,
                      inputs: Mapping[str, np.ndarray] | None, shapes: dict[str, tuple[int, ...]]) -> bool:
        """Ask the child process to compile and run; False (run here instead) when it cannot start."""
        if self.worker is None:
            self.worker = BenchWorker()
        try:
            run = self.worker.start_run(doc.path, doc.weights_path, options, config, shapes=shapes, inputs=inputs,
                                        model_name=doc.name, label=self._label(doc, options, config))
        except OvexplorerError as exc:
            self.status_label.setText(f"{exc.message} Running in the window instead.")
            return False
        self._pending = run
        self._lower_ui_priority()
        self.status_label.setText(f"Compiling {doc.name} for {options.describe()}…")
        self._ticks = self._drawn = 0
        self.timer.start()
        self._update_buttons()
        return True

    def _lower_ui_priority(self) -> None:
        """Once, after the child started (it must not inherit it): nice this (the UI) thread by ``ui_nice``."""
        if self.ui_nice <= 0 or getattr(LatencyPanel, "_niced", False) or not sys.platform.startswith("linux"):
            return
        LatencyPanel._niced = True
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + self.ui_nice)
        except OSError:
            pass

    def _poll_worker(self) -> None:
        """The child's news: a compiled run becomes a series; ended runs end their series."""
        if self.worker is None:
            return
        self.worker.poll()
        pending = self._pending
        if pending is not None and (pending.began or not pending.active):
            self._pending = None
            if pending.began:
                self._show_run(pending)
            elif pending.error is not None:
                self.status_label.setText(f"Cannot benchmark: {pending.error.message}")
                self._update_buttons()
            else:
                self._update_buttons()
        active = self.active
        if active is not None and isinstance(active.run, RemoteRun) and not active.run.active:
            self._ended(active)

    @staticmethod
    def _label(doc: ModelDocument, o: CompileOptions, config: BenchConfig) -> str:
        return " ".join(
            [doc.name, o.device, o.performance_hint or "default", config.mode]
            + ([f"streams={o.num_streams}"] if o.num_streams is not None else [])
            + ([f"requests={config.requests}"] if config.requests else [])
        )

    def _compiled(
        self, doc: ModelDocument, key: tuple, session: CompiledSession, inputs, config: BenchConfig, serial: int
    ) -> None:
        if serial != self._compile_serial:  # stopped (or another model opened) while compiling
            self._update_buttons()
            return
        self._compile_task = None
        if doc is not self.document:
            self._update_buttons()
            return
        self._sessions[key] = session
        self._begin(doc, session, inputs, config)

    def _compile_failed(self, doc: ModelDocument, exc: BaseException, serial: int) -> None:
        if serial != self._compile_serial:
            return
        self._compile_task = None
        self._update_buttons()
        if doc is self.document:
            self.status_label.setText(f"Cannot benchmark: {getattr(exc, 'message', str(exc))}")

    def _begin(self, doc: ModelDocument, session: CompiledSession, inputs, config: BenchConfig) -> bool:
        try:
            run = BenchmarkRun(session, inputs, config) if inputs else None
        except OvexplorerError:
            run = None  # the Run panel's inputs do not fit this compile: seeded random data instead
        try:
            run = run or BenchmarkRun(session, default_inputs(session), config)
        except OvexplorerError as exc:
            self.status_label.setText(f"Cannot benchmark: {exc.message}")
            self._update_buttons()
            return False
        run.label = self._label(doc, session.options, config)
        series = self._show_run(run)
        series.task = self.bench_runner.start(
            run.run,
            on_success=lambda _r: self._ended(series),
            on_failure=lambda _exc: self._ended(series),
            on_cancel=lambda: self._ended(series),
        )
        return True

    def _show_run(self, run: BenchmarkRun) -> Series:
        """A new series for ``run`` (starting), followed by the live plots."""
        series = Series(run, PALETTE[len(self.series) % len(PALETTE)])
        self._add_series(series)
        self.active = series
        self.stats_table.clearSelection()  # the rolling lines follow the new run
        self._refresh_rolling()
        self.status_label.setText(f"Running {run.label} ({run.config.describe()})…")
        self._ticks = self._drawn = 0
        self.timer.start()
        self._update_buttons()
        self.run_started.emit(run)
        return series

    def stop(self) -> None:
        """End the run going on after its inferences in flight; its data stays."""
        if self._compile_task is not None and not self._compile_task.done:
            self._compile_task.cancel()
            self._compile_task = None
            self._compile_serial += 1
            self._update_buttons()
        if self._pending is not None:  # compiling in the child: it ends there, nothing is shown
            self._pending.stop()
            self._pending = None
            self._update_buttons()
        if self.active is not None:
            self.active.run.stop()

    def _ended(self, series: Series) -> None:
        if isinstance(series.run, RemoteRun) and series.run.active:
            return  # still running in the child
        if series is self.active:
            self.active = None
            self.timer.stop()
        series.task = None
        self._refresh_series(series, full=True)
        run = series.run
        stats = run.stats()
        text = f"{run.label}: {run.state}, {stats.count} inferences, median {stats.median:.3f} ms, {stats.fps:.1f} FPS"
        if run.error is not None:
            text = f"{run.label}: stopped by an error after {stats.count} inferences: {run.error.message}"
        self.status_label.setText(text)
        self._update_buttons()
        self.run_finished.emit(run)
        if self._restart and self.active is None:
            self._restart = False
            self.start()

    def wait(self, msecs: int = 10000) -> bool:
        """Wait until no benchmark loop runs (tests, shutdown)."""
        done = self.pool.waitForDone(msecs)
        if self.worker is not None:
            done = self.worker.wait(msecs / 1000) and done
            self._poll_worker()
        return done

    def shutdown(self) -> None:
        """Stop everything and wait for the loops (the window is closing)."""
        self._restart = False
        for s in self.series:
            s.run.stop()
        self.stop()
        self.timer.stop()
        self.pool.waitForDone(10000)
        if self.worker is not None:  # no child process outlives the window: asked to quit, else terminated
            self.worker.close(timeout=2.0)
            self._poll_worker()

    def _update_buttons(self, *_args: Any) -> None:
        running = self.running
        self.start_button.setText("Stop" if running else "Start")
        self.start_button.setEnabled(running or (self.document is not None and self.document.model is not None))
        has = bool(self.series)
        for w in (self.export_csv_button, self.export_json_button, self.save_png_button):
            w.setEnabled(has)
        self.clear_button.setEnabled(has and not running)

    # -- series ---------------------------------------------------------------------------------
    def _add_series(self, series: Series) -> None:
        pen = pg.mkPen(series.color, width=1)
        series.curves["latency"] = self.latency_plot.plot([], [], pen=pen, name=series.run.label)
        series.curves["latency"].setDownsampling(auto=True, method="peak")  # spikes stay visible
        dark = QColor(series.color).darker(150)
        series.curves["median"] = self.latency_plot.plot([], [], pen=pg.mkPen(dark, width=2))
        series.curves["p90"] = self.latency_plot.plot([], [], pen=pg.mkPen(dark, width=1.5, style=Qt.PenStyle.DashLine))
        series.curves["p99"] = self.latency_plot.plot([], [], pen=pg.mkPen(dark, width=1.5, style=Qt.PenStyle.DotLine))
        series.curves["hist"] = self.hist_plot.plot([], [], stepMode="center", pen=pg.mkPen(series.color, width=2))
        series.curves["fps"] = self.fps_plot.plot([], [], pen=pg.mkPen(series.color, width=2), symbol="o",
                                                  symbolSize=4, symbolBrush=series.color, symbolPen=None)
        self.series.append(series)
        table = self.stats_table
        table.blockSignals(True)
        r = table.rowCount()
        table.insertRow(r)
        item = QTableWidgetItem(series.run.label)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        swatch = QPixmap(12, 12)
        swatch.fill(QColor(series.color))
        item.setIcon(swatch)
        table.setItem(r, 0, item)
        for c in range(1, len(STAT_COLUMNS)):
            table.setItem(r, c, QTableWidgetItem(""))
        table.blockSignals(False)
        table.resizeColumnToContents(0)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or not 0 <= item.row() < len(self.series):
            return
        self.set_series_shown(item.row(), item.checkState() == Qt.CheckState.Checked)

    def set_series_shown(self, index: int, shown: bool) -> None:
        series = self.series[index]
        series.shown = shown
        for curve in series.curves.values():
            curve.setVisible(shown)
        item = self.stats_table.item(index, 0)
        want = Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked
        if item is not None and item.checkState() != want:
            item.setCheckState(want)
        self._refresh_histograms()

    def _selection_changed(self) -> None:
        self._refresh_rolling()

    def selected_series(self) -> Series | None:
        rows = self.stats_table.selectionModel().selectedRows() if self.stats_table.selectionModel() else []
        if rows and 0 <= rows[0].row() < len(self.series):
            return self.series[rows[0].row()]
        return self.active or (self.series[-1] if self.series else None)

    def clear_runs(self) -> None:
        if self.running:
            return
        self.latency_plot.clear()
        self.hist_plot.clear()
        self.fps_plot.clear()
        self._sticky = {"hist": StickyRange(5), "fps": StickyRange(5), "time": StickyRange(1_000_000)}
        self._hist_ticks = []
        self._hist_x = (0.0, 0.0)
        self._y_top = 0.0
        self._low_ticks = 0
        self._add_legend()
        self.series.clear()
        self.stats_table.setRowCount(0)
        self._update_buttons()

    # -- drawing --------------------------------------------------------------------------------
    def _tick(self) -> None:
        self._poll_worker()
        series = self.active
        if series is None:
            if self._pending is None and not (self.worker is not None and self.worker.busy):
                self.timer.stop()
            return
        self._ticks += 1
        count = series.run.recorder.count
        if count == self._drawn and self._ticks % SLOW_EVERY:
            return  # nothing new to draw
        if count - self._drawn < FEW_NEW and self._ticks % SLOW_TICKS and self._ticks % SLOW_EVERY:
            return  # a slow model (a few inferences per tick, using every core): 5 Hz is live enough
        self._drawn = count
        if not self.plots.isVisible():  # another tab is in front: the statistics row is enough
            if self._ticks % SLOW_EVERY == 0:
                self._fill_stats_row(series)
            return
        self._refresh_latency(series, rolling=self._ticks % ROLLING_EVERY == 0)
        if self._ticks % SLOW_EVERY == 0:
            self._refresh_slow(series)

    def _refresh_latency(self, series: Series, rolling: bool = True) -> None:
        _, lat, _ = series.run.recorder.latest(WINDOW + ROLLING - 1)
        show = lat[-WINDOW:]
        series.curves["latency"].setData(np.arange(-show.size + 1, 1), show)
        if rolling and series is self.selected_series():
            self._draw_rolling(series, lat)
        self._fit_latency_range()

    def _fit_latency_range(self) -> None:
        """Grow the latency axis at once, shrink it only when the data have used less than a third of it for
        ``SHRINK_AFTER`` ticks, in nice steps: the axis (slow to repaint) changes rarely, even for spiky data."""
        peaks = []
        for s in self.series:
            if s.shown:
                data = s.curves["latency"].getData()[1]
                if data is not None and len(data):
                    peaks.append(float(np.max(data)))
        if not peaks:
            return
        peak = max(peaks)
        low = peak < self._y_top / 3
        self._low_ticks = self._low_ticks + 1 if low else 0
        if peak > self._y_top or (low and (self._low_ticks >= SHRINK_AFTER or not self.running)):
            self._low_ticks = 0
            self._y_top = nice_ceiling(peak * 1.1)
            self.latency_plot.setYRange(0, self._y_top, padding=0)

    def _draw_rolling(self, series: Series, lat: np.ndarray) -> None:
        lat = lat[-(WINDOW + ROLLING - 1):]
        roll = rolling_percentiles(lat, ROLLING, ROLLING_STEP)
        x = -ROLLING_STEP * np.arange(roll.shape[1])[::-1]
        for k, name in enumerate(("median", "p90", "p99")):
            series.curves[name].setData(x, roll[k] if roll.size else np.empty(0))

    def _refresh_rolling(self) -> None:
        chosen = self.selected_series()
        for s in self.series:
            if s is chosen:
                _, lat, _ = s.run.recorder.latest(WINDOW + ROLLING - 1)
                self._draw_rolling(s, lat)
            else:
                for name in ("median", "p90", "p99"):
                    s.curves[name].setData([], [])

    def _refresh_slow(self, series: Series) -> None:
        x, fps = series.run.throughput_series()
        series.curves["fps"].setData(x, fps)
        peaks = [(float(np.max(d[0])), float(np.max(d[1]))) for d in (s.curves["fps"].getData() for s in self.series
                                                                       if s.shown) if d[0] is not None and len(d[0])]
        if peaks:
            top = self._sticky["fps"].fit(max(p[1] for p in peaks), self.running)
            if top is not None:
                self.fps_plot.setYRange(0, top, padding=0)
            end = self._sticky["time"].fit(max(p[0] for p in peaks), self.running)
            if end is not None:
                self.fps_plot.setXRange(0, end, padding=0)
        self._refresh_histograms()
        self._fill_stats_row(series)

    def _refresh_series(self, series: Series, full: bool = False) -> None:
        self._refresh_latency(series)
        self._refresh_slow(series)
        if full:
            self._refresh_rolling()

    def _refresh_histograms(self) -> None:
        shown = [s for s in self.series if s.shown and s.run.recorder.count]
        data = {id(s): np.log10(np.maximum(s.run.recorder.latest(LIVE_STATS if s.run.active else None)[1], 1e-6))
                for s in shown}
        if not data:
            return
        lo = min(float(v.min()) for v in data.values())
        hi = max(float(v.max()) for v in data.values())
        hi = hi if hi > lo + 0.005 else lo + 0.005
        log_edges = np.linspace(lo, hi, HIST_BINS + 1)  # uniform bins of log10(ms): numpy's fast path
        peak = 0.0
        for s in shown:
            counts, _ = np.histogram(data[id(s)], bins=HIST_BINS, range=(lo, hi))
            percent = counts * 100.0 / max(1, counts.sum())
            s.curves["hist"].setData(log_edges, percent)
            peak = max(peak, float(percent.max()))
        top = self._sticky["hist"].fit(peak, self.running)
        if top is not None:
            self.hist_plot.setYRange(0, min(top, 100.0), padding=0)
        x_range = (np.floor(lo * 10 - 0.5) / 10, np.ceil(hi * 10 + 0.5) / 10)  # 0.1-decade steps: rarely changes
        if x_range != self._hist_x:
            self._hist_x = x_range
            self.hist_plot.setXRange(*x_range, padding=0)
        ticks = log_ticks(*x_range)
        if ticks != self._hist_ticks:  # setting the same ticks again would repaint the axis all the same
            self._hist_ticks = ticks
            self.hist_plot.getAxis("bottom").setTicks(ticks)

    def _fill_stats_row(self, series: Series) -> None:
        r = self.series.index(series)
        run = series.run
        stats: LatencyStats = run.stats(LIVE_STATS if run.active else None)
        state = run.state if run.error is None else "failed"
        values = [state, str(stats.count)] + [
            "" if np.isnan(v) else f"{v:.3f}" for v in (stats.median, stats.mean, stats.min, stats.max,
                                                          stats.p90, stats.p99, stats.std)
        ] + [f"{stats.fps:.1f}", f"{run.warmup_ms[0]:.2f}" if run.warmup_ms else ""]
        table = self.stats_table
        table.blockSignals(True)
        for c, text in enumerate(values, start=1):
            item = table.item(r, c)
            item.setText(text)
            if c > 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if run.error is not None:
            table.item(r, 1).setForeground(QBrush(QColor("#b00020")))
            table.item(r, 1).setToolTip(run.error.message)
        table.blockSignals(False)
        if not run.active:
            table.resizeColumnsToContents()

    # -- export ---------------------------------------------------------------------------------
    def export_run(self, series: Series, path: str | Path) -> Path:
        """CSV or JSON by the path's suffix."""
        return (export_json if Path(path).suffix.lower() == ".json" else export_csv)(series.run, path)

    def export_dialog(self, kind: str) -> Task | None:
        """Ask for a path, then write the selected run there in a worker (a long run's export takes a few hundred
        ms); the status label and the window's status bar say where it went, or why it could not."""
        series = self.selected_series()
        if series is None:
            return None
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in series.run.label)
        path, _ = QFileDialog.getSaveFileName(self, f"Export run as {kind.upper()}", f"{name}.{kind}",
                                              "CSV (*.csv)" if kind == "csv" else "JSON (*.json)")
        if not path:
            return None
        run = series.run
        self.status_label.setText(f"Exporting {run.label} to {path}…")
        return self.runner.start(lambda progress, cancel: self.export_run(series, path),
                                 on_success=self._exported, on_failure=self._export_failed)

    def _exported(self, saved: Path) -> None:
        self._say(f"Saved {saved}")

    def _export_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, OSError):
            sys.excepthook(type(exc), exc, exc.__traceback__)  # a bug: the error reporter shows it
            return
        self._say(f"Cannot save {exc.filename or ''}: {exc.strerror or exc}")

    def _say(self, text: str) -> None:
        """In the status label, and in the window's status bar when there is one."""
        self.status_label.setText(text)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def save_plot(self, path: str | Path) -> Path:
        """The three plots as one PNG."""
        pixmap = self.plots.grab()
        return atomic_write(path, lambda tmp: _save_pixmap(pixmap, tmp))

    def save_plot_dialog(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, "Save plots as PNG", "latency.png", "PNG (*.png)")
        if not path:
            return None
        return self._saved(lambda: self.save_plot(path))

    def _saved(self, save: Callable[[], Path]) -> Path | None:
        try:
            saved = save()
        except OSError as exc:
            self.status_label.setText(f"Cannot save {exc.filename or ''}: {exc.strerror or exc}")
            return None
        self.status_label.setText(f"Saved {saved}")
        return saved


def _save_pixmap(pixmap: QPixmap, path: Path) -> None:
    if not pixmap.save(str(path), "PNG"):
        raise OSError(0, "could not write the PNG", str(path))


def install_latency_panel(window: Any) -> LatencyPanel:
    """Add the Latency tab; clicking a profiled layer selects its node; runs end when the window closes."""
    panel = LatencyPanel(window, run_panel=getattr(window, "run_panel", None),
                         picker=getattr(window, "device_picker", None), runner=window.runner)
    window.add_panel(panel, "Latency")
    panel.node_activated.connect(window.select_node)
    window.installEventFilter(_CloseWatcher(panel))
    window.latency_panel = panel
    return panel
