"""Opening models the desktop way: argv, several windows, single-instance handoff, macOS open events, reload."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from models import make_if_ir, make_tiny_ir
from PySide6.QtCore import QDir, Qt, QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton
from qt_helpers import drop_files, run_app_windows

from ovexplorer.ui.shell import app as app_module
from ovexplorer.ui.shell.app import FileOpenFilter, WindowManager, argument_path
from ovexplorer.ui.shell.main_window import MainWindow
from ovexplorer.ui.shell.single_instance import NAME_ENV, InstanceServer, send_to_running, server_name

ROOT = Path(__file__).resolve().parent.parent
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def instance_key(monkeypatch, tmp_path) -> str:
    """A server name of this test's own (the user's running app, if any, is never contacted)."""
    monkeypatch.setenv(NAME_ENV, str(tmp_path))
    return server_name()


@pytest.fixture
def manager(qtbot, qt_settings):
    m = WindowManager()
    yield m
    for w in list(m.windows):
        w.close()
    qtbot.waitUntil(lambda: not m.windows, timeout=10000)


def _copy_ir(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest)
    shutil.copy(src.with_suffix(".bin"), dest.with_suffix(".bin"))
    return dest


def _second_launch(*args: str, **env_overrides: str) -> subprocess.Popen:
    """Start ``python -m ovexplorer ARGS`` as a file manager would (same user, same environment)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "QT_QPA_PLATFORM": "offscreen", **env_overrides}
    return subprocess.Popen([sys.executable, "-m", "ovexplorer", *args], env=env, cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_exit(qtbot, proc: subprocess.Popen) -> int:
    """Let this (first) instance's event loop run while the second launch talks to it."""
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)
    out, err = proc.communicate()  # closes the pipes (an unclosed pipe warns, and warnings are errors)
    proc.stdout, proc.stderr = io.BytesIO(out), io.BytesIO(err)
    return proc.returncode


def _docs(manager: WindowManager) -> list[Path | None]:
    return [w.document.path if w.document else None for w in manager.windows]


def test_argv_path_with_spaces_and_non_ascii_opens(qtbot, qt_settings, tiny_ir, tmp_path, monkeypatch,
                                                   instance_key) -> None:
    target = _copy_ir(tiny_ir, tmp_path / "my models" / "Modèl ünïcode 模型.xml")
    (w,) = run_app_windows(qtbot, monkeypatch, [str(target)])
    qtbot.waitUntil(lambda: w.document is not None, timeout=30000)
    assert w.document.path == target
    assert w.windowTitle().startswith("Modèl ünïcode 模型.xml")


def test_argument_path_keeps_paths_whole(tmp_path) -> None:
    p = tmp_path / "a b" / "ç 模型.xml"
    assert argument_path(str(p)) == str(p)
    assert argument_path(QUrl.fromLocalFile(str(p)).toString()) == str(p)  # %u-style file:// URL
    assert Path(argument_path("rel name.xml")) == Path.cwd() / "rel name.xml"  # absolute before any handoff


def test_several_models_open_in_windows_of_their_own(qtbot, manager, tiny_ir, if_ir) -> None:
    manager.open_paths([str(tiny_ir), str(if_ir)])
    assert len(manager.windows) == 2
    qtbot.waitUntil(lambda: None not in _docs(manager), timeout=30000)
    assert _docs(manager) == [tiny_ir, if_ir]
    manager.windows[0].close()
    qtbot.waitUntil(lambda: len(manager.windows) == 1, timeout=5000)
    manager.open_path(tiny_ir)  # the remaining window shows a model: a new window opens
    assert len(manager.windows) == 2


