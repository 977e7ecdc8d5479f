"""The graph view: a zoomable, pannable picture of the laid-out graph, with a minimap.

:class:`GraphView` shows one :class:`GraphLayout` (painted by :class:`GraphItem`); it zooms (wheel, pinch,
Ctrl +/-), pans (drag, arrow keys), fits (Ctrl+0) and reports clicks and double-clicks on nodes, groups and
proxy markers. :class:`GraphPanel` (in ``graph_panel.py``) owns the layout work and the navigation.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QKeySequence,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGestureEvent,
    QGraphicsScene,
    QGraphicsView,
    QPinchGesture,
    QToolTip,
    QWidget,
)

from ovexplorer.core.layout.graph_layout import GraphLayout
from ovexplorer.core.layout.start_view import start_view
from ovexplorer.ui.graph.canvas_data import CanvasData
from ovexplorer.ui.graph.graph_canvas import GraphItem
from ovexplorer.ui.graph.minimap import MiniMap
from ovexplorer.ui.graph.shortcuts import bind_shortcuts

MIN_SCALE = 0.002
MAX_SCALE = 4.0
CLICK_SLOP = 4
READABLE_SCALE = 0.8  # where Find takes a hit that is too small to read


class GraphView(QGraphicsView):
    """Shows a layout; emits what the user clicked."""

    node_clicked = Signal(int)
    node_double_clicked = Signal(int)
    group_clicked = Signal(int)
    group_double_clicked = Signal(int)
    group_toggle_clicked = Signal(int)  # a click on a group's ▸/▾ (or its title when zoomed out)
    proxy_clicked = Signal(int)  # the source node the proxy names
    background_clicked = Signal()
    view_moved = Signal()  # scrolled or zoomed (the comparison window keeps its other graph in step)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.item = GraphItem()
        self.scene().addItem(self.item)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self._press: QPointF | None = None
        #: ``describe_node(id) -> str`` for tooltips; the panel sets one that knows the graph
        self.describe_node = lambda node_id: f"node {node_id}"
        self.minimap = MiniMap(self)
        self.minimap.hide()
        self.minimap_enabled = True  # View > Minimap: shown while the view does not show the whole graph
        self._big = False
        self._pending_start = False  # show_start() asked while hidden: done when the view is first shown
        bind_shortcuts(self, (
            (QKeySequence.StandardKey.ZoomIn, "Ctrl+=", self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, "Ctrl+-", self.zoom_out),
            (None, "Ctrl+0", self.fit),
        ))

    # -- content ------------------------------------------------------------------------------
    @property
    def layout_data(self) -> GraphLayout | None:
        return self.item.layout

    def set_layout(self, layout: GraphLayout | None, data: CanvasData | None = None) -> None:
        self.item.set_layout(layout, data)
        rect = self.item.boundingRect().adjusted(-40, -40, 40, 40)
        self.scene().setSceneRect(rect)
        self._big = layout is not None
        if self._big:
            self.minimap.refit()
        self._update_minimap()

    def set_minimap_enabled(self, on: bool) -> None:
        """Show the minimap (while the view does not show the whole graph) or never."""
        self.minimap_enabled = on
        self._update_minimap()

    def _update_minimap(self) -> None:
        """The minimap shows only when it is enabled and part of the graph is out of view."""
        rect = self.item.boundingRect()
        # 8 px: a fitted graph tens of thousands of units tall may sit a few pixels off (fit margins, rounding)
        slack = 8.0 / max(self.current_scale(), 1e-9)
        whole = rect.isEmpty() or self.mapToScene(self.viewport().rect()).boundingRect().contains(
            rect.adjusted(slack, slack, -slack, -slack))
        show = self._big and self.minimap_enabled and not whole
        if show and not self.minimap.isVisible():
            self.minimap.refit()
        self.minimap.setVisible(show)
        self._place_minimap()
        if show:
            self.minimap.viewport().update()

    def current_scale(self) -> float:
        return self.transform().m11()

    # -- navigation ---------------------------------------------------------------------------
    def zoom(self, factor: float) -> None:
        scale = self.current_scale()
        factor = max(MIN_SCALE / scale, min(MAX_SCALE / scale, factor))
        self.scale(factor, factor)
        self._update_minimap()
        self.view_moved.emit()

    def zoom_about(self, factor: float, scene_point: QPointF) -> None:
        """Zoom by ``factor`` keeping ``scene_point`` where it is on screen."""
        before = self.mapFromScene(scene_point)
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.zoom(factor)
        self.setTransformationAnchor(anchor)
        self.keep_at(scene_point, QPointF(before))

    def keep_at(self, scene_point: QPointF, viewport_point: QPointF) -> None:
        """Scroll so that ``scene_point`` shows at ``viewport_point``."""
        delta = self.mapFromScene(scene_point) - viewport_point.toPoint()
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + delta.x())
        v.setValue(v.value() + delta.y())
        self._update_minimap()

    def _zoom_step(self, factor: float) -> None:
        """``+``/``-``: around the selected node when it is on screen, else around the centre."""
        pos = self.scene_pos_of_node(self.item.selected) if self.item.selected is not None else None
        if pos is not None and self.mapToScene(self.viewport().rect()).boundingRect().contains(pos):
            self.zoom_about(factor, pos)
            return
        self.zoom_about(factor, self.mapToScene(self.viewport().rect().center()))

    def zoom_in(self) -> None:
        self._zoom_step(1.25)

    def zoom_out(self) -> None:
        self._zoom_step(0.8)

    def fit(self) -> None:
        """Fit the whole graph into the window."""
        rect = self.item.boundingRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect.adjusted(-20, -20, 20, 20), Qt.AspectRatioMode.KeepAspectRatio)
        if self.current_scale() > 1.0:
            self.resetTransform()
            self.centerOn(rect.center())
        self._update_minimap()

    def show_start(self) -> None:
        """The first view of a layout: the whole graph (group titles stay legible at any zoom, so it reads as an
        outline), or, for a graph too long for that, its start (:func:`~ovexplorer.core.layout.start_view.start_view`).

        While the view is hidden (another tab in front) its size is not the one it will have: the first view
        is then set when it is shown."""
        if not self.isVisible():
            self._pending_start = True
            return
        self._pending_start = False
        self.fit()
        rect = self.item.boundingRect()
        start = start_view(self.layout_data, (rect.left(), rect.top(), rect.width(), rect.height()),
                           self.current_scale(), (self.viewport().width(), self.viewport().height()))
        if start is not None:
            self.resetTransform()
            self.scale(start.scale, start.scale)
            self.centerOn(start.x, start.y)
        self._update_minimap()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending_start:
            self.show_start()

    def centre_on_rect(self, rect: QRectF) -> None:
        if self.current_scale() < 0.5:
            self.resetTransform()
            self.scale(READABLE_SCALE, READABLE_SCALE)
        self.centerOn(rect.center())
        self._update_minimap()

    # -- keeping the place across re-layouts ----------------------------------------------------
    def anchor_node(self, preferred: int | None = None) -> tuple[int, QPointF] | None:
        """(node id, its viewport position) to keep in place across a re-layout: ``preferred`` (the selection)
        when it is on screen, else the node nearest the centre of the view."""
        lay = self.item.layout
        if lay is None or not lay.nodes:
            return None
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        if preferred is not None:
            pos = self.scene_pos_of_node(preferred)
            if pos is not None and visible.contains(pos):
                return preferred, QPointF(self.mapFromScene(pos))
        c = visible.center()
        d = (self.item.nx + self.item.nw / 2 - c.x()) ** 2 + (self.item.ny + self.item.nh / 2 - c.y()) ** 2
        node = lay.nodes[int(d.argmin())]
        pos = QPointF(node.x + node.w / 2, node.y + node.h / 2)
        if not visible.contains(pos):
            return None
        return node.id, QPointF(self.mapFromScene(pos))

    def restore_anchor(self, anchor: tuple[int, QPointF] | None, fallback: QPointF | None = None) -> bool:
        """Put the anchor's node (or ``fallback``, a scene point) back where it was on screen; False if neither
        is in the new layout."""
        if not self.isVisible():
            self.show_start()
            return False
        target = None
        if anchor is not None:
            target = self.scene_pos_of_node(anchor[0])
        if target is None:
            target = fallback
        if target is None or anchor is None:
            return False
        self.keep_at(target, anchor[1])
        return True

    # -- events -------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
            super().wheelEvent(event)
            return
        delta = event.angleDelta().y() or event.pixelDelta().y()
        if delta:
            self.zoom(1.0015 ** delta)
        event.accept()

    def tooltip_at(self, pos: QPointF) -> str:
        """The tooltip text for scene position ``pos`` (node name, proxy source, group path)."""
        x, y = pos.x(), pos.y()
        lay = self.item.layout
        if lay is None:
            return ""
        proxy = self.item.proxy_at(x, y)
        if proxy is not None:
            return f"Input from {self.describe_node(proxy)}: click to go there"
        node = self.item.node_at(x, y)
        if node is not None:
            return self.describe_node(node)
        group = self.item.group_at(x, y)
        if group is not None:
            g = lay.groups[lay.group_index[group]]
            action = "collapse" if g.expanded else "expand"
            return f"{g.path}: {g.op_count} ops (click ▸/▾ or double-click to {action})"
        return ""

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(self.mapToScene(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        if event.type() == QEvent.Type.Gesture:
            pinch = QGestureEvent.gesture(event, Qt.GestureType.PinchGesture)  # type: ignore[arg-type]
            if isinstance(pinch, QPinchGesture):
                self.zoom(pinch.scaleFactor())
                return True
        if event.type() == QEvent.Type.NativeGesture and isinstance(event, QNativeGestureEvent):
            if event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                self.zoom(1.0 + event.value())
                return True
        return super().viewportEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.minimap.viewport().update()
        self.view_moved.emit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_minimap()

    def _place_minimap(self) -> None:
        """Top-right: graphs are drawn from the top centre or left, so that corner holds least."""
        vp = self.viewport().geometry()
        self.minimap.move(vp.right() - self.minimap.width() - 8, vp.top() + 8)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if (event.position() - press).manhattanLength() > CLICK_SLOP:
            return  # a drag
        screen = event.position()
        group = self.item.screen_title_at(screen.x(), screen.y(), self.viewportTransform())
        if group is not None:  # a title drawn at screen size (zoomed out): toggle that group
            self.group_toggle_clicked.emit(group)
            return
        self.click_at(self.mapToScene(event.position().toPoint()), double=False)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            pos = self.mapToScene(event.position().toPoint())
            if self.item.toggle_at(pos.x(), pos.y()) is not None:
                event.accept()  # the first click already toggled: a double-click does not toggle back
                return
            self.click_at(pos, double=True)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def click_at(self, pos: QPointF, *, double: bool) -> None:
        """Handle a (double-)click at scene position ``pos``."""
        x, y = pos.x(), pos.y()
        proxy = self.item.proxy_at(x, y)
        if proxy is not None and not double:
            self.proxy_clicked.emit(proxy)
            return
        toggle = self.item.toggle_at(x, y) if not double else None
        if toggle is not None:
            self.group_toggle_clicked.emit(toggle)
            return
        node = self.item.node_at(x, y)
        if node is not None:
            (self.node_double_clicked if double else self.node_clicked).emit(node)
            return
        group = self.item.group_at(x, y, title_only=True)
        if group is not None:
            (self.group_double_clicked if double else self.group_clicked).emit(group)
            return
        if not double:
            self.background_clicked.emit()

    def scene_pos_of_node(self, node_id: int) -> QPointF | None:
        lay = self.item.layout
        index = lay.node_index.get(node_id) if lay is not None else None
        if index is None:
            return None
        n = lay.nodes[index]
        return QPointF(n.x + n.w / 2, n.y + n.h / 2)
