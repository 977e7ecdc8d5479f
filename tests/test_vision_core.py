"""Vision answers without Qt: task guesses, labels, the configuration saved in rt_info, Model API's decoding of
constructed heads (exact boxes, class map, classes), thresholds, exports, and the missing extra."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import numpy as np
import openvino as ov
import pytest
from models_vision import (
    CLASSIFIER_SCORES,
    EXPECTED_128,
    make_anomaly_ir,
    make_detector_ir,
    make_scores_classifier_ir,
    make_segmenter_ir,
    make_simcc_ir,
)

from ovexplorer.core.util.errors import InputError
from ovexplorer.core.vision.labels import _split, read_labels_file
from ovexplorer.core.vision.model_api import INSTALL, VisionUnavailable, require_model_api


def test_missing_model_api_names_the_package_and_the_install_command(monkeypatch, tmp_path: Path) -> None:
    for name in [m for m in sys.modules if m == "model_api" or m.startswith("model_api.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "model_api", None)  # import model_api raises ImportError
    with pytest.raises(VisionUnavailable) as err:
        require_model_api()
    assert "openvino-model-api" in err.value.message and INSTALL in err.value.message
    assert INSTALL == "pip install 'ovexplorer[vision]'"
    from ovexplorer.core.vision.vision_state import VisionState

    state = VisionState()
    state.open(ov.Core().read_model(make_detector_ir(tmp_path / "d.xml")))
    assert state.config is None and INSTALL in state.error


def test_labels_in_every_written_form(tmp_path: Path) -> None:
    assert _split("cat dog bird") == ["cat", "dog", "bird"]
    assert _split("cat, dog,bird") == ["cat", "dog", "bird"]
    assert _split("cat\nhot dog\nbird\n") == ["cat", "hot dog", "bird"]
    assert _split('["a b", "c"]') == ["a b", "c"]
    assert _split("{0: 'person', 1: 'bicycle', 10: 'x', 2: 'car'}") == ["person", "bicycle", "car", "x"]
    f = tmp_path / "names.txt"
    f.write_text("one\ntwo\nthree\nfour\n")
    assert read_labels_file(f, 4) == ["one", "two", "three", "four"]
    with pytest.raises(InputError) as err:
        read_labels_file(f, 5)
    assert err.value.message == "names.txt has 4 class names but the model has 5 classes."
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(InputError, match="holds no class names"):
        read_labels_file(tmp_path / "empty.txt")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(InputError, match="not UTF-8"):
        read_labels_file(tmp_path / "bin.txt")


model_api = pytest.importorskip("model_api", reason="OpenVINO Model API (ovexplorer[vision]) is not installed")

from ovexplorer.core.vision.answer import VisionModel  # noqa: E402
from ovexplorer.core.vision.config import config_for, store_config  # noqa: E402
from ovexplorer.core.vision.export import answer_csv, answer_dict, write_answer, write_png  # noqa: E402
from ovexplorer.core.vision.model_api import VisionError  # noqa: E402
from ovexplorer.core.vision.tasks import class_count, guess_task, no_wrapper_reason  # noqa: E402
from ovexplorer.core.vision.vision_state import VisionState, compute, redecode  # noqa: E402

GRAY = np.full((128, 128, 3), 100, np.uint8)


def read(path: Path) -> ov.Model:
    return ov.Core().read_model(path)


def boxes(answer, threshold):
    return [(d.name, d.box) for d in answer.visible(threshold)]


def test_detector_boxes_are_exact_and_a_threshold_filters_without_decoding(tmp_path: Path) -> None:
    model = read(make_detector_ir(tmp_path / "det.xml"))
    guess = guess_task(model)
    assert (guess.task, guess.wrapper, guess.from_model) == ("detection", "YOLOv8", True)
    config = config_for(model)
    assert config.labels == ("cat", "dog", "bird") and config.labels_origin == "rt_info model_info/labels"
    assert config.confidence == 0.25 and class_count(model, "YOLOv8") == 3
    vm = VisionModel(model, config)
    raw, answer = vm.answer(GRAY)
    assert list(raw.named) == ["output0"] and raw.named["output0"].shape == (1, 7, 64)  # the raw tensor is kept
    assert boxes(answer, 0.25) == EXPECTED_128[0.25]  # NMS dropped the overlapping 0.5 cat
    assert boxes(answer, 0.5) == EXPECTED_128[0.5]
    assert [round(d.score, 3) for d in answer.visible(0.25)] == [0.9, 0.6, 0.3]
    again = vm.decode(raw, 0.5)  # decoding at a higher floor gives what filtering gave
    assert boxes(again, 0.0) == EXPECTED_128[0.5] and again.floor == 0.5


def test_graph_guesses_without_rt_info(tmp_path: Path) -> None:
    det = guess_task(read(make_detector_ir(tmp_path / "d.xml", model_info=False)))
    assert (det.task, det.wrapper, det.from_model) == ("detection", "YOLOv8", False)
    assert "[1, 7, 64]" in det.reason
    seg = guess_task(read(make_segmenter_ir(tmp_path / "s.xml")))
    assert (seg.task, seg.wrapper) == ("segmentation", "Segmentation") and "3-class map" in seg.reason
    cls = guess_task(read(make_scores_classifier_ir(tmp_path / "c.xml")))
    assert (cls.task, cls.wrapper) == ("classification", "Classification")


def test_no_task_is_suggested_for_a_model_no_picture_can_feed() -> None:
    """A GRU over [?, ?, 20] features with [?, 5] scores was suggested 'classification' (and then refused a
    640x640 picture); a model without a picture input gets no vision task; the same head on a picture keeps it."""
    from openvino import opset13 as ops

    feats = ops.parameter([-1, -1, 20], ov.Type.f32, name="features")
    pooled = ops.reduce_mean(feats, ops.constant(np.array([1], np.int64)), False)
    scores = ops.matmul(pooled, ops.constant(np.ones((20, 5), np.float32)), False, False)
    assert guess_task(ov.Model([ops.result(scores)], [feats], "gru_like")) is None
    image = ops.parameter([1, 3, 8, 8], ov.Type.f32, name="image")
    flat = ops.reshape(ops.reduce_mean(image, ops.constant(np.array([1], np.int64)), False),
                       ops.constant(np.array([1, 64], np.int64)), False)
    logits = ops.matmul(flat, ops.constant(np.ones((64, 5), np.float32)), False, False)
    assert guess_task(ov.Model([ops.result(logits)], [image], "cnn_like")).task == "classification"


def _ultralytics_like(channels: int) -> ov.Model:
    from openvino import opset13 as ops

    image = ops.parameter([1, 3, 32, 32], ov.Type.f32, name="images")
    total = ops.reduce_sum(image, ops.constant(np.array([1, 2, 3], np.int64)), True)  # [1, 1, 1, 1]
    out = ops.add(ops.reshape(total, ops.constant(np.array([1, 1, 1], np.int64)), False),
                  ops.constant(np.zeros((1, channels, 21), np.float32)))
    model = ov.Model([ops.result(out)], [image], "yolo_like")
    model.set_rt_info("YOLO", ["model_info", "model_type"])
    model.set_rt_info("person", ["model_info", "labels"])
    return model


def test_an_ultralytics_pose_model_is_not_taken_for_a_detector() -> None:
    """YOLOv8n-pose ([1, 4 + 1 + 17 x 3, N], model_type YOLO, one label) was suggested YOLOv8 detection, which then
    refused it ('number of labels must be smaller than out_shape[1] by 4'); a detector of the same export keeps it."""
    pose = _ultralytics_like(4 + 1 + 17 * 3)
    assert guess_task(pose) is None
    assert "pose model (1 class and 17 keypoints per box)" in no_wrapper_reason(pose)
    detector = _ultralytics_like(4 + 1)
    assert guess_task(detector).wrapper == "YOLOv8" and no_wrapper_reason(detector) is None


def test_segmentation_class_map_is_exact(tmp_path: Path) -> None:
    model = read(make_segmenter_ir(tmp_path / "seg.xml"))
    answer = VisionModel(model, config_for(model)).answer(GRAY)[1]
    expected = np.zeros((128, 128), np.int32)
    expected[:64, :64] = 1
    expected[64:, 64:] = 2
    assert answer.task == "segmentation" and np.array_equal(answer.class_map, expected)
    assert answer.class_areas() == {0: 8192, 1: 4096, 2: 4096}


def test_classifier_top_k_with_labels(tmp_path: Path) -> None:
    model = read(make_scores_classifier_ir(tmp_path / "cls.xml"))
    config = config_for(model).with_changes(labels=("a", "b", "c", "d", "e"), topk=3)
    answer = VisionModel(model, config).answer(GRAY)[1]
    assert [c.name for c in answer.classes] == ["c", "d", "b"]
    assert [round(c.score, 4) for c in answer.classes] == [CLASSIFIER_SCORES[i] for i in (2, 3, 1)]


def test_wrong_wrapper_is_one_line(tmp_path: Path) -> None:
    model = read(make_detector_ir(tmp_path / "det.xml"))
    with pytest.raises(VisionError) as err:  # Model API takes a rank-3 output as an argmax'ed map: decoding fails
        VisionModel(model, config_for(model, wrapper="Segmentation")).answer(GRAY)
    assert err.value.message.startswith("Segmentation could not decode the outputs:")
    assert "\n" not in err.value.message
    with pytest.raises(VisionError) as err:
        VisionModel(model, config_for(model, wrapper="YOLO-seg"))
    assert err.value.message.startswith("YOLO-seg does not fit this model:") and "\n" not in err.value.message
    with pytest.raises(VisionError) as err:
        VisionModel(model, config_for(model, wrapper="keypoint_detection"))
    assert "does not fit this model" in err.value.message and "\n" not in err.value.message


def test_pictures_of_other_kinds_are_converted_or_refused(tmp_path: Path) -> None:
    model = read(make_detector_ir(tmp_path / "det.xml"))
    vm = VisionModel(model, config_for(model))
    sixteen = np.full((128, 128, 3), 100 * 257, np.uint16)
    gray = np.full((128, 128), 100, np.uint8)
    rgba = np.full((128, 128, 4), 100, np.uint8)
    for picture in (sixteen, gray, rgba):
        assert boxes(vm.answer(picture)[1], 0.25) == EXPECTED_128[0.25]
    with pytest.raises(VisionError, match=r"must be H x W x 3 \(RGB\); this one is \[2, 2, 2, 5\]"):
        vm.answer(np.zeros((2, 2, 2, 5), np.uint8))


def test_configuration_saved_in_rt_info_opens_configured(tmp_path: Path) -> None:
    model = read(make_detector_ir(tmp_path / "det.xml", model_info=False))
    config = config_for(model).with_changes(confidence=0.4, iou=0.6, labels=("x", "y", "z"), mean=(1.0, 2.0, 3.0),
                                            scale=(255.0,), resize_type="standard", reverse_input_channels=False)
    store_config(model, config)
    ov.save_model(model, str(tmp_path / "saved.xml"))
    again = read(tmp_path / "saved.xml")
    back = config_for(again)
    assert back.wrapper == "YOLOv8" and guess_task(again).from_model
    for field in ("confidence", "iou", "labels", "mean", "scale", "resize_type", "reverse_input_channels"):
        assert getattr(back, field) == getattr(config, field), field
    # Model API itself reads it: its own create_model picks the wrapper and the labels from the saved file.
    wrapper = model_api.models.Model.create_model(str(tmp_path / "saved.xml"), device="CPU", preload=False)
    assert type(wrapper).__name__ == "YOLOv8" and list(wrapper.params.labels) == ["x", "y", "z"]


def test_state_threshold_redraws_above_and_decodes_below_the_floor(tmp_path: Path) -> None:
    model = read(make_detector_ir(tmp_path / "det.xml"))
    state = VisionState()
    state.open(model)
    drawn = []
    state.answered.connect(lambda: drawn.append(len(state.boxes)))
    state.set_picture(GRAY, "gray.png")
    state.take(compute(state.model, state.config, GRAY, 0.5))
    assert drawn == [2] and state.answer.floor == 0.5
    assert state.set_threshold(0.7) is False and drawn == [2, 1]  # redraw only
    assert state.set_threshold(0.2) is True  # below what was decoded: decode again (no inference)
    state.take_decoded(redecode(state.vm, state.raw, state.threshold))
    assert drawn[-1] == 3 and [d.name for d in state.boxes] == ["cat", "bird", "dog"]
    assert state.box_at(30, 50) == 0 and state.box_at(5, 5) is None
    state.select(1)
    assert state.selected == 1
    # the compiled wrapper is reused while the setup stays, compiled again when it changes
    assert compute(state.model, state.config, GRAY, 0.5, "CPU", reuse=state.vm).model is state.vm
    changed = state.config.with_changes(iou=0.3)
    assert compute(state.model, changed, GRAY, 0.5, "CPU", reuse=state.vm).model is not state.vm


def test_labels_file_with_the_wrong_count_is_refused_with_both_counts(tmp_path: Path) -> None:
    state = VisionState()
    state.open(read(make_scores_classifier_ir(tmp_path / "cls.xml")))
    messages = []
    state.failed.connect(messages.append)
    (tmp_path / "four.txt").write_text("a\nb\nc\nd\n")
    assert state.load_labels(tmp_path / "four.txt") == "four.txt has 4 class names but the model has 5 classes."
    assert messages == ["four.txt has 4 class names but the model has 5 classes."] and state.config.labels == ()
    (tmp_path / "five.txt").write_text("a b c d e")
    assert state.load_labels(tmp_path / "five.txt") == ""
    assert state.config.labels == ("a", "b", "c", "d", "e") and state.config.labels_origin == "five.txt"


def test_exports_json_csv_png(tmp_path: Path) -> None:
    model = read(make_detector_ir(tmp_path / "det.xml"))
    answer = VisionModel(model, config_for(model)).answer(GRAY, 0.25)[1]
    d = answer_dict(answer, 0.5, "gray.png")
    assert [(b["name"], tuple(b["box"])) for b in d["boxes"]] == EXPECTED_128[0.5] and d["source"] == "gray.png"
    rows = list(csv.reader(io.StringIO(answer_csv(answer, 0.25))))
    assert rows[0] == ["label", "name", "score", "x1", "y1", "x2", "y2"]
    assert rows[1] == ["0", "cat", "0.900000", "24", "40", "56", "56"] and len(rows) == 4
    write_answer(tmp_path / "a.json", answer, 0.25)
    assert len(json.loads((tmp_path / "a.json").read_text())["boxes"]) == 3
    write_answer(tmp_path / "a.csv", answer, 0.25)
    assert (tmp_path / "a.csv").read_text().count("\n") == 4
    import cv2

    from ovexplorer.core.vision.draw import class_color, draw_answer

    picture = draw_answer(GRAY, answer, 0.25)
    write_png(tmp_path / "a.png", picture)
    back = cv2.imread(str(tmp_path / "a.png"))[:, :, ::-1]
    assert np.array_equal(back, picture)
    assert tuple(picture[48, 24]) == class_color(0)  # the cat box's left edge, in the cat's colour
    assert tuple(picture[80, 76]) == class_color(2)  # the bird box's left edge
    assert tuple(picture[5, 5]) == (100, 100, 100)  # outside every box: the picture


def test_models_without_a_picture_input_are_not_looked_at(tmp_path: Path) -> None:
    from models_run import make_language_ir, make_linear_ir

    from ovexplorer.core.vision.vision_state import Found, look_at

    assert look_at(read(make_linear_ir(tmp_path / "linear.xml"))) == Found()
    assert look_at(read(make_language_ir(tmp_path / "lm.xml"))) == Found()
    found = look_at(read(make_detector_ir(tmp_path / "det.xml")))
    assert found.guess.wrapper == "YOLOv8" and found.config.labels == ("cat", "dog", "bird") and not found.error


def test_keypoints_and_anomaly_maps_are_exact_and_drawn(tmp_path: Path) -> None:
    from ovexplorer.core.vision.draw import class_color, draw_answer

    kp_model = read(make_simcc_ir(tmp_path / "kp.xml"))
    guess = guess_task(kp_model)
    assert (guess.task, guess.wrapper) == ("keypoints", "keypoint_detection")
    answer = VisionModel(kp_model, config_for(kp_model)).answer(GRAY)[1]
    assert [(k.x, k.y) for k in answer.keypoints] == [(20.0, 40.0), (60.0, 80.0), (100.0, 24.0)]  # twice the input's
    assert all(k.score > 0.99 for k in answer.keypoints) and answer.summary(0.5) == "3 of 3 keypoints"
    drawn = draw_answer(GRAY, answer, 0.5)
    assert tuple(drawn[80, 60]) == class_color(1) and tuple(drawn[5, 5]) == (100, 100, 100)

    an_model = read(make_anomaly_ir(tmp_path / "an.xml"))
    config = config_for(an_model)
    assert config.wrapper == "AnomalyDetection" and config.labels == ("Normal", "Anomaly")
    answer = VisionModel(an_model, config).answer(GRAY)[1]
    assert (answer.anomaly_label, round(answer.anomaly_score, 3)) == ("Anomaly", 0.9)
    hot = np.argwhere(answer.anomaly_map > 128)
    assert hot.min(0).tolist() == [32, 80] and hot.max(0).tolist() == [63, 111]  # the square, 4 x the map's
    drawn = draw_answer(GRAY, answer, 0.5, legend=False)
    inside, outside = drawn[48, 96].astype(int), drawn[100, 20].astype(int)
    assert inside[0] > inside[2] and outside[2] > outside[0]  # red where anomalous, blue elsewhere (jet)


def test_graph_guesses_nms_and_yolox_layouts() -> None:
    import openvino.opset13 as ops

    x = ops.parameter([1, 3, 64, 64], ov.Type.f32, name="image")
    boxes = ops.constant(np.zeros((1, 10, 4), np.float32))
    scores = ops.constant(np.zeros((1, 2, 10), np.float32))
    nms = ops.non_max_suppression(boxes, scores, ops.constant(np.int64(5)))
    keep = ops.convert(nms.output(0), "f32")  # the selected boxes' indices (the picture input is not used)
    guess = guess_task(ov.Model([ops.result(keep)], [x], "nms"))
    assert (guess.task, guess.wrapper) == ("detection", "SSD") and "NonMaxSuppression" in guess.reason
    yolox = ops.add(ops.constant(np.zeros((1, 840, 85), np.float32)),
                    ops.reshape(ops.reduce_mean(x, ops.constant(np.array([1, 2, 3], np.int64))),
                                ops.constant(np.array([1, 1, 1], np.int64)), False))
    guess = guess_task(ov.Model([ops.result(yolox)], [x], "yolox"))
    assert (guess.task, guess.wrapper) == ("detection", "YOLOX") and "[1, 840, 85]" in guess.reason


def test_a_classifier_with_fewer_than_five_classes_shows_them_all() -> None:
    """Model API refuses a top-k larger than the class count ("kth out of bounds"): the default fits the model."""
    model = ov.Core().read_model(Path(__file__).resolve().parent.parent / "resources" / "samples" / "shapes.xml")
    config = config_for(model)
    assert config.topk == 3
    answer = VisionModel(model, config).answer(GRAY)[1]
    assert sorted(c.name for c in answer.classes) == ["circle", "square", "triangle"]


def test_a_model_type_model_api_does_not_know_is_not_looked_at() -> None:
    """The bundled regression sample says model_type "regression": no Model API wrapper, no picture input, so
    opening it must not import Model API and OpenCV (~0.2 s and 30 MB at every start with the sample)."""
    import subprocess
    import sys

    script = (
        "import sys, openvino as ov\n"
        "from ovexplorer.resources import sample_model\n"
        "from ovexplorer.core.vision.vision_state import Found, look_at\n"
        "m = ov.Core().read_model(str(sample_model('regression')))\n"
        "print(m.get_rt_info(['model_info', 'model_type']).astype(str), look_at(m) == Found(),\n"
        "      'cv2' in sys.modules, 'model_api' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["regression", "True", "False", "False"], out.stderr[-2000:]


def _brightness_segmenter(size: int = 64, stride: int = 1) -> ov.Model:
    """Class 1 where the picture's first channel is bright (> 0.5 after scale 255), else 0: a map that follows the
    picture, at the input's resolution divided by ``stride``."""
    from openvino import opset13 as ops

    x = ops.parameter([1, 3, size, size], ov.Type.f32, name="image")
    first = ops.slice(x, np.array([0]), np.array([1]), np.array([1]), np.array([1]))  # [1, 1, S, S]
    if stride > 1:
        first = ops.avg_pool(first, [stride, stride], [0, 0], [0, 0], [stride, stride], True)
    half = ops.constant(np.float32(0.5))
    logits = ops.concat([ops.subtract(half, first), ops.subtract(first, half)], 1)
    logits.output(0).get_tensor().set_names({"logits"})
    return ov.Model([ops.result(logits)], [x], "brightness")


