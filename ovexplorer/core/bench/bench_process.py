"""Benchmark runs in a child process, so that the window's Python work never stalls the loop.

An in-process loop needs the GIL for every inference; a window drawing live plots holds it a good part of the
time, and the loop loses throughput. :class:`BenchWorker` keeps one persistent child process (``spawn``
context, started lazily; it imports only ``ovexplorer.core``, openvino and numpy). The child reads the model
from its file, compiles it with the same :class:`CompileOptions` (compiled sessions are cached there, so a new
run with other settings starts quickly) and runs :class:`~ovexplorer.core.bench.benchmark.BenchmarkRun`'s loop.

Latencies go into a ring buffer in ``multiprocessing.shared_memory`` (:class:`SharedRecorder`) that the parent
maps as numpy arrays and reads without locks: the child writes an entry, then publishes the new count; a
reader copies, then re-reads the count and drops entries the writer may have overwritten meanwhile. Totals
(count, sum, sum of squares, min, max) are guarded by a sequence number (a seqlock). The stop request is a flag
in the same memory. A pipe carries the rest: run requests, state changes, errors and the end of a run.

A run ends cleanly however it ends (stop, its limit, a device error, the child killed): its data stay in the
parent (copied out of shared memory) and can be exported. A dead child is replaced at the next run; the child
ends with its parent (it watches it) and :meth:`BenchWorker.close` terminates it.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.bench.benchmark import BenchConfig, BenchmarkRun, LatencyRecorder, SessionInfo
from ovexplorer.core.run.session import CompileOptions
from ovexplorer.core.util import errors

# header slots (float64) in front of the two rings
_SEQ, _COUNT, _SUM, _SUMSQ, _MIN, _MAX, _START, _STOP = range(8)
_HEADER = 8
_SESSIONS_KEPT = 4  # compiled sessions cached in the child


class SharedRecorder(LatencyRecorder):
    """A :class:`LatencyRecorder` in shared memory: one process writes, any process reads snapshots, no lock.

    The writer stores an entry, then the new count (x86 and ARM64 keep these stores in order for aligned
    8-byte values written by one thread; the reader re-checks the count after copying).
    """

    def __init__(self, capacity: int, name: str | None = None) -> None:
        self.capacity = max(16, int(capacity))
        size = (_HEADER + 2 * self.capacity) * 8
        self.shm = SharedMemory(name=name, create=name is None, size=size)
        self.name = self.shm.name
        whole = np.ndarray(_HEADER + 2 * self.capacity, dtype=np.float64, buffer=self.shm.buf)
        if name is None:
            whole[:_HEADER] = 0.0
            whole[_MIN], whole[_MAX] = math.inf, -math.inf
        self._h = whole[:_HEADER]
        self._lat = whole[_HEADER:_HEADER + self.capacity]
        self._t = whole[_HEADER + self.capacity:]
        self._mv = self.shm.buf.cast("d")  # the writer's fast path: memoryview stores
        self._n = int(self._h[_COUNT])
        self._sum = self._sumsq = 0.0
        self._min, self._max = math.inf, -math.inf
        self._init_summary()  # the parent (reader) folds the ring on its timer and when the run ends

    # -- the writer (child) ---------------------------------------------------------------------
    def add(self, latency_ms: float, t: float) -> None:
        mv, n, latency_ms = self._mv, self._n, float(latency_ms)
        i = n % self.capacity
        mv[_HEADER + i] = latency_ms
        mv[_HEADER + self.capacity + i] = t
        self._sum += latency_ms
        self._sumsq += latency_ms * latency_ms
        if latency_ms < self._min:
            self._min = latency_ms
        if latency_ms > self._max:
            self._max = latency_ms
        seq = mv[_SEQ]
        mv[_SEQ] = seq + 1.0  # odd: totals being written
        mv[_SUM], mv[_SUMSQ], mv[_MIN], mv[_MAX] = self._sum, self._sumsq, self._min, self._max
        self._n = n + 1
        mv[_COUNT] = n + 1
        mv[_SEQ] = seq + 2.0

    def begin(self, started_at: float) -> None:
        self._mv[_START] = started_at

    # -- readers ----------------------------------------------------------------------------------
    @property
    def count(self) -> int:  # type: ignore[override]
        return int(self._h[_COUNT])

    @property
    def started_at(self) -> float:
        return float(self._h[_START])

    def since(self, start: int) -> tuple[int, np.ndarray, np.ndarray]:
        cap = self.capacity
        n = self.count
        first = max(start, n - cap, 0)
        if first >= n:
            return n, np.empty(0), np.empty(0)
        a, b = first % cap, n % cap
        if a < b:
            lat, t = self._lat[a:b].copy(), self._t[a:b].copy()
        else:
            lat = np.concatenate((self._lat[a:], self._lat[:b]))
            t = np.concatenate((self._t[a:], self._t[:b]))
        safe = self.count - cap + 1  # entries before this one may have been overwritten while copying
        if safe > first:
            lat, t, first = lat[safe - first:], t[safe - first:], safe
        return first, lat, t

    def totals(self) -> tuple[int, float, float, float, float]:
        for _ in range(1000):
            h = self._h.copy()
            if h[_SEQ] % 2 == 0 and self._h[_SEQ] == h[_SEQ]:
                break
            time.sleep(0)
        n = int(h[_COUNT])
        if n == 0:
            return 0, math.nan, math.nan, math.nan, math.nan
        mean = h[_SUM] / n
        return n, float(mean), math.sqrt(max(0.0, h[_SUMSQ] / n - mean * mean)), float(h[_MIN]), float(h[_MAX])

    # -- stop flag ----------------------------------------------------------------------------------
    def request_stop(self) -> None:
        self._h[_STOP] = 1.0

    def is_set(self) -> bool:
        """The stop flag, read by the loop in place of a ``threading.Event``."""
        return self._mv[_STOP] != 0.0

    # -- the end ----------------------------------------------------------------------------------
    def compact(self) -> LatencyRecorder:
        """Unchanged: the parent's :meth:`detach` keeps only the filled part when the run ends."""
        return self

    def detach(self) -> LatencyRecorder:
        """A private copy of everything recorded (only the filled part of the ring); the shared memory is
        released (and unlinked by its owner)."""
        n, _mean, _std, lo, hi = self.totals()
        summary = self.summary()
        kept = min(n, self.capacity)
        local = LatencyRecorder(self.capacity if n >= self.capacity else n)
        local._summary, local._folded = summary, self._folded
        h = self._h.copy()
        local._lat[:kept] = self._lat[:kept]
        local._t[:kept] = self._t[:kept]
        local.count, local._sum, local._sumsq = n, float(h[_SUM]), float(h[_SUMSQ])
        local._min, local._max = (lo, hi) if n else (math.inf, -math.inf)
        self.release(unlink=True)
        return local

    def release(self, unlink: bool = False) -> None:
        self._mv.release()
        self._h = self._lat = self._t = None  # type: ignore[assignment]
        self.shm.close()
        if unlink:
            try:
                self.shm.unlink()
            except FileNotFoundError:
                pass


