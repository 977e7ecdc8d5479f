"""The graph view's minimap: the whole scene small, the main view's visible area outlined; click or drag to move."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView

MINIMAP_SIZE = (110, 140)


class MiniMap(QGraphicsView):
    """An overview of the whole scene with the main view's visible area outlined; click or drag to move."""

    def __init__(self, main: QGraphicsView) -> None:
        super().__init__(main.scene(), main)
        self.main = main
        self.setFrameShape(QFrame.Shape.Box)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setInteractive(False)
        self.setBackgroundBrush(QColor(255, 255, 255, 235))
        self.setFixedSize(*MINIMAP_SIZE)
        self.viewport().setProperty("overview", True)  # GraphItem draws no labels here
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
