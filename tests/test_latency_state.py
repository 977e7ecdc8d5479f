"""The Latency tab's state without Qt (issue 13 "thin panels"): settings become compile options and a run's limit,
runs are kept as series with their events, a change of options mid-run starts a new run, a new model ends the run,
clear waits for the end, and the draw clock draws at display rate. Tasks are run by plain callables here."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ovexplorer.core.bench.draw_clock import DrawClock
from ovexplorer.core.bench.latency_options import LatencySettings, given_inputs, run_label
from ovexplorer.core.bench.latency_state import LatencyState
from ovexplorer.core.model.document import open_model
from ovexplorer.core.run.session import CompileOptions
from ovexplorer.core.util.errors import Cancelled
from ovexplorer.resources import sample_model


class Handle:
    def __init__(self) -> None:
        self.done = False
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


def run_now(fn: Callable[..., Any], *args: Any, on_success=None, on_failure=None, on_cancel=None,
            **kwargs: Any) -> Handle:
    """A task starter that runs the task at once, on this thread (as TaskRunner would, minus the thread)."""
    handle = Handle()
    try:
        result = fn(*args, progress=lambda *_a: None, cancel=None, **kwargs)
    except Cancelled:
        handle.done = True
        on_cancel and on_cancel()
        return handle
    except Exception as exc:  # noqa: BLE001 - handed to the failure callback, as a task does
        handle.done = True
        on_failure and on_failure(exc)
        return handle
    handle.done = True
    on_success and on_success(result)
    return handle


class Deferred:
    """A starter that keeps the task until :meth:`finish` (a compile that is still going on)."""

    def __init__(self) -> None:
        self.queued: list[tuple] = []

    def __call__(self, fn, *args, on_success=None, on_failure=None, on_cancel=None, **kwargs) -> Handle:
        handle = Handle()
        self.queued.append((handle, fn, args, kwargs, on_success, on_failure, on_cancel))
        return handle

    def finish(self) -> None:
        queued, self.queued = self.queued, []
        for handle, fn, args, kwargs, on_success, on_failure, _on_cancel in queued:
            handle.done = True
            try:
                result = fn(*args, progress=lambda *_a: None, cancel=None, **kwargs)
            except Exception as exc:  # noqa: BLE001
                on_failure(exc)
            else:
                on_success(result)


def make_state(start_task=run_now, start_loop=run_now, options: CompileOptions | None = None) -> LatencyState:
    chosen = options or CompileOptions()
    state = LatencyState(start_task, start_loop, lambda: state.settings.compile_options(chosen),
                         lambda: given_inputs(state.document, None))
    state.use_process = False
    return state


def record(state: LatencyState) -> list[tuple]:
    seen: list[tuple] = []
    for name in ("status", "changed", "live", "run_added", "run_started", "run_ended", "shown_changed", "cleared"):
        getattr(state, name).connect(lambda *a, n=name: seen.append((n, *a)))
    return seen


def test_settings_become_compile_options_and_a_limit() -> None:
    base = CompileOptions(device="CPU", performance_hint="LATENCY", profiling=True)
    s = LatencySettings(mode="async", limit="seconds", iterations=5, seconds=2.5, hint="THROUGHPUT", streams=2,
                        requests=3)
    options = s.compile_options(base)
    assert (options.performance_hint, options.num_streams, options.num_requests, options.profiling) == (
        "THROUGHPUT", 2, 3, False)
    config = s.bench_config()
    assert (config.mode, config.iterations, config.seconds, config.requests) == ("async", 0, 2.5, 3)
    assert LatencySettings(limit="iterations", iterations=7).bench_config().iterations == 7
    auto = LatencySettings().compile_options(base)
    assert (auto.performance_hint, auto.num_streams, auto.num_requests) == ("LATENCY", None, 0)
    assert run_label("m", options, config) == "m CPU THROUGHPUT async streams=2 requests=3"


def test_a_run_is_kept_as_a_series_with_its_events() -> None:
    state = make_state()
    seen = record(state)
    assert not state.start()  # no model
    state.set_document(open_model(sample_model("regression")))
    assert seen[-1] == ("status", "Ready to benchmark regression: press Start.") and state.can_start
    state.settings = LatencySettings(limit="iterations", iterations=40)
    seen.clear()
    assert state.start()
    names = [e[0] for e in seen]
    assert names.index("run_added") < names.index("run_started") < names.index("run_ended")
    (entry,) = state.entries
    assert entry.run.state == "finished" and entry.run.stats().count == 40 and entry.shown
    assert state.active is None and not state.running and state.chosen() is entry
    assert ("run_ended", entry) in seen and entry.color == "#1f77b4"
    assert any(e[0] == "status" and "finished, 40 inferences" in e[1] for e in seen)
    # a second run: the next colour; the table's selection picks which one is "chosen"
    state.start()
    assert len(state.entries) == 2 and state.entries[1].color == "#d62728"
    state.select(0)
    assert state.chosen() is entry
    state.select(7)
    assert state.chosen() is state.entries[1]
    state.set_shown(0, False)
    assert not entry.shown and seen[-1] == ("shown_changed", 0)
    assert state.clear() and state.entries == [] and ("cleared",) in seen


def test_export_names_the_file_by_the_run(tmp_path: Path) -> None:
    state = make_state()
    state.set_document(open_model(sample_model("regression")))
    state.settings = LatencySettings(limit="iterations", iterations=30)
    state.start()
    entry = state.entries[0]
    assert state.file_stem(entry) == "regression_CPU_default_sync"
    path = state.export(entry, tmp_path / "r.json")
    assert json.loads(path.read_text())["stats"]["count"] == 30


def test_options_changed_while_compiling_compiles_for_the_new_ones_and_a_new_model_ends_a_run() -> None:
    compiles = Deferred()
    state = make_state(start_task=compiles, start_loop=Deferred())
    state.set_document(open_model(sample_model("regression")))
    assert state.start() and state.compiling and state.running
    first = compiles.queued[0][0]
    state.set_settings(LatencySettings(hint="THROUGHPUT"))  # changed before the compile ends
    assert first.cancelled and len(compiles.queued) == 2
    compiles.finish()  # the stale compile ends too: it starts nothing
    (entry,) = state.entries
    assert entry.run.session.options.performance_hint == "THROUGHPUT" and state.active is entry
    assert not state.clear()  # not while a run goes on
    state.set_settings(LatencySettings(hint="THROUGHPUT", limit="seconds", seconds=3))  # only the limit: no restart
    assert state.active is entry and not state.restart
    state.set_document(open_model(sample_model("shapes")))  # a new model: the run is asked to stop
    assert entry.run._stop.is_set() and not state.restart


def test_a_compile_failure_says_why() -> None:
    state = make_state(options=CompileOptions(device="NOPE"))
    seen = record(state)
    state.set_document(open_model(sample_model("regression")))
    state.start()
    assert state.entries == [] and not state.running
    assert any(e[0] == "status" and e[1].startswith("Cannot benchmark") and "NOPE" in e[1] for e in seen)


def test_a_remote_run_polls_into_a_series_and_closing_ends_the_child() -> None:
    state = make_state()
    state.use_process = True
    state.set_document(open_model(sample_model("regression")))
    state.settings = LatencySettings(limit="iterations", iterations=200)
    lives: list[int] = []
    state.live.connect(lambda: lives.append(1))
    assert state.start() and state.pending is not None and state.entries == [] and lives
    ended = threading.Event()
    state.run_ended.connect(lambda _e: ended.set())
    for _ in range(600):
        state.poll()
        if ended.is_set():
            break
        threading.Event().wait(0.05)
    (entry,) = state.entries
    assert entry.run.state == "finished" and entry.run.stats().count == 200 and not state.polling
    pid = state.worker.pid
    state.shutdown()
    state.close_worker()
    assert not state.worker.alive and pid is not None


def test_the_draw_clock_draws_at_display_rate() -> None:
    clock = DrawClock()
    fast = [clock.tick(100 * (i + 1)) for i in range(8)]  # many new inferences every tick
    assert all(d.any for d in fast) and [d.rolling for d in fast] == [False, True] * 4
    assert [d.slow for d in fast] == [False] * 7 + [True]
    clock.reset()
    slow = [clock.tick(i + 1) for i in range(8)]  # one new inference per tick: every 4th tick
    assert [d.any for d in slow] == [False, False, False, True, False, False, False, True]
    clock.reset()
    idle = [clock.tick(0) for _ in range(16)]  # nothing new: only the slow refresh (statistics row)
    assert [i for i, d in enumerate(idle) if d.any] == [7, 15] and all(d.slow for d in idle if d.any)


def test_the_state_imports_no_qt() -> None:
    code = ("import sys; import ovexplorer.core.bench.latency_state, ovexplorer.core.bench.plot_scale, "
            "ovexplorer.core.bench.draw_clock; "
            "print(any(m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("limit", ["none", "iterations", "seconds"])
def test_only_the_limit_is_not_an_option_change(limit: str) -> None:
    state = make_state()
    restarts: list[int] = []
    state.options_changed = lambda: restarts.append(1)  # type: ignore[method-assign]
    state.set_settings(LatencySettings(limit=limit, iterations=3, seconds=1.0))
    assert restarts == []
    state.set_settings(LatencySettings(limit=limit, iterations=3, seconds=1.0, mode="async"))
    assert restarts == [1]


def test_the_axis_reaches_the_p99_with_a_margin_and_reads_in_its_own_unit() -> None:
    import numpy as np

    from ovexplorer.core.bench.plot_scale import log_time_ticks, robust_peak, time_unit

    fast = np.full(2000, 0.012)
    fast[[0, 1, 900]] = (5.0, 4.0, 3.0)  # three outliers: not 0.15 % of the data
    assert robust_peak([fast]) == pytest.approx(0.018)  # 1.5 x the p99 (0.012), not 5 ms
    assert robust_peak([np.array([1.0, 2.0, 2.5])]) == 2.5  # nothing far above the p99: everything in view
    assert robust_peak([fast[2:12], np.full(10, 0.02)]) == pytest.approx(0.02)  # over every run shown
    assert np.isnan(robust_peak([np.empty(0)]))
    assert [time_unit(v) for v in (0.02, 0.999, 1.0, 9999.0, 10_000.0)] == [
        ("µs", 1000.0), ("µs", 1000.0), ("ms", 1.0), ("ms", 1.0), ("s", 0.001)]
    unit, (major, minor) = log_time_ticks(np.log10(0.008), np.log10(0.06))
    assert unit == "µs" and [label for _, label in major] == ["10", "20", "50"] and minor
    unit, (major, _) = log_time_ticks(np.log10(0.4), np.log10(3))
    assert unit == "ms" and [label for _, label in major] == ["0.5", "1", "2"]


def test_percentiles_in_one_pass_are_the_nearest_rank_ones() -> None:
    import numpy as np

    from ovexplorer.core.bench.benchmark import percentile, percentiles

    for n in (1, 2, 7, 100, 65536):
        values = np.random.default_rng(n).exponential(1.0, n)
        assert percentiles(values, (50, 90, 99)) == [percentile(values, p) for p in (50, 90, 99)]
        assert percentiles(values, (99, 50)) == [percentile(values, 99), percentile(values, 50)]
    assert all(np.isnan(v) for v in percentiles(np.empty(0), (50, 90)))


def test_the_latest_k_are_at_most_k_while_the_writer_adds_more() -> None:
    """The scrolling plot asks for the last 2049: a writer adding between the count's read and the copy made the
    snapshot longer (test_bench_process's lapping test failed now and then on a loaded machine)."""
    from ovexplorer.core.bench.benchmark import LatencyRecorder

    recorder = LatencyRecorder(64)
    for i in range(10):
        recorder.add(float(i), float(i))
    since = recorder.since

    def racing(start: int):  # five more inferences land between reading the count and copying
        for i in range(5):
            recorder.add(100.0 + i, 100.0 + i)
        return since(start)

    recorder.since = racing  # type: ignore[method-assign]
    first, lat, t = recorder.latest(4)
    assert (first, lat.tolist(), t.tolist()) == (11, [101.0, 102.0, 103.0, 104.0], [101.0, 102.0, 103.0, 104.0])


def test_runs_with_the_same_settings_are_numbered() -> None:
    """Two runs of the same settings showed two identical names in the table and the plot's key."""
    state = make_state()
    state.set_document(open_model(sample_model("regression")))
    state.settings = LatencySettings(limit="iterations", iterations=5)
    for _ in range(3):
        state.start()
    state.settings = LatencySettings(mode="async", limit="iterations", iterations=5)
    state.start()
    labels = [e.run.label for e in state.entries]
    base = labels[0]
    assert labels[1:3] == [f"{base} #2", f"{base} #3"] and "#" not in labels[3] and labels[3] != base
    assert len({LatencyState.file_stem(e) for e in state.entries}) == 4  # exports do not overwrite each other
