"""Plot axes of the Weights panel that print values as they are: the ticks carry the numbers (``-0.5``, ``2e-05``,
``20 M``), never a bare multiplier such as "(x0.001)" in the axis label."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg

from ovexplorer.core.weights.numbers import format_value


def compact_count(v: float) -> str:
    """A count on an axis: ``0``, ``512``, ``1.5 k``, ``20 M``, ``1.2 G`` (three significant digits)."""
    for div, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(v) >= div:
            return f"{v / div:.3g}{suffix}"
    return f"{v:.3g}"


class ValueAxis(pg.AxisItem):
    """An axis whose tick labels are ``fmt(value)``; pyqtgraph's automatic SI multiplier is off."""

    def __init__(self, orientation: str, fmt: Callable[[float], str] = format_value) -> None:
        super().__init__(orientation)
        self.fmt = fmt
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        # ticks are multiples of ``spacing``: round away float noise (0.30000000000000004) below it
        digits = max(0, -int(f"{spacing * scale:e}".split("e")[1]) + 1)
        return [self.fmt(round(v * scale, digits)) for v in values]
