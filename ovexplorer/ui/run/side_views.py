"""The right side of the Run panel: the outputs, and views other features add beside them (tabs)."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QTabWidget, QVBoxLayout, QWidget

from ovexplorer.ui.run.outputs_view import OutputsView


class SideViews(QTabWidget):
    """Tabs: *Outputs* first (:attr:`outputs`), then what ``add_view`` adds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        outputs_box = QGroupBox("Outputs", self)
        outputs_box.setMinimumWidth(260)
        self.outputs = OutputsView(outputs_box)
        QVBoxLayout(outputs_box).addWidget(self.outputs)
        self.addTab(outputs_box, "Outputs")
