"""The picture with the answer drawn on it: scaled to fit, a hovered box outlined with its values in a tooltip,
a click selects a box."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ovexplorer.core.vision.draw import legend_rows
from ovexplorer.core.vision.vision_state import VisionState


def rgb_image(array: np.ndarray) -> QImage:
    a = np.ascontiguousarray(array, dtype=np.uint8)
    h, w = a.shape[:2]
    return QImage(a.data, w, h, a.strides[0], QImage.Format.Format_RGB888).copy()


class AnswerView(QWidget):
    """Shows the drawn picture; ``box_clicked(i)`` when a box is clicked (None: the picture outside boxes)."""

    box_clicked = Signal(object)

    def __init__(self, state: VisionState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.image: QImage | None = None
        self.hovered: int | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(200, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_picture(self, drawn: np.ndarray | None) -> None:
        self.image = None if drawn is None else rgb_image(drawn)
        self.hovered = None
        self.update()

    def target(self) -> QRectF:
        """Where the picture is drawn in the widget (aspect kept, centred)."""
        if self.image is None:
            return QRectF()
        w, h = self.image.width(), self.image.height()
        scale = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2, w * scale, h * scale)

    def to_picture(self, pos: QPointF) -> tuple[float, float] | None:
        r = self.target()
        if self.image is None or not r.contains(pos):
            return None
        s = r.width() / self.image.width()
        return (pos.x() - r.x()) / s, (pos.y() - r.y()) / s

    def to_widget(self, box: tuple[int, int, int, int]) -> QRectF:
        r = self.target()
        s = r.width() / self.image.width() if self.image is not None else 1.0
        return QRectF(r.x() + box[0] * s, r.y() + box[1] * s, (box[2] - box[0]) * s, (box[3] - box[1]) * s)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(40, 40, 40))
        if self.image is None:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Drop a picture on the model's input")
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self.target(), self.image)
        boxes = self.state.boxes
        if self.hovered is not None and self.hovered < len(boxes):
            painter.setPen(QPen(QColor(255, 255, 255), 2, Qt.PenStyle.DashLine))
            painter.drawRect(self.to_widget(boxes[self.hovered].box))
        self._paint_legend(painter)
        painter.end()

    def legend(self) -> list[tuple[str, tuple[int, int, int]]]:
        """The legend shown over the picture (at screen resolution, whatever the picture's size)."""
        answer = self.state.answer
        return legend_rows(answer, self.state.threshold) if answer is not None else []

    def _paint_legend(self, painter: QPainter) -> None:
        rows = self.legend()
        if not rows:
            return
        metrics = painter.fontMetrics()
        step = metrics.height() + 4
        width = max(metrics.horizontalAdvance(text) for text, _ in rows) + step + 14
        r = self.target()
        box = QRectF(r.x() + 6, r.y() + 6, width, step * len(rows) + 6)
        painter.fillRect(box, QColor(255, 255, 255, 200))
        for i, (text, color) in enumerate(rows):
            y = box.y() + 3 + i * step
            painter.fillRect(QRectF(box.x() + 4, y + 2, step - 6, step - 6), QColor(*color))
            painter.setPen(QColor(0, 0, 0))
            painter.drawText(QRectF(box.x() + step + 2, y, width - step, step), Qt.AlignmentFlag.AlignVCenter, text)

    def box_text(self, i: int) -> str:
        d = self.state.boxes[i]
        x1, y1, x2, y2 = d.box
        mask = f"\nmask: {int(d.mask.sum()):,} px" if d.mask is not None else ""
        size = f"({x2 - x1}×{y2 - y1})"
        return f"{d.name} (class {d.label})\nscore {d.score:.3f}\nbox {x1}, {y1} – {x2}, {y2} {size}{mask}"

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        p = self.to_picture(event.position())
        hit = None if p is None else self.state.box_at(*p)
        if hit != self.hovered:
            self.hovered = hit
            self.update()
        if hit is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.box_text(hit), self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        p = self.to_picture(event.position())
        self.box_clicked.emit(None if p is None else self.state.box_at(*p))
