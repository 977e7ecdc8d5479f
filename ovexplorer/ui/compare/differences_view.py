"""The list of differences with counts per status; a click selects the nodes in both graphs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from ovexplorer.core.compare.compare_state import CompareState
from ovexplorer.core.compare.differences import STATUS_COLORS, STATUSES, Difference

#: Rows shown at most (a list of 20,000 unmatched ops helps nobody; the filter narrows it).
MAX_ROWS = 5000


class DifferencesView(QWidget):
    """Summary line, a status filter and the differences; selecting a row selects its nodes."""

    def __init__(self, state: CompareState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.summary = QLabel("Comparing…", self)
        self.summary.setWordWrap(True)
        self.filter = QComboBox(self)
        self.filter.currentIndexChanged.connect(self._fill)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Status", "Kind", "Name", "What differs"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.currentItemChanged.connect(self._on_current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        self._rows: list[Difference] = []
        state.comparison_changed.connect(self._on_comparison)

    def _on_comparison(self) -> None:
        c = self.state.comparison
        self.filter.blockSignals(True)
        self.filter.clear()
        if c is None:
            self.filter.blockSignals(False)
            self.summary.setText("")
            return
        counts = {s: sum(1 for d in c.differences if d.status == s) for s in STATUSES}
        self.filter.addItem(f"All differences ({len(c.differences)})", "")
        for s in STATUSES:
            if counts[s]:
                self.filter.addItem(f"{s} ({counts[s]})", s)
        self.filter.blockSignals(False)
        self.summary.setText(c.summary_text())
        self._fill()

    def _fill(self) -> None:
        c = self.state.comparison
        self.tree.clear()
        if c is None:
            return
        wanted = self.filter.currentData()
        self._rows = [d for d in c.differences if not wanted or d.status == wanted][:MAX_ROWS]
        items = []
        for k, d in enumerate(self._rows):
            item = QTreeWidgetItem([d.status, d.kind, d.name, d.what])
            item.setData(0, Qt.ItemDataRole.UserRole, k)
            item.setBackground(0, QBrush(QColor(STATUS_COLORS[d.status])))
            item.setToolTip(3, d.what)
            items.append(item)
        self.tree.addTopLevelItems(items)
        for col, width in enumerate((170, 60, 260)):
            self.tree.setColumnWidth(col, width)

    def _on_current(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.state.select_difference(self._rows[item.data(0, Qt.ItemDataRole.UserRole)])

    def item_named(self, name: str) -> QTreeWidgetItem | None:
        """The first row for ``name`` (tests, and keyboard search)."""
        found = self.tree.findItems(name, Qt.MatchFlag.MatchExactly, 2)
        return found[0] if found else None
