"""Does ovexplorer measure what OpenVINO's benchmark_app measures? And what does the live plot cost?

Two models are built here: a small MLP (well under a millisecond) and a convolution stack calibrated to about
10 ms per inference on this CPU. For each, benchmark_app (``python -m openvino.tools.benchmark.main``) and
``ovexplorer bench`` run with the same hint and iteration count, interleaved (order alternating), for several
rounds, each in its own process. Printed: the median latency of each tool (median over rounds) and the ratio
ovexplorer / benchmark_app (target 0.95-1.05 in latency mode); the same for throughput in throughput mode.

Then the window: the Latency tab running a live run with its plots (offscreen) against the same run headless,
interleaved, each in a fresh process (target: <= 3 % throughput lost). Four kinds of run:

* ``headless-child``: the loop in ovexplorer's benchmark child process, the parent idle in the Qt event loop
  (polling the child at 20 Hz) -- the baseline for ...
* ``window``: the Latency tab as shipped (loop in the child process, live plots in the window);
* ``window-nice``: as ``window``, the UI thread niced by 10 once the child runs (``OVEXPLORER_BENCH_UI_NICE``);
* ``headless``: the loop in a thread of the process, the main thread idle in the Qt event loop -- the
  baseline for ...
* ``window-thread``: the Latency tab with the loop in a thread of the window (``OVEXPLORER_BENCH_PROCESS=0``),
  as before the child process.

    PYTHONPATH=. python benchmarks/latency_vs_benchmark_app.py [--rounds 3] [--quick] [--window-only]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


# -- models -----------------------------------------------------------------------------------
def small_model(path: Path) -> Path:
    import numpy as np
    import openvino as ov
    import openvino.opset13 as ops

    rng = np.random.default_rng(0)
    x = ops.parameter([1, 64], ov.Type.f32, name="x")
    h = x
    for i, width in enumerate((256, 256, 10)):
        w = ops.constant(rng.standard_normal((h.get_output_partial_shape(0)[1].get_length(), width)).astype(np.float32))
        h = ops.matmul(h, w, False, False, name=f"fc{i}")
        if width != 10:
            h = ops.relu(h)
    ov.save_model(ov.Model([ops.result(h)], [x], "small_mlp"), str(path))
    return path


def conv_model(path: Path, layers: int) -> Path:
    import numpy as np
    import openvino as ov
    import openvino.opset13 as ops

    rng = np.random.default_rng(0)
    x = ops.parameter([1, 64, 56, 56], ov.Type.f32, name="image")
    h = x
    for i in range(layers):
        w = ops.constant((rng.standard_normal((64, 64, 3, 3)) * 0.05).astype(np.float32))
        h = ops.relu(ops.convolution(h, w, [1, 1], [1, 1], [1, 1], [1, 1], name=f"conv{i}"))
    ov.save_model(ov.Model([ops.result(h)], [x], f"conv{layers}"), str(path))
    return path


def calibrated_conv_model(folder: Path, target_ms: float = 10.0) -> tuple[Path, float]:
    """A conv stack whose latency on CPU is close to ``target_ms``."""
    from ovexplorer.core.bench.benchmark import BenchConfig, BenchmarkRun, default_inputs
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.run.session import CompileOptions, compile_session

    def latency(layers: int) -> float:
        path = conv_model(folder / f"conv{layers}.xml", layers)
        session = compile_session(open_model(path).model, CompileOptions(performance_hint="LATENCY"))
        medians = []
        for _ in range(3):  # the machine may be shared: the quietest of three short runs
            run = BenchmarkRun(session, default_inputs(session), BenchConfig(iterations=20))
            medians.append(run.run().stats().median)
        return min(medians)

    layers, ms = 4, latency(4)
    for _ in range(2):  # time is not quite linear in the depth: correct twice
        layers = max(1, round(layers * target_ms / ms))
        ms = latency(layers)
    return folder / f"conv{layers}.xml", ms


# -- the two tools ----------------------------------------------------------------------------
def benchmark_app_command() -> list[str]:
    """The ``benchmark_app`` installed with openvino (beside this Python), else its entry point."""
    script = Path(sys.executable).parent / ("benchmark_app.exe" if os.name == "nt" else "benchmark_app")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from openvino.tools.benchmark.main import main; main()"]


def benchmark_app(model: Path, hint: str, niter: int) -> dict[str, float]:
    cmd = [*benchmark_app_command(), "-m", str(model), "-d", "CPU", "-hint", hint, "-niter", str(niter)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    out = done.stdout + done.stderr
    scale = {"ms": 1.0, "us": 1e-3, "s": 1e3}
    found = {k: float(v) * scale[u] for k, v, u in re.findall(r"(Median|Average|Min|Max):\s+([\d.]+) (ms|us|s)\b", out)}
    fps = re.search(r"Throughput:\s+([\d.]+) FPS", out)
    if "Median" not in found or fps is None:
        raise RuntimeError(f"Unexpected benchmark_app output:\n{out[-2000:]}")
    return {"median": found["Median"], "mean": found["Average"], "fps": float(fps.group(1))}


def ovexplorer_bench(model: Path, hint: str, niter: int) -> dict[str, float]:
    cmd = [sys.executable, "-m", "ovexplorer", "bench", str(model), "--hint", hint, "--niter", str(niter), "--json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    stats = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout)["stats"]
    return {"median": stats["median"], "mean": stats["mean"], "fps": stats["fps"]}


def agreement(label: str, model: Path, hint: str, niter: int, rounds: int) -> None:
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    for r in range(rounds):
        order = (benchmark_app, ovexplorer_bench) if r % 2 == 0 else (ovexplorer_bench, benchmark_app)
        for tool in order:
            (theirs if tool is benchmark_app else ours).append(tool(model, hint, niter))
    key = "median" if hint == "latency" else "fps"
    unit = "ms" if key == "median" else "FPS"
    a = statistics.median(x[key] for x in theirs)
    b = statistics.median(x[key] for x in ours)
    ratios = [o[key] / t[key] for o, t in zip(ours, theirs, strict=True)]
    per_round = ", ".join(f"{r:.3f}" for r in ratios)
    print(f"{label} {hint} benchmark_app {key}: {a:.4f} {unit} (1.000)")
    print(f"{label} {hint} ovexplorer {key}: {b:.4f} {unit} ({b / a:.3f} vs benchmark_app, median over rounds; "
          f"paired rounds: median ratio {statistics.median(ratios):.3f}, each {per_round})")


# -- window vs headless -----------------------------------------------------------------------
def child(kind: str, model: Path, seconds: float) -> None:
    """One measurement in a fresh process: prints the run's throughput as JSON."""
    from bench_app import isolated_application
    from PySide6.QtCore import QTimer

    app, _settings_dir = isolated_application("ovexplorer-benchmark")  # never the user's settings
    if kind in ("window", "window-nice", "window-thread"):
        from ovexplorer.ui.latency.latency_panel import LatencyPanel
        from ovexplorer.ui.shell.main_window import MainWindow

        LatencyPanel.use_process = kind != "window-thread"
        LatencyPanel.ui_nice = 10 if kind == "window-nice" else 0
        window = MainWindow()
        window.resize(1280, 860)
        window.show()
        window.open_path(model)
        panel = window.latency_panel
        result: dict[str, float] = {}

        def opened(doc) -> None:
            window.show_panel(panel)
            panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("LATENCY"))
            panel.limit_combo.setCurrentIndex(panel.limit_combo.findData("seconds"))
            panel.seconds_spin.setValue(seconds)
            panel.start()

        cpu_start: list[float] = []

        def started(_run) -> None:
            cpu_start.append(time.thread_time())

        def finished(run) -> None:
            stats = run.stats()
            ui = (time.thread_time() - cpu_start[0]) / max(stats.seconds, 1e-9) if cpu_start else 0.0
            result.update(fps=stats.fps, count=stats.count, median=stats.median, ui_cpu=ui)
            app.quit()

        panel.run_started.connect(started)

        window.document_changed.connect(opened)
        panel.run_finished.connect(finished)
        app.exec()
        window.close()
    elif kind == "headless-child":
        from ovexplorer.core.bench.bench_process import BenchWorker
        from ovexplorer.core.bench.benchmark import BenchConfig
        from ovexplorer.core.run.session import CompileOptions

        worker = BenchWorker()
        run = worker.start_run(model, model.with_suffix(".bin"), CompileOptions(performance_hint="LATENCY"),
                               BenchConfig(seconds=seconds))
        poll = QTimer()
        poll.setInterval(50)
        poll.timeout.connect(lambda: None if worker.poll() == [] and run.active else app.quit())
        poll.start()
        app.exec()
        worker.close()
        stats = run.stats()
        result = {"fps": stats.fps, "count": stats.count, "median": stats.median}
    else:
        import threading

        from ovexplorer.core.bench.benchmark import BenchConfig, BenchmarkRun, default_inputs
        from ovexplorer.core.model.document import open_model
        from ovexplorer.core.run.session import CompileOptions, compile_session

        session = compile_session(open_model(model).model, CompileOptions(performance_hint="LATENCY"))
        run = BenchmarkRun(session, default_inputs(session), BenchConfig(seconds=seconds))
        thread = threading.Thread(target=run.run)
        thread.start()
        poll = QTimer()
        poll.setInterval(50)
        poll.timeout.connect(lambda: None if thread.is_alive() else app.quit())
        poll.start()
        app.exec()
        thread.join()
        result = {"fps": run.stats().fps, "count": run.stats().count, "median": run.stats().median}
    print(json.dumps(result))


