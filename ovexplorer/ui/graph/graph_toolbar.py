"""The Graph tab's toolbar: view (fit, zoom, find), layout options, expand/collapse all, and export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton, QWidget


class GraphToolbar(QToolBar):
    """Buttons that call the panel's commands; option toggles call ``set_option(name, on)``."""

    def __init__(self, parent: QWidget, view: Any, *, find: Callable[[], None],
                 set_option: Callable[..., None], set_shapes: Callable[[bool], None],
                 expand_all: Callable[[], None], collapse_all: Callable[[], None],
                 export: Callable[[str, bool], None]) -> None:
        super().__init__(parent)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for text, tip, slot in (("Fit", "Fit to window (Ctrl+0)", view.fit),
                                ("−", "Zoom out (Ctrl+-)", view.zoom_out),
                                ("+", "Zoom in (Ctrl++)", view.zoom_in),
                                ("Find", "Find (Ctrl+F)", lambda: find())):
            self.addAction(text, slot).setToolTip(tip)
        self.addSeparator()
        self.horizontal_action = self._toggle("Left to right", "Lay out left to right instead of top down",
                                              False, lambda on: set_option(horizontal=on))
        self.names_action = self._toggle("Names", "Show node names", False, lambda on: set_option(show_names=on))
        self.shapes_action = self._toggle("Shapes", "Show tensor shapes on edges", False, set_shapes)
        self.constants_action = self._toggle("Constants", "Show constants as nodes (else folded into consumers)",
                                             False, lambda on: set_option(fold_constants=not on))
        self.grouping_action = self._toggle("Groups", "Group nodes by name scope", True,
                                            lambda on: set_option(grouped=on))
        self.addSeparator()
        self.addAction("Expand all", expand_all)
        self.addAction("Collapse all", collapse_all)
        menu = QMenu(self)
        menu.addAction("Whole graph as PNG…", lambda: export("png", True))
        menu.addAction("Whole graph as SVG…", lambda: export("svg", True))
        menu.addAction("Current view as PNG…", lambda: export("png", False))
        menu.addAction("Current view as SVG…", lambda: export("svg", False))
        button = QToolButton(self, text="Export", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(menu)
        self.addWidget(button)

    def _toggle(self, text: str, tip: str, checked: bool, slot: Callable[[bool], None]) -> QAction:
        action = QAction(text, self, checkable=True, checked=checked, toolTip=tip)
        action.toggled.connect(slot)
        self.addAction(action)
        return action
