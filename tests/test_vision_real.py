"""Real vision models that pip packages ship, answering real photos, end to end in the window:

- nudenet's ``320n.onnx`` (MIT): an Ultralytics YOLOv8n detector (18 classes, names in its rt_info); on
  scikit-image's ``astronaut`` photo the face is boxed as FACE_FEMALE;
- rapidocr's ``PP-OCRv6_det_small.onnx`` (Apache-2.0): PaddleOCR's text detector (a one-channel probability map,
  semantic segmentation), on scikit-image's ``text`` photo of handwritten formulas.

The weights are read from the installed packages (the test extra installs them); nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from run_helpers import drop_on_window
from test_vision_panel import answered as vision_answered
from test_vision_panel import open_vision

from ovexplorer.ui.shell.main_window import MainWindow

pytest.importorskip("model_api", reason="OpenVINO Model API (ovexplorer[vision]) is not installed")
skimage_data = pytest.importorskip("skimage.data", reason="scikit-image (the test extra) is not installed")

WINDOW_SIZE = (1400, 860)


def shipped(package: str, relative: str) -> Path:
    """A model file inside an installed package (found without importing the package)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"{package} (the test extra) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        pytest.skip(f"{package} does not ship {relative}")
    return path


def photo(tmp_path: Path, name: str) -> Path:
    import cv2

    image = getattr(skimage_data, name)()
    if image.ndim == 3:
        image = image[:, :, ::-1]
    path = tmp_path / f"{name}.png"
    assert cv2.imwrite(str(path), image)
    return path


def answered(qtbot, window: MainWindow):
    """The Answers tab's answer (a real model on the CPU may take a while under load); no refusal shown."""
    panel = vision_answered(qtbot, window, timeout=60000)
    assert not panel.message.isVisible(), panel.message.text()
    return panel


def test_nudenet_yolov8_boxes_the_astronauts_face(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_vision(qtbot, window, shipped("nudenet", "320n.onnx"))
    panel = window.vision_panel
    assert (panel.form.task_combo.currentText(), panel.form.wrapper_combo.currentText()) == ("Detection", "YOLOv8")
    assert panel.form.reason.text() == "rt_info framework/task is detect (an Ultralytics export)"
    assert panel.form.labels_label.text() == "18 names for 18 classes, from rt_info framework/names (Ultralytics)"
    assert panel.form.size_edit.text() == "320, 320"  # its imgsz: the dynamic input is reshaped to it
    drop_on_window(qtbot, window, photo(tmp_path, "astronaut"))
    answered(qtbot, window)
    face = panel.state.boxes[0]
    assert face.name == "FACE_FEMALE" and face.score > 0.5
    x1, y1, x2, y2 = face.box
    assert x1 < 224 < x2 and y1 < 130 < y2  # the middle of her face
    assert 60 < x2 - x1 < 160 and 60 < y2 - y1 < 160  # a face-sized box on the 512 x 512 photo
    assert panel.table.item(0, 0).text() == "FACE_FEMALE"


def test_ppocr_text_detection_paints_the_handwritten_lines(qtbot, window: MainWindow, tmp_path: Path) -> None:
    import cv2

    open_vision(qtbot, window, shipped("rapidocr", "models/PP-OCRv6_det_small.onnx"))
    panel = window.vision_panel
    assert panel.form.task_combo.currentText() == "Semantic segmentation"
    assert "1-class map at the input's resolution" in panel.form.reason.text()
    form = panel.form
    for edit, text in ((form.mean_edit, "123.675 116.28 103.53"), (form.scale_edit, "58.395 57.12 57.375"),
                       (form.size_edit, "256, 448")):  # PaddleOCR's normalisation, typed as a user would
        edit.clear()
        qtbot.keyClicks(edit, text)
        edit.editingFinished.emit()
    form.resize_combo.setCurrentIndex(form.resize_combo.findData("standard"))
    form.resize_combo.activated.emit(form.resize_combo.currentIndex())
    assert panel.state.config.input_size == (256, 448) and panel.state.config.resize_type == "standard"
    drop_on_window(qtbot, window, photo(tmp_path, "text"))
    panel = answered(qtbot, window)
    text = panel.state.answer.class_map == 1
    assert text.shape == (172, 448)
    _, _, stats, _ = cv2.connectedComponentsWithStats(text.astype(np.uint8))
    lines = [s for s in stats[1:] if s[cv2.CC_STAT_AREA] > 1000]
    assert len(lines) >= 3  # the three handwritten lines
    assert 0.1 < text.mean() < 0.5  # lines, not the whole page
    assert [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())] == ["class 0", "class 1"]


def test_cli_prints_the_nudenet_answer_and_draws_it(tmp_path: Path, capsys) -> None:
    from ovexplorer.cli import main

    model = shipped("nudenet", "320n.onnx")
    picture = photo(tmp_path, "astronaut")
    code = main(["run", str(model), "--task", "detection", "--input", f"images={picture}", "--threshold", "0.3",
                 "--annotate", str(tmp_path / "out.png"), "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["wrapper"] == "YOLOv8" and report["threshold"] == 0.3
    assert report["boxes"][0]["name"] == "FACE_FEMALE" and report["raw_outputs"] == {"output0": [1, 22, 2100]}
    import cv2

    assert cv2.imread(str(tmp_path / "out.png")).shape == (512, 512, 3)
