"""One QGraphicsItem that paints a whole :class:`GraphLayout` with level-of-detail drawing.

Nodes are culled with numpy against the exposed rectangle; when zoomed out, boxes are drawn in batches per
colour without text; edges are one batched path per group level. Hit testing works on the same arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ovexplorer.core.layout.graph_layout import GraphLayout
from ovexplorer.core.layout.layout_svg import GROUP_FILLS, rounded
from ovexplorer.core.model.categories import CATEGORY_COLORS

TEXT_LOD = 0.42  # below this scale, no text
DETAIL_LOD = 0.22  # below this scale, plain rectangles, no arrows or proxies
EDGE_COLOR = QColor("#55606e")
SELECT_COLOR = QColor("#e0457b")
HIT_COLOR = QColor("#ffb000")
EDGE_CHUNK = 64
NO_DATA_COLOR = "#f2f2f2"  # nodes without data while the graph is coloured by data


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


class GraphItem(QGraphicsItem):
    """Paints nodes, groups, edges and proxies of one layout."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # exposedRect for culling
        self.layout: GraphLayout | None = None
        self.show_edge_labels = False
        self.selected: int | None = None
        self.highlight: int | None = None
        self.brushes = [QBrush(QColor(CATEGORY_COLORS[c])) for c in CATEGORY_COLORS]
        self.node_colors: Mapping[int, str] | None = None  # data painted onto nodes (profiling times...)
        self.paint_brushes = self.brushes
        self.brush_index = np.zeros(0, dtype=np.int64)
        self.set_layout(None)
        self.type_font = QFont()
        self.type_font.setPixelSize(11)
        self.type_font.setBold(True)
        self.text_font = QFont()
        self.text_font.setPixelSize(10)
        self.small_font = QFont()
        self.small_font.setPixelSize(9)
        self.title_font = QFont()
        self.title_font.setPixelSize(12)
        self.title_font.setBold(True)

    # -- data ---------------------------------------------------------------------------------
    def set_layout(self, layout: GraphLayout | None, data: CanvasData | None = None) -> None:
        """Show ``layout``; ``data`` is its :func:`prepare_canvas` result when a worker built it."""
        self.prepareGeometryChange()
        self.layout = layout
        d = data if data is not None else prepare_canvas(layout)
        self._bounds = d.bounds
        self.nx, self.ny, self.nw, self.nh = d.nx, d.ny, d.nw, d.nh
        self.node_rects = d.node_rects
        self.cat_index = d.cat_index
        self.gx, self.gy, self.gw, self.gh = d.gx, d.gy, d.gw, d.gh
        self.px, self.py, self.pw, self.ph = d.px, d.py, d.pw, d.ph
        self.edge_paths = d.edge_paths
        self.label_pos = d.label_pos
        self._update_brushes()
        self.update()

    def set_node_colors(self, colors: Mapping[int, str] | None) -> None:
        """Paint nodes with ``{node id: '#rrggbb'}`` instead of their category (others dimmed); None restores."""
        self.node_colors = colors or None
        self._update_brushes()
        self.update()

    def _update_brushes(self) -> None:
        if not self.node_colors or self.layout is None:
            self.paint_brushes, self.brush_index = self.brushes, self.cat_index
            return
        brushes = [QBrush(QColor(NO_DATA_COLOR))]
        index_of: dict[str, int] = {}
        idx = np.zeros(len(self.layout.nodes), dtype=np.int64)
        for k, n in enumerate(self.layout.nodes):
            color = self.node_colors.get(n.id)
            if color is not None:
                if color not in index_of:
                    index_of[color] = len(brushes)
                    brushes.append(QBrush(QColor(color)))
                idx[k] = index_of[color]
        self.paint_brushes, self.brush_index = brushes, idx

    # -- hit testing --------------------------------------------------------------------------
    def node_at(self, x: float, y: float) -> int | None:
        if not len(self.nx):
            return None
        hit = np.nonzero((self.nx <= x) & (x <= self.nx + self.nw) & (self.ny <= y) & (y <= self.ny + self.nh))[0]
        return self.layout.nodes[int(hit[0])].id if len(hit) else None

    def group_at(self, x: float, y: float, title_only: bool = False) -> int | None:
        """The innermost group box under (x, y); for expanded groups only their title bar when ``title_only``."""
        if not len(self.gx) or self.layout is None:
            return None
        hit = np.nonzero((self.gx <= x) & (x <= self.gx + self.gw) & (self.gy <= y) & (y <= self.gy + self.gh))[0]
        best = None
        for i in hit:
            g = self.layout.groups[int(i)]
            if title_only and g.expanded and y > g.y + 24:
                continue
            if best is None or g.depth > best.depth:
                best = g
        return best.id if best is not None else None

    def proxy_at(self, x: float, y: float) -> int | None:
        if not len(self.px):
            return None
        hit = np.nonzero((self.px <= x) & (x <= self.px + self.pw) & (self.py <= y) & (y <= self.py + self.ph))[0]
        return self.layout.proxies[int(hit[0])].source if len(hit) else None

    # -- painting -----------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        layout = self.layout
        if layout is None:
            return
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        r = option.exposedRect if not option.exposedRect.isEmpty() else self._bounds
        inverse, ok = painter.worldTransform().inverted()
        if ok:  # QGraphicsView.render() exposes the whole item: cull to the painted device too
            r = r.intersected(inverse.mapRect(QRectF(painter.viewport())))
        x0, y0, x1, y1 = r.left(), r.top(), r.right(), r.bottom()
        text = lod >= TEXT_LOD
        detail = lod >= DETAIL_LOD
        # Groups, outermost first.
        gi = np.nonzero((self.gx < x1) & (self.gx + self.gw > x0) & (self.gy < y1) & (self.gy + self.gh > y0))[0]
        frame_pen = QPen(QColor("#9aa8ba"), 1.0)
        frame_pen.setCosmetic(True)
        box_pen = QPen(QColor("#6f819a"), 1.5)
        box_pen.setCosmetic(True)
        for i in gi:
            g = layout.groups[int(i)]
            rect = QRectF(g.x, g.y, g.w, g.h)
            if g.expanded:
                painter.setPen(frame_pen)
                painter.setBrush(QColor(GROUP_FILLS[g.depth % len(GROUP_FILLS)]))
                painter.drawRoundedRect(rect, 6, 6) if detail else painter.drawRect(rect)
                if text:
                    painter.setFont(self.title_font)
                    painter.setPen(QColor("#34495e"))
                    painter.drawText(QRectF(g.x + 10, g.y + 4, g.w - 20, 18),
                                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"▾ {g.label}")
            else:
                painter.setPen(box_pen)
                painter.setBrush(QColor("#dfe7f1"))
                painter.drawRoundedRect(rect, 6, 6) if detail else painter.drawRect(rect)
                if text:
                    painter.setFont(self.title_font)
                    painter.setPen(QColor("#1f2d3d"))
                    painter.drawText(QRectF(g.x + 4, g.y + 5, g.w - 8, 16), Qt.AlignmentFlag.AlignCenter,
                                     f"▸ {g.label}")
                    painter.setFont(self.text_font)
                    painter.setPen(QColor("#44505e"))
                    kids = f" · {g.group_count} groups" if g.group_count else ""
                    painter.drawText(QRectF(g.x + 4, g.y + 22, g.w - 8, 14), Qt.AlignmentFlag.AlignCenter,
                                     f"{g.op_count} ops{kids}")
        # Edges: one batched path per level.
        edge_pen = QPen(EDGE_COLOR, 1.2 if detail else 1.0)
        edge_pen.setCosmetic(not detail)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for bounds, lines, heads in self.edge_paths:
            if bounds.intersects(r):
                painter.setPen(edge_pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(lines)
                if detail:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(EDGE_COLOR)
                    painter.drawPath(heads)
        if self.show_edge_labels and text and len(self.label_pos):
            lp = self.label_pos
            li = np.nonzero((lp[:, 0] > x0 - 80) & (lp[:, 0] < x1) & (lp[:, 1] > y0) & (lp[:, 1] < y1))[0]
            painter.setFont(self.small_font)
            painter.setPen(QColor("#5b6573"))
            for i in li:
                e = layout.edges[int(i)]
                if e.label:
                    painter.drawText(QPointF(lp[i, 0] + 4, lp[i, 1] + 3), e.label)
        # Nodes.
        ni = np.nonzero((self.nx < x1) & (self.nx + self.nw > x0) & (self.ny < y1) & (self.ny + self.nh > y0))[0]
        rects = self.node_rects
        node_pen = QPen(QColor("#4a5562"), 1.0)
        node_pen.setCosmetic(True)
        if not detail:
            painter.setPen(Qt.PenStyle.NoPen if lod < 0.08 else node_pen)
            cats = self.brush_index[ni]
            for c in np.unique(cats):
                painter.setBrush(self.paint_brushes[int(c)])
                painter.drawRects([rects[int(i)] for i in ni[cats == c]])
        else:
            painter.setPen(node_pen)
            for i in ni:
                i = int(i)
                painter.setBrush(self.paint_brushes[int(self.brush_index[i])])
                painter.drawRoundedRect(rects[i], 4, 4)
            if text:
                for i in ni:
                    n = layout.nodes[int(i)]
                    painter.setPen(QColor("#101820"))
                    for k, line in enumerate(n.lines):
                        painter.setFont(self.type_font if k == 0 else self.text_font)
                        painter.drawText(QRectF(n.x + 3, n.y + 6 + 14 * k, n.w - 6, 14),
                                         Qt.AlignmentFlag.AlignCenter, line)
        # Proxies.
        if detail and len(self.px):
            pi = np.nonzero((self.px < x1) & (self.px + self.pw > x0) & (self.py < y1) & (self.py + self.ph > y0))[0]
            proxy_pen = QPen(QColor("#b59b3b"), 1.0)
            proxy_pen.setCosmetic(True)
            for i in pi:
                p = layout.proxies[int(i)]
                painter.setPen(proxy_pen)
                painter.setBrush(QColor("#fff7d6"))
                rect = QRectF(p.x, p.y, p.w, p.h)
                painter.drawRoundedRect(rect, 3, 3)
                if text:
                    painter.setFont(self.small_font)
                    painter.setPen(QColor("#4d4013"))
                    painter.drawText(rect.adjusted(3, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter, p.label)
        # Selection and search hit.
        for node_id, color in ((self.highlight, HIT_COLOR), (self.selected, SELECT_COLOR)):
            index = layout.node_index.get(node_id) if node_id is not None else None
            if index is not None:
                pen = QPen(color, 3.0)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rects[index].adjusted(-3, -3, 3, 3), 5, 5)
