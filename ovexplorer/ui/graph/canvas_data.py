"""What painting a layout needs, built once per layout (in a worker thread: no widget involved): node, group and
proxy boxes as numpy arrays for culling and hit testing, node rectangles, and the edges as batched paths, one per
chunk of nearby edges of a group level."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from ovexplorer.core.layout.graph_layout import GraphLayout
from ovexplorer.core.layout.layout_svg import rounded
from ovexplorer.core.model.categories import CATEGORY_COLORS

EDGE_CHUNK = 64  # edges per batched path (a path is culled as a whole)


def _polyline(points) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in points])


def _add_route(path: QPainterPath, points) -> None:
    """Append a polyline with rounded corners to ``path``."""
    for cmd in rounded(points):
        if cmd[0] == "M":
            path.moveTo(cmd[1], cmd[2])
        elif cmd[0] == "L":
            path.lineTo(cmd[1], cmd[2])
        else:
            path.quadTo(cmd[1], cmd[2], cmd[3], cmd[4])


@dataclass(slots=True)
class CanvasData:
    """What painting a layout needs, built once per layout (in a worker: no widget involved)."""

    bounds: QRectF
    nx: np.ndarray
    ny: np.ndarray
    nw: np.ndarray
    nh: np.ndarray
    node_rects: list[QRectF]
    cat_index: np.ndarray
    gx: np.ndarray
    gy: np.ndarray
    gw: np.ndarray
    gh: np.ndarray
    px: np.ndarray
    py: np.ndarray
    pw: np.ndarray
    ph: np.ndarray
    edge_paths: list[tuple[QRectF, QPainterPath, QPainterPath]]
    label_pos: np.ndarray


def _arrays(records, *names: str) -> list[np.ndarray]:
    return [np.array([getattr(r, n) for r in records], dtype=float) for n in names]


def prepare_canvas(layout: GraphLayout | None) -> CanvasData:
    """Arrays, rectangles and batched edge paths of ``layout`` (safe to call from a worker thread)."""
    if layout is None:
        z = np.zeros(0)
        return CanvasData(QRectF(), z, z, z, z, [], np.zeros(0, dtype=np.int64), z, z, z, z, z, z, z, z, [],
                          np.zeros((0, 2)))
    nodes = layout.nodes
    cats = list(CATEGORY_COLORS)
    cat_index = np.array([cats.index(n.category) if n.category in CATEGORY_COLORS else len(cats) - 1
                          for n in nodes], dtype=np.int64)
    # Batched edge paths: per group level, in chunks of edges close together (for culling).
    by_group: dict[int, list] = {}
    for e in layout.edges:
        by_group.setdefault(e.group, []).append(e)
    chunks: list[list] = []
    for edges in by_group.values():
        edges.sort(key=lambda e: (min(p[1] for p in e.points), min(p[0] for p in e.points)))
        chunks.extend(edges[i:i + EDGE_CHUNK] for i in range(0, len(edges), EDGE_CHUNK))
    edge_paths = []
    for edges in chunks:
        lines = QPainterPath()
        heads = QPainterPath()
        for e in edges:
            pts = e.points
            if len(pts) > 2:
                _add_route(lines, pts)
            else:
                lines.addPolygon(_polyline(pts))
            if e.dst >= 0 and len(pts) >= 2:
                (ax, ay), (bx, by) = pts[-2], pts[-1]
                dx, dy = bx - ax, by - ay
                length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
                ux, uy = dx / length, dy / length
                heads.addPolygon(_polyline([(bx, by), (bx - 7 * ux - 3.5 * uy, by - 7 * uy + 3.5 * ux),
                                            (bx - 7 * ux + 3.5 * uy, by - 7 * uy - 3.5 * ux), (bx, by)]))
        edge_paths.append((lines.boundingRect().adjusted(-8, -8, 8, 8), lines, heads))
    label_pos = np.array(
        [((e.points[0][0] + e.points[1][0]) / 2, (e.points[0][1] + e.points[1][1]) / 2)
         if len(e.points) >= 2 else e.points[0] for e in layout.edges], dtype=float,
    ).reshape(-1, 2)
    return CanvasData(
        QRectF(0, 0, max(layout.width, 1.0), max(layout.height, 1.0)),
        *_arrays(nodes, "x", "y", "w", "h"),
        [QRectF(n.x, n.y, n.w, n.h) for n in nodes],
        cat_index,
        *_arrays(layout.groups, "x", "y", "w", "h"),
        *_arrays(layout.proxies, "x", "y", "w", "h"),
        edge_paths,
        label_pos,
    )
