"""The Latency tab: live benchmark runs with pyqtgraph plots, runs kept as series, export, and the Profile view.

The runs and their commands live in :class:`~ovexplorer.core.bench.latency_state.LatencyState` (Qt-free); this
panel wires it to its widgets (toolbar, live plots, runs table, export, Profile view). A QTimer at display rate
(never once per inference) polls the run's ring buffer and redraws what ``DrawClock`` says is due.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from ovexplorer.core.bench.draw_clock import DrawClock
from ovexplorer.core.bench.latency_export import export_csv, export_json
from ovexplorer.core.bench.latency_options import Inputs, given_inputs
from ovexplorer.core.bench.latency_state import UI_NICE, USE_PROCESS, LatencyState, RunEntry
from ovexplorer.core.bench.plot_scale import log_ticks, nice_ceiling, rolling_percentiles
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.session import CompileOptions
from ovexplorer.ui.latency.export_actions import ExportActions
from ovexplorer.ui.latency.latency_toolbar import LatencyToolbar
from ovexplorer.ui.latency.live_plots import LivePlots
from ovexplorer.ui.latency.plot_style import Series
from ovexplorer.ui.latency.profile_view import ProfileView
from ovexplorer.ui.latency.runs_table import RunsTable
from ovexplorer.ui.shell.workers import TaskRunner

#: The panel, and the export and plot helpers this module held before the split (now in ``core.bench``).
__all__ = ["LatencyPanel", "export_csv", "export_json", "install_latency_panel", "log_ticks", "nice_ceiling",
           "rolling_percentiles"]

TICK_MS = 50  # 20 Hz: display rate, never per inference


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

    With ``use_process`` (the default) a run's loop works in a persistent child process (started at the first
    run) that compiles the model from its file; else in a thread of this panel's own pool, on a session compiled
    here.
    """

    use_process: bool = USE_PROCESS
    ui_nice: int = UI_NICE

    #: ``NodeColoring`` (``.colors``: ``{node_id: '#rrggbb'}``, ``.legend``): paint the graph by time or precision.
    node_colors_changed = Signal(object)
    node_activated = Signal(int)  # a layer row was clicked: select this IR node
    run_started = Signal(object)  # BenchmarkRun
    run_finished = Signal(object)  # BenchmarkRun (finished, stopped or failed)

    def __init__(self, parent: QWidget | None = None, *, run_panel: Any = None, picker: Any = None,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.run_panel, self.picker = run_panel, picker
        self.runner = runner or TaskRunner(self)  # compiles, profiling and exports
        self.pool = QThreadPool(self)  # benchmark loops: never starve the window's pool
        self.pool.setMaxThreadCount(2)
        self.bench_runner = TaskRunner(self, self.pool)
        self.state = LatencyState(self.runner.start, self.bench_runner.start, lambda: self.compile_options(),
                                  self._given_inputs)
        self.series: list[Series] = []
        self.clock = DrawClock()
        self._build()
        self.state.settings = self.toolbar.settings()
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        s = self.state
        s.status.connect(self.status_label.setText)
        s.changed.connect(self._update_buttons)
        s.live.connect(self._go_live)
        s.run_added.connect(self._add_series)
        s.run_started.connect(self.run_started.emit)
        s.run_ended.connect(self._ended)
        s.shown_changed.connect(self._shown_changed)
        s.cleared.connect(self._cleared)
        s.used_changed.connect(self.toolbar.show_used)
        if picker is not None and hasattr(picker, "device_changed"):
            picker.device_changed.connect(lambda *_a: self.state.options_changed())
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
        self.profile_view = ProfileView(self.compile_options, self._given_inputs, self.runner, self)
        self.profile_view.node_colors_changed.connect(self.node_colors_changed)
        self.profile_view.node_activated.connect(self.node_activated)
        self.tabs.addTab(self.profile_view, "Profile")

        v = QVBoxLayout(live)
        v.setContentsMargins(0, 4, 0, 0)
        self.toolbar = bar = LatencyToolbar(live)
        v.addWidget(bar)
        for name in bar.CONTROLS:  # the controls, by their names (tests and the window reach them here)
            setattr(self, name, getattr(bar, name))
        self.status_label = QLabel(live)
        self.status_label.setWordWrap(True)
        v.addWidget(self.status_label)

        splitter = QSplitter(Qt.Orientation.Vertical, live)
        self.plots = LivePlots(splitter)
        self.latency_plot, self.hist_plot, self.fps_plot = (self.plots.latency_plot, self.plots.hist_plot,
                                                            self.plots.fps_plot)
        self.stats_table = RunsTable(splitter)
        self.stats_table.shown_toggled.connect(self._shown_toggled)
        self.stats_table.itemSelectionChanged.connect(self._selection_changed)
        splitter.addWidget(self.plots)
        splitter.addWidget(self.stats_table)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        v.addWidget(splitter, 1)
        self.exports = ExportActions(self.state, self.plots, self.status_label, self.runner)
        bar.start_button.clicked.connect(self.toggle)
        bar.export_csv_button.clicked.connect(lambda: self.exports.export_dialog("csv"))
        bar.export_json_button.clicked.connect(lambda: self.exports.export_dialog("json"))
        bar.save_png_button.clicked.connect(self.exports.save_plot_dialog)
        bar.clear_button.clicked.connect(self.clear_runs)
        bar.settings_changed.connect(self.state.set_settings)

    # -- options and inputs ---------------------------------------------------------------------
    def compile_options(self) -> CompileOptions:
        """The Run panel's options (device from the toolbar), with this tab's hint, streams and requests."""
        if self.run_panel is not None and hasattr(self.run_panel, "options"):
            base = self.run_panel.options()
        else:
            base = CompileOptions(device=self.picker.current_device() if self.picker is not None else "CPU")
        return self.state.settings.compile_options(base)

    def _given_inputs(self) -> Inputs:
        """The Run panel's last inputs (if any) and the shapes they give dynamic inputs."""
        last = getattr(self.run_panel, "last_inputs", None) if self.run_panel is not None else None
        return given_inputs(self.state.document, last)

    # -- the state, by its old names ------------------------------------------------------------
    @property
    def document(self) -> ModelDocument | None:
        return self.state.document

    worker = property(lambda self: self.state.worker, doc="The benchmark child process (None before the first run).")
    running = property(lambda self: self.state.running, doc="A run goes on (or compiles).")
    active = property(lambda self: self._series_of(self.state.active), doc="The series of the run going on.")

    def _series_of(self, entry: RunEntry | None) -> Series | None:
        return next((s for s in self.series if s.entry is entry), None) if entry is not None else None

    # -- commands -------------------------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        """A new model: the run going on ends (its series stays); compiled sessions and the profile go."""
        self.state.set_document(doc)
        self.profile_view.set_document(doc)

    def _sync(self) -> None:
        self.state.use_process, self.state.ui_nice = self.use_process, self.ui_nice

    def toggle(self) -> None:
        self._sync()
        self.state.toggle()

    def start(self) -> bool:
        """Compile (or reuse a compiled session) and start a run with the current settings."""
        self._sync()
        return self.state.start()

    def stop(self) -> None:
        """End the run going on after its inferences in flight; its data stays."""
        self.state.stop()

    def clear_runs(self) -> None:
        self.state.clear()

    def wait(self, msecs: int = 10000) -> bool:
        """Wait until no benchmark loop runs (tests, shutdown)."""
        done = self.pool.waitForDone(msecs)
        return self.state.wait_child(msecs / 1000) and done

    def shutdown(self) -> None:
        """Stop everything and wait for the loops (the window is closing); no child process outlives it."""
        self.state.shutdown()
        self.timer.stop()
        self.pool.waitForDone(10000)
        self.state.close_worker()

    def export_run(self, series: Series, path: str | Path) -> Path:
        """CSV or JSON by the path's suffix."""
        return self.state.export(series.entry, path)

    def save_plot(self, path: str | Path) -> Path:
        """The three plots as one PNG."""
        return self.exports.save_plot(path)

    # -- state events ---------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        s = self.state
        self.toolbar.update_buttons(s.running, s.can_start, bool(s.entries))

    def _go_live(self) -> None:
        self.clock.reset()
        self.timer.start()

    def _add_series(self, entry: RunEntry) -> None:
        series = Series(entry)
        self.plots.add_series(series)
        self.series.append(series)
        self.stats_table.add_run(entry.run.label, entry.color)
        self.stats_table.clearSelection()  # the rolling lines follow the new run
        self._refresh_rolling()

    def _ended(self, entry: RunEntry) -> None:
        if self.state.active is None:
            self.timer.stop()
        series = self._series_of(entry)
        if series is not None:
            self._refresh_series(series, full=True)
        self.run_finished.emit(entry.run)

    def _shown_toggled(self, index: int, shown: bool) -> None:
        if 0 <= index < len(self.series):
            self.state.set_shown(index, shown)

    def _shown_changed(self, index: int) -> None:
        self.plots.set_shown(self.series[index], self.series, self.state.running)
        self.stats_table.set_checked(index, self.series[index].shown)

    def _selection_changed(self) -> None:
        self.state.select(self.stats_table.selected_row())
        self._refresh_rolling()

    def selected_series(self) -> Series | None:
        return self._series_of(self.state.chosen())

    def _cleared(self) -> None:
        self.plots.reset()
        self.series.clear()
        self.stats_table.setRowCount(0)

    # -- drawing --------------------------------------------------------------------------------
    def _tick(self) -> None:
        self.state.poll()
        series = self.active
        if series is None:
            if not self.state.polling:
                self.timer.stop()
            return
        draw = self.clock.tick(series.run.recorder.count)
        if not draw.any:
            return
        if not self.plots.isVisible():  # another tab is in front: the statistics row is enough
            if draw.slow:
                self.stats_table.fill(self.series.index(series), series.run)
            return
        self._refresh_latency(series, rolling=draw.rolling)
        if draw.slow:
            self._refresh_slow(series)

    def _refresh_latency(self, series: Series, rolling: bool = True) -> None:
        chosen = rolling and series is self.selected_series()
        self.plots.draw_latency(series, self.series, chosen, self.state.running)

    def _refresh_rolling(self) -> None:
        self.plots.draw_rolling(self.series, self.selected_series())

    def _refresh_slow(self, series: Series) -> None:
        self.plots.draw_slow(series, self.series, self.state.running)
        self.stats_table.fill(self.series.index(series), series.run)

    def _refresh_series(self, series: Series, full: bool = False) -> None:
        self._refresh_latency(series)
        self._refresh_slow(series)
        if full:
            self._refresh_rolling()


def install_latency_panel(window: Any) -> LatencyPanel:
    """Add the Latency tab; clicking a profiled layer selects its node; runs end when the window closes."""
    panel = LatencyPanel(window, run_panel=getattr(window, "run_panel", None),
                         picker=getattr(window, "device_picker", None), runner=window.runner)
    window.add_panel(panel, "Latency")
    panel.node_activated.connect(window.select_node)
    window.installEventFilter(_CloseWatcher(panel))
    window.latency_panel = panel
    return panel

