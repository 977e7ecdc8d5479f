"""The Run panel driven as a user would: type values, drop real files on rows and on the window, press F5,
read the numbers shown; every bad input gives one message and changes nothing else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from models_run import make_classifier_ir, make_dynamic_ir, make_linear_ir
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from run_helpers import (
    drop_on_row,
    drop_on_window,
    fill_picture,
    huge_png_header,
    open_in,
    output_text,
    run,
    run_fails,
)

from ovexplorer.core.run.inputs import ImagePreprocess
from ovexplorer.ui.run.devices_view import SETTINGS_KEY, DevicePicker
from ovexplorer.ui.shell.main_window import MainWindow


@pytest.fixture
def linear(tmp_path: Path) -> Path:
    return make_linear_ir(tmp_path / "linear.xml")


@pytest.fixture
def dynamic(tmp_path: Path) -> Path:
    return make_dynamic_ir(tmp_path / "dynamic.xml")


@pytest.fixture
def colours(tmp_path: Path) -> Path:
    return make_classifier_ir(tmp_path / "colours.xml")


def test_typed_values_run_with_f5_and_ctrl_r(qtbot, window: MainWindow, linear: Path) -> None:
    panel = open_in(qtbot, window, linear)
    assert panel.table.item(0, 0).text() == "x" and panel.table.item(0, 3).text() == "NC"
    assert panel.source_combo(0).currentData() == "values" and panel.data_edit(0).text() == "0, 0"
    edit = panel.data_edit(0)
    edit.clear()
    qtbot.keyClicks(edit, "2, 3")
    edit.editingFinished.emit()
    run(qtbot, panel, "F5")
    assert panel.last_inputs["x"].tolist() == [[2.0, 3.0]]
    text = output_text(panel)
    assert "[[19.]]" in text and "Inference on CPU" in text and " ms" in text
    assert "Compiled for CPU in" in panel.status_label.text()
    panel.set_values("x", "1 1")
    run(qtbot, panel, "Ctrl+R")
    assert "[[8.]]" in output_text(panel)


def test_zeros_ones_and_seeded_random(qtbot, window: MainWindow, linear: Path) -> None:
    panel = open_in(qtbot, window, linear)
    combo = panel.source_combo(0)
    combo.setCurrentIndex(combo.findData("ones"))
    run(qtbot, panel)
    assert "[[8.]]" in output_text(panel)
    combo.setCurrentIndex(combo.findData("zeros"))
    run(qtbot, panel)
    assert "[[1.]]" in output_text(panel)
    combo.setCurrentIndex(combo.findData("random"))
    assert panel.random_box.isVisible()
    run(qtbot, panel)
    first = panel.outputs.result.outputs["y"].copy()
    run(qtbot, panel)
    assert np.array_equal(first, panel.outputs.result.outputs["y"])  # seeded: the same data again
    panel.seed_spin.setValue(7)
    run(qtbot, panel)
    assert not np.array_equal(first, panel.outputs.result.outputs["y"])
    panel.dist_combo.setCurrentText("normal")
    assert panel.low_label.text() == "Mean" and panel.rows[0].source.distribution == "normal"


def test_npy_and_raw_dropped_on_row(qtbot, window: MainWindow, linear: Path, tmp_path: Path) -> None:
    panel = open_in(qtbot, window, linear)
    npy = tmp_path / "two_three.npy"
    np.save(npy, np.array([[2.0, 3.0]], np.float32))
    drop_on_row(qtbot, panel, 0, npy)
    assert panel.source_combo(0).currentData() == "file"
    assert panel.data_edit(0).text() == "two_three.npy  (float32 [1,2])"
    run(qtbot, panel)
    assert "[[19.]]" in output_text(panel)
    raw = tmp_path / "ones.raw"
    np.ones(2, np.float32).tofile(raw)
    drop_on_row(qtbot, panel, 0, raw)
    run(qtbot, panel)
    assert "[[8.]]" in output_text(panel)


def test_npz_and_csv_dropped_on_window_go_to_the_inputs_they_fit(
    qtbot, window: MainWindow, dynamic: Path, tmp_path: Path
) -> None:
    panel = open_in(qtbot, window, dynamic)
    window.show_panel(window.summary_panel)
    npz = tmp_path / "both.npz"
    np.savez(npz, ids=np.array([4, 5]), data=np.ones((3, 3), np.float32))
    drop_on_window(qtbot, window, npz)
    assert window.tabs.currentWidget() is panel  # the drop brought the Run tab forward
    assert [r.source.kind for r in panel.rows] == ["file", "file"]
    assert panel.shape_edit(0).text() == "3,3"  # the array's shape set the dynamic shape
    run(qtbot, panel)
    assert "[3,3]" in output_text(panel) and "[5, 6]" in output_text(panel, "ids_out")
    csv = tmp_path / "rows.csv"
    csv.write_text("1,2,3\n4,5,6\n")
    drop_on_window(qtbot, window, csv)
    assert panel.rows[0].source.kind == "file" and panel.shape_edit(0).text() == "2,3"
    run(qtbot, panel)
    assert "[[ 2.,  4.,  6.]" in output_text(panel)
    raw = tmp_path / "lone.bin"  # a .bin with no .xml beside it is a raw tensor, not a model
    np.array([7, 8], np.int64).tofile(raw)
    drop_on_window(qtbot, window, raw)
    assert window.document.path == dynamic and panel.rows[1].source.path == str(raw)
    run(qtbot, panel)
    assert "[8, 9]" in output_text(panel, "ids_out")


def test_dynamic_shape_editor_validates(qtbot, window: MainWindow, dynamic: Path) -> None:
    panel = open_in(qtbot, window, dynamic)
    assert panel.shape_edit(0).placeholderText() == "[?,3]"
    assert "set its shape first" in run_fails(qtbot, panel)
    assert not panel.set_shape("data", "2,5")
    assert "dimension 1 cannot be 5" in panel.message.text()
    assert panel.set_shape("data", "4,3")
    assert panel.message.isHidden()
    panel.set_values("ids", "1, 2")
    run(qtbot, panel)
    assert panel.outputs.result.outputs["doubled"].shape == (4, 3)


def test_picture_dropped_shows_thumbnail_and_top_class(qtbot, window: MainWindow, colours: Path,
                                                       tmp_path: Path) -> None:
    panel = open_in(qtbot, window, colours)
    assert panel.table.item(0, 3).text() == "NCHW"
    picture = fill_picture(tmp_path / "red.png", QColor(200, 0, 0))
    drop_on_window(qtbot, window, picture)
    assert not panel.table.item(0, 6).icon().isNull()
    assert panel.data_edit(0).text() == "red.png  (24 x 16 picture)"
    assert panel.image_box.isVisible()
    run(qtbot, panel)
    panel.outputs.select_output("scores")
    assert panel.outputs.top_labels() == ["red", "green", "blue"]
    panel.order_combo.setCurrentText("BGR")  # the preprocessing editor
    run(qtbot, panel)
    panel.outputs.select_output("scores")
    assert panel.outputs.top_labels()[0] == "blue"
    panel.set_preprocess("image", ImagePreprocess(mean=(100, 0, 0), scale=(2, 1, 1)))
    run(qtbot, panel)
    panel.outputs.select_output("scores")
    assert panel.outputs.result.outputs["scores"][0].tolist() == pytest.approx([50.0, 0.0, 0.0], rel=1e-3)
    panel.outputs.softmax.setChecked(True)
    assert panel.outputs.top_table.item(0, 2).text() == "1"


def test_image_view_channels_and_save_npy(qtbot, window: MainWindow, colours: Path, tmp_path: Path,
                                          monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    panel = open_in(qtbot, window, colours)
    drop_on_row(qtbot, panel, 0, fill_picture(tmp_path / "green.png", QColor(0, 255, 0)))
    run(qtbot, panel)
    view = panel.outputs
    view.select_output("feature")
    assert view.image_box.isVisible() and not view.top_box.isVisible()
    assert view.channel.maximum() == 2 and "of 3 (NCHW)" in view.channel.suffix()
    assert not view.image_label.pixmap().isNull()
    view.channel.setValue(1)
    target = tmp_path / "saved" / "feature.npy"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    view.save_button.click()
    saved = np.load(target)
    assert saved.shape == (1, 3, 8, 8) and saved[0, 1].min() == 1.0
    assert "Saved" in panel.message.text()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("wrong_shape.npy", lambda p: np.save(p, np.zeros((1, 3), np.float32)),
         r"wrong_shape.npy holds float32 [1,3]; input x expects [1,2] f32"),
        ("objects.npy", lambda p: np.save(p, np.array([None, {}], dtype=object), allow_pickle=True),
         "objects.npy holds Python objects"),
        ("empty.npy", lambda p: p.write_bytes(b""), "empty.npy is empty (0 bytes)"),
        ("corrupt.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\ngarbage"), "corrupt.png cannot be decoded"),
        ("huge.png", lambda p: huge_png_header(p, 30000, 20000), "huge.png is 30000 x 20000 pixels"),
        ("short.bin", lambda p: p.write_bytes(b"\0" * 4), "short.bin holds 4 bytes; input x expects [1,2] f32 = 8"),
        ("words.csv", lambda p: p.write_text("2, three"), "'three' is not a number"),
    ],
)
def test_bad_file_dropped_on_row_changes_nothing(
    qtbot, window: MainWindow, linear: Path, tmp_path: Path, name: str, make, message: str
) -> None:
    panel = open_in(qtbot, window, linear)
    panel.set_values("x", "2, 3")
    bad = tmp_path / name
    make(bad)
    drop_on_row(qtbot, panel, 0, bad, ok=False)
    assert message in panel.message.text() and panel.message.isVisible()
    assert panel.rows[0].source.kind == "values" and panel.data_edit(0).text() == "2, 3"  # nothing changed
    run(qtbot, panel)
    assert "[[19.]]" in output_text(panel)


def test_wrong_dtype_keeps_the_other_inputs(qtbot, window: MainWindow, dynamic: Path, tmp_path: Path) -> None:
    panel = open_in(qtbot, window, dynamic)
    panel.set_shape("data", "1,3")
    panel.set_values("ids", "4, 5")
    floats = tmp_path / "floats.npy"
    np.save(floats, np.array([1.5, 2.5]))
    drop_on_row(qtbot, panel, 1, floats, ok=False)
    assert "floats.npy holds float64 [2]; input ids expects [2] i64" in panel.message.text()
    assert panel.rows[1].source.text == "4, 5" and panel.shape_edit(0).text() == "1,3"
    assert not panel.set_values("ids", "1")
    assert "Typed values for ids: 1 number, but input ids expects 2" in panel.message.text()
    assert panel.data_edit(1).text() == "4, 5"
    run(qtbot, panel)
    assert "[5, 6]" in output_text(panel, "ids_out")


def test_picture_on_a_non_image_model_is_refused(qtbot, window: MainWindow, linear: Path, tmp_path: Path) -> None:
    panel = open_in(qtbot, window, linear)
    drop_on_window(qtbot, window, fill_picture(tmp_path / "pic.png", QColor(0, 0, 0)), ok=False)
    assert "pic.png is a picture, but no input looks like an image (x [1,2] f32)" in panel.message.text()


def test_failing_compile_shows_device_message_and_app_stays_usable(qtbot, window: MainWindow, linear: Path) -> None:
    panel = open_in(qtbot, window, linear)
    window.device_picker.set_device("NOPE")
    message = run_fails(qtbot, panel)
    assert message.startswith("NOPE could not compile linear:") and "not registered" in message
    assert panel.status_label.text() == "Not compiled" and not panel.busy.isVisible()
    window.device_picker.set_device("CPU")
    panel.set_values("x", "2, 3")
    run(qtbot, panel)
    assert "[[19.]]" in output_text(panel)


def test_compile_button_and_options(qtbot, window: MainWindow, linear: Path, tmp_path: Path) -> None:
    panel = open_in(qtbot, window, linear)
    panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("THROUGHPUT"))
    panel.precision_combo.setCurrentIndex(panel.precision_combo.findData("f32"))
    panel.streams_spin.setValue(2)
    opts = panel.options()
    assert (opts.performance_hint, opts.precision_hint, opts.num_streams) == ("THROUGHPUT", "f32", 2)
    with qtbot.waitSignal(panel.compiled, timeout=30000) as blocker:
        panel.compile_button.click()
    assert blocker.args[0].options == opts and panel.session is blocker.args[0]
    assert "Compiled for CPU in" in panel.status_label.text()
    with qtbot.waitSignal(panel.session_changed, timeout=5000):
        panel.streams_spin.setValue(1)  # options changed: the session is dropped
    assert panel.session is None


def test_device_picker_is_remembered_and_properties_dialog(qtbot, window: MainWindow) -> None:
    picker = window.device_picker
    qtbot.waitUntil(lambda: bool(picker.devices), timeout=20000)
    assert picker.findData("CPU") >= 0 and picker.findData("AUTO") >= 0
    picker.setCurrentIndex(picker.findData("AUTO"))
    assert QSettings().value(SETTINGS_KEY) == "AUTO"
    again = DevicePicker()
    qtbot.addWidget(again)
    assert again.current_device() == "AUTO"
    qtbot.waitUntil(lambda: bool(again.devices), timeout=20000)
    assert again.current_device() == "AUTO"  # still AUTO once the list is read
    picker.setCurrentIndex(picker.findData("CPU"))
    dialog = window.run_panel.show_device_properties()
    qtbot.waitUntil(lambda: bool(dialog.properties), timeout=20000)
    assert dialog.value_of("FULL_DEVICE_NAME") and "supported properties" in dialog.status.text()
    dialog.filter.setText("PERFORMANCE_HINT")
    table = dialog.table
    visible = [table.item(r, 0).text() for r in range(table.rowCount()) if not table.isRowHidden(r)]
    assert "PERFORMANCE_HINT" in visible and "FULL_DEVICE_NAME" not in visible
    dialog.close()


def test_file_source_from_the_dialog_and_txt_numbers(qtbot, window: MainWindow, linear: Path, tmp_path: Path,
                                                     monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    panel = open_in(qtbot, window, linear)
    txt = tmp_path / "numbers.txt"
    txt.write_text("2\n3\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(txt), ""))
    combo = panel.source_combo(0)
    with qtbot.waitSignal(panel.inputs_changed, timeout=20000):
        combo.setCurrentIndex(combo.findData("file"))  # choosing "File" asks for one
    qtbot.waitUntil(lambda: panel._loads == 0, timeout=20000)
    assert panel.data_edit(0).text() == "numbers.txt  (float32 [1,2])"
    run(qtbot, panel)
    assert "[[19.]]" in output_text(panel)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))  # cancelled: nothing changes
    panel.open_button.click()
    assert panel.rows[0].source.path == str(txt)


def test_new_shape_rereads_a_raw_file_or_changes_nothing(qtbot, window: MainWindow, dynamic: Path,
                                                         tmp_path: Path) -> None:
    panel = open_in(qtbot, window, dynamic)
    panel.set_shape("data", "2,3")
    raw = tmp_path / "six.raw"
    np.arange(6, dtype=np.float32).tofile(raw)
    drop_on_row(qtbot, panel, 0, raw)
    assert panel.rows[0].tensor.shape == (2, 3) and panel.shape_edit(0).text() == "2,3"
    with qtbot.waitSignal(panel.failed, timeout=20000):
        panel.set_shape("data", "1,3")  # the file is read again for [1,3]: 24 bytes do not fit
    qtbot.waitUntil(lambda: panel._loads == 0, timeout=20000)
    assert "six.raw holds 24 bytes; input data expects [1,3] f32 = 12 bytes" in panel.message.text()
    assert panel.rows[0].tensor.shape == (2, 3) and panel.shape_edit(0).text() == "2,3"  # nothing changed
    assert panel.rows[0].source.path == str(raw)
    panel.set_values("ids", "0, 0")
    run(qtbot, panel)
    assert panel.outputs.result.outputs["doubled"].tolist() == [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]
