"""Work started before anyone asks for it: the app begins reading the model named on its command line in a
thread as soon as the arguments are parsed, while Qt starts and the window is built; the window's load then
takes the result (or waits for it, showing its progress) instead of starting over."""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ovexplorer.core.util.tasks import CancelToken, ProgressFn

#: How often a waiting load passes the preload's progress on (seconds).
POLL_S = 0.05


def _key(path: str | Path) -> str:
    return os.path.realpath(os.fspath(path))


class Preload:
    """``work(path, progress, cancel)`` running in a thread of its own; :meth:`result` waits for it."""

    def __init__(self, path: str | Path, work: Callable[[Path, ProgressFn, CancelToken], Any] | str) -> None:
        self.path = Path(path)
        self._work = work
        self._cancel = CancelToken()
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None
        self._progress: tuple[float, str] = (-1.0, "Opening")
        self._thread = threading.Thread(target=self._run, name=f"preload {self.path.name}", daemon=True)

    def start(self) -> Preload:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            work = self._work
            if isinstance(work, str):  # "package.module:function": imported here, off the starting thread
                module, _, name = work.partition(":")
                work = getattr(importlib.import_module(module), name)
            self._value = work(self.path, self._note, self._cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits, raised there
            self._error = exc
        finally:
            self._done.set()

    def _note(self, fraction: float, text: str) -> None:
        self._progress = (fraction, text)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def cancel(self) -> None:
        self._cancel.cancel()

    def result(self, progress: ProgressFn, cancel: CancelToken) -> Any:
        """The work's result (or its exception), passing its progress on; ``cancel`` stops the work too."""
        while not self._done.wait(POLL_S):
            if cancel.cancelled:
                self.cancel()
                cancel.check()
            progress(*self._progress)
        if self._error is not None:
            raise self._error
        return self._value


_pending: dict[str, Preload] = {}
_lock = threading.Lock()


def start(path: str | Path, work: Callable[[Path, ProgressFn, CancelToken], Any] | str) -> Preload:
    """Start ``work`` on ``path`` now (``work`` may name a function ``"module:function"``, imported in the thread)."""
    preload = Preload(path, work)
    with _lock:
        old = _pending.pop(_key(path), None)
        _pending[_key(path)] = preload
    if old is not None:
        old.cancel()
    return preload.start()


def take(path: str | Path) -> Preload | None:
    """The preload of ``path``, once (the next open of the same file reads it again)."""
    with _lock:
        return _pending.pop(_key(path), None)


def discard_all() -> None:
    """Cancel and forget every preload nobody took."""
    with _lock:
        pending = list(_pending.values())
        _pending.clear()
    for preload in pending:
        preload.cancel()