def test_second_launch_hands_its_file_to_the_running_app(qtbot, manager, tiny_ir, if_ir, tmp_path,
                                                         instance_key) -> None:
    server = InstanceServer()
    assert server.listen()
    server.open_requested.connect(manager.open_paths)
    manager.open_path(tiny_ir)
    qtbot.waitUntil(lambda: manager.windows[0].document is not None, timeout=30000)
    target = _copy_ir(if_ir, tmp_path / "dossier à part" / "second model.xml")
    # No display for the second launch: the handoff happens before any QApplication would need one.
    proc = _second_launch(str(target), QT_QPA_PLATFORM="xcb", DISPLAY="", WAYLAND_DISPLAY="")
    assert _wait_exit(qtbot, proc) == 0, proc.stderr.read().decode()
    qtbot.waitUntil(lambda: len(manager.windows) == 2 and manager.windows[1].document is not None, timeout=30000)
    assert _docs(manager) == [tiny_ir, target]
    server.close()


def test_second_launch_with_bad_file_leaves_the_running_app_alone(qtbot, manager, tiny_ir, tmp_path,
                                                                  instance_key) -> None:
    server = InstanceServer()
    assert server.listen()
    server.open_requested.connect(manager.open_paths)
    manager.open_path(tiny_ir)
    first = manager.windows[0]
    qtbot.waitUntil(lambda: first.document is not None, timeout=30000)
    bad = tmp_path / "drawing.xml"
    bad.write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    proc = _second_launch(str(bad))
    assert _wait_exit(qtbot, proc) == 0
    qtbot.waitUntil(lambda: isinstance(first.error_box, QMessageBox) and first.error_box.isVisible(), timeout=30000)
    assert "drawing.xml" in first.error_box.text() and "<svg>" in first.error_box.text()
    qtbot.waitUntil(lambda: len(manager.windows) == 1, timeout=5000)  # the extra window went away
    assert manager.windows[0] is first and first.document.path == tiny_ir  # the model shown is untouched
    server.close()


def test_second_launch_without_file_raises_the_running_window(qtbot, manager, tiny_ir, instance_key) -> None:
    server = InstanceServer()
    assert server.listen()
    server.open_requested.connect(manager.open_paths)
    manager.open_path(tiny_ir)
    proc = _second_launch()
    assert _wait_exit(qtbot, proc) == 0
    assert len(manager.windows) == 1
    server.close()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows named pipes do not outlive their process")
def test_stale_server_name_does_not_block_start_up(qtbot, instance_key) -> None:
    path = Path(QDir.tempPath()) / instance_key
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))  # what a crashed instance leaves: a socket file nobody listens on
    stale.close()
    try:
        assert path.exists()
        assert not QLocalServer().listen(instance_key)  # a plain listen is blocked by it
        assert not send_to_running(["/x.xml"])  # nobody answers there
        server = InstanceServer()
        assert server.listen() and server.listening
        assert not InstanceServer().listen()  # but a live instance is never taken over
        server.close()
    finally:
        path.unlink(missing_ok=True)


def test_macos_file_open_event_opens_the_model(qtbot, manager, tiny_ir) -> None:
    app = QApplication.instance()
    event_filter = FileOpenFilter(manager.open_path)
    app.installEventFilter(event_filter)
    try:
        QApplication.sendEvent(app, QFileOpenEvent(str(tiny_ir)))
    finally:
        app.removeEventFilter(event_filter)
    assert len(manager.windows) == 1
    qtbot.waitUntil(lambda: manager.windows[0].document is not None, timeout=30000)
    assert manager.windows[0].document.path == tiny_ir


def _bar_button(window: MainWindow, action) -> QToolButton:
    return window.file_watcher.bar.widgetForAction(action)


