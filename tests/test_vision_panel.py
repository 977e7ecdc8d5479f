"""The Answers tab driven as a user would: drop a picture on a vision model's input, read the boxes in the table
and on the picture, move the threshold, hover and click boxes, pick another task, drop a labels file, export,
save the setup as IR; and what a user sees when Model API is missing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from models_vision import EXPECTED_128, make_detector_ir, make_scores_classifier_ir, make_segmenter_ir
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from qt_helpers import drop_files
from run_helpers import drop_on_window, fill_picture, open_in

from ovexplorer.ui.shell.main_window import MainWindow

WINDOW_SIZE = (1400, 860)



def open_vision(qtbot, window: MainWindow, path: Path):
    """Open a model in the window and wait until the Answers tab has looked at it (in a worker)."""
    run = open_in(qtbot, window, path)
    panel = window.vision_panel
    qtbot.waitUntil(lambda: run.document is not None and panel.state.model is run.document.model, timeout=30000)
    return run

def answered(qtbot, window: MainWindow, timeout: int = 30000):
    panel = window.vision_panel
    qtbot.waitUntil(lambda: (panel.task is not None and panel.task.done and panel.state.answer is not None)
                    or panel.message.isVisible(), timeout=timeout)
    return panel


def table_rows(panel) -> list[list[str]]:
    t = panel.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_missing_model_api_is_said_in_the_answers_tab(qtbot, window: MainWindow, tmp_path: Path,
                                                     monkeypatch) -> None:
    for name in [m for m in sys.modules if m == "model_api" or m.startswith("model_api.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "model_api", None)
    open_vision(qtbot, window, make_detector_ir(tmp_path / "det.xml"))
    panel = window.vision_panel
    assert panel.message.text() == ("OpenVINO Model API (openvino-model-api) is not installed: "
                                    "pip install 'ovexplorer[vision]'")
    assert not panel.form.isEnabled()


def test_answers_tab_is_shown_only_for_models_a_picture_can_feed(qtbot, window: MainWindow, tmp_path: Path) -> None:
    """A language model (token ids in) showed the vision Answers tab beside its outputs; it appears for a picture
    input only, and comes back when a vision model is opened after it."""
    import openvino as ov
    from openvino import opset13 as ops

    ids = ops.parameter([1, -1], ov.Type.i64, name="input_ids")
    ov.save_model(ov.Model([ops.result(ops.convert(ids, "f32"))], [ids], "tokens"), tmp_path / "tokens.xml")
    run = open_vision(qtbot, window, tmp_path / "tokens.xml")
    tabs = run.side_tabs
    assert [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)] == ["Outputs", "Tensors"]
    run = open_vision(qtbot, window, make_detector_ir(tmp_path / "det.xml"))
    assert [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)] == ["Outputs", "Answers", "Tensors"]


pytest.importorskip("model_api", reason="OpenVINO Model API (ovexplorer[vision]) is not installed")


def test_dropped_picture_is_answered_with_boxes_table_and_hover(qtbot, window: MainWindow, tmp_path: Path) -> None:
    run = open_vision(qtbot, window, make_detector_ir(tmp_path / "det.xml"))
    panel = window.vision_panel
    assert panel.form.task_combo.currentText() == "Detection" and panel.form.wrapper_combo.currentText() == "YOLOv8"
    assert panel.form.reason.text() == "rt_info model_info/model_type is YOLOv8"
    assert "3 names for 3 classes, from rt_info model_info/labels" == panel.form.labels_label.text()
    drop_on_window(qtbot, window, fill_picture(tmp_path / "gray.png", QColor(100, 100, 100), (128, 128)))
    answered(qtbot, window)
    assert run.side_tabs.currentWidget() is panel  # the Answers tab came forward
    rows = table_rows(panel)
    assert [(r[0], r[2]) for r in rows] == [(n, ", ".join(map(str, b))) for n, b in EXPECTED_128[0.25]]
    assert [r[1] for r in rows] == ["0.900", "0.600", "0.300"]
    assert panel.summary.text().startswith("3 boxes: cat, bird, dog — YOLOv8; inference")
    drawn = panel.drawn
    from ovexplorer.core.vision.draw import class_color

    assert tuple(drawn[48, 24]) == class_color(0) and tuple(drawn[5, 5]) == (100, 100, 100)
    # the slider redraws without inference: the dog (0.3) goes at 0.5
    runs = panel.task
    panel.slider.setValue(50)
    assert panel.task is runs and [r[0] for r in table_rows(panel)] == ["cat", "bird"]
    assert panel.last_draw_ms < 30
    assert tuple(panel.drawn[100, 44]) == (100, 100, 100)  # where the dog's box was
    # hover the cat: its values in a tooltip; a click selects its row; a row selects its box
    view = panel.view
    target = view.to_widget((30, 48, 30, 48)).topLeft().toPoint()
    qtbot.mouseMove(view, target)
    qtbot.waitUntil(lambda: view.hovered == 0)
    assert view.box_text(0) == "cat (class 0)\nscore 0.900\nbox 24, 40 – 56, 56 (32×16)"
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.to_widget((80, 70, 80, 70)).topLeft().toPoint())
    assert panel.state.selected == 1 and panel.table.selectionModel().selectedRows()[0].row() == 1
    panel.table.selectRow(0)
    assert panel.state.selected == 0
    # lower than what was decoded: decoded again in a worker (no inference), the dog is back
    panel.slider.setValue(20)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=10000)
    assert panel.state.answer.floor == pytest.approx(0.2)


def test_exports_and_save_as_ir_with_the_setup(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from ovexplorer.core.vision.config import config_for

    open_vision(qtbot, window, make_detector_ir(tmp_path / "det.xml", model_info=False))
    panel = window.vision_panel
    assert panel.form.reason.text().startswith("output [1, 7, 64] is [1, 4 + classes, candidates]")
    (tmp_path / "names.txt").write_text("ant\nbee\ncow\n")
    assert drop_files(panel, [tmp_path / "names.txt"])  # a labels file dropped on the tab
    assert panel.form.labels_label.text() == "3 names for 3 classes, from names.txt"
    drop_on_window(qtbot, window, fill_picture(tmp_path / "gray.png", QColor(100, 100, 100), (128, 128)))
    answered(qtbot, window)
    assert [r[0] for r in table_rows(panel)] == ["ant", "cow", "bee"]
    for name in ("out.png", "out.json", "out.csv"):
        task = panel.export(tmp_path / name)
        qtbot.waitUntil(lambda t=task: t.done, timeout=10000)
        qtbot.waitUntil(lambda n=name: panel.summary.text() == f"Saved {tmp_path / n}")
    from PySide6.QtGui import QImage

    assert QImage(str(tmp_path / "out.png")).size().width() == 128
    assert [b["name"] for b in json.loads((tmp_path / "out.json").read_text())["boxes"]] == ["ant", "cow", "bee"]
    assert (tmp_path / "out.csv").read_text().splitlines()[1].startswith("0,ant,0.900000,24,40,56,56")
    task = panel.save_ir(window.run_panel.document, tmp_path / "configured.xml")
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    import openvino as ov

    back = config_for(ov.Core().read_model(tmp_path / "configured.xml"))
    assert back.wrapper == "YOLOv8" and back.labels == ("ant", "bee", "cow") and back.reason == (
        "rt_info model_info/model_type is YOLOv8")


def test_wrong_task_says_why_in_one_line_and_raw_outputs_stay(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from run_helpers import run

    run_panel = open_vision(qtbot, window, make_detector_ir(tmp_path / "det.xml"))
    panel = window.vision_panel
    drop_on_window(qtbot, window, fill_picture(tmp_path / "gray.png", QColor(100, 100, 100), (128, 128)))
    answered(qtbot, window)
    panel.form.task_combo.setCurrentIndex(panel.form.task_combo.findData("instance-segmentation"))
    qtbot.waitUntil(lambda: panel.message.isVisible(), timeout=30000)
    assert panel.message.text().startswith("YOLO-seg does not fit this model: ") and "\n" not in panel.message.text()
    assert panel.table.rowCount() == 0 and tuple(panel.drawn[48, 24]) == (100, 100, 100)  # the plain picture
    run(qtbot, run_panel)  # the raw tensor is still there in the Outputs tab
    assert run_panel.outputs.result.outputs["output0"].shape == (1, 7, 64)
    panel.form.task_combo.setCurrentIndex(panel.form.task_combo.findData("detection"))
    answered(qtbot, window)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=30000)
    assert not panel.message.isVisible()


def test_labels_file_with_wrong_count_is_refused(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_vision(qtbot, window, make_scores_classifier_ir(tmp_path / "cls.xml"))
    panel = window.vision_panel
    (tmp_path / "four.txt").write_text("a\nb\nc\nd\n")
    assert drop_files(panel, [tmp_path / "four.txt"])
    assert panel.message.text() == "four.txt has 4 class names but the model has 5 classes."
    (tmp_path / "five.txt").write_text("a\nb\nc\nd\ne\n")
    assert drop_files(panel, [tmp_path / "five.txt"])
    drop_on_window(qtbot, window, fill_picture(tmp_path / "gray.png", QColor(100, 100, 100), (32, 32)))
    answered(qtbot, window)
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=30000)
    assert table_rows(panel)[0] == ["c", "0.6000"] and panel.summary.text().startswith("top class: c (0.600)")
    legend = [text for text, _ in panel.view.legend()]
    assert legend[:3] == ["c  0.600", "d  0.200", "b  0.100"] and sorted(legend[3:]) == ["a  0.050", "e  0.050"]


def test_segmentation_map_drawn_with_legend_colours(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from ovexplorer.core.vision.draw import MASK_ALPHA, class_color

    open_vision(qtbot, window, make_segmenter_ir(tmp_path / "seg.xml"))
    panel = window.vision_panel
    assert panel.form.task_combo.currentText() == "Semantic segmentation"
    drop_on_window(qtbot, window, fill_picture(tmp_path / "gray.png", QColor(100, 100, 100), (128, 128)))
    answered(qtbot, window)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=30000)
    assert table_rows(panel) == [["class 0", "8,192", "50.0 %"], ["class 1", "4,096", "25.0 %"],
                                 ["class 2", "4,096", "25.0 %"]]
    blend = tuple(round(100 * (1 - MASK_ALPHA) + c * MASK_ALPHA) for c in class_color(2))  # (rounded)
    assert tuple(panel.drawn[100, 100]) == blend  # bottom-right quarter: class 2's colour over the picture
    assert tuple(panel.drawn[100, 20]) == (100, 100, 100)  # background (class 0) is not painted
    assert panel.table.item(2, 0).background().color().getRgb()[:3] == class_color(2)
    # the legend over the picture names the painted classes (class 0, the background, is not painted)
    assert panel.view.legend() == [("class 1", class_color(1)), ("class 2", class_color(2))]


def test_answering_never_blocks_the_window(qtbot, window: MainWindow, tmp_path: Path) -> None:
    """Compile, inference and decoding run in a worker: the event loop keeps turning while a picture is answered
    by a 320 x 320 YOLOv8-style head with 2,100 candidates (the drawing is the UI thread's only part)."""
    from ui_stall import StallMeter

    open_vision(qtbot, window, make_detector_ir(tmp_path / "det.xml", size=320, candidates=2100))
    panel = window.vision_panel
    picture = np.random.default_rng(0).integers(0, 255, (480, 640, 3), dtype=np.uint8)
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=30000)  # the model's opening work has settled
    qtbot.wait(200)  # and its results are painted
    with StallMeter() as meter:
        panel.set_picture(picture, "noise")
        answered(qtbot, window)
    assert [d.name for d in panel.state.boxes] == ["cat", "bird", "dog"]
    assert meter.longest_ms < 100, meter.summary()


