"""Panels built after the first screen: their tab is there at once, the panel (and what it imports: pyqtgraph
for Latency, the statistics modules for Weights) is built when its tab is first shown or when code asks for it
(``window.latency_panel``). Not in idle time after the first paint: building the Weights panel took 160 ms and
the Latency panel's imports 0.3-0.5 s of the UI thread (imported in a worker they stalled it longer: imports
hold the GIL), a stall the user would meet while scrolling the graph; on a tab's first click it is expected.

A window names such a panel with :meth:`DeferredPanels.add`; everything else about the panel stays in its own
``install_*`` function, which adds it with ``window.add_panel`` as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ovexplorer.ui.shell.window_state import restore_panel_splitters


class PanelPlaceholder(QWidget):
    """Holds a deferred panel's tab until the panel is built."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        layout = QVBoxLayout(self)
        label = QLabel(f"Loading {title}…", self)
        layout.addWidget(label)

    def set_document(self, doc: Any) -> None:
        """Nothing to show: the panel gets the window's document when it is built."""


class DeferredPanels:
    """The deferred panels of one window: ``attribute -> (placeholder, install)``."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.pending: dict[str, tuple[PanelPlaceholder, Callable[[Any], Any], Callable[[Any], None] | None]] = {}
        self._building = False
        window.tabs.currentChanged.connect(self._tab_shown)

    def add(self, attribute: str, title: str, install: Callable[[Any], Any],
            ready: Callable[[Any], None] | None = None) -> None:
        """A tab ``title`` whose panel ``install(window)`` builds (setting ``window.<attribute>``) when needed;
        ``ready(panel)`` runs once the new panel was given the window's document."""
        placeholder = PanelPlaceholder(title, self.window)
        self.window.add_panel(placeholder, title)
        self.pending[attribute] = (placeholder, install, ready)

    def build(self, attribute: str) -> Any:
        """Build the panel now (if not built yet) and return it."""
        entry = self.pending.pop(attribute, None)
        if entry is None:
            return self.window.__dict__.get(attribute)
        placeholder, install, ready = entry
        window, tabs = self.window, self.window.tabs
        was_current = tabs.currentWidget() is placeholder
        self._building = True
        try:
            panel = install(window)
            index = tabs.indexOf(placeholder)
            tabs.removeTab(tabs.indexOf(panel))
            tabs.insertTab(index, panel, placeholder.title)
            tabs.removeTab(tabs.indexOf(placeholder))
            if was_current:
                tabs.setCurrentWidget(panel)
        finally:
            self._building = False
        window.panels = [p for p in window.panels if p is not placeholder]
        placeholder.deleteLater()
        restore_panel_splitters(tabs, panel)  # (the window restored those of the panels it had)
        if window.document is not None:
            panel.set_document(window.document)
        if ready is not None:
            ready(panel)
        return panel

    def _tab_shown(self, _index: int) -> None:
        if self._building:
            return
        current = self.window.tabs.currentWidget()
        for attribute, (placeholder, *_rest) in list(self.pending.items()):
            if placeholder is current:
                self.build(attribute)
