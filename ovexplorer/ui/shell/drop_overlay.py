"""The hint shown over the window while files are dragged over it: what a drop there would do."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget


class DropOverlay(QWidget):
    """A translucent panel over the window's tabs saying what a drop does (or why it cannot be dropped).
    It lets every mouse and drag event through to the widgets below."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.text = ""
        self.accepted = True
        self.hide()

    def show_hint(self, text: str, accepted: bool, over: QWidget) -> None:
        """Cover ``over`` (a child of the window) with ``text``; ``accepted`` False draws it as a refusal."""
        self.text, self.accepted = text, accepted
        self.setGeometry(over.geometry())
        self.raise_()
        self.show()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = QColor("#2a7ae2") if self.accepted else QColor("#b00020")
        fill = QColor(accent)
        fill.setAlpha(38)
        p.fillRect(self.rect(), QColor(255, 255, 255, 170))
        frame = QRectF(self.rect()).adjusted(12, 12, -12, -12)
        p.setBrush(fill)
        p.setPen(QPen(accent, 3, Qt.PenStyle.DashLine))
        p.drawRoundedRect(frame, 14, 14)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        p.setFont(font)
        p.setPen(accent.darker(130))
        p.drawText(frame.adjusted(24, 24, -24, -24), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                   self.text)
