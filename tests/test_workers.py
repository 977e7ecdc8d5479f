"""Background tasks: results and cancellation arrive, and a finished task keeps nothing it ran on."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest
from PySide6.QtCore import QThreadPool

from ovexplorer.ui.shell.workers import TaskRunner

pytestmark = pytest.mark.usefixtures("qapp")


class Big:
    """A stand-in for a document, a graph or a compiled model: 8 MB that must be freed."""

    def __init__(self) -> None:
        self.data = np.ones(1 << 20)


def _settle(qtbot, runner: TaskRunner) -> None:
    assert runner.wait(10000)
    qtbot.waitUntil(lambda: runner.running == 0, timeout=10000)
    qtbot.wait(20)  # the queued signals already posted are delivered
    gc.collect()


def test_a_finished_task_releases_its_function_arguments_and_result(qtbot):
    runner = TaskRunner()
    argument, result = Big(), Big()
    alive = {"argument": weakref.ref(argument), "result": weakref.ref(result)}

    def work(arg, *, progress, cancel, out):
        return out

    received: list[object] = []
    task = runner.start(work, argument, out=result, on_success=lambda r: received.append(id(r)))
    alive["task"] = weakref.ref(task)
    expected = id(result)
    del task, argument, result, work
    _settle(qtbot, runner)
    assert received == [expected]  # the result still reaches the UI thread
    assert {name: ref() is not None for name, ref in alive.items()} == {
        "argument": False, "result": False, "task": False}


def test_a_task_kept_by_its_caller_drops_what_it_ran_on(qtbot):
    """Panels keep their last task (to ask whether it is done): that must not keep its document."""
    runner = TaskRunner()
    argument = Big()
    ref = weakref.ref(argument)
    task = runner.start(lambda arg, progress, cancel: len(arg.data), argument)
    del argument
    _settle(qtbot, runner)
    assert task.done
    assert ref() is None
    task.cancel()  # harmless on a finished task


def test_cancel_reaches_a_running_task_and_then_releases_it(qtbot):
    runner = TaskRunner()
    started = threading.Event()
    argument = Big()
    ref = weakref.ref(argument)

    def work(arg, *, progress, cancel):
        started.set()
        while True:
            cancel.check()
            threading.Event().wait(0.001)

    cancelled: list[bool] = []
    finished: list[bool] = []
    task = runner.start(work, argument, on_cancel=lambda: cancelled.append(True))
    task.signals.finished.connect(lambda: finished.append(True))
    del argument
    assert started.wait(10)
    runner.cancel_all()
    qtbot.waitUntil(lambda: finished == [True], timeout=10000)
    assert cancelled == [True]
    _settle(qtbot, runner)
    assert ref() is None


def test_a_task_cancelled_before_it_starts_never_runs(qtbot):
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    runner = TaskRunner(pool=pool)
    gate = threading.Event()
    runner.start(lambda progress, cancel: gate.wait(10))
    ran: list[bool] = []
    cancelled: list[bool] = []
    queued = runner.start(lambda progress, cancel: ran.append(True), on_cancel=lambda: cancelled.append(True))
    queued.cancel()
    gate.set()
    _settle(qtbot, runner)
    assert (ran, cancelled) == ([], [True])


def test_a_failure_reaches_its_handler_and_the_task_is_released(qtbot):
    runner = TaskRunner()
    argument = Big()
    ref = weakref.ref(argument)

    def work(arg, *, progress, cancel):
        raise ValueError("broken")

    failures: list[str] = []
    runner.start(work, argument, on_failure=lambda exc: failures.append(str(exc)))
    del argument
    _settle(qtbot, runner)
    assert failures == ["broken"]
    assert ref() is None


def test_many_tasks_leave_nothing_behind(qtbot):
    runner = TaskRunner()
    refs = []
    for _ in range(20):
        argument = Big()
        refs.append(weakref.ref(argument))
        runner.start(lambda arg, progress, cancel: arg, argument, on_success=lambda r: None)
        del argument
    _settle(qtbot, runner)
    assert sum(r() is not None for r in refs) == 0
    assert runner.running == 0

