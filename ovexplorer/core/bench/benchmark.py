"""Latency benchmark runs, measured the way OpenVINO's ``benchmark_app`` measures them.

* **sync** (benchmark_app's latency mode): one infer request, ``InferRequest.infer()`` in a loop, each
  inference's latency read from ``InferRequest.latency``.
* **async** (throughput mode): an ``AsyncInferQueue`` of N requests kept busy; a request's latency is read when
  it becomes idle again (benchmark_app's ``async_inference_only``).

Input tensors are set once before the loop. One (or more) warm-up inference runs first and is reported
separately. Latencies go into a preallocated ring buffer (:class:`LatencyRecorder`) that another thread (the
UI's timer) reads through a short locked snapshot. Percentiles use benchmark_app's nearest-rank definition
(``sorted[ceil(n * p / 100) - 1]``, numpy's ``method="inverted_cdf"``); throughput is inferences per second of
the measured loop. A stateful model's state is not reset between iterations, as in benchmark_app (its
``sync_inference`` / ``async_inference_only`` loops call ``infer()`` / ``start_async()`` only, never
``reset_state()``): each iteration continues the state the previous one left, on the same request.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import openvino as ov

from ovexplorer.core.bench.run_summary import RunSummary
from ovexplorer.core.run.inputs import InputSource, fit_beam_idx, make_tensor
from ovexplorer.core.run.session import CompiledSession, CompileOptions
from ovexplorer.core.util import errors
from ovexplorer.core.util.errors import openvino_reason
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

MODES = ("sync", "async")
DEFAULT_CAPACITY = 1 << 18  # latencies kept for percentiles and plots (count/mean/min/max/std cover all)


# -- statistics -------------------------------------------------------------------------------
def percentile(values: np.ndarray, percent: float) -> float:
    """benchmark_app's nearest-rank percentile of unsorted ``values`` (NaN when empty)."""
    if values.size == 0:
        return math.nan
    k = max(0, math.ceil(values.size * percent / 100) - 1)
    return float(np.partition(values, k)[k])


def percentiles(values: np.ndarray, percents: tuple[float, ...]) -> list[float]:
    """:func:`percentile` for each of ``percents``, from one partition of ``values`` (the live statistics row asks
    for the median, p90 and p99 of 65,536 latencies a few times a second: one pass instead of three)."""
    if values.size == 0:
        return [math.nan] * len(percents)
    ranks = [max(0, math.ceil(values.size * p / 100) - 1) for p in percents]
    part = np.partition(values, sorted(set(ranks)))
    return [float(part[k]) for k in ranks]


@dataclass(frozen=True, slots=True)
class LatencyStats:
    """Statistics of a run's latencies (milliseconds) and its throughput (inferences per second)."""

    count: int
    median: float
    mean: float
    min: float
    max: float
    p90: float
    p99: float
    std: float
    fps: float
    seconds: float  # duration of the measured loop

    @classmethod
    def empty(cls) -> LatencyStats:
        nan = math.nan
        return cls(0, nan, nan, nan, nan, nan, nan, nan, 0.0, 0.0)

    def to_dict(self) -> dict[str, float | int | None]:
        """As JSON-ready data (NaN, for no inferences, becomes None)."""
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in asdict(self).items()}

    def format(self) -> str:
        if self.count == 0:
            return "no inferences"
        return (
            f"Count: {self.count} iterations\nDuration: {self.seconds * 1000:.2f} ms\n"
            f"Latency (ms):\n    Median: {self.median:.3f}\n    Average: {self.mean:.3f}\n"
            f"    Min: {self.min:.3f}\n    Max: {self.max:.3f}\n    p90: {self.p90:.3f}\n    p99: {self.p99:.3f}\n"
            f"    Std: {self.std:.3f}\nThroughput: {self.fps:.2f} FPS"
        )


