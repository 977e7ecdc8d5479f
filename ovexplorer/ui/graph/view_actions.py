"""The View menu's graph entries: Fit, Zoom In/Out, Minimap, Inspector, with their shortcuts.

They are window actions, so their keys work wherever the graph is shown (focus in the Inspector, the tab
bar or the toolbar), and they are disabled while another tab is in front.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence, QShortcut

MINIMAP_KEY = "view/minimap"


def _keys(standard: QKeySequence.StandardKey | None, *extra: str) -> list[QKeySequence]:
    """The platform's bindings then ``extra``, each key once."""
    seen: dict[str, QKeySequence] = {}
    for seq in [*(QKeySequence.keyBindings(standard) if standard is not None else []), *map(QKeySequence, extra)]:
        seen.setdefault(seq.toString(), seq)
    return list(seen.values())


def install_view_actions(window: Any, panel: Any, inspector: Any) -> dict[str, QAction]:
    """Add Fit, Zoom In, Zoom Out, Minimap and Inspector to ``window.view_menu``; return them by name."""
    view = panel.view
    fit = QAction("&Fit to Window", window, toolTip="Show the whole graph (Ctrl+0)")
    fit.setShortcuts(_keys(None, "Ctrl+0"))
    fit.triggered.connect(view.fit)
    zoom_in = QAction("Zoom &In", window, toolTip="Zoom in (Ctrl++)")
    zoom_in.setShortcuts(_keys(QKeySequence.StandardKey.ZoomIn, "Ctrl+="))
    zoom_in.triggered.connect(view.zoom_in)
    zoom_out = QAction("Zoom &Out", window, toolTip="Zoom out (Ctrl+-)")
    zoom_out.setShortcuts(_keys(QKeySequence.StandardKey.ZoomOut, "Ctrl+-"))
    zoom_out.triggered.connect(view.zoom_out)
    minimap = QAction("&Minimap", window, checkable=True, shortcut=QKeySequence("Ctrl+M"),
                      toolTip="Show a minimap over graphs much larger than the view (Ctrl+M)")
    minimap.setChecked(QSettings().value(MINIMAP_KEY, True, type=bool))
    view.set_minimap_enabled(minimap.isChecked())

    def set_minimap(on: bool) -> None:
        view.set_minimap_enabled(on)
        QSettings().setValue(MINIMAP_KEY, on)

    minimap.toggled.connect(set_minimap)
    inspector_action = inspector.toggleViewAction()
    inspector_action.setText("&Inspector")
    inspector_action.setShortcut(QKeySequence("Ctrl+I"))
    graph_actions = (fit, zoom_in, zoom_out, minimap)
    # The view binds the same zoom keys for when it has focus; two shortcuts on one key would both be
    # ambiguous (neither fires), so the window's actions take them over.
    taken = {seq.toString() for a in graph_actions for seq in a.shortcuts()}
    for shortcut in view.findChildren(QShortcut):
        if shortcut.key().toString() in taken:
            shortcut.setEnabled(False)
    menu = window.view_menu
    for action in graph_actions:
        menu.addAction(action)
    menu.addSeparator()
    menu.addAction(inspector_action)

    def follow_tab(_index: int = -1) -> None:
        shown = window.tabs.currentWidget() is panel
        for action in graph_actions:
            action.setEnabled(shown)

    window.tabs.currentChanged.connect(follow_tab)
    follow_tab()
    window.view_actions = {"fit": fit, "zoom_in": zoom_in, "zoom_out": zoom_out, "minimap": minimap,
                           "inspector": inspector_action}
    return window.view_actions
