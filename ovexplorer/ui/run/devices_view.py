"""The toolbar's device picker (remembered in QSettings) and the device properties dialog."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.run.devices import DeviceInfo, DeviceProperty, device_properties, list_devices
from ovexplorer.ui.shell.workers import TaskRunner

SETTINGS_KEY = "run/device"
DEFAULT_DEVICE = "CPU"


def _list_devices(progress, cancel) -> list[DeviceInfo]:
    progress(-1.0, "Querying devices")
    return list_devices()


class DevicePicker(QComboBox):
    """Pick the device to compile for; the list is read from OpenVINO in a worker, the choice remembered."""

    device_changed = Signal(str)
    devices_loaded = Signal()

    def __init__(self, parent: QWidget | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("device_picker")
        self.setToolTip("Device to compile the model for")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.devices: list[DeviceInfo] = []
        saved = str(QSettings().value(SETTINGS_KEY, DEFAULT_DEVICE) or DEFAULT_DEVICE)
        self.addItem(saved, saved)
        self.currentIndexChanged.connect(self._changed)
        self.runner = runner or TaskRunner(self)
        self.runner.start(_list_devices, on_success=self._loaded, on_failure=lambda exc: self.devices_loaded.emit())

    def current_device(self) -> str:
        return str(self.currentData() or self.currentText() or DEFAULT_DEVICE)

    def set_device(self, name: str) -> None:
        index = self.findData(name)
        if index < 0:
            self.addItem(name, name)
            index = self.count() - 1
        self.setCurrentIndex(index)

    def _loaded(self, devices: list[DeviceInfo]) -> None:
        wanted = self.current_device()
        self.devices = devices
        self.blockSignals(True)
        self.clear()
        for d in devices:
            self.addItem(d.label, d.name)
            self.setItemData(self.count() - 1, d.full_name or d.name, Qt.ItemDataRole.ToolTipRole)
        index = self.findData(wanted)
        if index < 0:  # the remembered device is gone (unplugged GPU): fall back without forgetting it
            index = max(0, self.findData(DEFAULT_DEVICE))
        self.setCurrentIndex(index)
        self.blockSignals(False)
        if self.current_device() != wanted:
            self.device_changed.emit(self.current_device())
        self.devices_loaded.emit()

    def _changed(self, _index: int) -> None:
        device = self.current_device()
        settings = QSettings()
        settings.setValue(SETTINGS_KEY, device)
        settings.sync()
        self.device_changed.emit(device)


class DevicePropertiesDialog(QDialog):
    """Every supported property of a device with its value (read in a worker), filterable."""

    loaded = Signal()

    def __init__(self, device: str, parent: QWidget | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self.setWindowTitle(f"Properties of {device}")
        self.resize(720, 560)
        self.status = QLabel(f"Reading the properties of {device}…", self)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter properties")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Property", "Access", "Value"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.status, self.filter, self.table, buttons):
            layout.addWidget(w)
        self.properties: tuple[DeviceProperty, ...] = ()
        self.runner = runner or TaskRunner(self)
        self.runner.start(
            lambda progress, cancel: device_properties(device),
            on_success=self._show,
            on_failure=self._failed,
        )

    def _show(self, props: tuple[DeviceProperty, ...]) -> None:
        self.properties = props
        self.table.setRowCount(len(props))
        for row, p in enumerate(props):
            value = QTableWidgetItem(p.text)
            value.setToolTip(f"OpenVINO could not read {p.name}:\n{p.error}" if p.error else p.text)
            if p.error:
                value.setForeground(Qt.GlobalColor.darkGray)
                font = value.font()
                font.setItalic(True)
                value.setFont(font)
            for col, item in enumerate((QTableWidgetItem(p.name), QTableWidgetItem(p.access), value)):
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        unreadable = sum(1 for p in props if p.error)
        extra = f" ({unreadable} not readable: hover for why)" if unreadable else ""
        self.status.setText(f"{self.device}: {len(props)} supported properties{extra}")
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(getattr(exc, "message", str(exc)))
        self.loaded.emit()

    def _apply_filter(self, text: str) -> None:
        text = text.lower()
        for row, p in enumerate(self.properties):
            self.table.setRowHidden(row, bool(text) and text not in p.name.lower() and text not in p.text.lower())

    def value_of(self, name: str) -> str | None:
        return next((p.text for p in self.properties if p.name == name), None)
