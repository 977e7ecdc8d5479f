"""When the Latency tab's 20 Hz timer redraws what: at display rate, never per inference, less for slow models."""

from __future__ import annotations

from typing import NamedTuple


class Draw(NamedTuple):
    """What a tick redraws."""

    any: bool = False
    rolling: bool = False
    slow: bool = False  # histogram, throughput and the statistics row


class DrawClock:
    """Which ticks of a 20 Hz timer draw what: at display rate, never per inference, less for slow models."""

    FEW_NEW = 16  # fewer new inferences than this since the last drawing: draw every SLOW_TICKS ticks
    SLOW_TICKS = 4  # (5 Hz: the window of a 10 ms model took 7.3 % of a core at 10 Hz, 6 % of its throughput)
    SLOW_EVERY = 8  # histogram, throughput and statistics every 8 ticks (2.5 Hz)
    ROLLING_EVERY = 2  # rolling median / p90 / p99 every 2 ticks (10 Hz)

    def __init__(self) -> None:
        self.ticks = self.drawn = 0

    def reset(self) -> None:
        self.ticks = self.drawn = 0

    def tick(self, count: int) -> Draw:
        """The next tick, with ``count`` inferences recorded so far."""
        self.ticks += 1
        slow = self.ticks % self.SLOW_EVERY == 0
        if count == self.drawn and not slow:
            return Draw()  # nothing new to draw
        if count - self.drawn < self.FEW_NEW and self.ticks % self.SLOW_TICKS and not slow:
            return Draw()  # a slow model (a few inferences per tick, using every core): 5 Hz is live enough
        self.drawn = count
        return Draw(True, self.ticks % self.ROLLING_EVERY == 0, slow)
