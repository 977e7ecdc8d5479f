"""Settings survive a crash: every place that changes a setting syncs it, so a killed process loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

CHILD = r"""
import sys, time
from PySide6.QtCore import QSettings
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
from ovexplorer.ui.shell.app import make_application
from ovexplorer.ui.shell.main_window import MainWindow
from ovexplorer.ui.run.devices_view import DevicePicker
app = make_application([])
window = MainWindow()
picker = window.findChild(DevicePicker)
deadline = time.monotonic() + 30
while not picker.devices and time.monotonic() < deadline:  # let the device list arrive first
    app.processEvents()
    time.sleep(0.01)
# each change alone (one sync writes every pending change, so the last one is the real check)
window._add_recent(__import__("pathlib").Path(sys.argv[2]))  # a recent file
picker.set_device("GPU.1")  # as if picked in the toolbar
window.run_panel.cache_check.setChecked(True)  # a panel toggle, changed last
print(QSettings().fileName(), flush=True)
time.sleep(600)  # killed here, before any clean exit could write the settings
"""


def test_settings_changed_by_a_killed_process_are_readable(tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    model = tmp_path / "model.xml"
    model.write_text("<net/>")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OPENVINO_TELEMETRY_DISABLE": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent.parent),
                                                       os.environ.get("PYTHONPATH", "")]))}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "settings"), str(model)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = child.stdout.readline().strip()  # printed once the settings are changed
        assert line, child.stderr.read()
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()  # waits and closes the pipes
    time.sleep(0.05)
    settings = QSettings(line, QSettings.Format.IniFormat)
    assert Path(line).is_file() and Path(line).is_relative_to(tmp_path)
    assert settings.value("run/device") == "GPU.1"
    assert settings.value("run/cache", False, type=bool) is True
    recent = settings.value("recent_files", [])
    assert str(model.resolve()) in ([recent] if isinstance(recent, str) else recent)
