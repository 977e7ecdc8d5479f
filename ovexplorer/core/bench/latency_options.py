"""What a latency run is asked for and what it got, without Qt: the Latency tab's settings (mode, limit, hint,
streams, requests) as compile options and a run's limit, the Run tab's inputs it reuses, a run's label, and the
streams and requests the device chose where the settings said "auto"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ovexplorer.core.bench.benchmark import BenchConfig, BenchmarkRun
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.ports import model_inputs
from ovexplorer.core.run.session import CompileOptions

LIMITS = (("Until stopped", "none"), ("Iterations", "iterations"), ("Duration (s)", "seconds"))
Inputs = tuple[Mapping[str, np.ndarray] | None, dict[str, tuple[int, ...]]]


@dataclass(frozen=True, slots=True)
class LatencySettings:
    """What the toolbar chose: mode, limit, and the hint / streams / requests (0: the device decides)."""

    mode: str = "sync"
    limit: str = "none"  # "none" (until stopped), "iterations" or "seconds"
    iterations: int = 1000
    seconds: float = 10.0
    hint: str | None = None  # None: the Run tab's hint
    streams: int = 0
    requests: int = 0

    def compile_options(self, base: CompileOptions) -> CompileOptions:
        """``base`` (the Run tab's options) with this tab's hint, streams and requests, never profiling."""
        options = replace(base, profiling=False)
        if self.hint:
            options = replace(options, performance_hint=self.hint)
        if self.streams:
            options = replace(options, num_streams=self.streams)
        if self.requests:
            options = replace(options, num_requests=self.requests)
        return options

    def bench_config(self) -> BenchConfig:
        return BenchConfig(mode=self.mode, iterations=self.iterations if self.limit == "iterations" else 0,
                           seconds=self.seconds if self.limit == "seconds" else 0.0, requests=self.requests)


def given_inputs(doc: ModelDocument | None, last_inputs: Mapping[str, np.ndarray] | None) -> Inputs:
    """The Run tab's last inputs (if any) and the shapes they give ``doc``'s dynamic inputs."""
    inputs = dict(last_inputs or {})
    shapes: dict[str, tuple[int, ...]] = {}
    if doc is not None and doc.model is not None and inputs:
        for spec in model_inputs(doc.model):
            if not spec.is_static and spec.name in inputs:
                shapes[spec.name] = tuple(inputs[spec.name].shape)
    return (inputs or None), shapes


def run_label(name: str, o: CompileOptions, config: BenchConfig) -> str:
    return " ".join([name, o.device, o.performance_hint or "default", config.mode]
                    + ([f"streams={o.num_streams}"] if o.num_streams is not None else [])
                    + ([f"requests={config.requests}"] if config.requests else []))


def used_by(run: BenchmarkRun) -> tuple[int, int]:
    """``(streams, requests)`` the run's compiled model uses: the device's choice where the options said "auto"
    (streams: the compiled model's NUM_STREAMS; requests kept in flight: 1 in sync mode, else the option or the
    device's OPTIMAL_NUMBER_OF_INFER_REQUESTS); 0 while not known."""
    if run.config.mode == "sync":
        return run.streams, 1
    return run.streams, run.config.requests or run.optimal_requests


def used_text(streams: int, requests: int) -> str:
    """``"2 streams, 4 requests"`` ("" when not known)."""
    if not streams:
        return ""
    return f"{streams} stream{'s' if streams != 1 else ''}, {requests} request{'s' if requests != 1 else ''}"
