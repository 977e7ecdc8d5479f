"""The task chooser and the wrapper's parameters (threshold, IoU, labels, mean/scale, resize, picture size)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ovexplorer.core.vision.config import RESIZE_TYPES, VisionConfig
from ovexplorer.core.vision.tasks import TASKS, task_of_wrapper


def _numbers(text: str) -> tuple[float, ...] | None:
    parts = text.replace(",", " ").split()
    if not parts:
        return None
    return tuple(float(p) for p in parts)


class ParamsForm(QWidget):
    """Emits ``wrapper_chosen(name)``, ``params_edited(dict)`` and ``labels_requested()``."""

    wrapper_chosen = Signal(str)
    params_edited = Signal(dict)
    labels_requested = Signal()
    invalid = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.task_combo = QComboBox(self)
        for task, (title, _) in TASKS.items():
            self.task_combo.addItem(title, task)
        self.wrapper_combo = QComboBox(self)
        row = QHBoxLayout()
        row.addWidget(self.task_combo, 1)
        row.addWidget(self.wrapper_combo, 1)
        form.addRow("Task", row)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        form.addRow("", self.reason)
        self.confidence = QDoubleSpinBox(self, decimals=2, minimum=0.01, maximum=1.0, singleStep=0.05, value=0.25)
        self.iou = QDoubleSpinBox(self, decimals=2, minimum=0.0, maximum=1.0, singleStep=0.05, value=0.5)
        row = QHBoxLayout()
        row.addWidget(QLabel("confidence", self))
        row.addWidget(self.confidence)
        row.addWidget(QLabel("IoU", self))
        row.addWidget(self.iou)
        form.addRow("Thresholds", row)
        self.labels_label = QLabel(self)
        self.labels_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # clipped, not wider
        self.labels_button = QPushButton("Labels file…", self)
        row = QHBoxLayout()
        row.addWidget(self.labels_label, 1)
        row.addWidget(self.labels_button)
        form.addRow("Labels", row)
        self.mean_edit = QLineEdit(self, placeholderText="wrapper default")
        self.scale_edit = QLineEdit(self, placeholderText="wrapper default")
        row = QHBoxLayout()
        row.addWidget(self.mean_edit)
        row.addWidget(QLabel("scale", self))
        row.addWidget(self.scale_edit)
        form.addRow("Mean", row)
        self.resize_combo = QComboBox(self)
        self.resize_combo.addItem("wrapper default", None)
        for r in RESIZE_TYPES:
            self.resize_combo.addItem(r, r)
        self.size_edit = QLineEdit(self, placeholderText="height, width")
        row = QHBoxLayout()
        row.addWidget(self.resize_combo, 1)
        row.addWidget(QLabel("size", self))
        row.addWidget(self.size_edit)
        form.addRow("Resize", row)
        for combo in (self.task_combo, self.wrapper_combo, self.resize_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        for edit in (self.mean_edit, self.scale_edit, self.size_edit):
            edit.setMinimumWidth(40)
        self.task_combo.currentIndexChanged.connect(self._task_picked)
        self.wrapper_combo.activated.connect(lambda _i: self.wrapper_chosen.emit(self.wrapper_combo.currentText()))
        self.confidence.editingFinished.connect(lambda: self._edited(confidence=round(self.confidence.value(), 4)))
        self.iou.editingFinished.connect(lambda: self._edited(iou=round(self.iou.value(), 4)))
        self.mean_edit.editingFinished.connect(lambda: self._numbers_edited("mean", self.mean_edit))
        self.scale_edit.editingFinished.connect(lambda: self._numbers_edited("scale", self.scale_edit))
        self.resize_combo.activated.connect(lambda _i: self._edited(resize_type=self.resize_combo.currentData()))
        self.size_edit.editingFinished.connect(self._size_edited)
        self.labels_button.clicked.connect(self.labels_requested)

    def show_config(self, config: VisionConfig | None, classes: int | None, needs_size: bool, note: str = "",
                    can_choose: bool = False) -> None:
        """Show ``config``; without one, ``note`` says why and ``can_choose`` leaves the task chooser usable."""
        self._filling = True
        try:
            self.setEnabled(config is not None or can_choose)
            for widget in (self.confidence, self.iou, self.labels_button, self.mean_edit, self.scale_edit,
                           self.resize_combo, self.size_edit):
                widget.setEnabled(config is not None)
            if config is None:
                self.reason.setText(note)
                self.labels_label.setText("")
                self.task_combo.setCurrentIndex(-1)
                self.wrapper_combo.clear()
                return
            task = task_of_wrapper(config.wrapper) or "detection"
            self.task_combo.setCurrentIndex(self.task_combo.findData(task))
            self._fill_wrappers(task, config.wrapper)
            self.reason.setText(config.reason)
            self.confidence.setValue(config.confidence if config.confidence is not None else 0.25)
            self.iou.setValue(config.iou if config.iou is not None else 0.5)
            self.confidence.setEnabled(task in ("detection", "instance-segmentation", "classification"))
            self.iou.setEnabled(task in ("detection", "instance-segmentation"))
            count = f"{len(config.labels)} names" if config.labels else "none (class numbers shown)"
            expected = f" for {classes} classes" if classes else ""
            origin = f", from {config.labels_origin}" if config.labels and config.labels_origin else ""
            self.labels_label.setText(count + expected + origin)
            names = ", ".join(config.labels[:40]) + (" …" if len(config.labels) > 40 else "")
            self.labels_label.setToolTip(f"{count + expected + origin}\n{names}" if names else count + expected)
            self.mean_edit.setText(" ".join(f"{v:g}" for v in config.mean) if config.mean else "")
            self.scale_edit.setText(" ".join(f"{v:g}" for v in config.scale) if config.scale else "")
            self.resize_combo.setCurrentIndex(max(0, self.resize_combo.findData(config.resize_type)))
            self.size_edit.setEnabled(needs_size)
            self.size_edit.setText(f"{config.input_size[0]}, {config.input_size[1]}" if config.input_size else "")
        finally:
            self._filling = False

    def _fill_wrappers(self, task: str, current: str) -> None:
        self.wrapper_combo.clear()
        self.wrapper_combo.addItems(list(TASKS[task][1]))
        self.wrapper_combo.setCurrentText(current)

    def _task_picked(self, _i: int) -> None:
        if not self._filling and self.task_combo.currentIndex() >= 0:
            task = self.task_combo.currentData()
            self.wrapper_chosen.emit(TASKS[task][1][0])

    def _edited(self, **changes: object) -> None:
        if not self._filling:
            self.params_edited.emit(changes)

    def _numbers_edited(self, key: str, edit: QLineEdit) -> None:
        try:
            self._edited(**{key: _numbers(edit.text())})
        except ValueError:
            self.invalid.emit(f"{key} must be numbers separated by spaces or commas, not '{edit.text()}'")

    def _size_edited(self) -> None:
        try:
            values = _numbers(self.size_edit.text())
            if values is None or len(values) != 2 or min(values) < 8:
                raise ValueError
        except ValueError:
            self.invalid.emit(f"size must be two numbers, height and width (8 or more), not '{self.size_edit.text()}'")
            return
        self._edited(input_size=(int(values[0]), int(values[1])))
