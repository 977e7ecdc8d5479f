"""``ovexplorer run MODEL --task ...``: decoded answers on the command line (text and JSON), --annotate,
--labels, and the one-line errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from models_vision import EXPECTED_128, make_detector_ir, make_segmenter_ir

from ovexplorer.cli import main


def test_missing_model_api_is_one_line_with_the_install_command(tmp_path: Path, monkeypatch, capsys) -> None:
    import sys

    for name in [m for m in sys.modules if m == "model_api" or m.startswith("model_api.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "model_api", None)
    model = make_detector_ir(tmp_path / "det.xml")
    assert main(["run", str(model), "--task", "detection", "--input", "image=photo.png"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("OpenVINO Model API (openvino-model-api) is not installed: pip install 'ovexplorer[vision]'")
    assert len(err.splitlines()) == 1


pytest.importorskip("model_api", reason="OpenVINO Model API (ovexplorer[vision]) is not installed")


@pytest.fixture
def gray(tmp_path: Path) -> Path:
    import cv2

    path = tmp_path / "gray.png"
    cv2.imwrite(str(path), np.full((128, 128, 3), 100, np.uint8))
    return path


def test_detection_json_and_annotated_png(tmp_path: Path, gray: Path, capsys) -> None:
    model = make_detector_ir(tmp_path / "det.xml", model_info=False)
    assert main(["run", str(model), "--task", "detection", "--input", f"image={gray}", "--threshold", "0.5",
                 "--annotate", str(tmp_path / "a.png"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(b["name"], tuple(b["box"])) for b in report["boxes"]] == [
        ("class 0", EXPECTED_128[0.5][0][1]), ("class 2", EXPECTED_128[0.5][1][1])]
    assert report["raw_outputs"] == {"output0": [1, 7, 64]} and report["annotated"] == str(tmp_path / "a.png")
    import cv2

    from ovexplorer.core.vision.draw import class_color

    drawn = cv2.imread(str(tmp_path / "a.png"))[:, :, ::-1]
    assert tuple(drawn[48, 24]) == class_color(0) and tuple(drawn[5, 5]) == (100, 100, 100)


def test_text_output_with_labels_and_auto_task(tmp_path: Path, gray: Path, capsys) -> None:
    model = make_detector_ir(tmp_path / "det.xml", model_info=False)
    (tmp_path / "names.txt").write_text("ant\nbee\ncow\n")
    assert main(["run", str(model), "--task", "auto", "--labels", str(tmp_path / "names.txt"),
                 "--input", str(gray)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("det.xml: YOLOv8 (output [1, 7, 64] is [1, 4 + classes, candidates]")
    assert out[1:] == ["3 boxes: ant, cow, bee", "  ant  0.900  box 24, 40, 56, 56",
                       "  cow  0.600  box 76, 60, 100, 100", "  bee  0.300  box 44, 96, 84, 112"]


def test_segmentation_class_pixels(tmp_path: Path, gray: Path, capsys) -> None:
    model = make_segmenter_ir(tmp_path / "seg.xml")
    assert main(["run", str(model), "--task", "segmentation", "--input", f"image={gray}", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["class_pixels"] == {"class 0": 8192, "class 1": 4096, "class 2": 4096}


def test_errors_are_one_line_exit_2(tmp_path: Path, gray: Path, capsys) -> None:
    model = make_detector_ir(tmp_path / "det.xml")
    (tmp_path / "two.txt").write_text("a\nb\n")
    assert main(["run", str(model), "--task", "detection", "--labels", str(tmp_path / "two.txt"),
                 "--input", str(gray)]) == 2
    assert capsys.readouterr().err.strip().endswith("two.txt has 2 class names but the model has 3 classes.")
    assert main(["run", str(model), "--task", "detection"]) == 2
    assert "--task needs one picture: --input image=photo.jpg" in capsys.readouterr().err
    assert main(["run", str(model), "--task", "instance-segmentation", "--input", str(gray)]) == 2
    err = capsys.readouterr().err.strip()
    assert "YOLO-seg does not fit this model:" in err and len(err.splitlines()) == 1
