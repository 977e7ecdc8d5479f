"""The Latency tab, driven as a user would: start, watch, stop, compare runs, export, profile; and the bad cases."""

from __future__ import annotations

import csv
import gc
import json
import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QFileDialog

from ovexplorer.core.bench.profiling import OTHER_PRECISION_COLOR, PRECISION_COLORS
from ovexplorer.core.run.session import CompiledSession, CompileOptions
from ovexplorer.resources import sample_model
from ovexplorer.ui.latency.latency_panel import LatencyPanel
from ovexplorer.ui.shell.main_window import MainWindow

WINDOW_SIZE = (1280, 860)  # the shared `window` fixture (conftest) uses it


def open_latency(qtbot, window: MainWindow, name: str = "regression") -> LatencyPanel:
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(sample_model(name))
    panel = window.latency_panel
    window.show_panel(panel)
    return panel


def set_limit(panel: LatencyPanel, kind: str, value: float = 0) -> None:
    panel.limit_combo.setCurrentIndex(panel.limit_combo.findData(kind))
    if kind == "iterations":
        panel.iterations_spin.setValue(int(value))
    elif kind == "seconds":
        panel.seconds_spin.setValue(value)


def click_start(qtbot, panel: LatencyPanel) -> None:
    with qtbot.waitSignal(panel.run_started, timeout=30000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)


def run_to_end(qtbot, panel: LatencyPanel) -> None:
    with qtbot.waitSignal(panel.run_finished, timeout=30000):
        click_start(qtbot, panel)


def plotted(panel: LatencyPanel, index: int = -1, curve: str = "latency") -> int:
    data = panel.series[index].curves[curve].getData()[1]
    return 0 if data is None else len(data)


def no_loop_left(panel: LatencyPanel) -> bool:
    return panel.pool.activeThreadCount() == 0 and panel.wait(5000) and not (panel.worker and panel.worker.busy)


def test_start_watch_and_stop_a_live_run(qtbot, window: MainWindow) -> None:
    panel = open_latency(qtbot, window)
    assert panel.start_button.text() == "Start"
    click_start(qtbot, panel)
    assert panel.start_button.text() == "Stop"
    qtbot.waitUntil(lambda: plotted(panel) > 50, timeout=20000)
    first = panel.series[0].run.recorder.count
    qtbot.waitUntil(lambda: panel.series[0].run.recorder.count > first + 50, timeout=20000)
    qtbot.waitUntil(lambda: plotted(panel) > 100 and plotted(panel, curve="median") > 0, timeout=20000)
    qtbot.waitUntil(lambda: plotted(panel, curve="fps") > 0, timeout=20000)  # a throughput point each 0.5 s
    with qtbot.waitSignal(panel.run_finished, timeout=20000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)  # Stop
    run = panel.series[0].run
    assert run.state == "stopped" and panel.start_button.text() == "Start"
    table = panel.stats_table
    assert table.item(0, 1).text() == "stopped"
    assert int(table.item(0, 2).text()) == run.stats().count > 100
    assert float(table.item(0, 3).text()) == pytest.approx(run.stats().median, abs=1e-3)
    assert plotted(panel, curve="hist") > 0 and plotted(panel, curve="fps") >= 1
    assert no_loop_left(panel)


def test_ui_thread_stays_responsive_during_a_run(qtbot, window: MainWindow) -> None:
    """A 10 ms QTimer keeps beating while a run goes on; the panel's own work per tick stays small.

    Bounds: the panel's longest tick < 50 ms of UI-thread CPU time (its own work; wall time on a loaded 2-core
    machine also counts the inference threads that preempt it); the timer's 99th-percentile gap < 100 ms (the
    issue's bound); the single longest gap < 250 ms, generous because on a loaded 2-core machine the OS
    scheduler alone (inference threads, other processes) can delay the UI thread that long.
    """
    panel = open_latency(qtbot, window, "shapes")
    ticks: list[float] = []
    tick = panel._tick

    def timed_tick() -> None:  # the UI thread's CPU time: its own work, not the time the OS gave others
        start = time.thread_time()
        tick()
        ticks.append((time.thread_time() - start) * 1000)

    panel.timer.timeout.disconnect()
    panel.timer.timeout.connect(timed_tick)
    click_start(qtbot, panel)
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def beat() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(beat)
    timer.start()
    qtbot.wait(2000)
    timer.stop()
    panel.stop()
    qtbot.waitUntil(lambda: not panel.running, timeout=20000)
    ordered = sorted(gaps[1:])
    worst, p99 = ordered[-1], ordered[int(0.99 * (len(ordered) - 1))]
    print(f"\nUI timer during a run: {len(gaps)} beats in 2 s, longest gap {worst:.0f} ms, p99 {p99:.0f} ms; "
          f"panel ticks: {len(ticks)}, longest {max(ticks):.1f} ms")
    assert panel.series[0].run.recorder.count > 0 and ticks
    assert max(ticks) < 50
    assert p99 < 100
    assert worst < 250


