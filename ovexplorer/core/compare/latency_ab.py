"""Latency A/B: both models compiled for the same device and hint, benchmarked in alternating rounds (A, B, A,
B...) so that load on the machine hits both alike; the speed-up is the median of the per-round ratios, with the
lowest and highest round as its spread. Runs are :class:`~ovexplorer.core.bench.benchmark.BenchmarkRun` (sync,
benchmark_app's latency mode)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.bench.benchmark import BenchConfig, BenchmarkRun, default_inputs
from ovexplorer.core.model.document import open_model
from ovexplorer.core.run.session import CompileOptions, compile_session
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress


@dataclass
class LatencyAB:
    """Median latency (ms) of each round of A and B, and the series of the last rounds for plots."""

    device: str
    hint: str
    rounds_a: list[float] = field(default_factory=list)
    rounds_b: list[float] = field(default_factory=list)
    series_a: np.ndarray = field(default_factory=lambda: np.empty(0))  # every latency of A's rounds, in order
    series_b: np.ndarray = field(default_factory=lambda: np.empty(0))
    planned: int = 0  # rounds asked for (fewer in ``rounds_a`` while the run goes on)

    @property
    def complete(self) -> bool:
        return len(self.rounds_b) >= self.planned

    def snapshot(self) -> LatencyAB:
        """A copy the run does not change afterwards (for ``on_round`` listeners on another thread)."""
        return LatencyAB(self.device, self.hint, list(self.rounds_a), list(self.rounds_b), self.series_a,
                         self.series_b, self.planned)

    @property
    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.rounds_a, self.rounds_b, strict=False) if b > 0]

    def to_dict(self) -> dict[str, Any]:
        ratios = self.ratios or [float("nan")]
        return {"device": self.device, "hint": self.hint, "a_ms": statistics.median(self.rounds_a or [0.0]),
                "b_ms": statistics.median(self.rounds_b or [0.0]), "rounds_a_ms": self.rounds_a,
                "rounds_b_ms": self.rounds_b, "speedup": statistics.median(ratios), "speedup_low": min(ratios),
                "speedup_high": max(ratios)}


def latency_ab(path_a: str | Path, path_b: str | Path, *, device: str = "CPU", hint: str = "LATENCY",
               seconds: float = 2.0, rounds: int = 3, seed: int = 0,
               on_round: Callable[[LatencyAB], None] | None = None, progress: ProgressFn = no_progress,
               cancel: CancelToken | None = None) -> LatencyAB:
    """Benchmark A and B interleaved (``rounds`` rounds of ``seconds`` each); ``on_round`` sees the result after
    each round (called on the worker thread: it gets a :meth:`LatencyAB.snapshot`)."""
    options = CompileOptions(device=device, performance_hint=hint)
    sessions = []
    for label, path in (("A", path_a), ("B", path_b)):
        progress(-1.0, f"Compiling {label}")
        doc = open_model(path, cancel=cancel)
        sessions.append(compile_session(doc.model, options, model_name=doc.path.name, cancel=cancel))
        doc.close()
    inputs = [default_inputs(s, seed) for s in sessions]
    result = LatencyAB(device, hint, planned=rounds)
    series: list[list[np.ndarray]] = [[], []]
    total = 2 * rounds
    for r in range(rounds):
        for side in (0, 1):
            if cancel is not None:
                cancel.check()
            progress((2 * r + side) / total, f"Round {r + 1}/{rounds}: {'AB'[side]}")
            run = BenchmarkRun(sessions[side], inputs[side], BenchConfig(mode="sync", seconds=seconds))
            run.run(cancel=cancel)
            _, lat, _ = run.recorder.latest(None)
            series[side].append(np.asarray(lat, dtype=np.float64))
            (result.rounds_a if side == 0 else result.rounds_b).append(run.stats().median)
        result.series_a, result.series_b = np.concatenate(series[0]), np.concatenate(series[1])
        if on_round is not None:
            on_round(result.snapshot())
    progress(1.0, "Latency compared")
    return result
