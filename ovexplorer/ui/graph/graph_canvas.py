"""One QGraphicsItem that paints a whole :class:`GraphLayout` with level-of-detail drawing.

Nodes are culled with numpy against the exposed rectangle; when zoomed out, boxes are drawn in batches per
colour without text; edges are one batched path per group level. Hit testing works on the same arrays
(:mod:`ovexplorer.ui.graph.canvas_data` builds them). A paint reads top-down: groups, edges, edge labels, nodes,
proxies, group titles at screen size (:mod:`ovexplorer.ui.graph.screen_labels`), then the selection and search hit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ovexplorer.core.bench.profiling import text_color
from ovexplorer.core.layout.graph_layout import GraphLayout
from ovexplorer.core.layout.group_colors import GroupFill
from ovexplorer.core.layout.layout_svg import GROUP_FILLS
from ovexplorer.core.model.categories import CATEGORY_COLORS
from ovexplorer.ui.graph.canvas_data import CanvasData, prepare_canvas
from ovexplorer.ui.graph.screen_labels import MIN_LABEL_PX, ScreenLabel, paint_screen_labels

TEXT_LOD = 0.42  # below this scale, no text
DETAIL_LOD = 0.22  # below this scale, plain rectangles, no arrows or proxies
EDGE_COLOR = QColor("#55606e")
SELECT_COLOR = QColor("#e0457b")
HIT_COLOR = QColor("#ffb000")
NO_DATA_COLOR = "#f2f2f2"  # nodes without data while the graph is coloured by data
TOGGLE_SIZE = 22  # the ▸/▾ square at a group's top-left corner: a click there expands or collapses it


def toggle_rect(g) -> QRectF:
    """Where a group's ▸ (collapsed) or ▾ (expanded) is drawn, in scene coordinates."""
    return QRectF(g.x + 2, g.y + 2, TOGGLE_SIZE, TOGGLE_SIZE - 2)


