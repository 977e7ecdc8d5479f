"""The Latency tab gives its memory back (issue 19): switching models 40 times, with a run started and ended (or
stopped) on each and the runs cleared, holds the window's RSS flat (within 10 % or 30 MB of RSS after the first
switch) and the collector's permanent generation; the runs, their ring buffers (shared memory) and the compiled
models go, one benchmark child serves every run and holds its own memory flat, and it ends with the window."""

from __future__ import annotations

import gc
import multiprocessing
import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_memory import MB, assert_flat, rss

from ovexplorer.core.bench.bench_process import SharedRecorder
from ovexplorer.core.bench.benchmark import BenchmarkRun
from ovexplorer.core.run.session import CompiledSession
from ovexplorer.resources import sample_model
from ovexplorer.ui.shell.main_window import MainWindow

SWITCHES = 40

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="RSS read from /proc (Linux)")


def child_rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize("in_child", [True, False], ids=["child", "window-thread"])
def test_switching_models_with_runs_holds_the_latency_tab_flat(qtbot, window: MainWindow, monkeypatch,
                                                               in_child: bool) -> None:
    panel = window.latency_panel
    panel.use_process = in_child  # the default child process, or the loop in a thread of the window
    rings: list[str] = []  # the shared-memory segments of the runs' ring buffers, as the window creates them
    create = SharedRecorder.__init__

    def spy(self: SharedRecorder, capacity: int, name: str | None = None) -> None:
        create(self, capacity, name)
        if name is None:
            rings.append(self.name)
            kept.append(weakref.ref(self))

    monkeypatch.setattr(SharedRecorder, "__init__", spy)
    models = (sample_model("regression"), sample_model("shapes"))
    runs: list[weakref.ref[BenchmarkRun]] = []
    kept: list[weakref.ref] = []  # recorders (shared and local) and compiled sessions of this test's runs
    sizes, frozen, child_sizes, children = [], [], [], set()
    for i in range(SWITCHES):
        with qtbot.waitSignal(window.document_changed, timeout=60000):
            window.open_path(models[i % 2])
        window.show_panel(panel)
        runs.append(_one_run(qtbot, panel, kept, stop_early=i % 4 == 3))  # every 4th stopped by the user
        if i % 2 == 1:  # two runs kept as series, then Clear
            qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
            assert panel.series == []
        children.update(p.pid for p in multiprocessing.active_children())
        gc.collect()
        sizes.append(rss())
        frozen.append(gc.get_freeze_count())
        if in_child:
            child_sizes.append(child_rss(panel.worker.pid))
    qtbot.wait(200)  # the last loop's task is let go once its queued "finished" signal is handled
    gc.collect()
    assert [r() is None for r in runs] == [True] * SWITCHES  # every run, its recorder and its session gone
    assert [r() for r in kept if r() is not None and not isinstance(r(), CompiledSession)] == []
    sessions = [r() for r in kept if isinstance(r(), CompiledSession)]
    print(f"\nwindow RSS over {SWITCHES} switches with runs: " + " ".join(f"{s / MB:.0f}" for s in sizes) + " MB"
          + "; benchmark child: " + " ".join(f"{s / MB:.0f}" for s in child_sizes) + f" MB; frozen {frozen}")
    # the permanent generation from the second switch: the first open of each of the two models freezes what a
    # first compile of its op types creates (about 800 objects in the window-thread variant); then it grows by the
    # test's own 3 weak references per switch and pyqtgraph's pixel-vector cache (an LRU of 100 entries, 3 objects
    # each), and by nothing else
    assert_flat("latency", sizes, frozen[1:], kept_per_open=3, bounded=300)
    if not in_child:
        assert len(sessions) == 1  # the last model's, cached for its next run; none of the others
        assert rings == [] and panel.worker is None
        del sessions
        window.close()
        gc.collect()
        assert [r() for r in kept if r() is not None] == []
        return
    assert len(rings) == SWITCHES
    assert not [name for name in rings if Path("/dev/shm", name.lstrip("/")).exists()]  # every ring unlinked
    assert children == {panel.worker.pid}  # one child served every run
    assert_flat("latency child", child_sizes, [0])
    pid = panel.worker.pid
    window.close()
    assert not panel.worker.alive and _gone(pid)


def _one_run(qtbot, panel, kept: list[weakref.ref], stop_early: bool) -> weakref.ref[BenchmarkRun]:
    """Start a run with the Start button; it ends at its limit (300 inferences), or the user stops it. Weak
    references to its compiled session (a run in the window) and its final recorder go to ``kept``."""
    panel.limit_combo.setCurrentIndex(panel.limit_combo.findData("none" if stop_early else "iterations"))
    panel.iterations_spin.setValue(300)
    started: list[BenchmarkRun] = []

    def begun(run: BenchmarkRun) -> None:
        started.append(run)
        if isinstance(run.session, CompiledSession):
            kept.append(weakref.ref(run.session))

    panel.run_started.connect(begun)
    with qtbot.waitSignal(panel.run_finished, timeout=60000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)  # Start
        qtbot.waitUntil(lambda: bool(started), timeout=60000)
        if stop_early:
            qtbot.waitUntil(lambda: started[0].recorder.count > 100, timeout=30000)
            qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)  # Stop
    panel.run_started.disconnect(begun)
    run = started[0]
    assert run.state == ("stopped" if stop_early else "finished") and run.stats().count >= 100
    kept.append(weakref.ref(run.recorder))
    return weakref.ref(run)


def _gone(pid: int) -> bool:
    """No such process, or one that ended and waits to be reaped."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("State:") and "Z" in line for line in f)
    except FileNotFoundError:
        return True
