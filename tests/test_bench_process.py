"""Benchmark runs in a child process: the shared ring's snapshots, run/stop, a killed child, no orphan process."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from ovexplorer.core.bench.bench_process import BenchWorker, RemoteRun, SharedRecorder
from ovexplorer.core.bench.benchmark import BenchConfig
from ovexplorer.core.run.session import CompileOptions
from ovexplorer.resources import sample_model
from ovexplorer.ui.latency.latency_panel import LatencyPanel
from ovexplorer.ui.shell.main_window import MainWindow


def gone(pid: int) -> bool:
    """No such process (or only a zombie nobody waits for)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    return status.is_file() and "\nState:\tZ" in status.read_text()


def test_snapshots_are_consistent_while_the_writer_laps_the_ring() -> None:
    writer = SharedRecorder(64)
    reader = SharedRecorder(64, name=writer.name)  # a second mapping, as the other process has
    done = threading.Event()

    def write() -> None:
        for i in range(200_000):
            writer.add(float(i), float(i))
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    snapshots = 0
    try:
        while not done.is_set() or snapshots < 10:
            first, lat, t = reader.latest(48)
            assert np.array_equal(lat, np.arange(first, first + lat.size)), "a torn snapshot"
            assert np.array_equal(t, lat) and lat.size <= 48
            n, mean, _std, lo, hi = reader.totals()
            if n:
                assert mean == pytest.approx((n - 1) / 2) and lo == 0 and hi == n - 1
            snapshots += 1
    finally:
        thread.join()
    assert reader.count == 200_000 and reader.since(0)[0] == 200_000 - 63  # the slot being written is not read
    reader.release()
    kept = writer.detach()  # the owner copies the data out and frees the shared memory
    assert kept.count == 200_000 and kept.latest()[1][-1] == 199_999 and kept.totals()[4] == 199_999


@pytest.fixture
def worker():
    w = BenchWorker()
    yield w
    w.close()


def wait_for(worker: BenchWorker, check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        worker.poll(0.02)


def test_run_stop_and_a_killed_child(worker: BenchWorker) -> None:
    model = sample_model("regression")
    status = worker.status()
    assert not status["qt"] and status["pid"] == worker.pid  # the child never imports Qt
    run = worker.start_run(model, model.with_suffix(".bin"), CompileOptions(), BenchConfig(capacity=256))
    assert isinstance(run, RemoteRun) and run.state == "compiling" and run.active
    wait_for(worker, lambda: run.recorder.count > 1000)  # lapped the ring several times
    first, lat, t = run.recorder.latest()
    assert 128 < lat.size <= 256 and np.all(np.diff(t) >= 0)  # what the writer overwrote while copying is dropped
    assert first > 0 and run.stats().fps > 0
    run.stop()
    wait_for(worker, lambda: not run.active)
    assert run.state == "stopped" and run.warmup_ms and run.stats().count >= 1000
    assert run.to_dict()["latency_ms"] and run.shared is None  # copied out of the shared memory
    summary = run.recorder.summary()  # whole-run aggregates kept through detach; the parent folds what it read
    assert summary.count >= 256 and summary.count + summary.missed == run.stats().count
    # the same compiled session again, with a limit
    second = worker.start_run(model, None, CompileOptions(), BenchConfig(iterations=500))
    wait_for(worker, lambda: not second.active)
    assert second.state == "finished" and second.stats().count == 500, second.error
    # kill -9 mid-run: the run fails with a clear message and keeps its data; the next run gets a new child
    pid = worker.pid
    third = worker.start_run(model, None, CompileOptions(), BenchConfig())
    wait_for(worker, lambda: third.recorder.count > 100)
    os.kill(pid, signal.SIGKILL)
    wait_for(worker, lambda: not third.active)
    assert third.state == "failed" and "ended unexpectedly" in third.error.message
    assert third.stats().count > 100 and len(third.to_dict()["latency_ms"]) > 100
    fourth = worker.start_run(model, None, CompileOptions(), BenchConfig(iterations=50))
    wait_for(worker, lambda: not fourth.active)
    assert fourth.state == "finished" and worker.pid != pid
    worker.close()
    assert not worker.alive and gone(pid)


def test_a_compile_error_in_the_child(worker: BenchWorker) -> None:
    run = worker.start_run(sample_model("regression"), None, CompileOptions(device="NOPE"), BenchConfig())
    wait_for(worker, lambda: not run.active)
    assert run.state == "failed" and not run.began and "NOPE" in run.error.message


def open_latency(qtbot, window: MainWindow) -> LatencyPanel:
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(sample_model("regression"))
    panel = window.latency_panel
    window.show_panel(panel)
    assert panel.use_process  # the default
    return panel


def test_the_window_runs_in_a_child_that_a_crash_replaces_and_close_ends(qtbot, window: MainWindow,
                                                                         tmp_path: Path) -> None:
    panel = open_latency(qtbot, window)
    with qtbot.waitSignal(panel.run_started, timeout=30000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    pid = panel.worker.pid
    assert pid is not None and pid != os.getpid()
    qtbot.waitUntil(lambda: panel.series[0].run.recorder.count > 100, timeout=20000)
    with qtbot.waitSignal(panel.run_finished, timeout=20000):
        os.kill(pid, signal.SIGKILL)
    run = panel.series[0].run
    assert run.state == "failed" and "ended unexpectedly" in panel.status_label.text()
    assert panel.stats_table.item(0, 1).text() == "failed" and panel.start_button.text() == "Start"
    panel.export_run(panel.series[0], tmp_path / "crashed.csv")
    assert len((tmp_path / "crashed.csv").read_text().splitlines()) > 100
    # Start again: a new child
    with qtbot.waitSignal(panel.run_started, timeout=30000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    second = panel.worker.pid
    assert second != pid
    qtbot.waitUntil(lambda: panel.series[1].run.recorder.count > 100, timeout=20000)
    window.close()  # mid-run: the run ends, its data stay, the child is gone
    run = panel.series[1].run
    assert run.state == "stopped" and run.stats().count > 100 and not panel.running
    assert gone(second) and not panel.worker.alive
