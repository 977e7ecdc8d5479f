"""The Tensors tab: any output of the last run (or of the last answer) as a heatmap with a colour bar and the value
under the cursor, a line for 1-D slices, and a virtual table; two axes chosen, a slider for every other one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSlider,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.vision.tensor_slice import TensorSlice
from ovexplorer.ui.shell.flow_layout import FlowLayout

_Index = QModelIndex | QPersistentModelIndex


class SliceModel(QAbstractTableModel):
    """The shown slice as a table; cells are formatted only when Qt asks for them (millions of values)."""

    def __init__(self) -> None:
        super().__init__()
        self.plane: np.ndarray = np.zeros((0, 0))

    def set_plane(self, plane: np.ndarray) -> None:
        self.beginResetModel()
        self.plane = plane if plane.ndim == 2 else plane.reshape(-1, 1)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.plane.shape[0]

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.plane.shape[1]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            value = self.plane[index.row(), index.column()]
            return f"{value:.6g}" if self.plane.dtype.kind == "f" else str(value)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return str(section) if role == Qt.ItemDataRole.DisplayRole else None


class TensorView(QWidget):
    """See the module docstring; :meth:`set_tensors` gives it the arrays by name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tensors: dict[str, np.ndarray] = {}
        self.slice: TensorSlice | None = None
        self._dirty = False
        self.output_combo = QComboBox(self)
        self.rows_combo = QComboBox(self)
        self.cols_combo = QComboBox(self)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.value_label = QLabel("Move over the heatmap to read a value", self)
        self.value_label.setWordWrap(True)
        top_box = QWidget(self)
        top = FlowLayout(top_box)  # wraps in a narrow window
        for combo in (self.output_combo, self.rows_combo, self.cols_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        for w in (QLabel("Output", self), self.output_combo, QLabel("rows", self), self.rows_combo,
                  QLabel("columns", self), self.cols_combo):
            top.addWidget(w)
        self.over_check = QCheckBox("Over the input picture", self)
        self.over_check.setToolTip("A picture-like slice (the picture's aspect) drawn at the picture's size over it")
        self.over_check.setChecked(True)
        self.over_check.toggled.connect(lambda _on: self.render())
        top.addWidget(self.over_check)
        self.sliders_box = QWidget(self)
        self.sliders = QGridLayout(self.sliders_box)
        self.sliders.setContentsMargins(0, 0, 0, 0)
        self.slider_widgets: dict[int, QSlider] = {}
        self.plot = pg.PlotWidget(self)
        self.plot.invertY(True)
        self.picture: np.ndarray | None = None
        self.background = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.background)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setAutoDownsample(True)
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.curve = self.plot.plot(pen=pg.mkPen("#1f77b4"))
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        self.table_model = SliceModel()
        self.table = QTableView(self)
        self.table.setModel(self.table_model)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.plot, "Heatmap")
        self.tabs.addTab(self.table, "Table")
        layout = QVBoxLayout(self)
        layout.addWidget(top_box)
        layout.addWidget(self.sliders_box)
        layout.addWidget(self.where)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.value_label)
        self.output_combo.currentTextChanged.connect(self.show_output)
        self.rows_combo.activated.connect(self._axes_chosen)
        self.cols_combo.activated.connect(self._axes_chosen)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)

    def set_picture(self, picture: np.ndarray | None) -> None:
        """The input picture (H x W x 3 RGB) that picture-like slices are drawn over."""
        self.picture = picture
        self.render()

    def overlaid(self) -> bool:
        """True when the shown 2-D slice is drawn over the picture (its aspect within 10 % of the picture's)."""
        if self.picture is None or self.slice is None or not self.over_check.isChecked():
            return False
        plane = self.slice.plane()
        if plane.ndim != 2 or min(plane.shape) < 2:
            return False
        ph, pw = self.picture.shape[:2]
        return abs((plane.shape[1] / plane.shape[0]) / (pw / ph) - 1) <= 0.1

    def set_tensors(self, tensors: dict[str, np.ndarray]) -> None:
        """Arrays by name (views are kept, never copied)."""
        current = self.output_combo.currentText()
        self.tensors = dict(tensors)
        self.output_combo.blockSignals(True)
        self.output_combo.clear()
        self.output_combo.addItems(list(self.tensors))
        self.output_combo.blockSignals(False)
        self.show_output(current if current in self.tensors else next(iter(self.tensors), ""))

    def show_output(self, name: str) -> None:
        if name not in self.tensors:
            self.slice = None
            self.image.clear()
            self.curve.setData([])
            self.table_model.set_plane(np.zeros((0, 0)))
            return
        if self.output_combo.currentText() != name:
            self.output_combo.setCurrentText(name)
        self.slice = TensorSlice(self.tensors[name], name)
        self._fill_axes()
        self._build_sliders()
        self.render()

    def _fill_axes(self) -> None:
        s = self.slice
        shape = s.array.shape
        for combo in (self.rows_combo, self.cols_combo):
            combo.clear()
        self.rows_combo.addItem("(none: a line)", None)
        for a, n in enumerate(shape):
            self.rows_combo.addItem(f"axis {a} ({n})", a)
            self.cols_combo.addItem(f"axis {a} ({n})", a)
        self.rows_combo.setCurrentIndex(self.rows_combo.findData(s.rows))
        self.cols_combo.setCurrentIndex(max(0, self.cols_combo.findData(s.cols)))

    def _axes_chosen(self, _i: int) -> None:
        try:
            self.slice.set_axes(self.rows_combo.currentData(), self.cols_combo.currentData())
        except ValueError as exc:
            self.where.setText(str(exc))
            return
        self._build_sliders()
        self.render()

    def set_axes(self, rows: int | None, cols: int) -> None:
        self.rows_combo.setCurrentIndex(self.rows_combo.findData(rows))
        self.cols_combo.setCurrentIndex(self.cols_combo.findData(cols))
        self._axes_chosen(0)

    def _build_sliders(self) -> None:
        while self.sliders.count():
            item = self.sliders.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.slider_widgets = {}
        for row, axis in enumerate(a for a in self.slice.free_axes() if self.slice.array.shape[a] > 1):
            slider = QSlider(Qt.Orientation.Horizontal, self.sliders_box)
            slider.setRange(0, self.slice.array.shape[axis] - 1)
            slider.setValue(self.slice.index[axis])
            label = QLabel(f"axis {axis}: {self.slice.index[axis]}", self.sliders_box)
            slider.valueChanged.connect(lambda v, a=axis, lab=label: self._index_changed(a, v, lab))
            self.sliders.addWidget(label, row, 0)
            self.sliders.addWidget(slider, row, 1)
            self.slider_widgets[axis] = slider

    def _index_changed(self, axis: int, value: int, label: QLabel) -> None:
        self.slice.set_index(axis, value)
        label.setText(f"axis {axis}: {value}")
        self.render()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._dirty:
            self.render()

    def render(self) -> None:
        """Draw the slice; while the tab is hidden only remember to (new outputs cost nothing until looked at)."""
        s = self.slice
        if s is None:
            return
        if not self.isVisible():
            self._dirty = True
            return
        self._dirty = False
        plane = s.plane()
        self.where.setText(f"{s.name} {list(s.array.shape)} {s.array.dtype}: showing {s.describe()}")
        if plane.ndim == 2 and plane.dtype.kind in "biuf":
            self.curve.setData([])
            self.curve.hide()
            self.image.show()
            lo, hi = s.levels()
            self.image.setImage(plane, autoLevels=False, levels=(lo, hi))
            if self.overlaid():
                ph, pw = self.picture.shape[:2]
                self.background.setImage(self.picture)
                self.background.show()
                self.image.setRect(QRectF(0, 0, pw, ph))  # the picture's real size
                self.image.setOpacity(0.55)
            else:
                self.background.hide()
                self.image.setRect(QRectF(0, 0, plane.shape[1], plane.shape[0]))
                self.image.setOpacity(1.0)
            self.plot.setAspectLocked(True)  # square cells
            self.colorbar.show()
            self.colorbar.setLevels((lo, hi))
        elif plane.ndim == 1 and plane.dtype.kind in "biuf":
            self.image.hide()
            self.background.hide()
            self.colorbar.hide()
            self.curve.show()
            self.plot.setAspectLocked(False)
            self.curve.setData(np.asarray(plane, dtype=np.float64) if plane.dtype.kind != "f" else plane)
        self.table_model.set_plane(plane if plane.ndim in (1, 2) else plane.reshape(-1))
        self.plot.getPlotItem().enableAutoRange()

    def _mouse_moved(self, pos: Any) -> None:
        if self.slice is None:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(pos)
        x, y = point.x(), point.y()
        if not self.slice.is_line and self.overlaid():  # picture pixels -> the slice's cells
            plane, (ph, pw) = self.slice.plane(), self.picture.shape[:2]
            x, y = x * plane.shape[1] / pw, y * plane.shape[0] / ph
        row, col = int(np.floor(y)), int(np.floor(x))
        if self.slice.is_line:
            col = round(x)
        value = self.slice.value_at(row, col)
        if value is not None:
            where = f"index {col}" if self.slice.is_line else f"row {row}, column {col}"
            self.value_label.setText(f"{where}: {value:.6g}")
