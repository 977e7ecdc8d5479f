"""Left running: a user's session of opening models, running latency and switching tabs, with RSS sampled.

One main window (the platform Qt picks: an X server when ``DISPLAY`` is set, e.g. under ``xvfb-run``, else
offscreen) goes round the models given, for ``--minutes``: open the next model (replacing the last), visit Graph
(layout drawn), Summary, Weights (statistics computed), Run (one inference, F5's work), then Latency (a live run of
``--run-seconds`` through Start, every third one stopped half-way by Stop; the runs cleared every fourth model),
and the Profile view every fifth model. Every ``--every`` seconds it prints ``t_s``, the window's RSS and the
benchmark child's RSS (MB); at the end the least-squares slope of each over the samples after ``--warmup``
minutes, in MB per hour (0 for memory that comes back); and the same for the samples taken at the start of each
round of models (the same point of the session each time, so the models' own sizes do not make the curve).

Each sample also records what is alive in the window's process, to tell a leak from allocator noise: the Python
objects the collector tracks (frozen ones included) and, with glibc, the C heap's bytes in use
(``mallinfo2``: ``uordblks + hblkhd``). A leak grows those; memory the allocator keeps free grows only RSS.
``--csv PATH`` writes every sample; the summary gives the values at 0, 10, 30 and 60 minutes and the slope
over the last 30 minutes.

    python benchmarks/soak.py [--minutes 60] [--every 30] [--warmup 2] [--run-seconds 3] [--csv PATH] [MODEL ...]

Without MODEL: the two bundled samples and, when present, a few IRs of the corpus (``/work/corpus``: ResNet-18,
MobileNetV3, YOLOv8n, BERT, GPT-2).
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if "DISPLAY" not in os.environ and "WAYLAND_DISPLAY" not in os.environ:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
CORPUS = Path("/work/corpus")
CORPUS_MODELS = ("timm_resnet18/resnet18.xml", "timm_mobilenetv3/mobilenetv3_small_100.xml",
                 "yolov8n_detect/yolov8n.xml", "bert_mlm/openvino_model.xml", "gpt2_stateless/openvino_model.xml")


def rss(pid: int | str = "self") -> float:
    """Resident set size of ``pid`` in MB (NaN when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except (FileNotFoundError, ProcessLookupError):
        pass
    return float("nan")


def heap_in_use() -> float:
    """The C heap's bytes in use (glibc ``mallinfo2``: small blocks plus mmapped ones), MB; NaN elsewhere."""
    mallinfo2 = _mallinfo2()
    if mallinfo2 is None:
        return float("nan")
    info = mallinfo2()
    return (info.uordblks + info.hblkhd) / 1e6


@functools.cache
def _mallinfo2() -> Any:
    """glibc's ``mallinfo2`` (None elsewhere), looked up once: each ``CDLL`` and ``Structure`` class lives in a
    reference cycle, and one per sample showed up as the app's own frozen objects creeping."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                    "fsmblks", "uordblks", "fordblks", "keepcost")]

    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    mallinfo2.restype = MallInfo2
    return mallinfo2


def python_objects() -> int:
    """Objects the cyclic collector tracks, the frozen ones included."""
    return len(gc.get_objects()) + gc.get_freeze_count()


def slope_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of ``(t_s, MB)`` samples, in MB per hour (NaN with fewer than two)."""
    points = [(t, v) for t, v in samples if v == v]
    if len(points) < 2:
        return float("nan")
    n = len(points)
    mt, mv = sum(t for t, _ in points) / n, sum(v for _, v in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return 3600 * sum((t - mt) * (v - mv) for t, v in points) / var if var else float("nan")


class Soak:
    """The session: drives the window, samples RSS on a timer (also while it waits)."""

    def __init__(self, app, window, every: float) -> None:
        from PySide6.QtCore import QTimer

        self.app, self.window = app, window
        self.start = time.perf_counter()
        self.samples: list[tuple[float, float, float]] = []
        #: (t_s, window RSS, child RSS, C heap in use, Python objects, frozen objects) per sample
        self.rows: list[tuple[float, float, float, float, int, int]] = []
        self.timer = QTimer()
        self.timer.setInterval(int(every * 1000))
        self.timer.timeout.connect(self.sample)
        self.timer.start()
        self.sample()

    def sample(self) -> None:
        worker = self.window.latency_panel.worker
        child = rss(worker.pid) if worker is not None and worker.alive else float("nan")
        t = time.perf_counter() - self.start
        self.samples.append((t, rss(), child))
        self.rows.append((t, self.samples[-1][1], child, heap_in_use(), python_objects(), gc.get_freeze_count()))
        print(f"{t:8.0f} s  window {self.samples[-1][1]:7.1f} MB  child {child:7.1f} MB  "
              f"heap in use {self.rows[-1][3]:7.1f} MB  objects {self.rows[-1][4]}", flush=True)

    def wait(self, done, seconds: float = 600.0) -> bool:
        end = time.perf_counter() + seconds
        while not done():
            if time.perf_counter() > end:
                print(f"# timed out after {seconds:.0f} s", file=sys.stderr)
                return False
            self.app.processEvents()
            time.sleep(0.005)
        return True

    def settle(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.005)

    def visit(self, index: int, model: Path, run_seconds: float) -> None:
        w = self.window
        shown: list = []
        w.document_changed.connect(shown.append)
        w.open_path(model)
        self.wait(lambda: not w.is_loading() and any(d is not None for d in shown))
        w.document_changed.disconnect(shown.append)
        shown.clear()
        if w.document is None:
            return
        w.show_panel(w.graph_panel)
        self.wait(lambda: w.graph_panel.layouts.task is None or w.graph_panel.layouts.task.done)
        w.show_panel(w.summary_panel)
        self.settle(0.3)
        w.show_panel(w.weights_panel)
        self.wait(lambda: w.weights_panel.state.computed_for is w.document and not w.weights_panel.running)
        run_panel = w.run_panel
        w.show_panel(run_panel)
        for row in run_panel.rows:  # dynamic inputs: one per dimension left open
            if not row.spec.is_static:
                run_panel.set_shape(row.spec.name, ",".join("1" for _ in row.spec.bounds or ((1, 1),)))
        ran: list = []
        run_panel.ran.connect(ran.append)
        run_panel.failed.connect(ran.append)
        run_panel.run()
        self.wait(lambda: bool(ran))
        run_panel.ran.disconnect(ran.append)
        run_panel.failed.disconnect(ran.append)
        self.latency(index, run_seconds)

    def latency(self, index: int, run_seconds: float) -> None:
        panel = self.window.latency_panel
        self.window.show_panel(panel)
        panel.tabs.setCurrentIndex(0)
        stop_early = index % 3 == 2
        panel.limit_combo.setCurrentIndex(panel.limit_combo.findData("none" if stop_early else "seconds"))
        panel.seconds_spin.setValue(run_seconds)
        ended: list = []
        panel.run_finished.connect(ended.append)
        panel.start_button.click()
        if stop_early:
            self.settle(run_seconds / 2)
            if panel.running:
                panel.start_button.click()  # Stop
        self.wait(lambda: bool(ended) or not panel.running, run_seconds + 300)
        panel.run_finished.disconnect(ended.append)
        if index % 5 == 4:
            panel.tabs.setCurrentWidget(panel.profile_view)
            profiled: list = []
            panel.profile_view.profiled.connect(profiled.append)
            if panel.profile_view.profile() is not None:
                self.wait(lambda: bool(profiled) or panel.profile_view.status_label.text().startswith("Profiling f"),
                          300)
            panel.profile_view.profiled.disconnect(profiled.append)
            panel.tabs.setCurrentIndex(0)
        if index % 4 == 3:
            panel.clear_button.click()


def default_models(folder: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from latency_vs_benchmark_app import small_model

    from ovexplorer.resources import sample_model

    models = [sample_model("regression"), sample_model("shapes"), small_model(folder / "small_mlp.xml")]
    return models + [CORPUS / m for m in CORPUS_MODELS if (CORPUS / m).exists()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", type=Path)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between RSS samples")
    parser.add_argument("--warmup", type=float, default=2.0, help="minutes left out of the slope")
    parser.add_argument("--run-seconds", type=float, default=3.0)
    parser.add_argument("--csv", type=Path, help="write every sample to this CSV file")
    args = parser.parse_args()
    from bench_app import isolated_application

    app, _settings_dir = isolated_application("ovexplorer-soak")  # never the user's settings
    from ovexplorer.ui.shell.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        models = args.models or default_models(Path(tmp))
        print(f"# platform {app.platformName()}; models: {', '.join(m.name for m in models)}", flush=True)
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        soak = Soak(app, window, args.every)
        deadline = soak.start + 60 * args.minutes
        visits, rounds = 0, []
        while time.perf_counter() < deadline:
            if visits % len(models) == 0:  # the same point of every round: the curve without the models' own sizes
                gc.collect()
                soak.sample()
                rounds.append(soak.samples[-1])
                print(f"# round {len(rounds)}: window {rounds[-1][1]:.1f} MB, child {rounds[-1][2]:.1f} MB", flush=True)
            soak.visit(visits, models[visits % len(models)], args.run_seconds)
            visits += 1
        gc.collect()
        soak.sample()
        window.close()
        after = [s for s in soak.samples if s[0] >= 60 * args.warmup] or soak.samples
        print(f"visits: {visits} ({len(models)} models)")
        print(f"window RSS: {soak.samples[0][1]:.0f} MB at start, {soak.samples[-1][1]:.0f} MB at the end, "
              f"max {max(s[1] for s in soak.samples):.0f} MB")
        print(f"window RSS slope: {slope_per_hour([(t, w) for t, w, _ in after]):.1f} MB/h "
              f"(samples after {args.warmup:g} min)")
        print(f"benchmark child RSS slope: {slope_per_hour([(t, c) for t, _, c in after]):.1f} MB/h")
        late = [r for r in rounds if r[0] >= 60 * args.warmup] or rounds
        print("window RSS at the start of each round: " + " ".join(f"{r[1]:.0f}" for r in rounds) + " MB")
        print("child RSS at the start of each round: " + " ".join(f"{r[2]:.0f}" for r in rounds) + " MB")
        print(f"window RSS slope, round starts: {slope_per_hour([(t, w) for t, w, _ in late]):.1f} MB/h; "
              f"child: {slope_per_hour([(t, c) for t, _, c in late]):.1f} MB/h")
        describe(soak.rows, args.minutes)
        if args.csv:
            write_csv(args.csv, soak.rows)
            print(f"samples written to {args.csv}")


COLUMNS = ("t_s", "window_rss_mb", "child_rss_mb", "window_heap_in_use_mb", "python_objects", "frozen_objects")


def write_csv(path: Path, rows: list[tuple]) -> None:
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for row in rows:
            out.writerow([f"{v:.1f}" if isinstance(v, float) else v for v in row])


def describe(rows: list[tuple], minutes: float) -> None:
    """The curve: each column at 0, 10, 30 and 60 minutes (the sample nearest), and its slope over the last 30."""
    marks = [m for m in (0, 10, 30, 60) if m <= minutes + 0.5]
    for i, name in enumerate(COLUMNS[1:], 1):
        at = []
        for m in marks:
            row = min(rows, key=lambda r: abs(r[0] - 60 * m))
            at.append(f"{m} min {row[i]:.1f}" if isinstance(row[i], float) else f"{m} min {row[i]}")
        last = [(r[0], float(r[i])) for r in rows if r[0] >= rows[-1][0] - 30 * 60]
        print(f"{name}: " + ", ".join(at) + f"; slope over the last 30 min {slope_per_hour(last):.1f}/h")


if __name__ == "__main__":
    main()
