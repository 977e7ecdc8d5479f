"""The Graph tab's breadcrumb: the model's graph and the bodies opened from its nodes, each a link back, and the
current body's sibling bodies (``then``/``else`` of an ``If``)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class Breadcrumb(QLabel):
    """Rich text with links; ``linkActivated(link)`` for a crumb or sibling clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)

    def show_crumbs(self, crumbs: list[tuple[str, str | None]], others: list[tuple[str, str]]) -> None:
        """``crumbs``: (title, link or None for the current graph); ``others``: (sibling body, link)."""
        parts = [escape(label) if link is None else f"<a href='{link}'>{escape(label)}</a>" for label, link in crumbs]
        if others:
            parts.append("(also: " + ", ".join(f"<a href='{link}'>{escape(name)}</a>" for name, link in others) + ")")
        self.setText(" › ".join(parts))
