"""A latency run written to a file: CSV (per-inference rows, then the whole-run aggregates in sections) or JSON.

Files are written in chunks (a worker writing gives the UI thread the GIL between them) and atomically
(:mod:`ovexplorer.core.util.atomic`): a failed export leaves any older file as it was.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ovexplorer.core.bench.benchmark import BenchmarkRun
from ovexplorer.core.util.atomic import atomic_path

_CHUNK = 4096  # rows (or values) written per call


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp)`` on a temporary file beside ``path``, then move it into place (core/util/atomic.py)."""
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)


def export_run(run: BenchmarkRun, path: str | Path) -> Path:
    """CSV or JSON by the path's suffix."""
    return (export_json if Path(path).suffix.lower() == ".json" else export_csv)(run, path)


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
            _write_rows(f, first, t, lat)
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
            _write_rows(f, d_idx, d_t, d_lat)

    return atomic_write(path, write)


def _write_rows(f: TextIO, index: int | np.ndarray, t: np.ndarray, lat: np.ndarray) -> None:
    """``index,time_s,latency_ms`` rows (``index`` a first index or one per row), formatted in Python bytecode in
    chunks: the interpreter hands the GIL to the UI thread every few ms (``np.char.mod`` held it for a whole
    chunk, and its lazy import ran PySide's import hook in the worker), and the worker yields between chunks."""
    for a in range(0, lat.size, _CHUNK):
        b = min(a + _CHUNK, lat.size)
        ids = range(index + a, index + b) if isinstance(index, int) else index[a:b].tolist()
        f.write("".join([f"{i},{s:.6f},{ms:.6f}\r\n" for i, s, ms in zip(ids, t[a:b].tolist(), lat[a:b].tolist(),
                                                                            strict=True)]))
        time.sleep(0)  # a waiting UI thread takes the GIL now rather than at the next switch interval


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
