"""The Run panel's message line beside the Run button: an error in bold red, a confirmation in green."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class MessageLine(QLabel):
    """One selectable, wrapped line of text; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, text: str, *, error: bool) -> None:
        self.setText(text)
        self.setStyleSheet("color: #a00000; font-weight: bold;" if error else "color: #006000;")
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()
