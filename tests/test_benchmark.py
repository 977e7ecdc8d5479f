"""Benchmark runs and per-layer profiling (core, no Qt), and ``ovexplorer bench``."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from ovexplorer.cli import main
from ovexplorer.core.bench.benchmark import (
    BenchConfig,
    BenchmarkRun,
    LatencyRecorder,
    compute_stats,
    default_inputs,
    percentile,
)
from ovexplorer.core.bench.profiling import color_scale, compile_and_profile, node_coloring, time_color
from ovexplorer.core.model.document import open_model
from ovexplorer.core.run.session import CompiledSession, CompileOptions, compile_session
from ovexplorer.core.util.errors import DeviceError
from ovexplorer.resources import sample_model


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> CompiledSession:
    doc = open_model(sample_model("regression"))
    return compile_session(doc.model, CompileOptions(performance_hint="LATENCY"), model_name=doc.name)


def _numpy_percentile(values: np.ndarray, p: float) -> float:
    return float(np.percentile(values, p, method="inverted_cdf"))


# -- statistics -------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 7, 100, 1001])
def test_stats_match_numpy_on_known_latencies(n: int) -> None:
    lat = np.random.default_rng(n).gamma(2.0, 0.5, size=n) + 0.1
    stats = compute_stats(lat, seconds=2.0)
    assert stats.count == n
    assert stats.fps == pytest.approx(n / 2.0)
    assert stats.mean == pytest.approx(float(np.mean(lat)))
    assert stats.std == pytest.approx(float(np.std(lat)))
    assert (stats.min, stats.max) == (float(lat.min()), float(lat.max()))
    for p, value in ((50, stats.median), (90, stats.p90), (99, stats.p99)):
        assert value == _numpy_percentile(lat, p)  # benchmark_app's nearest rank


def test_percentile_is_benchmark_apps() -> None:
    values = np.array([4.0, 1.0, 3.0, 2.0])
    assert percentile(values, 50) == 2.0  # sorted[ceil(4 * 0.5) - 1], not numpy's 2.5
    assert percentile(values, 100) == 4.0
    assert math.isnan(percentile(np.empty(0), 50))
    assert compute_stats(np.empty(0), 1.0).count == 0
    assert json.loads(json.dumps(compute_stats(np.empty(0), 1.0).to_dict()))["median"] is None


def test_ring_buffer_keeps_the_latest_and_totals_cover_all() -> None:
    rec = LatencyRecorder(capacity=16)
    values = np.arange(1, 41, dtype=float)
    for i, v in enumerate(values):
        rec.add(v, i * 0.1)
    first, lat, t = rec.latest()
    assert first == 24 and lat.tolist() == values[24:].tolist()
    assert t == pytest.approx(np.arange(24, 40) * 0.1)
    n, mean, std, lo, hi = rec.totals()
    assert (n, lo, hi) == (40, 1.0, 40.0)
    assert mean == pytest.approx(values.mean()) and std == pytest.approx(values.std())
    first, lat, _ = rec.since(30)
    assert first == 30 and lat.tolist() == values[30:].tolist()
    assert rec.since(40)[1].size == 0
    first, lat, _ = rec.latest(5)
    assert first == 35 and lat.tolist() == values[35:].tolist()


def test_snapshots_from_another_thread_are_consistent() -> None:
    rec = LatencyRecorder(capacity=1000)
    done = threading.Event()

    def write() -> None:
        for i in range(50_000):
            rec.add(float(i), float(i))
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    snapshots = 0
    while not done.is_set() or snapshots == 0:
        first, lat, t = rec.latest()
        if lat.size:
            # every value is its own index: a torn snapshot would break the sequence
            assert lat.tolist() == list(range(first, first + lat.size))
            assert np.array_equal(lat, t)
        snapshots += 1
    writer.join()
    assert rec.count == 50_000 and snapshots > 0


# -- real runs --------------------------------------------------------------------------------
def test_sync_run_of_a_tiny_model(session: CompiledSession) -> None:
    run = BenchmarkRun(session, default_inputs(session), BenchConfig(mode="sync", iterations=50, warmup=2))
    assert run.run() is run
    assert run.state == "finished" and run.requests == 1
    assert len(run.warmup_ms) == 2 and all(w > 0 for w in run.warmup_ms)
    stats = run.stats()
    assert stats.count == 50 and 0 < stats.min <= stats.median <= stats.p90 <= stats.p99 <= stats.max
    assert stats.fps > 0 and stats.seconds > 0
    _, lat, t = run.recorder.latest()
    assert lat.size == 50 and np.all(np.diff(t) >= 0)
    data = run.to_dict()
    assert data["stats"]["count"] == 50 and len(data["latency_ms"]) == 50 and data["mode"] == "sync"


def test_async_run_aligns_iterations_to_requests(session: CompiledSession) -> None:
    run = BenchmarkRun(session, default_inputs(session), BenchConfig(mode="async", iterations=25, requests=2))
    run.run()
    assert run.state == "finished" and run.requests == 2
    assert run.stats().count == 26  # rounded up to a multiple of the requests, as benchmark_app does
    assert len(run.warmup_ms) == 1


def test_duration_limit_and_throughput_series(session: CompiledSession) -> None:
    run = BenchmarkRun(session, default_inputs(session), BenchConfig(mode="sync", seconds=0.6))
    run.run()
    assert run.state == "finished" and 0.6 <= run.elapsed() < 5
    x, fps = run.throughput_series(0.2)
    assert x.size >= 2 and np.all(fps > 0)
    assert np.sum(fps * 0.2) <= run.stats().count


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_run_until_stopped_from_another_thread(session: CompiledSession, mode: str) -> None:
    run = BenchmarkRun(session, default_inputs(session), BenchConfig(mode=mode))
    thread = threading.Thread(target=run.run)
    thread.start()
    deadline = time.monotonic() + 20
    while run.recorder.count < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    run.stop()
    thread.join(20)
    assert not thread.is_alive()
    assert run.state == "stopped" and run.stats().count >= 20


class _FailingRequest:
    """A real request that fails like a lost device after ``after`` inferences."""

    def __init__(self, request, after: int) -> None:
        self._request, self._left = request, after

    def set_input_tensor(self, *args) -> None:
        self._request.set_input_tensor(*args)

    @property
    def latency(self) -> float:
        return self._request.latency

    def infer(self):
        if self._left == 0:
            raise RuntimeError("Exception from src/plugin.cpp:1:\n[GPU] device lost\n")
        self._left -= 1
        return self._request.infer()


def test_device_error_during_a_run_keeps_the_data(session: CompiledSession, monkeypatch) -> None:
    monkeypatch.setattr(CompiledSession, "create_request",
                        lambda self: _FailingRequest(self.compiled.create_infer_request(), 1 + 7))
    run = BenchmarkRun(session, default_inputs(session), BenchConfig(mode="sync"))
    with pytest.raises(DeviceError, match="device lost"):
        run.run()
    assert run.state == "failed" and run.error is not None and "failed during the benchmark" in run.error.message
    assert run.stats().count == 7 and run.to_dict()["error"]


def test_inputs_that_do_not_fit_are_refused(session: CompiledSession) -> None:
    from ovexplorer.core.util.errors import InputError

    with pytest.raises(InputError):
        BenchmarkRun(session, {"x": np.zeros((3, 3), np.float32)})
    with pytest.raises(InputError, match="mode"):
        BenchmarkRun(session, default_inputs(session), BenchConfig(mode="fast"))


# -- profiling --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["regression", "shapes"])
def test_every_executed_runtime_layer_maps_to_ir_nodes(name: str) -> None:
    doc = open_model(sample_model(name))
    result = compile_and_profile(doc.model, doc.graph, CompileOptions(), iterations=3)
    executed = [la for la in result.layers if la.executed]
    assert executed and not result.unmapped
    ids = {n.id for n in doc.graph.nodes}
    for layer in executed:
        assert layer.node_ids and set(layer.node_ids) <= ids, layer.name
        assert layer.runtime_precision and layer.layer_type
    assert sum(t.real_ms for t in result.by_type) == pytest.approx(result.total_ms)
    assert sum(t.share for t in result.by_type) == pytest.approx(1.0)
    # per-node time adds up to the executed layers' time
    assert sum(p.real_ms for p in result.nodes.values()) == pytest.approx(result.total_ms)
    for mode in ("time", "precision"):
        coloring = node_coloring(result, mode)
        assert coloring.colors and set(coloring.colors) <= ids
        assert all(len(c) == 7 and c.startswith("#") for c in coloring.colors.values())
        assert coloring.legend is not None and coloring.legend.entries
    assert node_coloring(result, "").colors == {}


def test_fused_layers_list_every_ir_node() -> None:
    doc = open_model(sample_model("shapes"))
    result = compile_and_profile(doc.model, doc.graph, CompileOptions(), iterations=1)
    convs = [la for la in result.layers if la.layer_type == "Convolution" and la.executed]
    assert convs
    for conv in convs:  # convolution + batch norm (Add) + relu become one kernel
        types = {doc.graph.nodes[i].type for i in conv.node_ids}
        assert {"Convolution", "Relu"} <= types, conv.originals


def test_colour_scale() -> None:
    assert color_scale(0.0) == "#ffffcc" and color_scale(1.0) == "#b10026"
    assert color_scale(-3) == color_scale(0.0) and color_scale(7) == color_scale(1.0)
    assert time_color(1.0, 1.0, 100.0) == color_scale(0.0)
    assert time_color(10.0, 1.0, 100.0) == color_scale(0.5)  # log scale


# -- CLI --------------------------------------------------------------------------------------
def test_cli_bench_json(capsys) -> None:
    assert main(["bench", str(sample_model("regression")), "--niter", "30", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["stats"]["count"] == 30 and report["mode"] == "sync"
    assert report["compile_options"] == {"PERFORMANCE_HINT": "LATENCY"}
    assert report["warmup_ms"] and report["stats"]["median"] > 0


def test_cli_bench_text_throughput(capsys) -> None:
    args = ["bench", str(sample_model("regression")), "--hint", "THROUGHPUT", "--niter", "40", "--requests", "2",
            "--streams", "2"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Mode: async, 2 infer request(s), finished" in out and "Count: 40 iterations" in out
    assert "Median:" in out and "FPS" in out and "NUM_STREAMS=2" in out


def test_cli_bench_bad_input(capsys, tmp_path: Path) -> None:
    assert main(["bench", str(sample_model("regression")), "--niter", "0"]) == 2
    assert "--niter 0" in capsys.readouterr().err
    assert main(["bench", str(tmp_path / "missing.xml"), "--niter", "3"]) == 2
    assert "missing.xml" in capsys.readouterr().err
    assert main(["bench", str(sample_model("regression")), "-d", "NOPE", "--niter", "3"]) == 2
    assert "NOPE" in capsys.readouterr().err


def test_benchmark_modules_do_not_load_qt() -> None:
    code = ("import sys, ovexplorer.core.bench.benchmark, ovexplorer.core.bench.profiling, ovexplorer.cli.bench; "
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_ended_run_keeps_only_what_was_filled_and_no_compiled_model() -> None:
    import gc
    import weakref

    doc = open_model(sample_model("regression"))
    session = compile_session(doc.model, CompileOptions(), model_name=doc.name)
    run = BenchmarkRun(session, default_inputs(session), BenchConfig(mode="sync", iterations=40))
    assert run.recorder.capacity == 1 << 18  # 4 MB of ring while running
    compiled = weakref.ref(session)
    del session
    run.run()
    assert run.recorder.capacity == 40 and run.recorder._lat.nbytes == 40 * 8  # not the whole 4 MB ring
    stats = run.stats()
    assert stats.count == 40 and stats.min <= stats.median <= stats.max
    assert run.to_dict()["model"] == run.session.model_name and len(run.to_dict()["latency_ms"]) == 40
    assert run.inputs == {}
    gc.collect()
    assert compiled() is None  # a kept run does not keep the compiled model (nor lock its .bin)


def test_throughput_series_and_summary_cover_the_whole_run_beyond_the_ring(session: CompiledSession) -> None:
    """A ring of 16 inferences: the throughput series and the whole-run aggregates still cover every one."""
    run = BenchmarkRun(session, default_inputs(session), BenchConfig(mode="sync", seconds=0.6, capacity=16))
    run.run()
    count = run.stats().count
    assert count > 100 and run.recorder.latest()[1].size == 16
    x, fps = run.throughput_series(0.2)
    assert x[0] == pytest.approx(0.2) and x[-1] > run.elapsed() - 0.2  # from the start to the end
    summary = run.recorder.summary()
    assert summary.count == count and summary.missed == 0 and summary.intervals()["count"].sum() == count
    widths = np.diff(np.concatenate(([0.0], x)))
    assert np.sum(fps * widths) == pytest.approx(count, rel=0.1)  # a partial last bin under 40 ms is left out
    data = run.to_dict()
    assert data["summary"]["count"] == count and data["per_inference"]["kept"] == 16
