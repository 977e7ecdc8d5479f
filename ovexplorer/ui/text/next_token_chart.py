"""The next-token distribution as horizontal bars: one bar per top-k token, labelled with its piece and id."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ovexplorer.core.text.decoder import NextToken


def piece_label(piece: str, token: int) -> str:
    shown = piece.replace("\n", "\\n").replace("\t", "\\t") if piece else "∅"
    return f"{shown!r} ({token})" if piece.strip() != piece or not piece else f"{shown} ({token})"


class NextTokenChart(QWidget):
    """Bars of probability, most likely on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground("w")
        self.plot.setMinimumHeight(150)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.getAxis("bottom").setLabel("probability")
        self.plot.hideButtons()
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.getAxis("left").setWidth(110)
        self.labels: list[str] = []
        self.shown: NextToken | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_next(self, nxt: NextToken | None) -> None:
        self.plot.clear()
        self.shown = nxt
        if nxt is None or not nxt.ids:
            self.labels = []
            return
        n = len(nxt.ids)
        ys = list(range(n - 1, -1, -1))
        bars = pg.BarGraphItem(x0=0, y=ys, height=0.7, width=list(nxt.probs), brush=pg.mkBrush(70, 130, 200),
                               pen=pg.mkPen(40, 90, 150, width=0.5))
        self.plot.addItem(bars)
        self.labels = [piece_label(p, t) for p, t in zip(nxt.pieces, nxt.ids, strict=True)]
        self.plot.getAxis("left").setTicks([[(y, label) for y, label in zip(ys, self.labels, strict=True)]])
        for y, p in zip(ys, nxt.probs, strict=True):
            text = pg.TextItem(f"{p:.1%}", color=(30, 30, 30), anchor=(0, 0.5))
            text.setPos(p, y)
            self.plot.addItem(text)
        self.plot.setXRange(0, max(nxt.probs) * 1.25, padding=0)
        self.plot.setYRange(-0.6, n - 0.4, padding=0)
