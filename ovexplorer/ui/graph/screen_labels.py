"""Group titles drawn at a fixed size on screen when the graph is zoomed out (like map labels): over a light halo,
at most :data:`MAX_SCREEN_LABELS`, a label that would overlap one already drawn left out."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from ovexplorer.core.layout.group_colors import GroupFill

MIN_LABEL_PX = 11  # group titles and counts never get smaller than this on screen
LABEL_HALO = QColor(255, 255, 255, 215)
MAX_SCREEN_LABELS = 400  # a screen holds no more legible labels than this; the rest are left out
LABEL_CELL = 64  # pixels: the grid that finds overlapping labels

#: A label drawn: (text, rectangle on the device, pixel size, group id).
ScreenLabel = tuple[str, QRectF, int, int]


def paint_screen_labels(painter: QPainter, groups: list, label_font: QFont, count_font: QFont,
                        group_fills: Mapping[int, GroupFill]) -> list[ScreenLabel]:
    """Group titles (and a collapsed group's counts) at a fixed size on screen, over a light halo; a label
    that would overlap one already drawn (an outer group's, drawn first) is left out. Returns the lines drawn."""
    transform = painter.worldTransform()
    painter.save()
    painter.resetTransform()
    title_metrics = QFontMetricsF(label_font)
    count_metrics = QFontMetricsF(count_font)
    taken: dict[tuple[int, int], list[QRectF]] = {}  # drawn labels by grid cell: collisions stay cheap
    drawn = 0
    labels: list[ScreenLabel] = []
    for g in groups:
        if drawn >= MAX_SCREEN_LABELS:
            break
        box = transform.mapRect(QRectF(g.x, g.y, g.w, g.h))
        title = f"{'▾' if g.expanded else '▸'} {g.label}"
        lines = [(title, label_font, title_metrics)]
        if not g.expanded:
            kids = f" · {g.group_count} groups" if g.group_count else ""
            fill = group_fills.get(g.id)
            note = f" · {fill.note}" if fill is not None else ""
            lines.append((f"{g.op_count} ops{kids}{note}", count_font, count_metrics))
        width = min(max(m.horizontalAdvance(t) for t, _f, m in lines) + 6, 320.0)
        height = sum(m.height() for _t, _f, m in lines) + 2
        if g.expanded:  # the title sits on the frame's top-left corner
            rect = QRectF(box.left() + 2, box.top() + 2, width, height)
        elif width <= box.width() - 4 and height <= box.height() - 2:  # centred on the box when it fits
            rect = QRectF(box.center().x() - width / 2, box.center().y() - height / 2, width, height)
        else:  # beside it, so the box (and its colour) stays visible
            rect = QRectF(box.right() + 4, box.center().y() - height / 2, width, height)
        cells = [(cx, cy) for cx in range(int(rect.left()) // LABEL_CELL, int(rect.right()) // LABEL_CELL + 1)
                 for cy in range(int(rect.top()) // LABEL_CELL, int(rect.bottom()) // LABEL_CELL + 1)]
        if any(rect.intersects(t) for c in cells for t in taken.get(c, ())):
            continue
        for c in cells:
            taken.setdefault(c, []).append(rect)
        drawn += 1
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(LABEL_HALO)
        painter.drawRoundedRect(rect, 3, 3)
        y = rect.top() + 1
        for k, (line, font, metrics) in enumerate(lines):
            painter.setFont(font)
            painter.setPen(QColor("#1f2d3d" if k == 0 else "#44505e"))
            line_rect = QRectF(rect.left() + 3, y, rect.width() - 6, metrics.height())
            painter.drawText(line_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(line, Qt.TextElideMode.ElideRight, line_rect.width()))
            labels.append((line, line_rect, font.pixelSize(), g.id))
            y += metrics.height()
    painter.restore()
    return labels
