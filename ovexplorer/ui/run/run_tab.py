"""The Run tab, built when first needed: the toolbar's device picker and Run button, the Run menu and the drop hook
exist from the start; the Run panel (its inputs, outputs and the views hooked into it: ~40 modules and 0.2-0.3 s of
the UI thread) is built when its tab is first shown or code asks for ``window.run_panel`` (a Run click, a dropped
input file, the Latency tab...), by the window's ``DeferredPanels``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu

from ovexplorer.ui.run.devices_view import DevicePicker


class RunActions:
    """Run, Compile and Device properties in the toolbar and the Run menu: each asks the window for its Run panel
    (building it if needed) and triggers the panel's own action; they follow its actions' enabled state."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.run = QAction("&Run", window)
        self.run.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+R")])
        self.run.setToolTip("Run the model once with these inputs (F5 / Ctrl+R)")
        self.compile = QAction("&Compile", window)
        self.properties = QAction("Device &properties…", window)
        for mine, name in ((self.run, "run_action"), (self.compile, "compile_action"),
                           (self.properties, "properties_action")):
            mine.triggered.connect(lambda _=False, n=name: getattr(self.window.run_panel, n).trigger())
        self._followed = False
        window.document_changed.connect(self._document_changed)
        self._document_changed(None)

    def _document_changed(self, doc: Any) -> None:
        if not self._followed:  # as the panel enables them: once a model is open
            self.run.setEnabled(doc is not None)
            self.compile.setEnabled(doc is not None)

    def follow(self, panel: Any) -> None:
        """From now on, enabled exactly when ``panel``'s actions are."""
        self._followed = True
        for mine, theirs in ((self.run, panel.run_action), (self.compile, panel.compile_action),
                             (self.properties, panel.properties_action)):
            mine.setEnabled(theirs.isEnabled())
            theirs.changed.connect(lambda m=mine, t=theirs: m.setEnabled(t.isEnabled()))


def install_run_tab(window: Any) -> RunActions:
    """The device picker and Run in the toolbar, the Run menu (before Help), and the window drop hook for input
    files; ``window.device_picker`` and ``window.run_actions``. The panel itself: :func:`build_run_panel`."""
    picker = DevicePicker(window, window.runner)
    window.toolbar.addSeparator()
    window.toolbar.addWidget(QLabel(" Device ", window))
    window.toolbar.addWidget(picker)
    actions = RunActions(window)
    window.toolbar.addAction(actions.run)
    bar = window.menuBar()
    menu = QMenu("&Run", window)
    if bar.actions():
        bar.insertMenu(bar.actions()[-1], menu)  # before Help
    else:
        bar.addMenu(menu)
    for action in (actions.run, actions.compile, actions.properties):
        menu.addAction(action)
    window.extra_drop_handlers.append(lambda paths, drop: _window_drop(window, paths, drop))
    window.device_picker = picker
    window.run_actions = actions
    return actions


def _window_drop(window: Any, paths: list[Path], drop: bool) -> bool:
    if not drop and "run_panel" not in window.__dict__:  # a drag passing over the window does not build the panel
        from ovexplorer.core.run.inputs import INPUT_SUFFIXES

        return window.document is not None and any(p.suffix.lower() in INPUT_SUFFIXES for p in paths)
    return window.run_panel.handle_window_drop(paths, drop)


def build_run_panel(window: Any) -> Any:
    """The Run panel with the window's device picker, as the Run tab (``window.run_panel``)."""
    from ovexplorer.ui.run.run_panel import RunPanel

    panel = RunPanel(window, picker=window.device_picker, runner=window.runner)
    window.add_panel(panel, "Run")
    window.run_panel = panel
    window.run_actions.follow(panel)
    return panel
