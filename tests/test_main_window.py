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
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=30000)  # the device list is read at start-up
    assert not drop_files(window, [other])
    assert window.document is None and window.runner.running == 0


def test_drop_export_folder_opens_its_model(qtbot, window: MainWindow, tiny_ir: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(tiny_ir, folder / "openvino_model.xml")
    shutil.copy(tiny_ir.with_suffix(".bin"), folder / "openvino_model.bin")
    (folder / "openvino_tokenizer.xml").write_text("<net/>")  # beside the model, not a candidate
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        assert drop_files(window, [folder])
    assert window.document is not None and window.document.path == folder / "openvino_model.xml"
    assert "[1,3,8,8]" in window.summary_panel.text()


def test_drop_folder_with_one_ir_opens_it(qtbot, window: MainWindow, tiny_ir: Path) -> None:
    assert [p.name for p in tiny_ir.parent.glob("*.xml")] == [tiny_ir.name]
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        assert drop_files(window, [tiny_ir.parent])
    assert window.document is not None and window.document.path == tiny_ir


def test_drop_folder_without_model_names_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "cat.png").write_bytes(b"x")
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=30000)  # the device list is read at start-up
    assert not drop_files(window, [folder])
    overlay = window.drops.overlay
    assert "pictures" in overlay.text and "no model" in overlay.text
    assert window.document is None and window.runner.running == 0


def test_drop_folder_with_several_irs_lists_them(qtbot, window: MainWindow, tiny_ir: Path, if_ir: Path,
                                                 tmp_path: Path) -> None:
    assert tiny_ir.parent == if_ir.parent == tmp_path
    assert not drop_files(window, [tmp_path])
    text = window.drops.overlay.text
    assert "2 models" in text and tiny_ir.name in text and if_ir.name in text
    assert window.document is None


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


def test_an_export_folders_generic_file_name_is_titled_with_its_folder(qtbot, window: MainWindow,
                                                                        tmp_path: Path) -> None:
    """optimum-intel names every model openvino_model.xml (and OpenVINO numbers it Model0): the window and the
    Inspector said "openvino_model" for every language model; the folder now names it."""
    import shutil

    from ovexplorer.core.model.document import file_title

    folder = tmp_path / "llama_int4"
    shutil.copytree(Path(__file__).parent / "data" / "text" / "llama_int4", folder)
    _open(qtbot, window, folder / "openvino_model.xml")
    assert window.windowTitle() == "llama_int4/openvino_model.xml — ovexplorer"
    assert window.document.name == "llama_int4/openvino_model"
    assert file_title(tmp_path / "resnet" / "resnet18.xml") == "resnet18"  # a file's own name stays as it is
