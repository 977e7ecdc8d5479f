"""Where the first view of a layout starts (no Qt): the whole graph fitted when that reads as an outline, else
fitted across (width of a top-down graph, height of a left-to-right one) and shown from its start, at its inputs."""

from __future__ import annotations

from typing import NamedTuple

from ovexplorer.core.layout.graph_layout import GraphLayout

OUTLINE_SCALE = 0.05  # the smallest first view: boxes of a few pixels, titled at screen size
SMALLEST_FIT = 0.3  # a graph with every op drawn opens fitted down to this scale (boxes and arrows show)...
READABLE_START = 0.5  # ... else at its start, at least at this scale: node text reads (TEXT_LOD 0.42)


class StartView(NamedTuple):
    """A view's scale and the scene point at its centre."""

    scale: float
    x: float
    y: float


def start_view(layout: GraphLayout | None, bounds: tuple[float, float, float, float], fitted_scale: float,
               viewport: tuple[int, int]) -> StartView | None:
    """The start of a graph too long to read fitted, or None when the fitted view (at ``fitted_scale``) stays.

    ``bounds``: the drawn rectangle (left, top, width, height); ``viewport``: the view's (width, height) in pixels.
    A graph so long that fitting shrinks it below ``OUTLINE_SCALE`` (``SMALLEST_FIT`` when every op is drawn: no
    outline to read, ops must; then at least ``READABLE_START``) is fitted across instead (at most 100 %)."""
    left, top, width, height = bounds
    every_op = layout is not None and not any(not g.expanded for g in layout.groups)
    # every op drawn (no collapsed group to read as an outline): fitted while its boxes and arrows show, else
    # the start at a scale where ops read
    smallest = READABLE_START if every_op else OUTLINE_SCALE
    if fitted_scale >= (SMALLEST_FIT if every_op else OUTLINE_SCALE) or width <= 0 or height <= 0:
        return None
    vp_w, vp_h = viewport
    horizontal = layout.options.horizontal if layout is not None else width > height
    inputs = [b for b in layout.nodes if b.category == "input"] if layout is not None else []
    if horizontal:  # left to right: show the start (left end), at the inputs
        scale = max(smallest, min(1.0, vp_h / max(1.0, height + 40)))
        y = sum(b.y + b.h / 2 for b in inputs) / len(inputs) if inputs else top + height / 2
        return StartView(scale, left + vp_w / scale / 2 - 20, y)
    scale = max(smallest, min(1.0, vp_w / max(1.0, width + 40)))  # top down: show the top, at the inputs
    x = sum(b.x + b.w / 2 for b in inputs) / len(inputs) if inputs else left + width / 2
    return StartView(scale, x, top + vp_h / scale / 2 - 20)
