"""Compile and run for the Run panel: the compiled session (kept while options and shapes stay the same), the
worker task of the current compile or run, and the compile status text."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.run_state import InputRow, RunKey
from ovexplorer.core.run.session import CompiledSession, CompileOptions
from ovexplorer.ui.run.run_work import RunOutcome, run_model
from ovexplorer.ui.shell.workers import Task, TaskRunner


class RunControl(QObject):
    """One compile or run at a time, in a worker. ``finished(doc, outcome, key)`` after a run or compile of the
    model ``doc`` made from ``key``; ``failed(doc, exc)``; ``progress(text)`` while it works;
    ``session_changed(session | None)`` and ``compiled(session)`` as the session changes."""

    session_changed = Signal(object)
    compiled = Signal(object)
    finished = Signal(object, object, object)
    failed = Signal(object, object)
    progress = Signal(str)
    cancelled = Signal()

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session: CompiledSession | None = None
        self.session_shapes: tuple | None = None
        self.task: Task | None = None
        self.status = "Not compiled"
        self.document: ModelDocument | None = None  # results for another model are dropped

    def open(self, doc: ModelDocument | None) -> None:
        """A model opened: stop what runs, close the session."""
        self.cancel()
        self.document = doc
        self.drop_session("Not compiled")

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None

    def drop_session(self, status: str) -> None:
        """Close the session (a compile comes again on the next run) and say ``status``."""
        had = self.session is not None
        if self.session is not None:
            self.session.close()
        self.session = None
        self.session_shapes = None
        self.status = status
        if had:
            self.session_changed.emit(None)

    def start(self, doc: ModelDocument, options: CompileOptions, rows: list[InputRow], key: RunKey,
              infer: bool) -> Task:
        """Compile (when options or shapes changed) and, with ``infer``, run once."""
        self.task = self.runner.start(
            run_model, doc.model, doc.name, options, list(rows), self.session, self.session_shapes, infer,
            on_success=lambda outcome: self._finished(doc, outcome, key),
            on_failure=lambda exc: self._failed(doc, exc),
            on_progress=lambda _f, text: self.progress.emit(text),
            on_cancel=self.cancelled.emit,
        )
        return self.task

    def _finished(self, doc: ModelDocument, outcome: RunOutcome, key: RunKey) -> None:
        self.task = None
        if doc is not self.document:
            return
        session = outcome.session
        if outcome.compiled:
            if self.session is not None and self.session is not session:
                self.session.close()
            self.session, self.session_shapes = session, outcome.shapes
        executed = ", ".join(session.execution_devices)
        where = session.options.device + (f" ({executed})" if executed != session.options.device else "")
        self.status = f"Compiled for {where} in {session.compile_seconds:.3f} s"
        if outcome.compiled:
            self.session_changed.emit(session)
            self.compiled.emit(session)
        self.finished.emit(doc, outcome, key)

    def _failed(self, doc: ModelDocument, exc: BaseException) -> None:
        self.task = None
        if doc is not self.document:
            return
        if self.session is None:
            self.status = "Not compiled"
        self.failed.emit(doc, exc)
