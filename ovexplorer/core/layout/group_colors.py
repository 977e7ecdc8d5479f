"""Per-node data painted onto collapsed groups: a group's total time, or its mix of precisions (no Qt).

The colour scale and the black/white text rule belong to the data's feature (``core.bench.profiling.time_color``
and ``text_color``); the caller passes them in, so layout does not depend on bench."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ovexplorer.core.layout.grouping import Grouping


@dataclass(frozen=True, slots=True)
class GroupFill:
    """How a collapsed group is painted: colour bands (colour, fraction), its text colour, and a note."""

    bands: tuple[tuple[str, float], ...]
    text: str  # "#000000" or "#ffffff", whichever reads on the main band
    note: str  # "1.2 ms" (time) or "i8 75% · f32 25%" (precision)


def group_fills(grouping: Grouping, groups: Iterable[int], coloring: Any, *,
                time_color: Callable[[float, float, float], str],
                text_color: Callable[[str], str]) -> dict[int, GroupFill]:
    """Fills of ``groups`` (collapsed group ids) for ``coloring`` (``core.bench.profiling.NodeColoring``): by
    total time (``time_color(total, lo, hi)`` across these groups), or by the precision mix of their ops; groups
    without data are left out."""
    if coloring is None or not getattr(coloring, "colors", None):
        return {}
    members = {g: grouping.subtree_nodes(g) for g in groups}
    if coloring.mode == "time" and getattr(coloring, "values", None):
        totals = {g: sum(coloring.values.get(v, 0.0) for v in nodes) for g, nodes in members.items()}
        totals = {g: t for g, t in totals.items() if t > 0}
        if not totals:
            return {}
        lo, hi = min(totals.values()), max(totals.values())
        out = {}
        for g, t in totals.items():
            color = time_color(t, lo, hi)
            out[g] = GroupFill(((color, 1.0),), text_color(color), f"{t:.3g} ms")
        return out
    names = {color: label for label, color in (coloring.legend.entries if coloring.legend else ())}
    out = {}
    for g, nodes in members.items():
        counts = Counter(coloring.colors[v] for v in nodes if v in coloring.colors)
        total = sum(counts.values())
        if not total:
            continue
        bands = tuple((c, n / total) for c, n in counts.most_common())
        note = " · ".join(f"{names.get(c, '?')} {f:.0%}" for c, f in bands[:3])
        out[g] = GroupFill(bands, text_color(bands[0][0]), note)
    return out
