"""Shared test set-up: offscreen Qt before any Qt import, isolated settings, tiny models built in code."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

# One 1920x1080 screen (the plugin's default is 800x800, smaller than a window may be: restoreGeometry would
# shrink a saved 1000-px-wide window to it). CI exports a plain QT_QPA_PLATFORM=offscreen: it gets the screen too.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).parent / 'data' / 'offscreen_screen.json'}"
os.environ.setdefault("OPENVINO_TELEMETRY_DISABLE", "1")
# A single-instance name of this test run's own: never hand files to (or take them from) a running app.
os.environ.setdefault("OVEXPLORER_INSTANCE_KEY", f"pytest-{os.getpid()}")
sys.path.insert(0, str(Path(__file__).parent))

import pytest
from models import make_if_ir, make_tiny_ir


@pytest.fixture
def tiny_ir(tmp_path: Path) -> Path:
    """A valid 5-op IR (Parameter, Const, Convolution, Relu, Result) in a fresh folder."""
    return make_tiny_ir(tmp_path / "tiny.xml")


@pytest.fixture
def if_ir(tmp_path: Path) -> Path:
    """An IR with an If whose bodies are Relu and Negative."""
    return make_if_ir(tmp_path / "if.xml")


@pytest.fixture(scope="module")
def transformer_dir(tmp_path_factory) -> Path:
    """A folder with two transformer-like IRs: ``t2.xml`` (2 decoder blocks) and ``t12.xml`` (12 blocks)."""
    from models_graph import make_transformer_ir

    d = tmp_path_factory.mktemp("transformers")
    make_transformer_ir(d / "t2.xml", 2)
    make_transformer_ir(d / "t12.xml", 12)
    return d


@pytest.fixture
def qt_settings(tmp_path: Path):
    """QSettings written to a temporary folder, never the user's."""
    from PySide6.QtCore import QCoreApplication, QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("ovexplorer-tests")
    QCoreApplication.setApplicationName("ovexplorer-tests")
    yield QSettings()


@pytest.fixture
def window(request, qtbot, qt_settings):
    """The main window, shown (sized by the test module's ``WINDOW_SIZE`` if it has one), closed afterwards."""
    from ovexplorer.ui.shell.main_window import MainWindow

    w = MainWindow()
    size = getattr(request.module, "WINDOW_SIZE", None)
    if size is not None:
        w.resize(*size)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


@pytest.fixture
def held_load(monkeypatch):
    """The window's model load waits until the test sets the returned event (set anyway at teardown)."""
    from ovexplorer.ui.shell import open_flow

    release = threading.Event()
    real_load = open_flow.load_document

    def slow_load(path, progress, cancel):
        release.wait(20)
        return real_load(path, progress, cancel)

    monkeypatch.setattr(open_flow, "load_document", slow_load)
    yield release
    release.set()
