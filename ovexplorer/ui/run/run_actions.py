"""The Run panel's actions (for the toolbar and the Run menu): Run (F5 / Ctrl+R), Compile, Device properties."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence


def run_actions(parent: QObject, run: Callable[[], object], compile_: Callable[[], object],
                properties: Callable[[], object]) -> tuple[QAction, QAction, QAction]:
    """The Run, Compile and Device properties actions, triggering ``run``, ``compile_`` and ``properties``."""
    run_action = QAction("&Run", parent)
    run_action.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+R")])
    run_action.setToolTip("Run the model once with these inputs (F5 / Ctrl+R)")
    run_action.triggered.connect(run)
    compile_action = QAction("&Compile", parent)
    compile_action.triggered.connect(compile_)
    properties_action = QAction("Device &properties…", parent)
    properties_action.triggered.connect(properties)
    return run_action, compile_action, properties_action