@dataclass(eq=False)
class RemoteRun(BenchmarkRun):
    """A :class:`BenchmarkRun` whose loop runs in the :class:`BenchWorker`'s child process.

    ``state`` starts at ``"compiling"``; the parent updates it from the child's messages
    (:meth:`BenchWorker.poll`). Statistics, throughput and export read the shared ring as for a local run.
    """

    id: int = 0

    def __post_init__(self) -> None:
        self.state = "compiling"
        self._began = False
        self.recorder = SharedRecorder(self.config.capacity)
        self.shared: SharedRecorder | None = self.recorder
        self.label = self.label or f"{self.session.options.describe()} {self.config.mode}"

    def stop(self) -> None:
        if self.shared is not None:
            self.shared.request_stop()
        self._stop.set()

    @property
    def active(self) -> bool:
        return self.state in ("compiling", "ready", "warm-up", "running")

    @property
    def began(self) -> bool:
        """The child compiled the model and began warming up (a failure before this is a compile failure)."""
        return self._began

    def elapsed(self) -> float:
        if not self.started_at and self.shared is not None:
            self.started_at = self.shared.started_at
        return super().elapsed()

    def _finish(self, state: str, ended_at: float = 0.0, error: errors.OvexplorerError | None = None) -> None:
        if self.shared is not None:
            self.started_at = self.started_at or self.shared.started_at
            self.recorder = self.shared.detach()
            self.shared = None
        if self.started_at:
            self.ended_at = ended_at or time.perf_counter()
        self.error = error or self.error
        self.state = state


