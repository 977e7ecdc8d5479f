"""A minimal observer list for Qt-free state objects (napari-style events): widgets connect callbacks, the state
emits after it changed. Callbacks run synchronously on the emitting thread, in the order they connected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """Callbacks to call on :meth:`emit`."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        """Call ``callback(*args)`` on every emit; returns it (usable as a decorator)."""
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)
