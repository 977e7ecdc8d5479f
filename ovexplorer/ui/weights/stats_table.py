"""The table of every constant's statistics: its Qt model (cells computed once per row), the filter and sort
proxy over :class:`ovexplorer.core.weights.weights_state.WeightsState`, and the table view."""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QWidget,
)

from ovexplorer.core.model.summary import human_bytes
from ovexplorer.core.weights.numbers import format_value
from ovexplorer.core.weights.statistics import ValueStats, WeightStats
from ovexplorer.core.weights.weights_state import WeightsState

_Index = QModelIndex | QPersistentModelIndex
#: (header, tooltip) of each column.
COLUMNS = (
    ("Name", "Constant's friendly name"),
    ("Type", "Stored element type"),
    ("Shape", "Shape of the constant"),
    ("Elements", "Number of values"),
    ("Bytes", "Bytes in the weights file"),
    ("Min", "Smallest finite value (stored)"),
    ("Max", "Largest finite value (stored)"),
    ("Mean", "Mean of the finite values (stored)"),
    ("Std", "Standard deviation of the finite values (stored)"),
    ("Zeros", "Fraction of values that are exactly zero"),
    ("NaN", "Number of NaN values"),
    ("Inf", "Number of infinite values"),
    ("Deq. min", "Smallest de-quantized value (compressed weights)"),
    ("Deq. max", "Largest de-quantized value"),
    ("Deq. mean", "Mean of the de-quantized values"),
    ("Deq. std", "Standard deviation of the de-quantized values"),
    ("Consumers", "Operation types that read this constant (through decompression)"),
    ("Read by", "The operations that read this constant (through decompression), by name"),
    ("Flags", "NaN, Inf, all zero, or why there are no statistics"),
)
COL_NAME, COL_TYPE, COL_SHAPE, COL_COUNT, COL_BYTES = range(5)
COL_CONSUMERS, COL_READ_BY, COL_FLAGS = len(COLUMNS) - 3, len(COLUMNS) - 2, len(COLUMNS) - 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY, _SORT, _ALIGN = int(Qt.ItemDataRole.DisplayRole), int(SORT_ROLE), int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND, _DECORATION = int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP, _USER = int(Qt.ItemDataRole.ToolTipRole), int(Qt.ItemDataRole.UserRole)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
FLAG_COLOR = QColor(255, 214, 204)
ERROR_COLOR = QColor(255, 236, 179)


def _stat(s: ValueStats | None, attr: str) -> float | None:
    return None if s is None else float(getattr(s, attr))


class WeightsTableModel(QAbstractTableModel):
    """Rows of :class:`WeightStats`; appended while the statistics are computed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[WeightStats] = []
        self._cells: list[tuple | None] = []  # per row: ((display, sort key) per column, brush, icon?)
        self._warning = None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return COLUMNS[section][1]
        return None

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self._cells = []
        self.endResetModel()

    def append(self, rows: list[WeightStats]) -> None:
        if not rows:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.rows.extend(rows)
        self._cells.extend([None] * len(rows))
        self.endInsertRows()

    def row_of_node(self, node_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.node_id == node_id), -1)

    @staticmethod
    def _values(r: WeightStats) -> list[Any]:
        """(display, sort key) pairs of every column."""
        s, d = r.stats, r.dequant
        flags = ", ".join(r.flags) or r.note
        return [
            (r.label, r.label.lower()),
            (r.element_type, r.element_type),
            ("×".join(map(str, r.shape)) or "scalar", r.count),
            (f"{r.count:,}", r.count),
            (human_bytes(r.nbytes), r.nbytes),
            *((format_value(_stat(s, a)), _sort_num(_stat(s, a))) for a in ("min", "max", "mean", "std")),
            (f"{s.zero_fraction:.1%}" if s else "", s.zero_fraction if s else -1.0),
            (str(s.nan_count) if s else "", s.nan_count if s else -1),
            (str(s.inf_count) if s else "", s.inf_count if s else -1),
            *((format_value(_stat(d, a)), _sort_num(_stat(d, a))) for a in ("min", "max", "mean", "std")),
            (", ".join(r.consumer_types), ", ".join(r.consumer_types)),
            (_read_by(r.consumers), " ".join(r.consumers).lower()),
            (flags, flags),
        ]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each repaint: keep it to a few list look-ups.
        row = index.row()
        if not 0 <= row < len(self.rows):
            return None
        cells = self._cells[row]
        if cells is None:
            cells = self._cells[row] = self._row_cells(self.rows[row])
        role = int(role)
        col = index.column()
        if role == _DISPLAY:
            return cells[0][col][0]
        if role == _SORT:
            return cells[0][col][1]
        if role == _ALIGN:
            return _RIGHT if COL_COUNT <= col < COL_CONSUMERS else None
        if role == _BACKGROUND:
            return cells[1]
        if role == _DECORATION:
            return self._warning_icon() if cells[2] and col == COL_NAME else None
        if role == _TOOLTIP:
            return _row_tooltip(self.rows[row])
        if role == _USER:
            return self.rows[row]
        return None

    def _row_cells(self, r: WeightStats) -> tuple[list[Any], QBrush | None, bool]:
        flags = r.flags
        brush = None
        if flags or (r.note and r.stats is None):
            brush = QBrush(ERROR_COLOR if "error" in flags or r.stats is None else FLAG_COLOR)
        return self._values(r), brush, bool(flags)

    def _warning_icon(self) -> Any:
        if self._warning is None:
            from PySide6.QtWidgets import QApplication

            self._warning = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._warning


def _read_by(consumers: tuple[str, ...]) -> str:
    """The first consumer's name, and how many more there are."""
    if not consumers:
        return ""
    return consumers[0] + (f" (+{len(consumers) - 1} more)" if len(consumers) > 1 else "")