class BenchWorker:
    """The parent's handle on the benchmark child process: start runs, poll their messages, close."""

    def __init__(self) -> None:
        self._ctx = mp.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self._serial = 0
        self.runs: dict[int, RemoteRun] = {}  # runs not ended yet, by id

    # -- the child process ------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def busy(self) -> bool:
        return bool(self.runs)

    def _ensure(self) -> Connection:
        if self.alive and self._conn is not None:
            return self._conn
        self._discard()
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=child_main, args=(child,), name="ovexplorer-bench", daemon=True)
        try:
            process.start()
        except (OSError, RuntimeError) as exc:
            raise errors.DeviceError(f"Cannot start the benchmark process: {exc}") from None
        child.close()
        self._process, self._conn = process, parent
        return parent

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def close(self, timeout: float = 2.0) -> None:
        """Stop the runs, end the child (asking first, then terminating it); no process is left behind."""
        for run in list(self.runs.values()):
            run.stop()
        process, conn = self._process, self._conn
        if process is not None:
            if conn is not None and process.is_alive():
                try:
                    conn.send(("quit",))
                except (OSError, ValueError):
                    pass
            self.wait(timeout / 2)
            process.join(timeout / 2)
            if process.is_alive():
                process.terminate()
                process.join(1.0)
            if process.is_alive():
                process.kill()
                process.join(1.0)
        self._end_all(state="stopped")
        self._discard()

    def status(self, timeout: float = 10.0) -> dict[str, Any]:
        """The child's pid and whether it imported Qt (starting it if needed); only between runs."""
        if self.runs:
            raise errors.InputError("The benchmark process is busy with a run.")
        conn = self._ensure()
        conn.send(("status", 0))
        if not conn.poll(timeout):
            raise errors.DeviceError("The benchmark process does not answer.")
        return conn.recv()[2]

    # -- runs ---------------------------------------------------------------------------------------
    def start_run(
        self,
        model_path: str | Path,
        weights_path: str | Path | None,
        options: CompileOptions,
        config: BenchConfig,
        *,
        shapes: Mapping[str, tuple[int, ...]] | None = None,
        inputs: Mapping[str, np.ndarray] | None = None,
        model_name: str = "",
        label: str = "",
    ) -> RemoteRun:
        """Ask the child to compile (or reuse) and run; returns at once with the run in state ``"compiling"``."""
        conn = self._ensure()
        self._serial += 1
        run = RemoteRun(SessionInfo(model_name or Path(model_path).stem, options), {}, config,  # type: ignore[arg-type]
                        label=label, id=self._serial)
        request = {
            "id": run.id, "shm": run.recorder.name, "model": str(model_path),
            "weights": str(weights_path) if weights_path else None, "options": options, "config": config,
            "shapes": {k: tuple(v) for k, v in (shapes or {}).items()},
            "inputs": {k: np.asarray(v) for k, v in (inputs or {}).items()}, "name": run.session.model_name,
        }
        try:
            conn.send(("run", request))
        except (OSError, ValueError) as exc:
            run._finish("failed", error=errors.DeviceError(f"The benchmark process is gone: {exc}"))
            self._discard()
            return run
        self.runs[run.id] = run
        return run

    def poll(self, timeout: float = 0.0) -> list[RemoteRun]:
        """Handle the child's messages (waiting up to ``timeout`` s for the first); returns the runs that ended."""
        ended: list[RemoteRun] = []
        conn = self._conn
        if conn is None:
            return ended
        try:
            while conn.poll(timeout):
                timeout = 0.0
                self._handle(conn.recv(), ended)
        except (EOFError, OSError):
            pass
        for run in list(self.runs.values()):
            if run.shared is not None:  # fold the ring into the whole-run aggregates before the child laps it
                run.recorder.summary()
        if self.runs and not self.alive:  # the child died (killed, crashed): its runs end with what they have
            code = self._process.exitcode if self._process is not None else None
            ended += self._end_all("failed", errors.DeviceError(
                f"The benchmark process ended unexpectedly (exit code {code}); the next run starts a new one."))
            self._discard()
        return ended

    def wait(self, timeout: float) -> bool:
        """Poll until no run is going on (or ``timeout`` s): True when all ended."""
        deadline = time.monotonic() + timeout
        while self.runs and self._conn is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.poll(min(left, 0.05))
        return not self.runs

    def _handle(self, message: tuple, ended: list[RemoteRun]) -> None:
        kind, run_id = message[0], message[1]
        run = self.runs.get(run_id)
        if run is None:
            return
        if kind == "state":
            run._began = True
            run.state = message[2]
            run.warmup_ms[:] = message[3]
            run.requests = message[4]
            run.streams, run.optimal_requests = message[5], message[6]
        elif kind == "done":
            _, _, state, error, ended_at, warmup, requests = message
            run.warmup_ms[:] = warmup
            run.requests = requests
            run._finish(state, ended_at, errors.DeviceError(error) if error else None)
            ended.append(self.runs.pop(run_id))

    def _end_all(self, state: str, error: errors.OvexplorerError | None = None) -> list[RemoteRun]:
        ended = list(self.runs.values())
        for run in ended:
            run._finish(state, error=error)
        self.runs.clear()
        return ended