def test_runs_are_kept_as_toggleable_series_and_export(qtbot, window: MainWindow, tmp_path: Path,
                                                       monkeypatch) -> None:
    panel = open_latency(qtbot, window)
    set_limit(panel, "iterations", 300)
    panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("LATENCY"))
    run_to_end(qtbot, panel)
    panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("THROUGHPUT"))
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("async"))
    run_to_end(qtbot, panel)
    assert [s.run.state for s in panel.series] == ["finished", "finished"]
    labels = [panel.stats_table.item(r, 0).text() for r in range(2)]
    assert "LATENCY sync" in labels[0] and "THROUGHPUT async" in labels[1]
    legend, plot_area = panel.latency_plot.plotItem.legend, panel.latency_plot.plotItem.vb
    assert [label.text for _sample, label in legend.items] == labels
    qtbot.waitUntil(lambda: legend.sceneBoundingRect().top() >= plot_area.sceneBoundingRect().bottom())  # laid out
    assert not legend.sceneBoundingRect().intersects(plot_area.sceneBoundingRect())  # the key hides no inference
    assert [s.run.stats().count for s in panel.series] == [300, 300]
    # untick the first run: its curves go
    item = panel.stats_table.item(0, 0)
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not panel.series[0].shown and not panel.series[0].curves["latency"].isVisible()
    assert panel.series[1].curves["latency"].isVisible()
    item.setCheckState(Qt.CheckState.Checked)
    assert panel.series[0].curves["hist"].isVisible()
    # export the selected run as CSV and JSON, the plots as PNG (through the file dialogs)
    panel.stats_table.selectRow(0)
    target = {"path": ""}
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (target["path"], ""))
    target["path"] = str(tmp_path / "run.csv")
    qtbot.mouseClick(panel.export_csv_button, Qt.MouseButton.LeftButton)
    saved = f"Saved {tmp_path / 'run.csv'}"  # written in a worker: the status bar says when and where
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == saved == panel.status_label.text(), timeout=10000)
    text = (tmp_path / "run.csv").read_text()
    assert "# per-inference rows: all 300 inferences" in text
    parts = [list(csv.reader(ln for ln in part.splitlines() if not ln.startswith("#")))
             for part in text.split("\n\n")]
    rows, intervals, hist, decimated = parts
    assert rows[0] == ["inference", "time_s", "latency_ms"] and len(rows) == 301
    assert intervals[0][:2] == ["interval_start_s", "count"] and sum(int(r[1]) for r in intervals[1:]) == 300
    assert hist[0] == ["from_ms", "to_ms", "count"] and sum(int(r[2]) for r in hist[1:]) == 300
    assert decimated[1:] == rows[1:]  # 300 inferences: every one kept
    target["path"] = str(tmp_path / "run.json")
    qtbot.mouseClick(panel.export_json_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == f"Saved {tmp_path / 'run.json'}", timeout=10000)
    data = json.loads((tmp_path / "run.json").read_text())
    assert data["mode"] == "sync" and data["stats"]["count"] == 300 and len(data["latency_ms"]) == 300
    assert data["per_inference"]["covers"] == "all 300 inferences" and data["summary"]["count"] == 300
    target["path"] = str(tmp_path / "plots.png")
    qtbot.mouseClick(panel.save_png_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "plots.png").read_bytes()[:4] == b"\x89PNG"
    if os.name == "posix":  # the usual permissions, not the temporary file's 0600
        from ovexplorer.core.util.atomic import _default_mode  # exports are written through core/util/atomic.py

        for name in ("plots.png", "run.csv", "run.json"):
            assert (tmp_path / name).stat().st_mode & 0o777 == _default_mode()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left
    assert "Saved" in panel.status_label.text()
    target["path"] = str(tmp_path / "missing" / "x.csv")
    qtbot.mouseClick(panel.export_csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cannot save" in panel.status_label.text(), timeout=10000)
    assert "Cannot save" in window.statusBar().currentMessage()
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert panel.series == [] and panel.stats_table.rowCount() == 0


def test_changing_options_mid_run_starts_a_new_run(qtbot, window: MainWindow) -> None:
    panel = open_latency(qtbot, window)
    click_start(qtbot, panel)
    qtbot.waitUntil(lambda: panel.series[0].run.recorder.count > 10, timeout=20000)
    with qtbot.waitSignal(panel.run_started, timeout=30000):
        panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("THROUGHPUT"))
    assert panel.series[0].run.state == "stopped" and len(panel.series) == 2
    assert panel.series[1].run.session.options.performance_hint == "THROUGHPUT"
    qtbot.waitUntil(lambda: panel.series[1].run.recorder.count > 10, timeout=20000)
    panel.stop()
    qtbot.waitUntil(lambda: not panel.running, timeout=20000)
    assert no_loop_left(panel)


