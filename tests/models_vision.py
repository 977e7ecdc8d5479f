"""Vision models built in code whose heads answer exactly what the tests expect: a YOLOv8-style detector with
known boxes, a semantic-segmentation head with a known class map, a classifier with known scores.

Each output is a constant plus 0 x (a reduction of the picture), so it is a real function of the input that
OpenVINO computes, and the decoded answer is known to the pixel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops

DETECTOR_LABELS = ("cat", "dog", "bird")
#: (cx, cy, w, h, class, score) at the detector's 64 x 64 input; the 4th overlaps the 1st (NMS drops it).
DETECTOR_BOXES = ((20, 24, 16, 8, 0, 0.9), (44, 40, 12, 20, 2, 0.6), (32, 52, 20, 8, 1, 0.3), (21, 24, 16, 8, 0, 0.5))
#: The boxes a 128 x 128 picture gets (x1, y1, x2, y2): twice the input's, NMS applied.
EXPECTED_128 = {0.25: [("cat", (24, 40, 56, 56)), ("bird", (76, 60, 100, 100)), ("dog", (44, 96, 84, 112))],
                0.5: [("cat", (24, 40, 56, 56)), ("bird", (76, 60, 100, 100))]}


def _save(model: ov.Model, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path


def _constant_head(x: ov.Node, values: np.ndarray, name: str) -> ov.Node:
    zero = ops.multiply(ops.reduce_mean(x, ops.constant(np.array([1, 2, 3], np.int64)), keep_dims=False),
                        ops.constant(np.float32(0.0)))
    shape = [1] * values.ndim
    out = ops.add(ops.constant(values.astype(np.float32)), ops.reshape(zero, ops.constant(np.array(shape, np.int64)),
                                                                       False))
    out.output(0).get_tensor().set_names({name})
    return out


def detector_output(candidates: int = 64, boxes: tuple = DETECTOR_BOXES) -> np.ndarray:
    out = np.zeros((1, 4 + len(DETECTOR_LABELS), candidates), np.float32)
    out[0, 4:, :] = 0.001
    for i, (cx, cy, w, h, cls, score) in enumerate(boxes):
        out[0, :4, i] = (cx, cy, w, h)
        out[0, 4 + cls, i] = score
    return out


def make_detector_ir(path: Path, *, model_info: bool = True, size: int = 64, candidates: int = 64,
                     boxes: tuple = DETECTOR_BOXES) -> Path:
    """``images`` [1,3,S,S] -> ``output0`` [1, 4+3, N] (YOLOv8 layout) with ``boxes`` (:data:`DETECTOR_BOXES`);
    with ``model_info`` its rt_info says model_type YOLOv8 and the labels cat dog bird."""
    x = ops.parameter([1, 3, size, size], ov.Type.f32, name="images")
    model = ov.Model([ops.result(_constant_head(x, detector_output(candidates, boxes), "output0"))], [x], "detector")
    if model_info:
        model.set_rt_info("YOLOv8", ["model_info", "model_type"])
        model.set_rt_info(" ".join(DETECTOR_LABELS), ["model_info", "labels"])
        model.set_rt_info("0.25", ["model_info", "confidence_threshold"])
    return _save(model, path)


def segmentation_logits(size: int = 32) -> np.ndarray:
    """3-class logits: class 1 in the top-left quarter, class 2 in the bottom-right one, class 0 elsewhere."""
    logits = np.zeros((1, 3, size, size), np.float32)
    logits[0, 0] = 1.0
    h = size // 2
    logits[0, 1, :h, :h] = 5.0
    logits[0, 2, h:, h:] = 5.0
    return logits


def make_segmenter_ir(path: Path, size: int = 32) -> Path:
    """``image`` [1,3,S,S] -> ``logits`` [1,3,S,S] at the input's resolution (no rt_info: the graph says)."""
    x = ops.parameter([1, 3, size, size], ov.Type.f32, name="image")
    return _save(ov.Model([ops.result(_constant_head(x, segmentation_logits(size), "logits"))], [x], "segmenter"),
                 path)


CLASSIFIER_SCORES = (0.05, 0.1, 0.6, 0.2, 0.05)


def make_scores_classifier_ir(path: Path, size: int = 16) -> Path:
    """``image`` [1,3,S,S] -> ``prob`` [1,5] = :data:`CLASSIFIER_SCORES` (top class: index 2)."""
    x = ops.parameter([1, 3, size, size], ov.Type.f32, name="image")
    head = _constant_head(x, np.array([CLASSIFIER_SCORES], np.float32), "prob")
    return _save(ov.Model([ops.result(head)], [x], "classifier"), path)


#: Keypoints (x, y) at the SimCC head's 64 x 64 input.
KEYPOINTS_64 = ((10, 20), (30, 40), (50, 12))


def make_simcc_ir(path: Path, size: int = 64) -> Path:
    """``image`` [1,3,S,S] -> ``simcc_x`` [1,3,2S], ``simcc_y`` [1,3,2S] (SimCC, split ratio 2) peaking at
    :data:`KEYPOINTS_64`."""
    x = ops.parameter([1, 3, size, size], ov.Type.f32, name="image")
    sx = np.zeros((1, len(KEYPOINTS_64), 2 * size), np.float32)
    sy = np.zeros_like(sx)
    for k, (px, py) in enumerate(KEYPOINTS_64):
        sx[0, k, 2 * px] = 1.0
        sy[0, k, 2 * py] = 1.0
    outs = [ops.result(_constant_head(x, sx, "simcc_x")), ops.result(_constant_head(x, sy, "simcc_y"))]
    return _save(ov.Model(outs, [x], "keypoints"), path)


def make_anomaly_ir(path: Path, size: int = 32) -> Path:
    """``image`` [1,3,S,S] -> ``anomaly_map`` [1,1,S,S]: 0.9 in the square [8:16, 20:28], 0 elsewhere; rt_info
    model_type AnomalyDetection (as anomalib exports say)."""
    x = ops.parameter([1, 3, size, size], ov.Type.f32, name="image")
    amap = np.zeros((1, 1, size, size), np.float32)
    amap[0, 0, 8:16, 20:28] = 0.9
    model = ov.Model([ops.result(_constant_head(x, amap, "anomaly_map"))], [x], "anomaly")
    model.set_rt_info("AnomalyDetection", ["model_info", "model_type"])
    return _save(model, path)
