"""The QApplication a benchmark drives a window in: settings in a temporary folder, never the user's."""

from __future__ import annotations

import tempfile
from typing import Any


def isolated_application(organization: str) -> tuple[Any, tempfile.TemporaryDirectory]:
    """A QApplication whose QSettings live in a temporary folder (keep the folder object alive while it runs)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    settings_dir = tempfile.TemporaryDirectory()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir.name)
    app = QApplication([])
    app.setOrganizationName(organization)
    return app, settings_dir
