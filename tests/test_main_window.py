"""The main window, driven as a user would: open a model, see its summary, drop files, see errors."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from qt_helpers import drop_files, run_app_windows

from ovexplorer.ui.shell.main_window import MainWindow


def _open(qtbot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(path)


def test_open_shows_summary(qtbot, window: MainWindow, tiny_ir: Path) -> None:
    _open(qtbot, window, tiny_ir)
    text = window.summary_panel.text()
    assert "tiny" in text
    assert "Operations\t5 (5 types)" in text or "5 (5 types)" in text
    assert "[1,3,8,8]" in text and "[1,4,8,8]" in text
    assert "108" in text  # parameters
    assert window.windowTitle().startswith("tiny.xml")
    assert window.recent_files()[0] == str(tiny_ir.resolve())
    assert window.save_as_action.isEnabled()


def test_load_error_shows_dialog_and_window_stays_usable(qtbot, window: MainWindow, tiny_ir: Path, tmp_path) -> None:
    bad = tmp_path / "picture.xml"
    bad.write_text("<svg/>")
    with qtbot.waitSignal(window.load_failed, timeout=30000):
        window.open_path(bad)
    box = window.error_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "picture.xml" in box.text() and "<svg>" in box.text()
    box.close()
    _open(qtbot, window, tiny_ir)
    assert "[1,3,8,8]" in window.summary_panel.text()


def test_drop_model_file_opens_it(qtbot, window: MainWindow, tiny_ir: Path) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        assert drop_files(window, [tiny_ir.with_suffix(".bin")])  # a .bin opens its .xml
    assert window.document is not None and window.document.path == tiny_ir


def test_drop_of_unrelated_file_is_refused(qtbot, window: MainWindow, tmp_path: Path) -> None:
    other = tmp_path / "notes.docx"
    other.write_bytes(b"x")
    assert not drop_files(window, [other])
    assert window.document is None and window.runner.running == 0


def test_ctrl_o_opens_file_dialog(qtbot, window: MainWindow, tiny_ir: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tiny_ir), ""))
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.document.path == tiny_ir


def test_recent_menu_reopens(qtbot, window: MainWindow, tiny_ir: Path, if_ir: Path) -> None:
    _open(qtbot, window, tiny_ir)
    _open(qtbot, window, if_ir)
    actions = window.recent_menu.actions()
    assert [a.toolTip() for a in actions[:2]] == [str(if_ir.resolve()), str(tiny_ir.resolve())]
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        actions[1].trigger()
    assert window.document.path.resolve() == tiny_ir.resolve()


def test_no_argument_start_opens_regression_sample(qtbot, qt_settings, monkeypatch) -> None:
    from ovexplorer.resources import sample_model

    (w,) = run_app_windows(qtbot, monkeypatch, [])
    qtbot.waitUntil(lambda: w.document is not None, timeout=30000)
    assert w.document.path == sample_model("regression")
    assert "regression" in w.summary_panel.text()
