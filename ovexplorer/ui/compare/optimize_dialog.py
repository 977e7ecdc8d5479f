"""Tools > Optimize…: NNCF weight compression (INT8, INT4 with group size and ratio) or INT8 quantization with
calibration pictures / an .npz / seeded random data, and where to write the result."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ovexplorer.core.compare.optimize import DEFAULT_SUBSET, OptimizeRequest, check_request, nncf_missing
from ovexplorer.core.util.errors import OvexplorerError

MODES = (("INT8 weights (data-free)", "weights", "int8"), ("INT4 weights (data-free)", "weights", "int4"),
         ("INT8 quantization (calibrated)", "quantize", "int8"))


class OptimizeDialog(QDialog):
    """The request for :func:`~ovexplorer.core.compare.optimize.optimize_model`; OK only when it is valid."""

    def __init__(self, model: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = Path(model)
        self.setWindowTitle(f"Optimize {self.model.name} with NNCF")
        self.mode = QComboBox(self)
        for label, kind, value in MODES:
            self.mode.addItem(label, (kind, value))
        self.group_size = QSpinBox(self)
        self.group_size.setRange(-1, 4096)
        self.group_size.setValue(128)
        self.ratio = QDoubleSpinBox(self)
        self.ratio.setRange(0.01, 1.0)
        self.ratio.setSingleStep(0.05)
        self.ratio.setValue(1.0)
        self.calibration = QLineEdit(self)
        self.calibration.setPlaceholderText("folder of pictures or .npz (empty: seeded random data, with a warning)")
        browse = QPushButton("Folder…", self)
        browse.clicked.connect(self._browse_folder)
        browse_npz = QPushButton(".npz…", self)
        browse_npz.clicked.connect(self._browse_npz)
        calib_row = QHBoxLayout()
        calib_row.addWidget(self.calibration, 1)
        calib_row.addWidget(browse)
        calib_row.addWidget(browse_npz)
        self.subset = QSpinBox(self)
        self.subset.setRange(1, 100000)
        self.subset.setValue(DEFAULT_SUBSET)
        self.output = QLineEdit(str(self.model.with_name(self.model.stem + "_int8.xml")), self)
        self.problem = QLabel("", self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Method", self.mode)
        form.addRow("INT4 group size", self.group_size)
        form.addRow("INT4 ratio", self.ratio)
        form.addRow("Calibration", calib_row)
        form.addRow("Calibration subset", self.subset)
        form.addRow("Write to", self.output)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        for edit in (self.output, self.calibration):
            edit.textChanged.connect(self._check)
        self._mode_changed()

    def _mode_changed(self) -> None:
        kind, value = self.mode.currentData()
        int4, calibrated = value == "int4" and kind == "weights", kind == "quantize"
        self.group_size.setEnabled(int4)
        self.ratio.setEnabled(int4)
        self.calibration.setEnabled(calibrated)
        self.subset.setEnabled(calibrated)
        suffix = {"int8": "_int8", "int4": "_int4"}[value] + ("_q" if calibrated else "")
        current = Path(self.output.text())
        if current.stem.startswith(self.model.stem + "_"):
            self.output.setText(str(current.with_name(self.model.stem + suffix + ".xml")))
        self._check()

    def _browse_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Calibration pictures", str(self.model.parent))
        if path:
            self.calibration.setText(path)

    def _browse_npz(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Calibration inputs", str(self.model.parent), "NumPy (*.npz)")
        if path:
            self.calibration.setText(path)

    def request(self) -> OptimizeRequest:
        kind, value = self.mode.currentData()
        return OptimizeRequest(str(self.model), self.output.text().strip(),
                               weights=value if kind == "weights" else "", group_size=self.group_size.value(),
                               ratio=self.ratio.value(), quantize=value if kind == "quantize" else "",
                               calibration=self.calibration.text().strip(), subset=self.subset.value())

    def _check(self) -> str:
        problem = nncf_missing() or ""
        if not problem:
            try:
                check_request(self.request())
            except OvexplorerError as exc:
                problem = exc.message
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
        return problem