class Exposed(NamedTuple):
    """What one paint covers: the scene rectangle (and its edges), the level of detail, and whether text and
    details (rounded boxes, arrow heads, proxies) are drawn at it."""

    rect: QRectF
    x0: float
    y0: float
    x1: float
    y1: float
    lod: float
    text: bool
    detail: bool


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
        self.text_pens: list[QColor] = []
        self.group_fills: dict[int, GroupFill] = {}
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
        self.label_font = QFont(self.title_font)
        self.label_font.setPixelSize(MIN_LABEL_PX)
        self.count_font = QFont()
        self.count_font.setPixelSize(MIN_LABEL_PX - 1)
        #: group labels of the last paint drawn at screen size: (text, rectangle on the device, pixel size, group)
        self.screen_labels: list[ScreenLabel] = []
        self.labels_transform = QTransform()  # the world transform they were drawn with

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

    def set_group_fills(self, fills: Mapping[int, GroupFill]) -> None:
        """Paint collapsed groups with ``{group id: GroupFill}`` (their total time or precision mix)."""
        self.group_fills = dict(fills)
        self.update()

    def _update_brushes(self) -> None:
        self._update_node_brushes()
        # text on each brush: black on light colours, white on dark ones
        self.text_pens = [QColor("#101820") if text_color(b.color().name()) == "#000000" else QColor("#ffffff")
                          for b in self.paint_brushes]

    def _update_node_brushes(self) -> None:
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

    def toggle_at(self, x: float, y: float) -> int | None:
        """The group whose ▸/▾ is at scene position (x, y)."""
        if not len(self.gx) or self.layout is None:
            return None
        best = None
        for i in np.nonzero((self.gx <= x) & (x <= self.gx + TOGGLE_SIZE + 2)
                            & (self.gy <= y) & (y <= self.gy + TOGGLE_SIZE))[0]:
            g = self.layout.groups[int(i)]
            if toggle_rect(g).adjusted(-2, -2, 2, 2).contains(QPointF(x, y)) and (best is None or g.depth > best.depth):
                best = g
        return best.id if best is not None else None

    def screen_title_at(self, x: float, y: float, transform: QTransform) -> int | None:
        """The group whose title, drawn at screen size when zoomed out, is at device position (x, y) of a view
        showing the scene with ``transform`` (labels drawn with another transform are out of date)."""
        if transform != self.labels_transform:
            return None
        for text, rect, _px, gid in self.screen_labels:
            if text[:1] in "▸▾" and rect.adjusted(-3, -1, 3, 1).contains(QPointF(x, y)):
                return gid
        return None

    def proxy_at(self, x: float, y: float) -> int | None:
        if not len(self.px):
            return None
        hit = np.nonzero((self.px <= x) & (x <= self.px + self.pw) & (self.py <= y) & (y <= self.py + self.ph))[0]
        return self.layout.proxies[int(hit[0])].source if len(hit) else None

    # -- painting -----------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.layout is None:
            return
        seen = self._exposed(painter, option)
        small_labels = self._paint_groups(painter, seen)  # groups whose titles are drawn at screen size, last
        self._paint_edges(painter, seen)
        if self.show_edge_labels and seen.text and len(self.label_pos):
            self._paint_edge_labels(painter, seen)
        self._paint_nodes(painter, seen)
        if seen.detail and len(self.px):
            self._paint_proxies(painter, seen)
        if not (widget is not None and bool(widget.property("overview"))):  # the minimap: no labels
            self.screen_labels = []
            if small_labels:
                self.labels_transform = painter.worldTransform()
                self.screen_labels = paint_screen_labels(painter, small_labels, self.label_font, self.count_font,
                                                         self.group_fills)
        self._paint_marks(painter)

    def _exposed(self, painter: QPainter, option: QStyleOptionGraphicsItem) -> Exposed:
        """The scene rectangle to paint and the level of detail of the painter's transform."""
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        r = option.exposedRect if not option.exposedRect.isEmpty() else self._bounds
        inverse, ok = painter.worldTransform().inverted()
        if ok:  # QGraphicsView.render() exposes the whole item: cull to the painted device too
            r = r.intersected(inverse.mapRect(QRectF(painter.viewport())))
        return Exposed(r, r.left(), r.top(), r.right(), r.bottom(), lod, lod >= TEXT_LOD, lod >= DETAIL_LOD)

    def _paint_groups(self, painter: QPainter, seen: Exposed) -> list:
        """Group boxes, outermost first; returns the groups whose titles are too small to draw in the scene."""
        x0, y0, x1, y1 = seen.x0, seen.y0, seen.x1, seen.y1
        gi = np.nonzero((self.gx < x1) & (self.gx + self.gw > x0) & (self.gy < y1) & (self.gy + self.gh > y0))[0]
        small_labels: list = []
        frame_pen = QPen(QColor("#9aa8ba"), 1.0)
        frame_pen.setCosmetic(True)
        box_pen = QPen(QColor("#6f819a"), 1.5)
        box_pen.setCosmetic(True)
        for i in gi:
            g = self.layout.groups[int(i)]
            if g.expanded:
                self._paint_expanded_group(painter, g, frame_pen, seen)
            else:
                self._paint_collapsed_group(painter, g, box_pen, seen)
            if not seen.text:
                small_labels.append(g)
        return small_labels

    def _paint_expanded_group(self, painter: QPainter, g, pen: QPen, seen: Exposed) -> None:
        """A frame around the group's contents, with ▾ and its title when text is readable."""
        painter.setPen(pen)
        painter.setBrush(QColor(GROUP_FILLS[g.depth % len(GROUP_FILLS)]))
        rect = QRectF(g.x, g.y, g.w, g.h)
        painter.drawRoundedRect(rect, 6, 6) if seen.detail else painter.drawRect(rect)
        if seen.text:
            painter.setFont(self.title_font)
            painter.setPen(QColor("#34495e"))
            painter.drawText(toggle_rect(g), Qt.AlignmentFlag.AlignCenter, "▾")
            painter.drawText(QRectF(g.x + TOGGLE_SIZE + 2, g.y + 4, g.w - TOGGLE_SIZE - 10, 18),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, g.label)

    def _paint_collapsed_group(self, painter: QPainter, g, pen: QPen, seen: Exposed) -> None:
        """A box filled with its data colour (bands for a precision mix), with ▸, title and counts."""
        fill = self.group_fills.get(g.id)
        painter.setPen(pen)
        painter.setBrush(QColor("#dfe7f1") if fill is None else QColor(fill.bands[0][0]))
        rect = QRectF(g.x, g.y, g.w, g.h)
        painter.drawRoundedRect(rect, 6, 6) if seen.detail else painter.drawRect(rect)
        if fill is not None and len(fill.bands) > 1:  # a precision mix: bands left to right
            painter.setPen(Qt.PenStyle.NoPen)
            x = g.x + 1
            for color, fraction in fill.bands:
                painter.setBrush(QColor(color))
                painter.drawRect(QRectF(x, g.y + 1, (g.w - 2) * fraction, g.h - 2))
                x += (g.w - 2) * fraction
        if seen.text:
            on_dark = fill is not None and fill.text == "#ffffff"
            painter.setFont(self.title_font)
            painter.setPen(QColor("#ffffff" if on_dark else "#1f2d3d"))
            painter.drawText(toggle_rect(g), Qt.AlignmentFlag.AlignCenter, "▸")
            painter.drawText(QRectF(g.x + TOGGLE_SIZE, g.y + 5, g.w - TOGGLE_SIZE - 4, 16),
                             Qt.AlignmentFlag.AlignCenter, g.label)
            painter.setFont(self.text_font)
            painter.setPen(QColor("#ffffff" if on_dark else "#44505e"))
            kids = f" · {g.group_count} groups" if g.group_count else ""
            note = f" · {fill.note}" if fill is not None else ""
            painter.drawText(QRectF(g.x + 4, g.y + 22, g.w - 8, 14), Qt.AlignmentFlag.AlignCenter,
                             f"{g.op_count} ops{kids}{note}")

    def _paint_edges(self, painter: QPainter, seen: Exposed) -> None:
        """One batched path per chunk of a group level's edges, with arrow heads at detail scale."""
        edge_pen = QPen(EDGE_COLOR, 1.2 if seen.detail else 1.0)
        edge_pen.setCosmetic(not seen.detail)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for bounds, lines, heads in self.edge_paths:
            if bounds.intersects(seen.rect):
                painter.setPen(edge_pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(lines)
                if seen.detail:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(EDGE_COLOR)
                    painter.drawPath(heads)

    def _paint_edge_labels(self, painter: QPainter, seen: Exposed) -> None:
        """Tensor shapes beside the edges (the *Shapes* toggle)."""
        lp = self.label_pos
        li = np.nonzero((lp[:, 0] > seen.x0 - 80) & (lp[:, 0] < seen.x1) & (lp[:, 1] > seen.y0)
                        & (lp[:, 1] < seen.y1))[0]
        painter.setFont(self.small_font)
        painter.setPen(QColor("#5b6573"))
        for i in li:
            e = self.layout.edges[int(i)]
            if e.label:
                painter.drawText(QPointF(lp[i, 0] + 4, lp[i, 1] + 3), e.label)

    def _paint_nodes(self, painter: QPainter, seen: Exposed) -> None:
        """Node boxes: batched plain rectangles per colour when zoomed out, else rounded boxes with their text."""
        x0, y0, x1, y1 = seen.x0, seen.y0, seen.x1, seen.y1
        ni = np.nonzero((self.nx < x1) & (self.nx + self.nw > x0) & (self.ny < y1) & (self.ny + self.nh > y0))[0]
        rects = self.node_rects
        node_pen = QPen(QColor("#4a5562"), 1.0)
        node_pen.setCosmetic(True)
        if not seen.detail:
            painter.setPen(Qt.PenStyle.NoPen if seen.lod < 0.08 else node_pen)
            cats = self.brush_index[ni]
            for c in np.unique(cats):
                painter.setBrush(self.paint_brushes[int(c)])
                painter.drawRects([rects[int(i)] for i in ni[cats == c]])
            return
        painter.setPen(node_pen)
        for i in ni:
            i = int(i)
            painter.setBrush(self.paint_brushes[int(self.brush_index[i])])
            painter.drawRoundedRect(rects[i], 4, 4)
        if seen.text:
            for i in ni:
                n = self.layout.nodes[int(i)]
                painter.setPen(self.text_pens[int(self.brush_index[int(i)])])
                for k, line in enumerate(n.lines):
                    painter.setFont(self.type_font if k == 0 else self.text_font)
                    painter.drawText(QRectF(n.x + 3, n.y + 6 + 14 * k, n.w - 6, 14),
                                     Qt.AlignmentFlag.AlignCenter, line)

    def _paint_proxies(self, painter: QPainter, seen: Exposed) -> None:
        """The small markers that stand for a detached long edge's source (a click jumps to it)."""
        pi = np.nonzero((self.px < seen.x1) & (self.px + self.pw > seen.x0) & (self.py < seen.y1)
                        & (self.py + self.ph > seen.y0))[0]
        proxy_pen = QPen(QColor("#b59b3b"), 1.0)
        proxy_pen.setCosmetic(True)
        for i in pi:
            p = self.layout.proxies[int(i)]
            painter.setPen(proxy_pen)
            painter.setBrush(QColor("#fff7d6"))
            rect = QRectF(p.x, p.y, p.w, p.h)
            painter.drawRoundedRect(rect, 3, 3)
            if seen.text:
                painter.setFont(self.small_font)
                painter.setPen(QColor("#4d4013"))
                painter.drawText(rect.adjusted(3, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter, p.label)

    def _paint_marks(self, painter: QPainter) -> None:
        """The search hit and the selection, outlined over everything."""
        for node_id, color in ((self.highlight, HIT_COLOR), (self.selected, SELECT_COLOR)):
            index = self.layout.node_index.get(node_id) if node_id is not None else None
            if index is not None:
                pen = QPen(color, 3.0)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(self.node_rects[index].adjusted(-3, -3, 3, 3), 5, 5)
