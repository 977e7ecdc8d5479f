"""Progress reporting and cancellation for long core work, without any Qt."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ovexplorer.core.errors import Cancelled

#: ``progress(fraction, text)``: fraction in [0, 1], or a negative number when unknown.
ProgressFn = Callable[[float, str], None]


class CancelToken:
    """A flag long work polls; ``cancel()`` may be called from any thread."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled()


def no_progress(fraction: float, text: str) -> None:
    """A progress callback that ignores everything."""


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_restore = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector off while building large acyclic structures.

    Building a 20,000-node graph allocates millions of objects, and the collector would walk the
    growing heap again and again (a third to a half of the time). Nested and concurrent uses keep it off
    until the outermost one ends; it is switched back on only if it was on when the first one began.
    """
    global _gc_depth, _gc_restore
    with _gc_lock:
        if _gc_depth == 0:
            _gc_restore = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_restore:
                gc.enable()
