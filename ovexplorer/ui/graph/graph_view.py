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
    QPen,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGestureEvent,
    QGraphicsScene,
    QGraphicsView,
    QPinchGesture,
    QToolTip,
    QWidget,
)

from ovexplorer.core.layout.graph_layout import GraphLayout
from ovexplorer.ui.graph.graph_canvas import CanvasData, GraphItem

MIN_SCALE = 0.002
MAX_SCALE = 4.0
CLICK_SLOP = 4
START_SCALE = 0.6  # the first view of a big graph: readable text


class MiniMap(QGraphicsView):
    """An overview of the whole scene with the main view's visible area outlined; click or drag to move."""

    def __init__(self, main: GraphView) -> None:
        super().__init__(main.scene(), main)
        self.main = main
        self.setFrameShape(QFrame.Shape.Box)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setInteractive(False)
        self.setBackgroundBrush(QColor(255, 255, 255, 235))
        self.setFixedSize(160, 200)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)

    def refit(self) -> None:
        rect = self.scene().itemsBoundingRect()
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        visible = self.main.mapToScene(self.main.viewport().rect()).boundingRect()
        pen = QPen(QColor("#e0457b"), 2)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(QColor(224, 69, 123, 30))
        painter.drawRect(visible)

    def _jump(self, event: QMouseEvent) -> None:
        self.main.centerOn(self.mapToScene(event.position().toPoint()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._jump(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._jump(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()


class GraphView(QGraphicsView):
    """Shows a layout; emits what the user clicked."""

    node_clicked = Signal(int)
    node_double_clicked = Signal(int)
    group_clicked = Signal(int)
    group_double_clicked = Signal(int)
    proxy_clicked = Signal(int)  # the source node the proxy names
    background_clicked = Signal()

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
        self.minimap_enabled = True  # View > Minimap: shown for graphs much larger than the view
        self._big = False
        bindings: dict[str, object] = {}
        for standard, extra, slot in (
            (QKeySequence.StandardKey.ZoomIn, "Ctrl+=", self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, "Ctrl+-", self.zoom_out),
            (None, "Ctrl+0", self.fit),
        ):
            keys = [*QKeySequence.keyBindings(standard)] if standard is not None else []
            for seq in [*keys, QKeySequence(extra)]:
                bindings.setdefault(seq.toString(), slot)  # one shortcut per key: duplicates are ambiguous
        for text, slot in bindings.items():
            shortcut = QShortcut(QKeySequence(text), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- content ------------------------------------------------------------------------------
    @property
    def layout_data(self) -> GraphLayout | None:
        return self.item.layout

    def set_layout(self, layout: GraphLayout | None, data: CanvasData | None = None) -> None:
        self.item.set_layout(layout, data)
        rect = self.item.boundingRect().adjusted(-40, -40, 40, 40)
        self.scene().setSceneRect(rect)
        big = layout is not None and (layout.height > 3 * max(1, self.viewport().height())
                                      or layout.width > 3 * max(1, self.viewport().width()))
        self._big = big
        self.minimap.setVisible(big and self.minimap_enabled)
        if big:
            self.minimap.refit()
        self._place_minimap()

    def set_minimap_enabled(self, on: bool) -> None:
        """Show the minimap (for graphs much larger than the view) or never."""
        self.minimap_enabled = on
        self.minimap.setVisible(self._big and on)
        if self.minimap.isVisible():
            self.minimap.refit()
            self._place_minimap()

    def current_scale(self) -> float:
        return self.transform().m11()

    # -- navigation ---------------------------------------------------------------------------
    def zoom(self, factor: float) -> None:
        scale = self.current_scale()
        factor = max(MIN_SCALE / scale, min(MAX_SCALE / scale, factor))
        self.scale(factor, factor)
        self.minimap.viewport().update()

    def zoom_in(self) -> None:
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.zoom(1.25)
        self.setTransformationAnchor(anchor)

    def zoom_out(self) -> None:
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.zoom(0.8)
        self.setTransformationAnchor(anchor)

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
        self.minimap.viewport().update()

    def show_start(self) -> None:
        """The first view of a layout: fit when it stays readable, else the top at a readable scale."""
        self.fit()
        rect = self.item.boundingRect()
        if self.current_scale() < START_SCALE and not rect.isEmpty():
            self.resetTransform()
            vp = self.viewport()
            if rect.width() > rect.height():  # left to right: show the start (left end)
                scale = max(START_SCALE, min(1.0, vp.height() / max(1.0, rect.height() + 40)))
                self.scale(scale, scale)
                self.centerOn(rect.left() + vp.width() / scale / 2 - 20, rect.center().y())
            else:  # top down: show the top
                scale = max(START_SCALE, min(1.0, vp.width() / max(1.0, rect.width() + 40)))
                self.scale(scale, scale)
                self.centerOn(rect.center().x(), rect.top() + vp.height() / scale / 2 - 20)
        self.minimap.viewport().update()

    def centre_on_rect(self, rect: QRectF) -> None:
        if self.current_scale() < 0.5:
            self.resetTransform()
            self.scale(0.8, 0.8)
        self.centerOn(rect.center())
        self.minimap.viewport().update()

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
            return f"{g.path}: {g.op_count} ops (double-click to {action})"
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

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_minimap()

    def _place_minimap(self) -> None:
        vp = self.viewport().geometry()
        self.minimap.move(vp.right() - self.minimap.width() - 8, vp.bottom() - self.minimap.height() - 8)

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
        self.click_at(self.mapToScene(event.position().toPoint()), double=False)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.click_at(self.mapToScene(event.position().toPoint()), double=True)
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
