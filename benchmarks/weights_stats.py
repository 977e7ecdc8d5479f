"""Weight statistics vs a single float32 reduction pass, on ~1 GB of weights in ~2,000 constants.

Builds three IRs in a temporary folder (f32; f16-compressed by ``save_model``; u8 with per-channel
Const -> Convert -> Subtract -> Multiply decompression chains), then for each measures, on a freshly opened
document each time (so the mmap starts unmapped for both):

(a) baseline: ``np.add.reduce`` (float32) of every constant's stored array;
(b) the full statistics (``iter_weight_stats``: min/max/mean/std/zeros/NaN/Inf/histogram, de-quantized too),
    as the app runs them: blocks shared between the calling thread and the helper processes of
    ``core/stats_pool`` (started ahead, as the app starts them when a model opens).

Prints ``name: value unit (ratio vs baseline)`` lines: wall time, CPU time (of the measuring thread for the
baseline; of this process and its helper processes for the statistics), and the peak RSS added during each
pass: the kernel's peak RSS mark (VmHWM) of this process plus its helper processes. Also printed: the
statistics in this thread only (no helpers), with helpers started cold, and with exact histograms.
Targets on the f32 model: ratio <= 1.5, <= 256 MB added.

    python benchmarks/weights_stats.py [--gb 1.0] [--constants 2000] [--repeat 3] [--variants f32,f16,u8]

``--nncf`` instead compresses a ~135M-parameter LLM-shaped IR with NNCF (INT4 asymmetric group size 64, INT8
asymmetric and symmetric per channel; needs the ``bench`` extra) and times, best of ``--repeat``, interleaved,
each in a fresh process: ``ovexplorer stats MODEL`` against a plain numpy script that unpacks the codes,
subtracts the zero point, multiplies by the scale and reduces min/max/mean/std (target: ratio <= 2).
``--models DIR`` reuses IRs built before (``DIR/<variant>.xml``).

    python benchmarks/weights_stats.py --nncf [--repeat 3] [--models DIR]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _pids() -> list[str]:
    """This process and its child processes (the statistics helpers)."""
    return ["self"] + [str(p.pid) for p in multiprocessing.active_children()]


def rss_mb() -> float:
    """VmRSS of this process and its children, MB."""
    total = 0
    for pid in _pids():
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        except (OSError, StopIteration):  # a child that just ended
            pass
    return total / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its children (user + system)."""
    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _pids()[1:]:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def _status_kb(pid: str, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(key))
    except (OSError, StopIteration):  # a child that just ended
        return 0


class PeakRss:
    """Peak RSS added while the ``with`` block runs, this process and its helper processes together.

    The kernel's own high-water mark (VmHWM, reset through ``/proc/PID/clear_refs``) of each process: no
    sampling thread competing for the GIL, no missed peak. The sum of each process's peak is at least the
    peak of the sum. Falls back to sampling VmRSS every 2 ms where the mark cannot be reset.
    """

    def __enter__(self) -> PeakRss:
        self.pids = _pids()
        self.start = sum(_status_kb(pid, "VmRSS") for pid in self.pids) / 1024
        self.peak = self.start
        self._thread = None
        try:
            for pid in self.pids:
                with open(f"/proc/{pid}/clear_refs", "w") as f:
                    f.write("5")  # VmHWM := VmRSS
        except OSError:
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, rss_mb())
        else:
            self.peak = sum(_status_kb(pid, "VmHWM") for pid in self.pids) / 1024

    @property
    def added(self) -> float:
        return self.peak - self.start


def build(folder: Path, gigabytes: float, constants: int) -> dict[str, Path]:
    import openvino as ov
    from models_weights import save, square_chain_model

    side = int((gigabytes * 2**30 / 4 / constants) ** 0.5)
    rng = np.random.default_rng(0)
    base = (rng.standard_normal((side, side)) * 0.02).astype(np.float32)
    # Every constant distinct (save_model stores identical buffers once).
    ws = [base * np.float32(1 + i * 1e-4) + np.float32(i * 1e-6) for i in range(constants)]
    flagged = list(ws)
    flagged[constants // 2] = ws[constants // 2].copy()
    flagged[constants // 2][0, :5] = np.nan  # one broken constant, as in a bad export
    paths = {"f32": save(square_chain_model(flagged, "f32", "f32"), folder / "f32.xml")}
    model = square_chain_model(flagged, "f32", "f16")
    paths["f16"] = folder / "f16.xml"
    ov.save_model(model, str(paths["f16"]), compress_to_fp16=True)
    del model
    paths["u8"] = save(square_chain_model(ws, "u8", "u8"), folder / "u8.xml")
    del ws, flagged
    gc.collect()
    return paths


def baseline(path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this thread) of one np.add.reduce per constant."""
    from ovexplorer.core.model.document import open_model

    doc = open_model(path)
    start, cpu = time.perf_counter(), time.thread_time()
    for node in doc.graph.nodes:
        if node.const is not None:
            np.add.reduce(doc.ov_nodes[node.id].get_data(), axis=None, dtype=np.float32)
    seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
    doc.close()
    return seconds, cpu


def statistics(path: Path, **options: object) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process and its helpers, rows)."""
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.weights.statistics import iter_weight_stats

    doc = open_model(path)
    start, cpu = time.perf_counter(), cpu_seconds()
    rows = sum(1 for _ in iter_weight_stats(doc, **options))
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    doc.close()
    return seconds, cpu, rows


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OPENVINO_TELEMETRY_DISABLE="1"))
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{out.stderr}")
    return seconds


