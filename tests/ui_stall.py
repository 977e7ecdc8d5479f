"""Measure how long the UI thread stops answering: a QTimer ticks every few milliseconds, the gaps are kept.

    with StallMeter() as meter:
        window.open_path(big_model)
        qtbot.waitSignal(window.document_changed, timeout=60000)
    print(meter.summary())
    assert meter.longest_ms < 100

A gap between two ticks is time the event loop could not run: a stall the user sees as a frozen window.
Reusable for any long work (statistics, compile, inference): wrap the wait for it in the context manager.
"""

from __future__ import annotations

import time
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QTimer


class StallMeter(QObject):
    """Records the gaps between ticks of a precise ``interval_ms`` timer on the UI thread."""

    def __init__(self, interval_ms: int = 5, label: str = "ui") -> None:
        super().__init__()
        self.interval_ms = interval_ms
        self.label = label
        self.gaps_ms: list[float] = []
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self._worst_at = 0.0
        self._start = 0.0

    def __enter__(self) -> StallMeter:
        self.gaps_ms.clear()
        self._start = self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._tick()  # the time since the last tick counts too
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000.0
        if not self.gaps_ms or gap > max(self.gaps_ms):
            self._worst_at = self._last - self._start
        self.gaps_ms.append(gap)
        self._last = now

    @property
    def longest_ms(self) -> float:
        return max(self.gaps_ms, default=0.0)

    @property
    def ticks(self) -> int:
        return len(self.gaps_ms)

    @property
    def duration_s(self) -> float:
        return self._last - self._start

    def percentile_ms(self, q: float) -> float:
        if not self.gaps_ms:
            return 0.0
        ordered = sorted(self.gaps_ms)
        return ordered[min(len(ordered) - 1, int(q / 100.0 * len(ordered)))]

    def stalls(self, threshold_ms: float = 50.0) -> int:
        """How many gaps were longer than ``threshold_ms``."""
        return sum(g > threshold_ms for g in self.gaps_ms)

    def summary(self) -> str:
        return (f"stall[{self.label}]: longest {self.longest_ms:.1f} ms (at {self._worst_at:.2f} s), "
                f"p99 {self.percentile_ms(99):.1f} ms, median {self.percentile_ms(50):.1f} ms, "
                f"{self.stalls(50)} gaps > 50 ms, {self.ticks} ticks in {self.duration_s:.2f} s "
                f"(timer every {self.interval_ms} ms)")
