"""Export of the graph on screen: the whole layout or the current view, as PNG (rendered by the scene) or SVG
(:func:`ovexplorer.core.layout.layout_svg.layout_to_svg`), written atomically."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from ovexplorer.core.layout.layout_svg import layout_to_svg
from ovexplorer.core.util.atomic import atomic_write_bytes
from ovexplorer.ui.graph.graph_view import GraphView

MAX_EXPORT_SIDE = 16000
MAX_EXPORT_PIXELS = 60_000_000


def visible_scene_rect(view: GraphView) -> QRectF:
    return view.mapToScene(view.viewport().rect()).boundingRect()


def export_view(view: GraphView, path: str | Path, *, whole: bool, show_edge_labels: bool) -> Path:
    """Write ``view``'s whole layout or what it shows as PNG or SVG (by suffix), atomically."""
    path = Path(path)
    layout = view.layout_data
    if layout is None:
        raise OSError("nothing to export")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".svg":
        rect = None
        if not whole:
            r = visible_scene_rect(view)
            rect = (r.x(), r.y(), r.width(), r.height())
        text = layout_to_svg(layout, rect, show_edge_labels=show_edge_labels)
        return atomic_write_bytes(path, text.encode("utf-8"))
    if whole:
        src = QRectF(0, 0, layout.width, layout.height)
        scale = min(1.0, MAX_EXPORT_SIDE / max(src.width(), src.height()),
                    (MAX_EXPORT_PIXELS / max(1.0, src.width() * src.height())) ** 0.5)
        image = QImage(max(1, int(src.width() * scale)), max(1, int(src.height() * scale)),
                       QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        view.scene().render(painter, QRectF(0, 0, image.width(), image.height()), src)
        painter.end()
    else:
        image = view.viewport().grab().toImage()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("the image could not be encoded")
    buffer.close()
    return atomic_write_bytes(path, bytes(data.data()))
