"""The legend of data painted on the graph (per-layer time, weight statistics...): a title and colour swatches."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class ColoringLegend(QLabel):
    """Hidden unless a colouring with a legend is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.hide()

    def show_legend(self, legend: Any) -> None:
        """``legend.title`` and ``legend.entries`` of (label, colour); None hides it."""
        if legend is None:
            self.hide()
            return
        swatches = "".join(
            f"&nbsp;<span style='background:{color}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;{escape(label)}&nbsp;"
            for label, color in legend.entries
        )
        self.setText(f"&nbsp;<b>{escape(legend.title)}</b>:{swatches}")
        self.show()
