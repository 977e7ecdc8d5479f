"""The editor under the inputs table for the selected input: random data (distribution, seed, range) or a
picture's preprocessing (resize, channel order, layout, mean, scale, and where those values came from), and
*Load file…*. It renders an :class:`~ovexplorer.core.run.run_state.InputRow` and reports edits by signal."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ovexplorer.core.run.inputs import DISTRIBUTIONS, ImagePreprocess
from ovexplorer.core.run.run_state import InputRow
from ovexplorer.core.util.errors import InputError


def parse_triple(text: str, what: str) -> tuple[float, float, float]:
    """One number or three (R, G, B) typed as ``1``, ``1, 2, 3`` or ``1 2 3``."""
    try:
        values = [float(v) for v in text.replace(";", ",").replace(" ", ",").split(",") if v]
    except ValueError:
        raise InputError(f"{what} {text!r}: expected one number or three (R, G, B).") from None
    if len(values) == 1:
        values *= 3
    if len(values) != 3:
        raise InputError(f"{what} {text!r}: expected one number or three (R, G, B).")
    return values[0], values[1], values[2]


class SourceEditor(QWidget):
    """Random-data and picture-preprocessing settings of one input."""

    random_edited = Signal(str, int, float, float)  # distribution, seed, low, high
    preprocess_edited = Signal(object)  # ImagePreprocess
    preprocess_invalid = Signal(object)  # the InputError of a bad mean or scale
    load_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._updating = False
        self.random_box = QGroupBox("Random data", self)
        self.dist_combo = QComboBox(self.random_box)
        self.dist_combo.addItems(list(DISTRIBUTIONS))
        self.seed_spin = QSpinBox(self.random_box)
        self.seed_spin.setRange(0, 999_999)
        self.low_spin = QDoubleSpinBox(self.random_box)
        self.high_spin = QDoubleSpinBox(self.random_box)
        for spin in (self.low_spin, self.high_spin):
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(3)
        self.low_label, self.high_label = QLabel("Low", self.random_box), QLabel("High", self.random_box)
        random_layout = QGridLayout(self.random_box)
        random_layout.addWidget(self.dist_combo, 0, 0, 1, 2)
        random_layout.addWidget(QLabel("Seed", self.random_box), 0, 2)
        random_layout.addWidget(self.seed_spin, 0, 3)
        random_layout.addWidget(self.low_label, 1, 0)
        random_layout.addWidget(self.low_spin, 1, 1)
        random_layout.addWidget(self.high_label, 1, 2)
        random_layout.addWidget(self.high_spin, 1, 3)
        self.dist_combo.currentIndexChanged.connect(self._random_edited)
        self.seed_spin.valueChanged.connect(self._random_edited)
        self.low_spin.valueChanged.connect(self._random_edited)
        self.high_spin.valueChanged.connect(self._random_edited)
        self.image_box = self._build_image_box()
        self.random_box.hide()  # shown for the selected row's source (hidden now: no stale minimum width)
        self.image_box.hide()
        self.open_button = QPushButton("Load file…", self)
        self.open_button.clicked.connect(self.load_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.random_box)
        layout.addWidget(self.image_box)
        layout.addStretch(1)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)

    def _build_image_box(self) -> QGroupBox:
        box = QGroupBox("Picture preprocessing", self)
        self.resize_check = QCheckBox("Resize to input", box)
        self.order_combo = QComboBox(box)
        self.order_combo.addItems(["RGB", "BGR"])
        self.layout_combo = QComboBox(box)
        self.layout_combo.addItems(["auto", "NCHW", "NHWC", "CHW", "HWC"])
        self.mean_edit = QLineEdit(box)
        self.scale_edit = QLineEdit(box)
        tips = ((self.mean_edit, "Mean per channel (R, G, B), subtracted"),
                (self.scale_edit, "Scale per channel (R, G, B), divides after the mean"))
        for edit, tip in tips:
            edit.setToolTip(tip)
            edit.setMinimumWidth(90)
            edit.setMaximumWidth(140)
            edit.editingFinished.connect(self._preprocess_edited)
        grid = QGridLayout(box)
        grid.addWidget(self.resize_check, 0, 0)
        grid.addWidget(self.order_combo, 0, 1)
        grid.addWidget(QLabel("Layout", box), 0, 2)
        grid.addWidget(self.layout_combo, 0, 3)
        grid.addWidget(QLabel("Mean", box), 1, 0)
        grid.addWidget(self.mean_edit, 1, 1)
        grid.addWidget(QLabel("Scale", box), 1, 2)
        grid.addWidget(self.scale_edit, 1, 3)
        self.preprocess_origin = QLabel(box)  # where the values came from
        self.preprocess_origin.setWordWrap(True)
        self.preprocess_origin.setStyleSheet("color: #505050;")
        grid.addWidget(self.preprocess_origin, 2, 0, 1, 4)
        self.resize_check.toggled.connect(self._preprocess_edited)
        self.order_combo.currentIndexChanged.connect(self._preprocess_edited)
        self.layout_combo.currentIndexChanged.connect(self._preprocess_edited)
        return box

    def show_row(self, row: InputRow | None) -> None:
        """Show the settings of ``row`` (None: no input selected)."""
        self.setEnabled(row is not None)
        self.random_box.setVisible(row is not None and row.source.kind == "random")
        self.image_box.setVisible(row is not None and row.source.is_image)
        if row is None:
            return
        self._updating = True
        s = row.source
        self.dist_combo.setCurrentText(s.distribution)
        self.seed_spin.setValue(s.seed)
        self.low_spin.setValue(s.low)
        self.high_spin.setValue(s.high)
        normal = s.distribution == "normal"
        self.low_label.setText("Mean" if normal else "Low")
        self.high_label.setText("Std" if normal else "High")
        p = s.preprocess
        self.resize_check.setChecked(p.resize)
        self.order_combo.setCurrentText(p.channel_order)
        self.layout_combo.setCurrentText(p.layout)
        self.mean_edit.setText(", ".join(f"{v:g}" for v in p.mean))
        self.scale_edit.setText(", ".join(f"{v:g}" for v in p.scale))
        self.preprocess_origin.setText(f"Values: {row.preprocess_origin or 'defaults'}.")
        self._updating = False

    def _random_edited(self) -> None:
        if not self._updating:
            self.random_edited.emit(self.dist_combo.currentText(), self.seed_spin.value(), self.low_spin.value(),
                                    self.high_spin.value())

    def _preprocess_edited(self) -> None:
        if self._updating:
            return
        try:
            pre = ImagePreprocess(
                resize=self.resize_check.isChecked(),
                channel_order=self.order_combo.currentText(),
                layout=self.layout_combo.currentText(),
                mean=parse_triple(self.mean_edit.text(), "Mean"),
                scale=parse_triple(self.scale_edit.text(), "Scale"),
            )
            if 0.0 in pre.scale:
                raise InputError("Scale: 0 would divide by zero.")
        except InputError as exc:
            self.preprocess_invalid.emit(exc)
            return
        self.preprocess_edited.emit(pre)