def test_stop_while_compiling_starts_nothing(qtbot, window: MainWindow) -> None:
    panel = open_latency(qtbot, window)
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert panel.start_button.text() == "Stop"  # compiling
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert panel.start_button.text() == "Start"
    window.runner.wait(20000)
    qtbot.wait(200)
    assert panel.series == [] and not panel.running and panel.start_button.text() == "Start"


def test_closing_the_window_mid_run_ends_it(qtbot, window: MainWindow) -> None:
    panel = open_latency(qtbot, window)
    click_start(qtbot, panel)
    qtbot.waitUntil(lambda: panel.series[0].run.recorder.count > 10, timeout=20000)
    window.close()
    run = panel.series[0].run
    assert run.state == "stopped" and panel.pool.activeThreadCount() == 0
    assert run.stats().count > 10 and run.to_dict()["latency_ms"]


def test_switching_models_mid_run_keeps_the_data(qtbot, window: MainWindow, tmp_path: Path) -> None:
    panel = open_latency(qtbot, window)
    click_start(qtbot, panel)
    qtbot.waitUntil(lambda: panel.series[0].run.recorder.count > 10, timeout=20000)
    with qtbot.waitSignal(panel.run_finished, timeout=30000):
        open_latency(qtbot, window, "shapes")
    run = panel.series[0].run
    assert run.state == "stopped" and not panel.running and no_loop_left(panel)
    assert panel.stats_table.item(0, 1).text() == "stopped"
    panel.export_run(panel.series[0], tmp_path / "old.json")
    assert json.loads((tmp_path / "old.json").read_text())["model"] == "regression"
    run_to_end_seconds(qtbot, panel)
    assert panel.series[1].run.session.model_name == "shapes"


def run_to_end_seconds(qtbot, panel: LatencyPanel) -> None:
    set_limit(panel, "seconds", 0.3)
    run_to_end(qtbot, panel)


class _LostDevice:
    def __init__(self, request) -> None:
        self._request, self._left = request, 20

    def set_input_tensor(self, *args) -> None:
        self._request.set_input_tensor(*args)

    @property
    def latency(self) -> float:
        return self._request.latency

    def infer(self):
        if self._left == 0:
            raise RuntimeError("Exception from src/inference/src/dev/plugin.cpp:1:\ndevice was lost\n")
        self._left -= 1
        time.sleep(0.002)
        return self._request.infer()