@pytest.mark.parametrize("resize_type", ["fit_to_window_letterbox", "fit_to_window", "standard"])
@pytest.mark.parametrize("stride", [1, 4])
def test_a_segmentation_map_lies_on_a_padded_picture(resize_type: str, stride: int) -> None:
    """Model API's Segmentation stretched the whole map, padding included, over a picture of another shape than the
    input: with a letterbox the mask of a wide picture came out squashed and shifted. It now lies on the picture."""
    from ovexplorer.core.vision.config import VisionConfig

    picture = np.zeros((60, 160, 3), np.uint8)  # wide: a letterbox pads it above and below
    picture[10:40, 20:70] = 255
    picture[30:55, 100:150] = 255
    config = VisionConfig(wrapper="Segmentation", scale=(255.0,), mean=(0.0,), resize_type=resize_type)
    answer = VisionModel(_brightness_segmenter(stride=stride), config).answer(picture)[1]
    truth = (picture[:, :, 0] > 127).astype(np.int32)
    assert answer.class_map.shape == truth.shape
    agree = float(np.mean(answer.class_map == truth))
    assert agree >= (0.97 if stride == 1 else 0.9), agree


def test_the_picture_region_follows_model_apis_resize() -> None:
    from ovexplorer.core.vision.picture_region import picture_region

    assert picture_region("fit_to_window_letterbox", (64, 64), (60, 160)) == (20, 44, 0, 64)  # 24 rows, centred
    assert picture_region("fit_to_window", (64, 64), (60, 160)) == (0, 24, 0, 64)  # at the top left
    assert picture_region("fit_to_window_letterbox", (64, 64), (100, 100)) is None  # same shape: no padding
    assert picture_region("standard", (64, 64), (60, 160)) is None and picture_region(None, (64, 64), (1, 2)) is None


