"""What does one tick of the Latency tab cost the UI thread? (the live plots' redraw, at display rate)

The Latency tab (offscreen main window, 1280x860) runs a live latency run (loop in the benchmark child process) on
two models: a sub-millisecond MLP (tens of thousands of inferences per second: every tick has new data) and the
bundled ``shapes`` sample. Each tick of the panel's timer is timed by the UI thread's CPU time
(``time.thread_time``: its own work, not the time the OS gave the inference threads on a busy machine). Printed
per model: ticks, median / p90 / max ms per tick, and the UI thread's CPU share over the run; then the same for an
idle baseline in the same process: the timer's bare tick (a poll of the child, no drawing) on a stopped panel.

``--synthetic`` times the drawing alone, without a run competing for the CPU: a run whose ring holds 262,144
latencies (one slow inference in 500) is shown as running, and the panel's two drawing steps are called directly
(the latency plot with its rolling lines, as on every other tick; and the slow part: histogram, throughput,
statistics row, every 8th tick), each ``--repeat`` times with 1,000 new inferences before each (untimed), with the
panel as it was before the Latency split (``PYTHONPATH`` pointing to an older checkout) or after.

    PYTHONPATH=. python benchmarks/latency_tick.py [--seconds 4] [--rounds 2] [--synthetic [--repeat 200]]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))


def measure(window, path: Path, seconds: float) -> tuple[list[float], float, int]:
    """Ticks (ms of UI-thread CPU each), the UI thread's CPU share over the run, and the inferences counted."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    window.document_changed.connect(lambda _doc: loop.quit())
    window.open_path(path)
    QTimer.singleShot(60000, loop.quit)
    loop.exec()
    panel = window.latency_panel
    window.show_panel(panel)
    panel.limit_combo.setCurrentIndex(panel.limit_combo.findData("seconds"))
    panel.seconds_spin.setValue(seconds)
    ticks: list[float] = []
    tick = panel._tick

    def timed() -> None:
        start = time.thread_time()
        tick()
        ticks.append((time.thread_time() - start) * 1000)

    panel.timer.timeout.disconnect()
    panel.timer.timeout.connect(timed)
    cpu: list[float] = []
    panel.run_started.connect(lambda _run: cpu.append(time.thread_time()))
    done = QEventLoop()
    panel.run_finished.connect(lambda _run: done.quit())
    panel.start()
    QTimer.singleShot(int((seconds + 60) * 1000), done.quit)
    done.exec()
    run = panel.series[-1].run
    share = (time.thread_time() - cpu[0]) / max(run.stats().seconds, 1e-9) if cpu else 0.0
    panel.timer.timeout.disconnect()
    panel.timer.timeout.connect(tick)
    return ticks, share, run.stats().count


def summary(ticks: list[float]) -> str:
    ordered = sorted(ticks)
    p90 = ordered[int(0.9 * (len(ordered) - 1))] if ordered else float("nan")
    return (f"{len(ticks)} ticks, median {statistics.median(ordered) if ordered else float('nan'):.2f} ms, "
            f"p90 {p90:.2f} ms, max {max(ordered, default=float('nan')):.2f} ms")


def synthetic(window, repeat: int) -> None:
    """Time the panel's drawing steps on a full ring, no inference running."""
    import numpy as np

    from ovexplorer.core.bench.benchmark import DEFAULT_CAPACITY, BenchConfig, BenchmarkRun, LatencyRecorder
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.run.session import CompileOptions, compile_session
    from ovexplorer.resources import sample_model

    doc = open_model(sample_model("regression"))
    session = compile_session(doc.model, CompileOptions(), model_name=doc.name)
    from ovexplorer.core.bench.benchmark import default_inputs

    run = BenchmarkRun(session, default_inputs(session), BenchConfig())
    recorder = LatencyRecorder(DEFAULT_CAPACITY)
    rng = np.random.default_rng(0)
    lat = 0.012 + rng.exponential(0.002, DEFAULT_CAPACITY)
    lat[::500] = 3.0
    for i, v in enumerate(lat.tolist()):
        recorder.add(v, i / 20_000)
    run.recorder, run.state, run.started_at = recorder, "running", time.perf_counter() - DEFAULT_CAPACITY / 20_000
    panel = window.latency_panel
    window.show_panel(panel)
    state = getattr(panel, "state", None)
    (state._show_run if state is not None else panel._show_run)(run)  # the split panel, or the one before
    panel.timer.stop()
    series = panel.series[-1]
    for name, step in (("latency + rolling", lambda: panel._refresh_latency(series, rolling=True)),
                       ("slow (histogram, throughput, row)", lambda: panel._refresh_slow(series))):
        times = []
        for k in range(repeat):
            for v in lat[k * 1000:(k + 1) * 1000].tolist():  # 1000 new inferences per tick (20,000/s), not timed
                recorder.add(v, recorder.count / 20_000)
            start = time.thread_time()
            step()
            times.append((time.thread_time() - start) * 1000)
        print(f"latency draw {name}: {summary(times[5:])}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--synthetic", action="store_true", help="time the drawing steps on a full ring, no run")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    from bench_app import isolated_application
    from latency_vs_benchmark_app import small_model

    from ovexplorer.resources import sample_model
    from ovexplorer.ui.shell.main_window import MainWindow

    _app, _settings_dir = isolated_application("ovexplorer-benchmark")  # never the user's settings
    window = MainWindow()
    window.resize(1280, 860)
    window.show()
    if args.synthetic:
        synthetic(window, args.repeat)
        window.close()
        return
    with tempfile.TemporaryDirectory() as tmp:
        models = {"small MLP": small_model(Path(tmp) / "small.xml"), "shapes": sample_model("shapes")}
        for label, path in models.items():
            all_ticks: list[float] = []
            shares, counts = [], []
            for _ in range(args.rounds):
                ticks, share, count = measure(window, path, args.seconds)
                all_ticks += ticks[1:]
                shares.append(share)
                counts.append(count)
            print(f"latency tick {label}: {summary(all_ticks)}; UI thread CPU {100 * statistics.median(shares):.1f} "
                  f"% of one core; {statistics.median(counts)} inferences per run")
        panel = window.latency_panel
        idle: list[float] = []
        for _ in range(200):
            start = time.thread_time()
            panel._tick()
            idle.append((time.thread_time() - start) * 1000)
        print(f"latency tick idle baseline: {summary(idle)}")
    window.close()


if __name__ == "__main__":
    main()
