"""The one way to run core work off the UI thread: a task with progress, cancel and result signals."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from ovexplorer.core.util.errors import Cancelled
from ovexplorer.core.util.tasks import CancelToken

_PROGRESS_INTERVAL_S = 0.05
#: How soon a thread holding the GIL is asked to hand it over (Python's default is 5 ms).
UI_SWITCH_INTERVAL_S = 0.0005


def share_the_gil_quickly() -> None:
    """Let the UI thread take the GIL back within 0.5 ms while workers run Python code (the default 5 ms made
    the window stall 270-290 ms while the statistics of 6,000 compressed constants were being planned; 50-65 ms
    with this). Process-wide, set once by the main window."""
    sys.setswitchinterval(min(sys.getswitchinterval(), UI_SWITCH_INTERVAL_S))


class TaskSignals(QObject):
    """Signals a task emits; delivered on the UI thread (queued connections)."""

    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()  # after any of the three above


class Task:
    """Runs ``fn(*args, progress=..., cancel=..., **kwargs)`` in the thread pool.

    Not a ``QRunnable``: the pool is given :meth:`run` as a callable and owns (and deletes) the runnable it wraps
    it in. A ``QRunnable`` subclass kept alive with ``setAutoDelete(False)`` was never released by PySide6 6.11
    (the pool's wrapper keeps a reference to every runnable it started), so each finished task kept its function,
    arguments and result: the documents, graphs and compiled models of every earlier open. A task also drops
    its function and arguments as soon as it has run, so a caller that keeps a finished task keeps nothing else.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.fn: Callable[..., Any] | None = fn
        self.args, self.kwargs = args, kwargs
        self.signals = TaskSignals()
        self.token = CancelToken()
        self._last_progress = 0.0
        self.done = False

    def cancel(self) -> None:
        self.token.cancel()

    def _progress(self, fraction: float, text: str) -> None:
        now = time.monotonic()
        if now - self._last_progress >= _PROGRESS_INTERVAL_S or fraction >= 1.0:
            self._last_progress = now
            if not self._emit(self.signals.progress, float(fraction), text):
                self.token.cancel()  # nobody is left to receive the result: stop working

    @staticmethod
    def _emit(signal: Any, *args: Any) -> bool:
        """Emit; False when the receiving side is already gone (the app is quitting)."""
        try:
            signal.emit(*args)
        except RuntimeError:  # "Signal source has been deleted"
            return False
        return True

    def run(self) -> None:
        fn, args, kwargs = self.fn, self.args, self.kwargs
        self.fn, self.args, self.kwargs = None, (), {}
        outcome: tuple[Any, ...]
        try:
            if fn is None or self.token.cancelled:
                raise Cancelled()  # cancelled while queued (or started twice): nothing runs
            outcome = (self.signals.succeeded, fn(*args, progress=self._progress, cancel=self.token, **kwargs))
        except Cancelled:
            outcome = (self.signals.cancelled,)
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the UI as a signal
            outcome = (self.signals.failed, exc)
        del fn, args, kwargs  # only the queued signal holds the result from here on
        self.done = True
        self._emit(*outcome)
        del outcome
        self._emit(self.signals.finished)


def _report_unhandled(exc: BaseException) -> None:
    """A task failed and no one listens: hand the exception to ``sys.excepthook`` (the error reporter)."""
    sys.excepthook(type(exc), exc, exc.__traceback__)


class TaskRunner(QObject):
    """Starts tasks and keeps them alive until they finish; then lets them go."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._tasks: dict[TaskSignals, Task] = {}

    def start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> Task:
        task = Task(fn, *args, **kwargs)
        # Owned by the runner (on the UI thread): a task whose runner is gone can release its signals object
        # from a worker thread without deleting a UI-thread QObject there; emitting then just reports it gone.
        task.signals.setParent(self)
        if on_success:
            task.signals.succeeded.connect(on_success)
        task.signals.failed.connect(on_failure or _report_unhandled)
        if on_progress:
            task.signals.progress.connect(on_progress)
        if on_cancel:
            task.signals.cancelled.connect(on_cancel)
        # A slot of the runner, not a closure over the task: a closure held by the task's own signals would make
        # a cycle through Qt that the collector cannot see.
        task.signals.finished.connect(self._task_finished)
        self._tasks[task.signals] = task
        self.pool.start(task.run)
        return task

    @Slot()
    def _task_finished(self) -> None:
        """On the UI thread, after the task's last signal: forget it; its signals object is deleted here too
        (after the signals already queued for other receivers), never in a worker thread."""
        signals = self.sender()
        task = self._tasks.pop(signals, None)
        if task is not None:
            task.signals.deleteLater()

    @property
    def running(self) -> int:
        return len(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Cancel nothing; wait until the pool is idle (used on close and in tests)."""
        return self.pool.waitForDone(msecs)