def compute_stats(latencies_ms: np.ndarray, seconds: float, count: int | None = None) -> LatencyStats:
    """Statistics of ``latencies_ms``; throughput is ``count`` (default: their number) over ``seconds``."""
    lat = np.asarray(latencies_ms, dtype=np.float64)
    n = int(lat.size if count is None else count)
    if lat.size == 0:
        return LatencyStats.empty()
    fps = n / seconds if seconds > 0 else 0.0
    return LatencyStats(
        count=n, median=percentile(lat, 50), mean=float(lat.mean()), min=float(lat.min()), max=float(lat.max()),
        p90=percentile(lat, 90), p99=percentile(lat, 99), std=float(lat.std()), fps=fps, seconds=seconds,
    )


# -- the ring buffer --------------------------------------------------------------------------
class LatencyRecorder:
    """Latencies (ms) and completion times (s since the run started) in preallocated ring buffers.

    One thread writes (:meth:`add`), others read snapshots (:meth:`latest`, :meth:`since`); a lock held for a
    few hundred nanoseconds keeps a snapshot consistent. Sums for mean/std/min/max cover every inference,
    also those the ring has dropped; :meth:`summary` folds the ring into whole-run aggregates
    (:class:`~ovexplorer.core.bench.run_summary.RunSummary`), and the writer folds by itself before it would
    overwrite inferences not folded yet.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = max(16, int(capacity))
        self._lat = np.zeros(self.capacity, dtype=np.float64)
        self._t = np.zeros(self.capacity, dtype=np.float64)
        self._lock = threading.Lock()
        self.count = 0
        self._sum = 0.0
        self._sumsq = 0.0
        self._min = math.inf
        self._max = -math.inf
        self._init_summary()

    def _init_summary(self) -> None:
        self._summary = RunSummary()
        self._folded = 0  # inferences folded into the summary (or skipped)
        self._fold_lock = threading.Lock()

    def summary(self) -> RunSummary:
        """The whole-run aggregates, brought up to date with what the ring holds (any thread)."""
        with self._fold_lock:
            first, lat, t = self.since(self._folded)
            if first > self._folded:  # the ring overwrote inferences before they were folded
                self._summary.skip(first - self._folded)
            self._summary.update(lat, t)
            self._folded = first + lat.size
        return self._summary

    def add(self, latency_ms: float, t: float) -> None:
        if self.count - self._folded >= self.capacity:  # the next store would overwrite an unfolded inference
            self.summary()
        with self._lock:
            i = self.count % self.capacity
            self._lat[i] = latency_ms
            self._t[i] = t
            self._sum += latency_ms
            self._sumsq += latency_ms * latency_ms
            self._min = min(self._min, latency_ms)
            self._max = max(self._max, latency_ms)
            self.count += 1

    def since(self, start: int) -> tuple[int, np.ndarray, np.ndarray]:
        """``(first_index, latencies, times)`` of inferences ``start..count-1`` still in the ring (copies)."""
        with self._lock:
            n = self.count
            first = max(start, n - self.capacity, 0)
            if first >= n:
                return n, np.empty(0), np.empty(0)
            a, b = first % self.capacity, n % self.capacity
            if a < b or n - first == 0:
                lat, t = self._lat[a:b].copy(), self._t[a:b].copy()
            else:
                lat = np.concatenate((self._lat[a:], self._lat[:b]))
                t = np.concatenate((self._t[a:], self._t[:b]))
        return first, lat, t

    def latest(self, k: int | None = None) -> tuple[int, np.ndarray, np.ndarray]:
        """The last ``k`` (default: all kept) inferences, as :meth:`since` (at most ``k``: a writer that added
        more between reading the count and copying does not make the snapshot longer)."""
        if k is None:
            return self.since(0)
        first, lat, t = self.since(max(0, self.count - k))
        if lat.size > k:
            cut = lat.size - k
            first, lat, t = first + cut, lat[cut:], t[cut:]
        return first, lat, t

    def totals(self) -> tuple[int, float, float, float, float]:
        """``(count, mean, std, min, max)`` over every inference recorded."""
        with self._lock:
            n, s, sq, lo, hi = self.count, self._sum, self._sumsq, self._min, self._max
        if n == 0:
            return 0, math.nan, math.nan, math.nan, math.nan
        mean = s / n
        return n, mean, math.sqrt(max(0.0, sq / n - mean * mean)), lo, hi

    def begin(self, started_at: float) -> None:
        """The measured loop starts (``time.perf_counter()``); a shared recorder publishes it."""

    def compact(self) -> LatencyRecorder:
        """A recorder holding only what was filled (a short run kept 4 MB of empty ring); itself when full."""
        n = self.count
        if n >= self.capacity:
            return self
        summary = self.summary()
        small = LatencyRecorder(n)
        small._summary, small._folded = summary, self._folded
        with self._lock:
            small._lat[:n], small._t[:n] = self._lat[:n], self._t[:n]
            small.count, small._sum, small._sumsq = n, self._sum, self._sumsq
            small._min, small._max = self._min, self._max
        return small


# -- a run ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What a run's report needs from the compiled session (kept once the run ended, or for a remote run)."""

    model_name: str
    options: CompileOptions