def test_device_error_during_a_run(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    panel = open_latency(qtbot, window)
    panel.use_process = False  # the lost device is patched into this process: the loop must run here, not in a child
    monkeypatch.setattr(CompiledSession, "create_request",
                        lambda self: _LostDevice(self.compiled.create_infer_request()))
    run_to_end(qtbot, panel)
    run = panel.series[0].run
    assert run.state == "failed" and run.stats().count == 19
    assert "device was lost" in panel.status_label.text()
    assert panel.stats_table.item(0, 1).text() == "failed"
    assert panel.start_button.text() == "Start" and no_loop_left(panel)
    panel.export_run(panel.series[0], tmp_path / "failed.csv")
    rows = (tmp_path / "failed.csv").read_text().split("\n\n")[0].splitlines()
    assert rows[1] == "# per-inference rows: all 19 inferences; whole-run aggregates follow in sections"
    assert len(rows) == 22  # two comment lines, the header, 19 inferences


def test_a_device_that_cannot_compile(qtbot, window: MainWindow, monkeypatch) -> None:
    panel = open_latency(qtbot, window)
    monkeypatch.setattr(panel, "compile_options", lambda: CompileOptions(device="NOPE"))
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cannot benchmark" in panel.status_label.text(), timeout=20000)
    assert "NOPE" in panel.status_label.text() and panel.series == [] and not panel.running


def test_profile_table_selects_nodes_and_colours_the_graph(qtbot, window: MainWindow) -> None:
    panel = open_latency(qtbot, window, "shapes")
    view = panel.profile_view
    panel.tabs.setCurrentWidget(view)
    colorings = []
    panel.node_colors_changed.connect(colorings.append)
    with qtbot.waitSignal(view.profiled, timeout=30000):
        qtbot.mouseClick(view.profile_button, Qt.MouseButton.LeftButton)
    table = view.layers_table
    assert table.rowCount() > 5
    times = [float(table.item(r, 4).text()) for r in range(table.rowCount())]
    assert times == sorted(times, reverse=True)  # slowest first
    assert colorings[-1].mode == "time" and colorings[-1].colors
    assert "Time per node" in view.legend_label.text()
    # sort by type, then click a convolution row: its first IR node is selected in the window
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "Convolution")
    layer = view.layer_at(row)
    with qtbot.waitSignal(window.node_selected, timeout=5000) as blocker:
        rect = table.visualItemRect(table.item(row, 0))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [layer.node_ids[0]]
    assert window.document.graph.nodes[layer.node_ids[0]].type == "Convolution"
    assert len(layer.node_ids) >= 2  # fused with its batch norm and relu
    view.color_combo.setCurrentIndex(view.color_combo.findData("precision"))
    assert colorings[-1].mode == "precision" and "Runtime precision" in view.legend_label.text()
    used = set(colorings[-1].colors.values())
    assert used and used <= {*PRECISION_COLORS.values(), OTHER_PRECISION_COLOR}  # bf16 on AMX CPUs, f32 elsewhere
    types = [view.types_table.item(r, 0).text() for r in range(view.types_table.rowCount())]
    assert "Convolution" in types
    # the topology graph is painted by runtime precision, with its legend
    graph = window.graph_panel
    item = graph.view.item
    qtbot.waitUntil(lambda: item.layout is not None, timeout=30000)
    coloured = {item.layout.nodes[k].id for k in range(len(item.layout.nodes)) if item.brush_index[k] > 0}
    assert coloured and coloured <= set(colorings[-1].colors)
    assert graph.legend.isVisibleTo(graph) and "Runtime precision" in graph.legend.text()
    conv = next(n for n in item.layout.nodes if n.id in colorings[-1].colors)
    brush = item.paint_brushes[int(item.brush_index[item.layout.node_index[conv.id]])]
    assert brush.color().name() == colorings[-1].colors[conv.id].lower()
    view.color_combo.setCurrentIndex(view.color_combo.findData(""))
    assert colorings[-1].colors == {}
    assert not graph.legend.isVisibleTo(graph) and item.brush_index is item.cat_index
    window.close_document()
    assert colorings[-1].colors == {} and view.layers_table.rowCount() == 0


def test_changing_the_device_while_compiling_compiles_for_the_new_one(qtbot, window: MainWindow) -> None:
    panel = open_latency(qtbot, window)
    panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("LATENCY"))
    with qtbot.waitSignal(panel.run_started, timeout=30000) as blocker:
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)  # compiling for LATENCY...
        panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("THROUGHPUT"))  # ...changed before it ends
    assert blocker.args[0].session.options.performance_hint == "THROUGHPUT"
    assert len(panel.series) == 1
    panel.stop()
    qtbot.waitUntil(lambda: not panel.running, timeout=20000)
    window.runner.wait(20000)
    qtbot.wait(100)
    assert len(panel.series) == 1  # the stale LATENCY compile started nothing


