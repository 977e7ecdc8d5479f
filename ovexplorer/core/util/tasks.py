"""Progress reporting and cancellation for long core work, without any Qt."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ovexplorer.core.util.errors import Cancelled

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
