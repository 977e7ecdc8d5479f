"""Statistics as text: four significant digits, ``nan``/``inf`` by name, and never a negative zero."""

from __future__ import annotations

import math


def format_value(v: float | None) -> str:
    """``v`` in 4 significant digits; ``-0.0`` (the minimum of an all-zero tensor with negative zeros) reads
    ``0``; None is empty."""
    if v is None:
        return ""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if v == 0.0:
        return "0"  # also -0.0, and what rounds to it is not affected: 4g keeps tiny values as 1e-09
    return f"{v:.4g}"