# -- the child ------------------------------------------------------------------------------------
def _watch_parent() -> None:
    parent = mp.parent_process()
    if parent is not None:
        parent.join()  # returns when the parent is gone (even killed)
        os._exit(0)


def child_main(conn: Connection) -> None:
    """The child's loop: one run request at a time, until ``quit`` or the parent goes away."""
    threading.Thread(target=_watch_parent, daemon=True, name="parent-watch").start()
    sessions: dict[tuple, Any] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "quit":
            return
        if message[0] == "status":
            import sys

            conn.send(("status", 0, {"pid": os.getpid(), "qt": any(m.startswith("PySide6") for m in sys.modules)}))
        elif message[0] == "run":
            _child_run(conn, message[1], sessions)


def _child_run(conn: Connection, req: dict, sessions: dict[tuple, Any]) -> None:
    from ovexplorer.core.bench.benchmark import default_inputs
    from ovexplorer.core.model.document import shared_core
    from ovexplorer.core.run.session import compile_session
    from ovexplorer.core.util.errors import openvino_reason

    run_id = req["id"]
    try:
        recorder = SharedRecorder(req["config"].capacity, name=req["shm"])
    except (OSError, ValueError) as exc:
        conn.send(("done", run_id, "failed", f"Cannot map the benchmark's shared memory: {exc}", 0.0, [], 0))
        return
    run: BenchmarkRun | None = None
    try:
        model_path = Path(req["model"])
        try:
            key = (str(model_path), req["weights"], model_path.stat().st_mtime_ns, req["options"],
                   tuple(sorted(req["shapes"].items())))
        except OSError as exc:
            raise errors.ModelLoadError(f"{model_path.name} cannot be read: {exc.strerror or exc}.") from None
        session = sessions.pop(key, None)
        if session is None:
            try:
                model = (shared_core().read_model(req["model"], req["weights"]) if req["weights"]
                         else shared_core().read_model(req["model"]))
            except (RuntimeError, ValueError) as exc:
                raise errors.ModelLoadError(f"{model_path.name} cannot be read: {openvino_reason(str(exc))}") from None
            if recorder.is_set():
                conn.send(("done", run_id, "stopped", None, 0.0, [], 0))
                return
            session = compile_session(model, req["options"], req["shapes"], fixed_shapes=True, model_name=req["name"])
        sessions[key] = session
        while len(sessions) > _SESSIONS_KEPT:
            sessions.pop(next(iter(sessions)))
        if recorder.is_set():  # stopped while compiling
            conn.send(("done", run_id, "stopped", None, 0.0, [], 0))
            return
        try:
            run = BenchmarkRun(session, req["inputs"], req["config"]) if req["inputs"] else None
        except errors.OvexplorerError:
            run = None  # the given inputs do not fit this compile: seeded random data instead
        run = run or BenchmarkRun(session, default_inputs(session), req["config"])
        run.recorder = recorder
        run._stop = recorder  # type: ignore[assignment]  # is_set(): the shared stop flag

        def progress(_fraction: float, _text: str) -> None:
            conn.send(("state", run_id, run.state, list(run.warmup_ms), run.requests, run.streams,
                       run.optimal_requests))

        try:
            run.run(progress)
            error = None
        except errors.OvexplorerError as exc:
            error = exc.message
        conn.send(("done", run_id, run.state, error, run.ended_at, list(run.warmup_ms), run.requests))
    except errors.OvexplorerError as exc:
        conn.send(("done", run_id, "failed", exc.message, 0.0, [], 0))
    finally:
        if run is not None:
            run.recorder = LatencyRecorder(16)  # drop the run's views of the shared memory
        recorder.release()