def test_picture_dropped_right_after_opening_is_answered(qtbot, window: MainWindow, tmp_path: Path) -> None:
    """The task is guessed in a worker: a picture dropped before that finished is answered once it has."""
    run = open_in(qtbot, window, make_detector_ir(tmp_path / "det.xml"))  # no wait for the Answers tab
    panel = window.vision_panel
    panel.set_picture(np.full((128, 128, 3), 100, np.uint8), "gray")
    answered(qtbot, window)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=30000)
    assert run.side_tabs.currentWidget() is panel and panel.state.image_name == "gray"


def test_a_picture_model_without_a_wrapper_says_why_and_lets_a_task_be_picked(qtbot, window: MainWindow,
                                                                            tmp_path: Path) -> None:
    """A YOLOv8-pose export (no Model API wrapper) greyed the whole form out without a word; it now says why, the
    thresholds stay off, and the task chooser stays usable for a model the guess did not recognise."""
    import openvino as ov
    from openvino import opset13 as ops

    def save(shape: tuple[int, ...], name: str, model_type: str | None) -> Path:
        image = ops.parameter([1, 3, 32, 32], ov.Type.f32, name="images")
        total = ops.reduce_sum(image, ops.constant(np.array([1, 2, 3], np.int64)), True)
        out = ops.add(ops.reshape(total, ops.constant(np.ones(len(shape), np.int64)), False),
                      ops.constant(np.zeros(shape, np.float32)))
        model = ov.Model([ops.result(out)], [image], name)
        if model_type:
            model.set_rt_info(model_type, ["model_info", "model_type"])
            model.set_rt_info("person", ["model_info", "labels"])
        ov.save_model(model, tmp_path / f"{name}.xml")
        return tmp_path / f"{name}.xml"

    open_vision(qtbot, window, save((1, 4 + 1 + 17 * 3, 21), "pose", "YOLO"))
    panel = window.vision_panel
    form = panel.form
    assert form.reason.text() == ("This is an Ultralytics pose model (1 class and 17 keypoints per box), which "
                                  "OpenVINO Model API has no wrapper for: its raw outputs are in the Tensors tab.")
    assert form.reason.isEnabled() and form.task_combo.isEnabled()
    assert not form.confidence.isEnabled() and not form.labels_button.isEnabled()
    assert form.task_combo.currentIndex() == -1 and form.wrapper_combo.count() == 0

    open_vision(qtbot, window, save((1, 5, 7, 3, 2), "unknown", None))  # an output no wrapper reads
    assert form.reason.text().startswith("No task recognised from the model's outputs or rt_info: pick a task")
    form.task_combo.setCurrentIndex(form.task_combo.findData("classification"))
    assert panel.state.config is not None and panel.state.config.wrapper == "Classification"
    assert form.wrapper_combo.currentText() == "Classification" and form.labels_button.isEnabled()


