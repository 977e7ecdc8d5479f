"""Export of the graph: the whole layout (as shown, or another layout such as every group expanded) or the current
view, as PNG (rendered by the scene, without the selection or search highlight) or SVG
(:func:`ovexplorer.core.layout.layout_svg.layout_to_svg`), written atomically; where the save dialog starts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSettings, QStandardPaths
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

import ovexplorer
from ovexplorer.core.layout.graph_layout import GraphLayout
from ovexplorer.core.layout.layout_svg import layout_to_svg
from ovexplorer.core.util.atomic import atomic_write_bytes
from ovexplorer.ui.graph.canvas_data import CanvasData
from ovexplorer.ui.graph.graph_canvas import GraphItem
from ovexplorer.ui.graph.graph_view import GraphView

EXPORT_DIR_KEY = "graph/export_dir"
#: What each export writes, as the menus and the save dialog name it.
EXPORT_KINDS = {
    "shown": "Whole graph, groups as shown now",
    "expanded": "Whole graph, every group expanded",
    "view": "Current view only",
}


def _app_dir() -> Path:
    return Path(ovexplorer.__file__).resolve().parent.parent


def export_start_dir() -> Path:
    """Where the save dialog starts: the last export folder, else the user's Pictures or Documents (never the
    app's own files, where bundled sample models live)."""
    last = QSettings().value(EXPORT_DIR_KEY, "", type=str)
    candidates = [last] if last else []
    for location in (QStandardPaths.StandardLocation.PicturesLocation,
                     QStandardPaths.StandardLocation.DocumentsLocation):
        candidates.append(QStandardPaths.writableLocation(location))
    app = _app_dir()
    for c in candidates:
        if c and Path(c).is_dir() and not Path(c).resolve().is_relative_to(app):
            return Path(c)
    return Path.home()


def remember_export_dir(path: Path) -> None:
    QSettings().setValue(EXPORT_DIR_KEY, str(Path(path).parent))

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
    item = view.item
    marks = item.selected, item.highlight
    item.selected = item.highlight = None  # the picture is of the graph, not of what is selected
    try:
        if whole:
            image = _render_whole(view.scene(), layout)
        else:
            image = view.viewport().grab().toImage()
    finally:
        item.selected, item.highlight = marks
        view.viewport().update()
    return _write_png(image, path)


def export_layout(layout: GraphLayout, canvas: CanvasData | None, path: str | Path, *,
                  show_edge_labels: bool, node_colors=None) -> Path:
    """Write a layout that is not on screen (e.g. every group expanded) as PNG or SVG (by suffix)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".svg":
        return atomic_write_bytes(path, layout_to_svg(layout, None, show_edge_labels=show_edge_labels).encode())
    scene = QGraphicsScene()
    item = GraphItem()
    item.show_edge_labels = show_edge_labels
    item.set_layout(layout, canvas)
    item.set_node_colors(node_colors)
    scene.addItem(item)
    return _write_png(_render_whole(scene, layout), path)


def _render_whole(scene: QGraphicsScene, layout: GraphLayout) -> QImage:
    src = QRectF(0, 0, layout.width, layout.height)
    scale = min(1.0, MAX_EXPORT_SIDE / max(src.width(), src.height()),
                (MAX_EXPORT_PIXELS / max(1.0, src.width() * src.height())) ** 0.5)
    image = QImage(max(1, int(src.width() * scale)), max(1, int(src.height() * scale)),
                   QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), src)
    painter.end()
    return image


def _write_png(image: QImage, path: Path) -> Path:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("the image could not be encoded")
    buffer.close()
    return atomic_write_bytes(path, bytes(data.data()))