def measure(kind: str, model: Path, seconds: float) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", kind, str(model), str(seconds)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


KINDS = ("headless-child", "window", "window-nice", "headless", "window-thread")
PAIRS = (("window", "headless-child"), ("window-nice", "headless-child"), ("window", "headless"),
         ("window-thread", "headless"))


def window_cost(label: str, model: Path, seconds: float, rounds: int) -> None:
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in KINDS}
    for r in range(rounds):
        order = KINDS[r % len(KINDS):] + KINDS[:r % len(KINDS)]  # rotate the order round by round
        for kind in order:
            runs[kind].append(measure(kind, model, seconds))
    base = statistics.median(x["fps"] for x in runs["headless-child"])
    for kind in KINDS:
        fps = statistics.median(x["fps"] for x in runs[kind])
        lat = statistics.median(x["median"] for x in runs[kind])
        print(f"{label} {kind} sync throughput: {fps:.1f} FPS ({fps / base:.3f} vs headless-child; "
              f"median latency {lat:.4f} ms)")
    for a, b in PAIRS:
        ratios = [x["fps"] / y["fps"] for x, y in zip(runs[a], runs[b], strict=True)]
        paired = statistics.median(ratios)
        print(f"{label} {a} vs {b} throughput: {paired:.3f} ratio (lost {100 * (1 - paired):.1f} %, median of "
              f"paired rounds; each {', '.join(f'{r:.3f}' for r in ratios)})")
    for kind in ("window", "window-nice", "window-thread"):
        ui = statistics.median(x.get("ui_cpu", 0.0) for x in runs[kind])
        print(f"{label} {kind} UI thread CPU: {100 * ui:.1f} % of one core")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="fewer iterations and shorter runs")
    parser.add_argument("--window-only", action="store_true", help="only the window vs headless figures")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "MODEL", "SECONDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), float(args.child[2]))
        return
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = small_model(folder / "small.xml")
        big, ms = calibrated_conv_model(folder)
        print(f"models: small MLP; {big.stem} at {ms:.2f} ms per inference on CPU")
        q = 0.25 if args.quick else 1.0
        for label, model, niter in (("small", small, int(5000 * q)), (big.stem, big, int(300 * q))):
            if not args.window_only:
                agreement(label, model, "latency", niter, args.rounds)
        for label, model, niter in (("small", small, int(20000 * q)), (big.stem, big, int(400 * q))):
            if not args.window_only:
                agreement(label, model, "throughput", niter, args.rounds)
        seconds = 1.5 if args.quick else 4.0
        for label, model in (("small", small), (big.stem, big)):
            window_cost(label, model, seconds, args.rounds)
    print(f"total: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