def compressed(repeat: int, models: Path | None) -> int:
    """``ovexplorer stats`` vs the plain numpy script on NNCF-compressed LLM-shaped IRs."""
    import compressed_llm

    folder = models or Path(tempfile.mkdtemp(prefix="ovexplorer-bench-"))
    try:
        names = list(compressed_llm.VARIANTS)
        missing = [n for n in names if not (folder / f"{n}.xml").exists()]
        t0 = time.perf_counter()
        compressed_llm.build(folder, missing)
        if missing:
            print(f"build with NNCF: {time.perf_counter() - t0:.1f} s ({', '.join(missing)})")
        worst = 0.0
        for name in names:
            xml = str(folder / f"{name}.xml")
            base, ours = [], []
            for _ in range(repeat):  # interleaved, best of each: the machine is shared
                base.append(_timed([sys.executable, "-c", compressed_llm.BASELINE, xml]))
                ours.append(_timed([sys.executable, "-m", "ovexplorer", "stats", xml]))
            b, s = min(base), min(ours)
            worst = max(worst, s / b)
            print(f"{name} baseline numpy script: {b:.3f} s (1.00x)")
            print(f"{name} ovexplorer stats: {s:.3f} s ({s / b:.2f}x vs baseline)")
        print(f"worst ratio: {worst:.2f}x (target <= 2)")
        return 0 if worst <= 2.0 else 1
    finally:
        if models is None:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=1.0)
    parser.add_argument("--constants", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the f32 model (1 for the others)")
    parser.add_argument("--variants", default="f32,f16,u8")
    parser.add_argument("--nncf", action="store_true", help="NNCF INT4/INT8 LLM-shaped models vs a numpy script")
    parser.add_argument("--models", type=Path, help="with --nncf: a folder of IRs built before (kept)")
    args = parser.parse_args()
    if args.nncf:
        return compressed(args.repeat, args.models)
    folder = Path(tempfile.mkdtemp(prefix="ovexplorer-bench-"))
    try:
        t0 = time.perf_counter()
        paths = build(folder, args.gb, args.constants)
        sizes = {k: p.with_suffix(".bin").stat().st_size / 2**20 for k, p in paths.items()}
        print(f"build: {time.perf_counter() - t0:.1f} s ("
              + ", ".join(f"{k} {v:.0f} MiB" for k, v in sizes.items()) + f", {args.constants} weights)")
        from ovexplorer.core.weights import stats_pool

        pool = stats_pool.shared_pool()
        helpers = pool.processes if stats_pool.usable() else 0
        if helpers:
            pool.wait_ready(timeout=60)  # the app starts them when a model opens
        print(f"helper processes: {helpers}")
        best_baseline: dict[str, float] = {}
        for variant in args.variants.split(","):
            path = paths[variant]
            repeat = args.repeat if variant == "f32" else 1
            base_s, base_cpu, stat_s, stat_cpu, base_rss, stat_rss = [], [], [], [], 0.0, 0.0
            for _ in range(repeat):  # interleaved, best of each: the machine is shared
                with PeakRss() as peak:
                    wall, cpu = baseline(path)
                base_s.append(wall)
                base_cpu.append(cpu)
                base_rss = max(base_rss, peak.added)
                with PeakRss() as peak:
                    wall, cpu, rows = statistics(path)
                stat_s.append(wall)
                stat_cpu.append(cpu)
                stat_rss = max(stat_rss, peak.added)
            b, s = min(base_s), min(stat_s)
            bc, sc = min(base_cpu), min(stat_cpu)
            best_baseline[variant] = b
            mib = sizes[variant]
            print(f"{variant} baseline np.add.reduce: {b:.3f} s (1.00x; {mib / b:.0f} MiB/s)")
            print(f"{variant} full statistics ({rows} constants): {s:.3f} s ({s / b:.2f}x vs baseline)")
            print(f"{variant} baseline CPU time: {bc:.3f} s (1.00x)")
            print(f"{variant} full statistics CPU time, all processes: {sc:.3f} s ({sc / bc:.2f}x vs baseline)")
            print(f"{variant} baseline peak RSS added: {base_rss:.0f} MB (1.00x)")
            rss_ratio = stat_rss / max(base_rss, 1)
            print(f"{variant} statistics peak RSS added, all processes: {stat_rss:.0f} MB "
                  f"({rss_ratio:.2f}x vs baseline)")
        if "f32" in best_baseline:
            b = best_baseline["f32"]
            runs = [statistics(paths["f32"], helpers=False) for _ in range(args.repeat)]
            seconds = min(r[0] for r in runs)
            print(f"f32 full statistics in this thread only: {seconds:.3f} s ({seconds / b:.2f}x vs baseline)")
            seconds = statistics(paths["f32"], exact_histograms=True)[0]
            print(f"f32 statistics with exact histograms: {seconds:.3f} s ({seconds / b:.2f}x vs baseline)")
            if helpers:
                pool.shutdown()
                cold = stats_pool.StatsPool()
                stats_pool._shared = cold  # a fresh pool, started by the statistics themselves
                seconds = statistics(paths["f32"])[0]
                print(f"f32 full statistics, helpers started cold: {seconds:.3f} s ({seconds / b:.2f}x vs baseline)")
                cold.shutdown()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