def test_a_large_pictures_answer_is_drawn_in_a_worker(qtbot, window: MainWindow, tmp_path: Path) -> None:
    """A photo's class map (or 50 masks) drawn at 12 megapixels took 1.5-6 s on the UI thread; above ~2 MP the
    drawing goes to a worker and the picture shown is the one drawn for the latest threshold and selection."""
    from ovexplorer.core.vision.draw import DRAW_INLINE_PIXELS, MASK_ALPHA, class_color

    open_vision(qtbot, window, make_segmenter_ir(tmp_path / "seg.xml"))
    panel = window.vision_panel
    size = (2400, 1600)
    assert size[0] * size[1] > DRAW_INLINE_PIXELS
    drop_on_window(qtbot, window, fill_picture(tmp_path / "big.png", QColor(100, 100, 100), size))
    answered(qtbot, window)
    assert panel.draw_task is not None  # drawn in a worker
    blend = tuple(round(100 * (1 - MASK_ALPHA) + c * MASK_ALPHA) for c in class_color(2))
    qtbot.waitUntil(lambda: panel.drawn is not None and panel.drawn.shape[:2] == (1600, 2400)
                    and tuple(panel.drawn[1500, 2300]) == blend, timeout=30000)
    assert tuple(panel.drawn[1500, 100]) == (100, 100, 100)  # background (class 0) is not painted