def test_changed_on_disk_offers_reload(qtbot, qt_settings, tmp_path) -> None:
    model = make_tiny_ir(tmp_path / "model.xml")
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.document_changed, timeout=30000):
        w.open_path(model)
    bar = w.file_watcher.bar
    assert not bar.isVisible()
    # An exporter writes a new model beside it and renames it over the old one.
    make_if_ir(tmp_path / "new.xml")
    os.replace(tmp_path / "new.bin", tmp_path / "model.bin")
    os.replace(tmp_path / "new.xml", model)
    qtbot.waitUntil(bar.isVisible, timeout=10000)
    assert "model.xml" in w.file_watcher.label.text() and "changed on disk" in w.file_watcher.label.text()
    assert w.document.graph.name == "tiny"  # nothing reloaded behind the user's back
    with qtbot.waitSignal(w.document_changed, timeout=30000):
        qtbot.mouseClick(_bar_button(w, w.file_watcher.reload_action), LEFT)
    assert w.document.graph.name == "if_model" and not bar.isVisible()
    # The watch survived the rename: a second change is noticed too.
    make_tiny_ir(tmp_path / "model.xml")
    qtbot.waitUntil(bar.isVisible, timeout=10000)
    qtbot.mouseClick(_bar_button(w, w.file_watcher.dismiss_action), LEFT)
    assert not bar.isVisible()


def test_removed_from_disk_is_said(qtbot, qt_settings, tmp_path) -> None:
    model = make_tiny_ir(tmp_path / "gone.xml")
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.document_changed, timeout=30000):
        w.open_path(model)
    model.unlink()
    qtbot.waitUntil(w.file_watcher.bar.isVisible, timeout=10000)
    assert "gone.xml was removed from disk" in w.file_watcher.label.text()
    assert not w.file_watcher.reload_action.isEnabled()
    assert w.document is not None  # the model read before stays on screen


def test_smoke_flag_runs_headless_self_test(qtbot, qt_settings, tiny_ir, capsys) -> None:
    assert app_module.run_app(["--smoke", str(tiny_ir)]) == 0
    out = capsys.readouterr().out
    assert "devices: CPU" in out
    assert "output output: shape [1, 4, 8, 8]" in out
    assert "smoke: passed" in out


def test_smoke_flag_fails_clearly_on_bad_model(qtbot, qt_settings, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<svg/>")
    assert app_module.run_app(["--smoke", str(bad)]) == app_module.EXIT_SMOKE_FAILED
    assert "bad.xml" in capsys.readouterr().err


def test_new_instance_flag_bypasses_the_running_app(qtbot, qt_settings, tiny_ir, monkeypatch, instance_key) -> None:
    running = InstanceServer()
    assert running.listen()
    handed: list[list[str]] = []
    running.open_requested.connect(handed.append)
    (w,) = run_app_windows(qtbot, monkeypatch, ["--new-instance", str(tiny_ir)])
    qtbot.waitUntil(lambda: w.document is not None, timeout=30000)
    assert w.document.path == tiny_ir and handed == []
    running.close()


def test_drop_of_bin_without_its_xml_says_so(qtbot, qt_settings, tmp_path) -> None:
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    orphan = tmp_path / "weights only.bin"
    orphan.write_bytes(b"\0" * 64)
    with qtbot.waitSignal(w.load_failed, timeout=30000):
        assert drop_files(w, [orphan])
    assert "weights only.bin is a weights file with no model beside it" in w.error_box.text()
    assert w.document is None


def test_first_file_from_outside_replaces_the_start_up_sample(qtbot, manager, tiny_ir, if_ir) -> None:
    manager.open_sample()
    manager.open_path(tiny_ir)  # e.g. macOS: Finder's open event arrives while the sample is still loading
    (w,) = manager.windows
    qtbot.waitUntil(lambda: w.document is not None and not w.is_loading(), timeout=30000)
    assert w.document.path == tiny_ir
    manager.open_path(if_ir)  # the user's model is never replaced: a second window opens
    assert len(manager.windows) == 2
    qtbot.waitUntil(lambda: manager.windows[1].document is not None, timeout=30000)
    assert _docs(manager) == [tiny_ir, if_ir]


def test_handoff_requests_are_checked() -> None:
    from ovexplorer.ui.shell.single_instance import decode_request, encode_request

    paths = ["/a b/modèle 模型.xml", "C:\\Users\\x\\m.xml"]
    assert decode_request(encode_request(paths).strip()) == paths
    for garbage in (b"\xff\xfe", b"not json", b'{"open": "x.xml"}', b'{"open": [1, 2]}', b"[]", b'{"exec": "rm"}'):
        assert decode_request(garbage) is None