def _sort_num(v: float | None) -> float:
    return -np.inf if v is None or np.isnan(v) else v


def _row_tooltip(r: WeightStats) -> str:
    lines = [f"<b>{escape(r.label)}</b>", f"{escape(r.element_type)} {list(r.shape)}, {r.count:,} values, "
             f"{human_bytes(r.nbytes)}"]
    if r.consumers:
        lines.append("Read by: " + escape(", ".join(r.consumers[:5])) + (" …" if len(r.consumers) > 5 else ""))
    s = r.stats
    if s is not None:
        if s.nan_count:
            lines.append(f"<b>{s.nan_count:,} NaN values</b>")
        if s.inf_count:
            lines.append(f"<b>{s.inf_count:,} infinite values</b>")
        if "all zero" in r.flags:
            lines.append("<b>Every value is zero</b>")
    if r.note:
        lines.append(escape(r.note))
    if r.dequant_chain:
        lines.append("De-quantized through: " + escape(" → ".join(r.dequant_chain)))
    return "<br>".join(lines)


class WeightsFilter(QSortFilterProxyModel):
    """The table's filter (:meth:`WeightsState.accepts`: text on name / type / consumers, 'flagged only') and sort."""

    def __init__(self, state: WeightsState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setSortRole(SORT_ROLE)

    def refilter(self) -> None:
        """Apply the state's filter again."""
        if hasattr(self, "endFilterChange"):  # Qt >= 6.10 (invalidateFilter is deprecated there)
            self.beginFilterChange()
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        rows = self.sourceModel().rows
        if source_row >= len(rows):
            return False
        return self.state.accepts(rows[source_row])


class AscendingUpStyle(QProxyStyle):
    """Sort arrows as most applications draw them: up for ascending (small values first), down for descending.
    (Qt's header asks the style for a "down" arrow when ascending, which reads inverted.)"""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            swapped = QStyleOptionHeader(option)
            up, down = QStyleOptionHeader.SortIndicator.SortUp, QStyleOptionHeader.SortIndicator.SortDown
            swapped.sortIndicator = {up: down, down: up}.get(option.sortIndicator, option.sortIndicator)
            option = swapped
        super().drawPrimitive(element, option, painter, widget)


class StatsTable(QTableView):
    """The sortable, filterable table of every constant's statistics; rows follow the state as they arrive.
    Filtering never changes the selected constant: hidden, it is shown again when the filter lets it through."""

    def __init__(self, state: WeightsState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.refiltering = False  # the filter is being applied: changes of the current row are not the user's
        self.source = WeightsTableModel(self)
        self.proxy = WeightsFilter(state, self)
        self.proxy.setSourceModel(self.source)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_NAME, 260)
        for col in range(1, len(COLUMNS)):
            header.resizeSection(col, 80)
        header.resizeSection(COL_SHAPE, 100)
        header.resizeSection(COL_READ_BY, 260)
        header.setStretchLastSection(True)
        self.setWordWrap(False)  # wrapped at '/', a name showed as its first scope and "..."
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # names differ at their end: keep both ends
        arrows = AscendingUpStyle(QStyleFactory.create(header.style().name()))
        arrows.setParent(header)
        header.setStyle(arrows)
        state.filter_changed.connect(self._refilter)
        header.sortIndicatorChanged.connect(
            lambda col, order: state.set_sort(col, order == Qt.SortOrder.AscendingOrder))
        state.rows_reset.connect(self.source.clear)
        state.rows_added.connect(self.source.append)

    def _refilter(self) -> None:
        self.refiltering = True
        try:
            self.proxy.refilter()
            self.show_selected()
        finally:
            self.refiltering = False

    def show_selected(self) -> None:
        """Make the state's selected constant the current row, or none when the filter hides it."""
        row = self.state.selected
        index = self.index_of(row) if row is not None else QModelIndex()
        if index.isValid():
            if index.row() != self.currentIndex().row():
                self.setCurrentIndex(index)
            self.scrollTo(index)
        else:
            self.selectionModel().clearCurrentIndex()
            self.clearSelection()

    def row_at(self, index: QModelIndex) -> WeightStats | None:
        return self.proxy.data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None

    def index_of(self, row: WeightStats) -> QModelIndex:
        """The table index showing ``row`` (invalid when filtered out or not there)."""
        source_row = next((i for i, r in enumerate(self.source.rows) if r is row), -1)
        if source_row < 0:
            return QModelIndex()
        return self.proxy.mapFromSource(self.source.index(source_row, 0))

    def visible_rows(self) -> list[WeightStats]:
        """Rows in the table's current order and filter."""
        return [self.proxy.data(self.proxy.index(i, 0), Qt.ItemDataRole.UserRole) for i in range(self.proxy.rowCount())]
