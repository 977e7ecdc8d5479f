"""The results as a table: boxes (class, score, box), top-k classes, or the class map's classes with their colour
and area; selecting a box row selects the box on the picture."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from ovexplorer.core.vision.draw import class_color
from ovexplorer.core.vision.vision_state import VisionState


class ResultsTable(QTableWidget):
    def __init__(self, state: VisionState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.box_rows = False

    def _set(self, headers: list[str], rows: list[tuple[tuple[int, int, int], list[str]]]) -> None:
        self.blockSignals(True)
        self.clearContents()
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setRowCount(len(rows))
        for r, (color, cells) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setBackground(QColor(*color))
                self.setItem(r, c, item)
        self.blockSignals(False)

    def show_answer(self) -> None:
        answer, self.box_rows = self.state.answer, False
        if answer is None:
            self._set(["class", "score"], [])
            return
        if answer.task in ("detection", "instance-segmentation"):
            self.box_rows = True
            self._set(["class", "score", "box (x1, y1, x2, y2)"],
                      [(class_color(d.label), [d.name, f"{d.score:.3f}", ", ".join(str(v) for v in d.box)])
                       for d in self.state.boxes])
        elif answer.classes:
            self._set(["class", "score"], [(class_color(c.label), [c.name, f"{c.score:.4f}"]) for c in answer.classes])
        elif answer.class_map is not None:
            areas = answer.class_areas()
            total = max(sum(areas.values()), 1)
            self._set(["class", "pixels", "share"],
                      [(class_color(k), [answer.name_of(k), f"{v:,}", f"{100 * v / total:.1f} %"])
                       for k, v in sorted(areas.items(), key=lambda kv: -kv[1])])
        elif answer.keypoints:
            self._set(["keypoint", "x", "y", "score"],
                      [(class_color(k.index), [str(k.index), f"{k.x:.1f}", f"{k.y:.1f}", f"{k.score:.3f}"])
                       for k in answer.keypoints])
        else:
            self._set(["label", "score"], [((255, 80, 80), [answer.anomaly_label, f"{answer.anomaly_score or 0:.3f}"])])

    def select_box(self, index: int | None) -> None:
        self.blockSignals(True)
        if index is None or not self.box_rows:
            self.clearSelection()
        else:
            self.selectRow(index)
        self.blockSignals(False)