def test_plot_helpers() -> None:
    import numpy as np

    from ovexplorer.ui.latency.latency_panel import log_ticks, nice_ceiling, rolling_percentiles

    values = np.random.default_rng(1).random(300)
    roll = rolling_percentiles(values, 50)
    for k, p in enumerate((50, 90, 99)):
        expected = [np.percentile(values[i:i + 50], p, method="inverted_cdf") for i in range(251)]
        assert np.allclose(roll[k], expected)
    stepped = rolling_percentiles(values, 50, 5)
    assert np.allclose(stepped, roll[:, ::-1][:, ::5][:, ::-1])  # every 5th window, ending with the last
    assert rolling_percentiles(values[:10], 50).shape == (3, 0)
    assert [nice_ceiling(v) for v in (0.7, 1.0, 7.1, 9, 71.5, 0)] == [0.8, 1.0, 8.0, 10.0, 80.0, 1.0]
    major, minor = log_ticks(np.log10(0.05), np.log10(30))
    assert [label for _, label in major] == ["0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "20"]
    assert minor and all(label == "" for _, label in minor)


def test_export_of_a_run_longer_than_the_ring_says_what_it_covers(tmp_path: Path) -> None:
    """A ring of 64: the per-inference part is the last 64, the whole-run sections cover every inference."""
    from ovexplorer.core.bench.benchmark import BenchConfig, BenchmarkRun, default_inputs
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.run.session import compile_session
    from ovexplorer.ui.latency.latency_panel import export_csv, export_json

    doc = open_model(sample_model("regression"))
    session = compile_session(doc.model, CompileOptions(), model_name=doc.name)
    run = BenchmarkRun(session, default_inputs(session), BenchConfig(iterations=1000, capacity=64)).run()
    text = export_csv(run, tmp_path / "long.csv").read_text()
    assert "# per-inference rows: last 64 of 1000 inferences; whole-run aggregates follow in sections" in text
    rows, intervals, hist, decimated = [[r for r in csv.reader(part.splitlines()) if not r[0].startswith("#")]
                                        for part in text.split("\n\n")]
    assert len(rows) == 65 and rows[1][0] == "936"
    assert sum(int(r[1]) for r in intervals[1:]) == 1000 and sum(int(r[2]) for r in hist[1:]) == 1000
    assert decimated[1][0] == "0" and int(decimated[-1][0]) > 900
    data = json.loads(export_json(run, tmp_path / "long.json").read_text())
    assert data["per_inference"] == {"first_index": 936, "kept": 64, "total": 1000,
                                     "covers": "last 64 of 1000 inferences"}
    assert data["summary"]["count"] == 1000 and sum(data["summary"]["intervals"]["count"]) == 1000
    assert sum(data["summary"]["histogram"]["counts"]) == 1000


def test_exporting_a_full_ring_is_written_in_a_worker_without_stalling_the_window(qtbot, window: MainWindow,
                                                                                  tmp_path: Path,
                                                                                  monkeypatch) -> None:
    """A run that filled its 262,144-entry ring: exporting it through the buttons keeps the window answering
    (written synchronously it stalled 0.23-0.39 s); the status bar says where the file went."""
    from ui_stall import StallMeter

    from ovexplorer.core.bench.benchmark import DEFAULT_CAPACITY, LatencyRecorder

    panel = open_latency(qtbot, window)
    set_limit(panel, "iterations", 50)
    run_to_end(qtbot, panel)
    run = panel.series[0].run
    recorder = LatencyRecorder(DEFAULT_CAPACITY)  # the numbers of a long run at 65,000 inferences/s
    total = DEFAULT_CAPACITY + 100_000
    for i in range(total):
        recorder.add(1.0 + (i % 97) / 50.0, (i + 1) / 65_000)
    run.recorder = recorder
    panel.stats_table.selectRow(0)
    qtbot.wait(300)  # the plots repaint for the selection (a user's earlier click, not the export's: under CI load
    # that repaint fell inside the measured click and made it 0.1-0.4 s)
    for kind, button in (("csv", panel.export_csv_button), ("json", panel.export_json_button)):
        path = tmp_path / f"long.{kind}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=path, **k: (str(p), ""))
        # the garbage of the ~700 tests before this one is not the export's: a full collection of it at the click
        # stalled 123 ms in a full-suite run (this test alone: < 60 ms); the app itself freezes what a model leaves
        gc.collect()
        with StallMeter() as meter:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda p=path: window.statusBar().currentMessage() == f"Saved {p}", timeout=30000)
        print(kind, meter.summary())
        assert meter.longest_ms <= 100, meter.summary()
        assert path.stat().st_size > 4_000_000
    assert "# per-inference rows: last 262144 of 362144 inferences" in (tmp_path / "long.csv").read_text()
    data = json.loads((tmp_path / "long.json").read_text())
    assert len(data["latency_ms"]) == len(data["time_s"]) == DEFAULT_CAPACITY and data["latency_ms"][0] == 1.0 + (
        100_000 % 97) / 50.0
    assert data["summary"]["count"] == total and data["per_inference"]["covers"] == "last 262144 of 362144 inferences"
