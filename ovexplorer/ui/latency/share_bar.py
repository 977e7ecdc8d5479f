"""A table cell drawn as a bar: the share of the total a row takes (Profile's per-type "Share" column)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

#: The role holding the share (0..1) a cell's bar shows.
SHARE_ROLE = Qt.ItemDataRole.UserRole + 1
BAR_COLOR = QColor("#a9cbe8")  # light: the black text on it stays readable


class ShareBarDelegate(QStyledItemDelegate):
    """Paints the cell's share (``SHARE_ROLE``, 0..1) as a bar from the left edge under its text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        share = index.data(SHARE_ROLE)
        if isinstance(share, float) and share > 0:
            rect = bar_rect(option.rect, share)
            painter.fillRect(rect, BAR_COLOR)
            option = QStyleOptionViewItem(option)
            option.state &= ~QStyle.StateFlag.State_Selected  # the bar stays visible in a selected row (its other
            # cells show the selection)
            option.palette.setColor(option.palette.ColorRole.Text, QColor("#000000"))
            option.backgroundBrush = Qt.BrushStyle.NoBrush
        super().paint(painter, option, index)


def bar_rect(cell: QRect, share: float) -> QRect:
    """The bar inside ``cell`` for ``share`` (0..1): full height less a 3-px margin, from the left edge."""
    inner = cell.adjusted(2, 3, -2, -3)
    return QRect(inner.left(), inner.top(), round(inner.width() * min(1.0, max(0.0, share))), inner.height())
