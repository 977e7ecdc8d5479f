"""An answer drawn on its picture for a view: on the UI thread up to ``DRAW_INLINE_PIXELS``, a larger picture (a
12-megapixel photo's masks take 0.1-0.2 s) in a worker, one at a time, the newest request shown last."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from ovexplorer.core.vision.draw import DRAW_INLINE_PIXELS, draw_for_view
from ovexplorer.ui.shell.workers import Task, TaskRunner


class AnswerDrawing(QObject):
    """Calls ``shown(picture)`` with each picture to show (the plain picture, or None, when there is no answer)."""

    def __init__(self, runner: TaskRunner, shown: Callable[[Any], None],
                 on_failure: Callable[[BaseException], None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner, self.shown, self.on_failure = runner, shown, on_failure
        self.task: Task | None = None
        self._next: tuple | None = None  # what to draw when the drawing in the worker ends
        self._serial = 0  # the newest request: an older drawing that ends later is not shown

    def draw(self, image: Any, answer: Any, threshold: float, selected: int | None) -> None:
        self._serial += 1
        self._next = None
        if image is None or answer is None:
            self.shown(image)
        elif image.shape[0] * image.shape[1] <= DRAW_INLINE_PIXELS:
            self.shown(draw_for_view(image, answer, threshold, selected))
        elif self.task is not None and not self.task.done:
            self._next = (image, answer, threshold, selected)
        else:
            self._start((image, answer, threshold, selected))

    def _start(self, work: tuple) -> None:
        serial = self._serial
        self.task = self.runner.start(draw_for_view, *work, on_success=lambda drawn: self._drawn(drawn, serial),
                                      on_failure=self.on_failure)

    def _drawn(self, drawn: Any, serial: int) -> None:
        if self._next is not None:
            work, self._next = self._next, None
            self._start(work)
        elif serial == self._serial:
            self.shown(drawn)
