"""Picture preprocessing pre-filled from the model (issue 14): Model API rt_info keys, the input's layout and
Ultralytics' imgsz / scale 255 / RGB, each with where it came from. No Qt here."""

from __future__ import annotations

from pathlib import Path

import openvino as ov
from models_run import make_picture_ir

from ovexplorer.core.model.document import open_model
from ovexplorer.core.run.inputs import ImagePreprocess
from ovexplorer.core.run.picture_defaults import picture_defaults, sized_shape
from ovexplorer.core.run.ports import model_inputs


def _found(path: Path, input_layout: str = ""):
    doc = open_model(path)
    spec = model_inputs(doc.model)[0]
    return spec, picture_defaults(doc.graph.rt_info, spec, doc.path, input_layout)


def test_model_api_keys_as_saved_and_read_back(tmp_path: Path) -> None:
    info = {"mean_values": "123.675 116.28 103.53", "scale_values": "58.395 57.12 57.375",
            "reverse_input_channels": False, "layout": "images:NCHW", "resize_type": "standard"}
    _, found = _found(make_picture_ir(tmp_path / "m.xml", [1, 3, 8, 8], info))
    pre = found.preprocess
    assert pre.mean == (123.675, 116.28, 103.53) and pre.scale == (58.395, 57.12, 57.375)
    assert pre.channel_order == "BGR" and pre.layout == "NCHW" and found.size is None
    assert found.origin == ("from the model's rt_info model_info (mean_values, scale_values, "
                            "reverse_input_channels, layout, resize_type standard)")


def test_ultralytics_scale_255_rgb_and_imgsz_from_metadata_yaml(tmp_path: Path) -> None:
    info = {"model_type": "YOLO", "reverse_input_channels": True, "scale_values": [255.0],
            "resize_type": "fit_to_window_letterbox"}
    path = make_picture_ir(tmp_path / "yolo" / "best.xml", [-1, 3, -1, -1], info)
    (path.parent / "metadata.yaml").write_text("description: Ultralytics YOLO model\nimgsz:\n- 32\n- 48\nnames:\n")
    spec, found = _found(path)
    assert found.preprocess.scale == (255.0,) * 3 and found.preprocess.channel_order == "RGB"
    assert found.size == (32, 48)
    assert "size 48 x 32 from metadata.yaml imgsz" in found.origin and "(stretched here)" in found.origin
    assert sized_shape(spec, "NCHW", found.size) == (1, 3, 32, 48)
    assert sized_shape(spec, "NHWC", found.size) is None  # 48 channels would not fit [?,3,?,?]


def test_ultralytics_without_scale_key_still_gets_255_and_rt_info_imgsz(tmp_path: Path) -> None:
    path = make_picture_ir(tmp_path / "y.xml", [1, 3, 8, 8], {"model_type": "YOLOv8", "imgsz": "640"})
    _, found = _found(path)
    assert found.preprocess.scale == (255.0,) * 3 and found.size == (640, 640)
    assert "scale 255 and RGB as Ultralytics models take" in found.origin
    assert found.origin.endswith("; defaults for mean 0, layout from the shape")


def test_nothing_said_gives_the_defaults_and_says_so(tmp_path: Path) -> None:
    _, found = _found(make_picture_ir(tmp_path / "p.xml", [1, 3, 8, 8], {"labels": "a b c"}))
    assert found.preprocess == ImagePreprocess() and found.size is None
    assert found.origin.startswith("defaults")
    _, found = _found(make_picture_ir(tmp_path / "q.xml", [1, 8, 8, 3]), input_layout=str(ov.Layout("NHWC")))
    assert found.preprocess.layout == "NHWC" and "layout NHWC from the input's own layout" in found.origin


def test_unreadable_values_are_left_at_the_defaults(tmp_path: Path) -> None:
    info = {"mean_values": "a b c", "scale_values": "0", "reverse_input_channels": "maybe", "layout": "??"}
    _, found = _found(make_picture_ir(tmp_path / "bad.xml", [1, 3, 8, 8], info))
    assert found.preprocess == ImagePreprocess() and found.origin.startswith("defaults")