@pytest.mark.parametrize("stride", [1, 4])
@pytest.mark.parametrize("shape", [(60, 160), (160, 60)])
def test_a_segmentation_map_of_a_crop_resize_lies_on_the_centre_the_model_saw(stride: int,
                                                                              shape: tuple[int, int]) -> None:
    """With ``crop`` resize the model sees the centre of a picture of another shape, and Model API stretched that
    centre's map over the whole picture. The map now lies on the centre; the rest is background and marked unseen."""
    from ovexplorer.core.vision.config import VisionConfig
    from ovexplorer.core.vision.draw import UNSEEN_GREY, draw_answer, legend_rows
    from ovexplorer.core.vision.export import answer_dict

    rng = np.random.default_rng(3)
    picture = np.zeros((*shape, 3), np.uint8)
    for _ in range(6):  # bright blocks everywhere, inside and outside the centre
        y, x = int(rng.integers(0, shape[0] - 20)), int(rng.integers(0, shape[1] - 20))
        picture[y:y + 20, x:x + 20] = 255
    config = VisionConfig(wrapper="Segmentation", scale=(255.0,), mean=(0.0,), resize_type="crop")
    answer = VisionModel(_brightness_segmenter(stride=stride), config).answer(picture)[1]
    top, left, h, w = answer.seen
    assert (h, w) == (60, 60) and (top, left) == ((0, 50) if shape == (60, 160) else (50, 0))
    truth = (picture[:, :, 0] > 127).astype(np.int32)
    assert answer.class_map.shape == truth.shape
    inside = answer.class_map[top:top + h, left:left + w] == truth[top:top + h, left:left + w]
    assert float(np.mean(inside)) >= (0.97 if stride == 1 else 0.9)
    outside = answer.class_map.copy()
    outside[top:top + h, left:left + w] = 0
    assert not outside.any()  # nothing claimed where the model did not look
    drawn = draw_answer(picture, answer, 0.5, legend=False)
    out_y, out_x = (30, 10) if shape == (60, 160) else (10, 30)  # a pixel in the strip the model did not see
    expected = np.round(0.4 * picture[out_y, out_x].astype(float) + 0.6 * 128).tolist()
    assert np.abs(drawn[out_y, out_x].astype(float) - expected).max() <= 1  # greyed
    in_y, in_x = np.argwhere(answer.class_map[top + 1:top + h - 1, left + 1:left + w - 1] == 0)[0] + (top + 1, left + 1)
    assert drawn[in_y, in_x].tolist() == picture[in_y, in_x].tolist()  # the seen background is left as it is
    assert ("grey: not seen by the model (crop resize)", UNSEEN_GREY) in legend_rows(answer, 0.5)
    assert answer_dict(answer, 0.5)["seen"] == {"top": top, "left": left, "height": h, "width": w}
    assert sum(answer.class_areas().values()) == h * w