@dataclass(frozen=True, slots=True)
class BenchConfig:
    """What to run: mode, limit (iterations, seconds, or neither: until stopped), requests and warm-up."""

    mode: str = "sync"
    iterations: int = 0
    seconds: float = 0.0
    requests: int = 0  # async: 0 -> the session's request count (option, else the device's optimum)
    warmup: int = 1
    capacity: int = DEFAULT_CAPACITY

    def describe(self) -> str:
        limit = (f"{self.iterations} iterations" if self.iterations else
                 f"{self.seconds:g} s" if self.seconds else "until stopped")
        return f"{self.mode}, {limit}"


def default_inputs(session: CompiledSession, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded uniform random data (0..1) for every input of ``session`` (static shapes needed); a ``beam_idx``
    input gets indices into its batch (:func:`~ovexplorer.core.run.inputs.fit_beam_idx`)."""
    return {spec.name: fit_beam_idx(spec, make_tensor(InputSource(kind="random", seed=seed + i), spec))
            for i, spec in enumerate(session.inputs)}


@dataclass(eq=False)
class BenchmarkRun:
    """One benchmark run over a compiled session; :meth:`run` blocks (call it in a worker), any thread reads.

    ``state`` goes ``"ready" -> "warm-up" -> "running" -> "finished" | "stopped" | "failed"``; after a failure
    ``error`` holds the :class:`~ovexplorer.core.util.errors.DeviceError` and the data measured so far stays.
    """

    session: CompiledSession
    inputs: Mapping[str, np.ndarray]
    config: BenchConfig = field(default_factory=BenchConfig)
    label: str = ""
    recorder: LatencyRecorder = field(init=False)
    state: str = field(init=False, default="ready")
    warmup_ms: list[float] = field(init=False, default_factory=list)
    requests: int = field(init=False, default=1)
    streams: int = field(init=False, default=0)  # the compiled model's NUM_STREAMS (0: not known yet)
    optimal_requests: int = field(init=False, default=0)  # its OPTIMAL_NUMBER_OF_INFER_REQUESTS
    error: errors.OvexplorerError | None = field(init=False, default=None)
    started_at: float = field(init=False, default=0.0)  # time.perf_counter() when the measured loop began
    ended_at: float = field(init=False, default=0.0)
    _stop: threading.Event = field(init=False, default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        if self.config.mode not in MODES:
            raise errors.InputError(f"Unknown benchmark mode {self.config.mode!r}; use sync or async.")
        self.recorder = LatencyRecorder(self.config.capacity)
        self._tensors = self.session.check_inputs(self.inputs)
        self.streams, self.optimal_requests = self.session.streams, self.session.optimal_requests
        self.label = self.label or f"{self.session.options.describe()} {self.config.mode}"

    # -- control --------------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask the loop to end after the inferences in flight (any thread)."""
        self._stop.set()

    @property
    def active(self) -> bool:
        return self.state in ("ready", "warm-up", "running")

    def elapsed(self) -> float:
        if not self.started_at:
            return 0.0
        return (self.ended_at or time.perf_counter()) - self.started_at

    def stats(self, recent: int | None = None) -> LatencyStats:
        """Statistics so far: percentiles over the latencies kept (or the ``recent`` last ones: cheaper for a
        live display), the rest over every inference."""
        _, lat, _ = self.recorder.latest(recent)
        n, mean, std, lo, hi = self.recorder.totals()
        if n == 0:
            return LatencyStats.empty()
        seconds = self.elapsed()
        median, p90, p99 = percentiles(lat, (50, 90, 99))
        return LatencyStats(n, median, mean, lo, hi, p90, p99, std, n / seconds if seconds > 0 else 0.0, seconds)

    def throughput_series(self, bin_seconds: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
        """Throughput over the whole run, from its per-interval aggregates: ``(bin end times in s, inferences per
        second in each bin)``; bins of ``bin_seconds`` (or the summary's interval when coarser), complete bins,
        plus the last partial one once the run has ended."""
        summary = self.recorder.summary()
        counts = summary.intervals()["count"]
        if counts.size == 0:
            return np.empty(0), np.empty(0)
        factor = max(1, round(bin_seconds / summary.interval))
        width = summary.interval * factor
        counts = np.append(counts, np.zeros((-counts.size) % factor, dtype=counts.dtype))
        counts = counts.reshape(-1, factor).sum(axis=1)
        elapsed = self.elapsed()
        complete = int(elapsed / width)
        kept = counts[:complete]
        kept = np.append(kept, np.zeros(max(0, min(complete, summary.max_intervals) - kept.size), kept.dtype))
        ends, rates = (np.arange(kept.size) + 1) * width, kept / width
        tail = elapsed - complete * width  # an ended run's last, partial bin
        if not self.active and tail >= 0.2 * width and complete <= counts.size:
            ends, rates = np.append(ends, elapsed), np.append(rates, counts[complete:].sum() / tail)
        return ends, rates

    def coverage(self) -> str:
        """What the per-inference part of an export covers, e.g. ``"last 262144 of 39000000 inferences"``."""
        kept, total = min(self.recorder.count, self.recorder.capacity), self.recorder.count
        return f"all {total} inferences" if kept == total else f"last {kept} of {total} inferences"

    def to_dict(self) -> dict:
        """The run as JSON-ready data: settings, warm-up, statistics, whole-run aggregates (``summary``) and the
        per-inference latencies kept (``per_inference`` says which)."""
        first, lat, t = self.recorder.latest()
        return {
            "label": self.label,
            "model": self.session.model_name,
            "device": self.session.options.device,
            "compile_options": self.session.options.config(),
            "mode": self.config.mode,
            "requests": self.requests,
            "streams": self.streams or None,
            "optimal_requests": self.optimal_requests or None,
            "state": self.state,
            "error": self.error.message if self.error else None,
            "warmup_ms": list(self.warmup_ms),
            "stats": self.stats().to_dict(),
            "summary": self.recorder.summary().to_dict(),
            "per_inference": {"first_index": first, "kept": int(lat.size), "total": self.recorder.count,
                              "covers": self.coverage()},
            "first_index": first,
            "latency_ms": lat.tolist(),
            "time_s": t.tolist(),
        }

    # -- the loop -------------------------------------------------------------------------------
    def run(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> BenchmarkRun:
        """Warm up, then measure until the limit, :meth:`stop` or ``cancel``. Returns ``self``.

        A device error ends the run (state ``"failed"``, ``error`` set, data kept) and is raised as
        :class:`~ovexplorer.core.util.errors.DeviceError`.
        """
        try:
            if self.config.mode == "sync":
                self._run_sync(progress, cancel)
            else:
                self._run_async(progress, cancel)
        except (RuntimeError, ValueError, TypeError) as exc:
            self.error = errors.DeviceError(
                f"Inference on {self.session.options.device} failed during the benchmark: "
                f"{openvino_reason(str(exc))}", detail=str(exc))
            self._end("failed")
            raise self.error from None
        self._end("stopped" if self._should_stop(cancel) and not self._limit_reached() else "finished")
        return self

    def _end(self, state: str) -> None:
        if self.started_at and not self.ended_at:
            self.ended_at = time.perf_counter()
        self.release()
        self.state = state

    def release(self) -> None:
        """Let go of what only the loop needed: the compiled model (a kept run must not hold it, nor lock its
        ``.bin`` on Windows), the input tensors, and the ring's unfilled part."""
        if isinstance(self.session, CompiledSession):
            self.session = SessionInfo(self.session.model_name, self.session.options)  # type: ignore[assignment]
        self.inputs, self._tensors = {}, {}
        self.recorder = self.recorder.compact()

    def _should_stop(self, cancel: CancelToken | None) -> bool:
        return self._stop.is_set() or (cancel is not None and cancel.cancelled)

    def _limit_reached(self) -> bool:
        c = self.config
        if c.iterations and self.recorder.count >= c.iterations:
            return True
        return bool(c.seconds and self.started_at and time.perf_counter() - self.started_at >= c.seconds)

    def _set_inputs(self, request: ov.InferRequest) -> None:
        for index, array in self._tensors.items():
            request.set_input_tensor(index, ov.Tensor(array))

    def _run_sync(self, progress: ProgressFn, cancel: CancelToken | None) -> None:
        request = self.session.create_request()
        self._set_inputs(request)
        self.requests = 1
        self.state = "warm-up"
        progress(-1.0, "Warming up")
        for _ in range(self.config.warmup):
            request.infer()
            self.warmup_ms.append(float(request.latency))
        self.state = "running"
        progress(-1.0, "Running")
        rec, clock, limit = self.recorder, time.perf_counter, self.config
        niter, seconds = limit.iterations, limit.seconds
        stop = self._stop
        start = self.started_at = clock()
        rec.begin(start)
        while not (stop.is_set() or (cancel is not None and cancel.cancelled)):
            request.infer()
            now = clock() - start
            rec.add(request.latency, now)
            if (niter and rec.count >= niter) or (seconds and now >= seconds):
                break
        self.ended_at = clock()

    def _run_async(self, progress: ProgressFn, cancel: CancelToken | None) -> None:
        n = self.config.requests or self.session.request_count
        queue = ov.AsyncInferQueue(self.session.compiled, n)
        self.requests = n = len(queue)
        for i in range(n):
            self._set_inputs(queue[i])
        self.state = "warm-up"
        progress(-1.0, "Warming up")
        for _ in range(self.config.warmup):
            idle = queue.get_idle_request_id()
            queue.start_async()
            queue.wait_all()
            self.warmup_ms.append(float(queue[idle].latency))
        self.state = "running"
        progress(-1.0, "Running")
        rec, clock, limit = self.recorder, time.perf_counter, self.config
        niter = int(math.ceil(limit.iterations / n) * n) if limit.iterations else 0  # as benchmark_app aligns
        seconds, stop = limit.seconds, self._stop
        in_flight: set[int] = set()
        iteration = 0
        start = self.started_at = clock()
        rec.begin(start)
        try:
            while not (stop.is_set() or (cancel is not None and cancel.cancelled)):
                if niter and iteration >= niter:
                    break
                if seconds and clock() - start >= seconds and iteration % n == 0:
                    break
                idle = queue.get_idle_request_id()
                if idle in in_flight:
                    rec.add(queue[idle].latency, clock() - start)
                else:
                    in_flight.add(idle)
                queue.start_async()
                iteration += 1
        finally:
            queue.wait_all()
        now = clock() - start
        for i in sorted(in_flight):
            rec.add(queue[i].latency, now)
        self.ended_at = clock()
