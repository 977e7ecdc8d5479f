"""The Latency tab's state and commands, without Qt: the settings chosen, the open model, the runs kept (each a
series with its colour and visibility), the run going on, and the commands start / stop / clear / export.

A run's loop works in a persistent child process (:class:`~ovexplorer.core.bench.bench_process.BenchWorker`,
started at the first run), or, with ``use_process`` off, through ``start_loop`` (a worker thread) on a session
compiled through ``start_task``. Both are injected callables with :class:`TaskStarter`'s signature (the UI passes
its ``TaskRunner.start``; tests may pass anything that calls back). Widgets observe the events (napari-style, see
:mod:`ovexplorer.core.util.events`) and poll :meth:`LatencyState.poll` from a timer at display rate.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ovexplorer.core.bench.bench_process import BenchWorker, RemoteRun
from ovexplorer.core.bench.benchmark import BenchConfig, BenchmarkRun, default_inputs
from ovexplorer.core.bench.latency_export import export_run
from ovexplorer.core.bench.latency_options import Inputs, LatencySettings, run_label, used_by, used_text
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.session import CompiledSession, CompileOptions, compile_session
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.core.util.events import Event

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f")
LIVE_STATS = 1 << 16  # while running, percentiles and histogram over the latest 65536 inferences
#: Run the benchmark loop in a child process (default), so the window's drawing never stalls it; set
#: OVEXPLORER_BENCH_PROCESS=0 (or ``LatencyPanel.use_process = False``) to run it in a thread of the window.
USE_PROCESS = os.environ.get("OVEXPLORER_BENCH_PROCESS", "1").strip().lower() not in ("0", "no", "false", "off")
#: Linux: lower the UI thread's priority by this much (nice) once the benchmark child runs, so that on a busy
#: machine the plots yield the CPU to the loop. Off by default: an unprivileged process cannot undo it.
UI_NICE = int(os.environ.get("OVEXPLORER_BENCH_UI_NICE", "0") or 0)



class TaskHandle(Protocol):
    done: bool

    def cancel(self) -> None: ...


class TaskStarter(Protocol):
    def __call__(self, fn: Callable[..., Any], *args: Any, on_success: Callable[[Any], None] | None = None,
                 on_failure: Callable[[BaseException], None] | None = None,
                 on_cancel: Callable[[], None] | None = None, **kwargs: Any) -> TaskHandle: ...


@dataclass(eq=False)
class RunEntry:
    """One run kept as a series: its colour and whether it is plotted."""

    run: BenchmarkRun
    color: str
    shown: bool = True
    task: TaskHandle | None = None


_niced = False


def lower_thread_priority(nice: int) -> None:
    """Linux, once per process: nice the calling thread by ``nice`` (the UI thread, after the child started)."""
    global _niced
    if nice <= 0 or _niced or not sys.platform.startswith("linux"):
        return
    _niced = True
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + nice)
    except OSError:
        pass


class LatencyState:
    """The runs of the Latency tab and the commands on them.

    Events: ``status(text)``; ``changed()`` (running or the runs changed: buttons follow); ``live()`` (something
    to poll and draw: a run compiling in the child or a run shown); ``run_added(entry)``; ``run_started(run)``;
    ``run_ended(entry)`` (finished, stopped or failed); ``shown_changed(index)``; ``cleared()``;
    ``used_changed(streams, requests)``: what the device chose for the run shown last (0, 0 once the options or the
    model changed).
    """

    def __init__(self, start_task: TaskStarter, start_loop: TaskStarter, options: Callable[[], CompileOptions],
                 inputs: Callable[[], Inputs]) -> None:
        self.start_task, self.start_loop = start_task, start_loop
        self.options, self.inputs = options, inputs
        self.settings = LatencySettings()
        self.use_process = USE_PROCESS
        self.ui_nice = UI_NICE
        self.document: ModelDocument | None = None
        self.entries: list[RunEntry] = []
        self.active: RunEntry | None = None
        self.selected: int | None = None  # the row chosen in the runs table
        self.worker: BenchWorker | None = None  # the child process, started at the first run
        self.pending: RemoteRun | None = None  # a run compiling in the child: a series once it warms up
        self.restart = False
        self._sessions: dict[tuple, CompiledSession] = {}
        self._compile_task: TaskHandle | None = None
        self._compile_serial = 0
        self.status, self.changed, self.live = Event(), Event(), Event()
        self.run_added, self.run_started, self.run_ended = Event(), Event(), Event()
        self.shown_changed, self.cleared, self.used_changed = Event(), Event(), Event()
        self.used = (0, 0)

    # -- the model ------------------------------------------------------------------------------
    def set_document(self, doc: ModelDocument | None) -> None:
        """A new model: the run going on ends (its series stays); compiled sessions go."""
        self.restart = False
        self.stop()
        if self._compile_task is not None:
            self._compile_task.cancel()
            self._compile_task = None
        self.document = doc
        self._sessions.clear()
        self._set_used(0, 0)
        self.changed.emit()
        if doc is None:
            self.status.emit("Open a model to benchmark it.")
        elif self.active is None:
            self.status.emit(f"Ready to benchmark {doc.name}: press Start.")

    # -- settings -------------------------------------------------------------------------------
    def set_settings(self, settings: LatencySettings) -> None:
        """New settings; a new device / hint / streams / requests / mode while running ends this run and starts
        another, and a compile for the old ones is replaced by one for the new ones."""
        old, self.settings = self.settings, settings
        if replace(old, limit=settings.limit, iterations=settings.iterations, seconds=settings.seconds) != settings:
            self.options_changed()

    def options_changed(self) -> None:
        self._set_used(0, 0)
        if self.active is not None:
            self.restart = True
            self.stop()
        elif self.pending is not None or self.compiling:
            self.stop()
            self.start()

    # -- runs -----------------------------------------------------------------------------------
    @property
    def compiling(self) -> bool:
        return self._compile_task is not None and not self._compile_task.done

    @property
    def running(self) -> bool:
        return self.active is not None or self.pending is not None or self.compiling

    @property
    def can_start(self) -> bool:
        return self.document is not None and self.document.model is not None

    def toggle(self) -> None:
        if self.running:
            self.restart = False
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        """Compile (or reuse a compiled session) and start a run with the current settings."""
        doc = self.document
        if doc is None or doc.model is None or self.running:
            return False
        options, config = self.options(), self.settings.bench_config()
        inputs, shapes = self.inputs()
        if self.use_process and doc.path.exists() and self._start_remote(doc, options, config, inputs, shapes):
            return True
        key = (options, tuple(sorted(shapes.items())))
        session = self._sessions.get(key)
        if session is not None:
            return self._begin(doc, session, inputs, config)
        self.status.emit(f"Compiling {doc.name} for {options.describe()}…")
        self._compile_serial += 1
        serial = self._compile_serial
        self._compile_task = self.start_task(
            compile_session, doc.model, options, shapes, fixed_shapes=True, model_name=doc.name,
            on_success=lambda s: self._compiled(doc, key, s, inputs, config, serial),
            on_failure=lambda exc: self._compile_failed(doc, exc, serial),
            on_cancel=lambda: self.changed.emit(),
        )
        self.changed.emit()
        return True

    def _start_remote(self, doc: ModelDocument, options: CompileOptions, config: BenchConfig,
                      inputs: Mapping[str, np.ndarray] | None, shapes: dict[str, tuple[int, ...]]) -> bool:
        """Ask the child process to compile and run; False (run here instead) when it cannot start."""
        if self.worker is None:
            self.worker = BenchWorker()
        try:
            run = self.worker.start_run(doc.path, doc.weights_path, options, config, shapes=shapes, inputs=inputs,
                                        model_name=doc.name, label=run_label(doc.name, options, config))
        except OvexplorerError as exc:
            self.status.emit(f"{exc.message} Running in the window instead.")
            return False
        self.pending = run
        lower_thread_priority(self.ui_nice)
        self.status.emit(f"Compiling {doc.name} for {options.describe()}…")
        self.live.emit()
        self.changed.emit()
        return True

    def poll(self) -> None:
        """The child's news: a compiled run becomes a series; ended runs end their series."""
        if self.worker is None:
            return
        self.worker.poll()
        pending = self.pending
        if pending is not None and (pending.began or not pending.active):
            self.pending = None
            if pending.began:
                self._show_run(pending)
            else:
                if pending.error is not None:
                    self.status.emit(f"Cannot benchmark: {pending.error.message}")
                self.changed.emit()
        active = self.active
        if active is not None and isinstance(active.run, RemoteRun) and not active.run.active:
            self._ended(active)

    @property
    def polling(self) -> bool:
        """Whether a timer still has something to poll: a run shown, compiling in the child, or in the child."""
        return self.active is not None or self.pending is not None or bool(self.worker and self.worker.busy)

    def _compiled(self, doc: ModelDocument, key: tuple, session: CompiledSession, inputs: Any, config: BenchConfig,
                  serial: int) -> None:
        if serial != self._compile_serial:  # stopped (or another model opened) while compiling
            self.changed.emit()
            return
        self._compile_task = None
        if doc is not self.document:
            self.changed.emit()
            return
        self._sessions[key] = session
        self._begin(doc, session, inputs, config)

    def _compile_failed(self, doc: ModelDocument, exc: BaseException, serial: int) -> None:
        if serial != self._compile_serial:
            return
        self._compile_task = None
        self.changed.emit()
        if doc is self.document:
            self.status.emit(f"Cannot benchmark: {getattr(exc, 'message', str(exc))}")

    def _begin(self, doc: ModelDocument, session: CompiledSession, inputs: Any, config: BenchConfig) -> bool:
        try:
            run = BenchmarkRun(session, inputs, config) if inputs else None
        except OvexplorerError:
            run = None  # the Run panel's inputs do not fit this compile: seeded random data instead
        try:
            run = run or BenchmarkRun(session, default_inputs(session), config)
        except OvexplorerError as exc:
            self.status.emit(f"Cannot benchmark: {exc.message}")
            self.changed.emit()
            return False
        run.label = run_label(doc.name, session.options, config)
        entry = self._show_run(run)
        entry.task = self.start_loop(run.run, on_success=lambda _r: self._ended(entry),
                                     on_failure=lambda _exc: self._ended(entry), on_cancel=lambda: self._ended(entry))
        return True

    def _show_run(self, run: BenchmarkRun) -> RunEntry:
        """A new series for ``run`` (starting), followed by the live plots."""
        same = sum(e.run.label == run.label or e.run.label.startswith(run.label + " #") for e in self.entries)
        if same:  # the same settings again: the table and the key tell the runs apart
            run.label = f"{run.label} #{same + 1}"
        entry = RunEntry(run, PALETTE[len(self.entries) % len(PALETTE)])
        self.entries.append(entry)
        self.active = entry
        self.selected = None  # the rolling lines follow the new run
        self.run_added.emit(entry)
        self._set_used(*used_by(run))
        used = used_text(*self.used)
        self.status.emit(f"Running {run.label} ({run.config.describe()}{'; ' + used if used else ''})…")
        self.live.emit()
        self.changed.emit()
        self.run_started.emit(run)
        return entry

    def _set_used(self, streams: int, requests: int) -> None:
        if (streams, requests) != self.used:
            self.used = (streams, requests)
            self.used_changed.emit(streams, requests)

    def stop(self) -> None:
        """End the run going on after its inferences in flight; its data stays."""
        if self.compiling:
            self._compile_task.cancel()  # type: ignore[union-attr]
            self._compile_task = None
            self._compile_serial += 1
            self.changed.emit()
        if self.pending is not None:  # compiling in the child: it ends there, nothing is shown
            self.pending.stop()
            self.pending = None
            self.changed.emit()
        if self.active is not None:
            self.active.run.stop()

    def _ended(self, entry: RunEntry) -> None:
        if isinstance(entry.run, RemoteRun) and entry.run.active:
            return  # still running in the child
        if entry is self.active:
            self.active = None
        entry.task = None
        run = entry.run
        stats = run.stats()
        text = f"{run.label}: {run.state}, {stats.count} inferences, median {stats.median:.3f} ms, {stats.fps:.1f} FPS"
        used = used_text(*used_by(run))
        text += f" ({used})" if used else ""
        if run.error is not None:
            text = f"{run.label}: stopped by an error after {stats.count} inferences: {run.error.message}"
        self.status.emit(text)
        self.changed.emit()
        self.run_ended.emit(entry)
        if self.restart and self.active is None:
            self.restart = False
            self.start()

    def wait_child(self, seconds: float) -> bool:
        """Wait until the child runs nothing (tests, shutdown)."""
        if self.worker is None:
            return True
        done = self.worker.wait(seconds)
        self.poll()
        return done

    def shutdown(self) -> None:
        """Stop every run; no child process outlives the window (asked to quit, else terminated)."""
        self.restart = False
        for entry in self.entries:
            entry.run.stop()
        self.stop()

    def close_worker(self) -> None:
        if self.worker is not None:
            self.worker.close(timeout=2.0)
            self.poll()

    # -- series ---------------------------------------------------------------------------------
    def set_shown(self, index: int, shown: bool) -> None:
        self.entries[index].shown = shown
        self.shown_changed.emit(index)

    def select(self, index: int | None) -> None:
        self.selected = index if index is not None and 0 <= index < len(self.entries) else None

    def chosen(self) -> RunEntry | None:
        """The run the table selects, else the one going on, else the last."""
        if self.selected is not None:
            return self.entries[self.selected]
        return self.active or (self.entries[-1] if self.entries else None)

    def clear(self) -> bool:
        """Forget every run (not while one goes on)."""
        if self.running:
            return False
        self.entries.clear()
        self.selected = None
        self.cleared.emit()
        self.changed.emit()
        return True

    # -- export ---------------------------------------------------------------------------------
    @staticmethod
    def export(entry: RunEntry, path: str | Path) -> Path:
        """Write ``entry``'s run as CSV or JSON, by the path's suffix (any thread)."""
        return export_run(entry.run, path)

    @staticmethod
    def file_stem(entry: RunEntry) -> str:
        """A file name for ``entry``'s export (its label, with only letters, digits, ``-`` and ``_``)."""
        return "".join(c if c.isalnum() or c in "-_" else "_" for c in entry.run.label)