def test_an_anomaly_map_of_a_crop_resize_lies_on_the_centre_and_leaves_the_rest_grey(tmp_path: Path) -> None:
    from dataclasses import replace

    from ovexplorer.core.vision.draw import draw_answer

    model = read(make_anomaly_ir(tmp_path / "an.xml"))
    config = replace(config_for(model), resize_type="crop")
    wide = np.full((128, 256, 3), 100, np.uint8)
    answer = VisionModel(model, config).answer(wide)[1]
    assert answer.seen == (0, 64, 128, 128) and answer.anomaly_map.shape == (128, 256)
    hot = np.argwhere(answer.anomaly_map > 128)
    assert hot.min(0).tolist() == [32, 64 + 80] and hot.max(0).tolist() == [63, 64 + 111]  # not stretched sideways
    drawn = draw_answer(wide, answer, 0.5, legend=False)
    assert np.abs(drawn[100, 10].astype(int) - round(0.4 * 100 + 0.6 * 128)).max() <= 1  # grey, no heat colour
    inside = drawn[48, 64 + 96].astype(int)
    assert inside[0] > inside[2]  # red where anomalous


def test_an_answer_about_the_centre_is_moved_onto_the_whole_picture() -> None:
    from ovexplorer.core.vision.picture_region import centre_crop, place_in_picture
    from ovexplorer.core.vision.results import Detection, Keypoint, VisionAnswer

    assert centre_crop((64, 64), (60, 160)) == (0, 50, 60, 60)
    assert centre_crop((32, 64), (100, 100)) == (25, 0, 50, 100)  # a wide input: rows cut above and below
    assert centre_crop((224, 224), (100, 100)) is None and centre_crop((64, 32), (129, 64)) is None
    mask = np.zeros((60, 60), bool)
    mask[5:10, 5:10] = True
    about_centre = VisionAnswer("instance-segmentation", "MaskRCNNModel", (60, 60), 0.1,
                                detections=(Detection(1, "cat", 0.9, (5, 5, 9, 9), mask),),
                                keypoints=(Keypoint(0, 3.0, 4.0, 0.8),))
    whole = place_in_picture(about_centre, (0, 50, 60, 60), (60, 160))
    assert whole.image_size == (60, 160) and whole.seen == (0, 50, 60, 60)
    assert whole.detections[0].box == (55, 5, 59, 9)
    assert whole.detections[0].mask.shape == (60, 160) and whole.detections[0].mask[5:10, 55:60].all()
    assert int(whole.detections[0].mask.sum()) == 25
    assert (whole.keypoints[0].x, whole.keypoints[0].y) == (53.0, 4.0)


SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"


def _rgb(path: Path) -> np.ndarray:
    import cv2

    return np.ascontiguousarray(cv2.imread(str(path))[:, :, ::-1])


def test_a_classifier_made_after_a_yolo_wrapper_answers_as_it_does_alone(tmp_path: Path) -> None:
    """Model API's wrappers share their parameter defaults and YOLO's change them in place: a classifier made after
    a YOLOv8 wrapper in the same process letterboxed its pictures and called the circle a triangle."""
    pytest.importorskip("model_api")
    from ovexplorer.core.vision.answer import VisionModel
    from ovexplorer.core.vision.vision_state import look_at

    core = ov.Core()
    detector = core.read_model(make_detector_ir(tmp_path / "det.xml"))
    VisionModel(detector, look_at(detector).config)
    shapes = core.read_model(SAMPLES / "shapes.xml")
    config = look_at(shapes).config
    for name in ("circle", "square", "triangle"):
        _, answer = VisionModel(shapes, config).answer(_rgb(SAMPLES / "images" / f"{name}.png"))
        assert answer.classes[0].name == name
