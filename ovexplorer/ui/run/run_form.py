"""The left column of the Run panel: the compile options, the inputs box, and the Run button with the message
line beside it."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ovexplorer.ui.run.compile_box import CompileBox
from ovexplorer.ui.run.devices_view import DevicePicker
from ovexplorer.ui.run.inputs_box import InputsBox
from ovexplorer.ui.run.message_line import MessageLine
from ovexplorer.ui.shell.workers import TaskRunner


class RunForm(QWidget):
    """Options (:attr:`options_box`), inputs (:attr:`inputs_box`), :attr:`run_button` and :attr:`message`."""

    def __init__(self, parent: QWidget | None, picker: DevicePicker | None, runner: TaskRunner) -> None:
        super().__init__(parent)
        self.options_box = CompileBox(self, picker, runner)
        self.inputs_box = InputsBox(self)
        self.message = MessageLine(self)
        self.run_button = QPushButton("Run  (F5)", self)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.options_box)
        layout.addWidget(self.inputs_box, 1)
        layout.addLayout(run_row)
