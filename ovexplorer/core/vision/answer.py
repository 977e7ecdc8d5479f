"""Run a Model API wrapper on a picture: its preprocessing (embedded in a copy of the model), inference, and its
post-processing, kept apart so the raw outputs stay visible and a new threshold decodes again without inferring.

The picture is an H x W x 3 uint8 RGB array; Model API takes pictures as OpenCV reads them (BGR) and its
``reverse_input_channels`` turns them to the model's order.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import openvino as ov
from openvino import opset13 as ops

from ovexplorer.core.util.errors import openvino_reason
from ovexplorer.core.vision.config import VisionConfig, needs_size
from ovexplorer.core.vision.model_api import (
    WRAPPER_LOCK,
    VisionError,
    make_adapter,
    pristine_defaults,
    require_model_api,
)
from ovexplorer.core.vision.picture_region import centre_crop, crop_maps, picture_region, place_in_picture
from ovexplorer.core.vision.results import ClassScore, Detection, Keypoint, VisionAnswer
from ovexplorer.core.vision.tasks import at_static_size

#: Below this, a box is never kept (a slider can go down to it without decoding again).
MIN_THRESHOLD = 0.01
#: Errors a wrapper raises for a model or picture it does not fit (its own WrapperError is an Exception).
_WRAPPER_ERRORS = (RuntimeError, ValueError, KeyError, IndexError, TypeError, AssertionError, AttributeError,
                   ZeroDivisionError)


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """One inference: the raw outputs (by Model API's keys, and by display name) and the preprocessing facts."""

    outputs: dict[Any, np.ndarray] = field(repr=False)
    named: dict[str, np.ndarray] = field(repr=False)
    meta: dict[str, Any] = field(repr=False)
    image_size: tuple[int, int]
    seconds: float
    #: ``(top, left, height, width)``: the centre of the picture given to Model API (``crop`` resize), or None
    crop: tuple[int, int, int, int] | None = None


def _one_line(exc: BaseException) -> str:
    text = openvino_reason(str(exc)) if str(exc) else type(exc).__name__
    if isinstance(exc, AssertionError):
        text = f"its output does not have the layout it expects ({str(exc) or 'assertion failed'})"
    return text.splitlines()[0] if text else type(exc).__name__


def _prepare(model: ov.Model, config: VisionConfig) -> ov.Model:
    """A copy of ``model`` at a static picture size (batch 1), with a one-channel probability map given a
    background channel (1 - p) so Model API's segmentation argmax applies."""
    h, w = config.input_size or (640, 640)
    static = at_static_size(model, (h, w))
    if static is None and needs_size(model):
        raise VisionError(f"The model cannot take a {w}x{h} picture (its input is {model.inputs[0].partial_shape}).")
    model = static if static is not None else model.clone()
    if config.task == "segmentation" and len(model.outputs) == 1:
        out = model.outputs[0]
        shape = out.get_partial_shape()
        if shape.rank.is_static and shape.rank.get_length() == 4 and shape[1].is_static and shape[1].get_length() == 1:
            old = model.get_results()[0]
            source = old.input_value(0)
            names = source.get_names() or {"probability"}
            source.get_tensor().set_names(set())
            p = ops.convert(source, "f32")
            both = ops.concat([ops.subtract(ops.constant(np.float32(1.0)), p), p], 1)
            both.output(0).get_tensor().set_names(names)
            result = ops.result(both)
            result.set_friendly_name(old.get_friendly_name())
            model = ov.Model([result], model.get_parameters(), model.get_friendly_name())
    return model


class VisionModel:
    """A Model API wrapper compiled on ``device`` for a copy of ``model``, configured by ``config``."""

    def __init__(self, model: ov.Model, config: VisionConfig, device: str = "CPU", core: ov.Core | None = None):
        models = require_model_api()
        self.config = config
        self.device = device
        self.task = config.task
        core = core or ov.Core()
        prepared = _prepare(model, config)
        self.output_names = [o.get_any_name() if o.get_names() else f"output{i}"
                             for i, o in enumerate(prepared.outputs)]
        try:
            cls = models.Model.get_model_class(config.wrapper)
            with WRAPPER_LOCK:  # the wrapper reads its defaults now (Model API shares them between wrappers)
                pristine_defaults()
                self.wrapper = cls(make_adapter(prepared, core, device), config.configuration(MIN_THRESHOLD),
                                   preload=True)
        except Exception as exc:
            raise VisionError(f"{config.wrapper} does not fit this model: {_one_line(exc)}", detail=str(exc)) from exc
        self._threshold = MIN_THRESHOLD

    def infer(self, image: np.ndarray) -> RawAnswer:
        """Preprocess (Model API's) and infer one RGB picture."""
        image = _as_rgb8(image)
        crop = self._centre_crop(image.shape[:2])
        seen = image if crop is None else image[crop[0]:crop[0] + crop[2], crop[1]:crop[1] + crop[3]]
        bgr = np.ascontiguousarray(seen[:, :, ::-1])
        start = time.perf_counter()
        try:
            inputs, meta = self.wrapper.base_preprocess(bgr)
            raw = self.wrapper.infer_sync(inputs)
        except Exception as exc:
            raise VisionError(f"{self.config.wrapper} could not run on the picture: {_one_line(exc)}",
                              detail=str(exc)) from exc
        seconds = time.perf_counter() - start
        outputs = {k: np.array(v, copy=True) for k, v in raw.items()}
        named = {}
        for i, (k, v) in enumerate(outputs.items()):
            named[k if isinstance(k, str) else (self.output_names[i] if i < len(self.output_names) else str(i))] = v
        return RawAnswer(outputs, named, dict(meta), (image.shape[0], image.shape[1]), seconds, crop)

    def _centre_crop(self, picture_hw: tuple[int, int]) -> tuple[int, int, int, int] | None:
        """Where ``crop`` resize cuts a picture of this size for a task whose answer lies on the picture (a
        classifier's does not: it is left to Model API)."""
        if self.task == "classification" or getattr(self.wrapper.params, "resize_type", None) != "crop":
            return None
        h, w = getattr(self.wrapper, "h", -1), getattr(self.wrapper, "w", -1)  # the model's input (ImageModel)
        if not (isinstance(h, int) and isinstance(w, int) and h > 0 and w > 0):
            return None
        return centre_crop((h, w), (int(picture_hw[0]), int(picture_hw[1])))

    def decode(self, raw: RawAnswer, threshold: float | None = None) -> VisionAnswer:
        """Model API's post-processing of ``raw``, keeping scores down to ``threshold`` (the config's by default)."""
        floor = max(MIN_THRESHOLD, float(threshold if threshold is not None else (self.config.confidence or 0.25)))
        params = self.wrapper.parameters()
        if "confidence_threshold" in params and floor != self._threshold:
            self.wrapper.set_param("confidence_threshold", floor)
            self._threshold = floor
        start = time.thread_time()  # this thread's CPU time: the decoding's own cost, not the UI's share of it
        try:
            result = self.wrapper.postprocess(self._picture_outputs(raw), dict(raw.meta))
            size = raw.image_size if raw.crop is None else (raw.crop[2], raw.crop[3])
            answer = convert(result, self.task, self.config.wrapper, size, self._labels(), floor)
            if raw.crop is not None:
                answer = place_in_picture(answer, raw.crop, raw.image_size)
        except Exception as exc:
            raise VisionError(f"{self.config.wrapper} could not decode the outputs: {_one_line(exc)}",
                              detail=str(exc)) from exc
        seconds = time.thread_time() - start
        return _timed(answer, raw.seconds, seconds)

    def _picture_outputs(self, raw: RawAnswer) -> dict:
        """The outputs Model API decodes; a segmentation map cut to where the picture lies in the input (Model API
        stretches the padding of ``fit_to_window[_letterbox]`` over the picture)."""
        outputs = dict(raw.outputs)
        if self.task != "segmentation":
            return outputs
        resized = raw.meta.get("resized_shape")  # (width, height, channels)
        if not resized or len(resized) < 2:
            return outputs
        input_hw = (int(resized[1]), int(resized[0]))
        region = picture_region(getattr(self.wrapper.params, "resize_type", None), input_hw, raw.image_size)
        return outputs if region is None else crop_maps(outputs, region, input_hw)

    def answer(self, image: np.ndarray, threshold: float | None = None) -> tuple[RawAnswer, VisionAnswer]:
        raw = self.infer(image)
        return raw, self.decode(raw, threshold)

    def _labels(self) -> tuple[str, ...]:
        try:
            labels = self.wrapper.get_param("labels")
        except Exception:  # noqa: BLE001 - a wrapper without labels
            labels = None
        return tuple(str(x) for x in labels) if labels else tuple(self.config.labels)


def _timed(answer: VisionAnswer, infer: float, decode: float) -> VisionAnswer:
    from dataclasses import replace

    return replace(answer, infer_seconds=infer, decode_seconds=decode)


def _as_rgb8(image: np.ndarray) -> np.ndarray:
    """An H x W x 3 uint8 picture from gray, RGBA or 16-bit ones (scaled); anything else refused in one line."""
    a = np.asarray(image)
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    if a.ndim != 3 or a.shape[2] not in (1, 3, 4) or a.shape[0] < 1 or a.shape[1] < 1:
        raise VisionError(f"The picture must be H x W x 3 (RGB); this one is {list(a.shape)}.")
    if a.shape[2] == 1:
        a = np.repeat(a, 3, axis=2)
    elif a.shape[2] == 4:
        a = a[:, :, :3]
    if a.dtype == np.uint16:
        a = (a >> 8).astype(np.uint8)
    elif a.dtype != np.uint8:
        if not np.issubdtype(a.dtype, np.number):
            raise VisionError(f"The picture's values are {a.dtype}, not numbers.")
        top = float(np.nanmax(a)) if a.size else 1.0
        a = np.clip(np.nan_to_num(a.astype(np.float32) * (255.0 if top <= 1.0 else 1.0)), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(a)


def _name(labels: tuple[str, ...], i: int, given: str | None = None) -> str:
    if given and not ((given.startswith("#") and given[1:].isdigit()) or given == "#"):  # Model API's "#3": no name
        return str(given)
    return labels[i] if 0 <= i < len(labels) else f"class {i}"


def convert(result: Any, task: str, wrapper: str, size: tuple[int, int], labels: tuple[str, ...],
            floor: float) -> VisionAnswer:
    """A Model API result as a :class:`VisionAnswer`."""
    models = require_model_api()
    h, w = size
    if isinstance(result, models.DetectionResult):
        names = list(result.label_names or [])
        masks = getattr(result, "masks", None) if isinstance(result, models.InstanceSegmentationResult) else None
        dets = []
        for i, (box, label, score) in enumerate(zip(result.bboxes, result.labels, result.scores, strict=False)):
            mask = None
            if masks is not None and i < len(masks) and np.asarray(masks[i]).shape[:2] == (h, w):
                mask = np.asarray(masks[i]) > 0.5
            dets.append(Detection(int(label), _name(labels, int(label), names[i] if i < len(names) else None),
                                  float(score), tuple(int(v) for v in box[:4]), mask))
        dets.sort(key=lambda d: -d.score)
        return VisionAnswer("instance-segmentation" if masks is not None else "detection", wrapper, size, floor,
                            detections=tuple(dets))
    if isinstance(result, models.ClassificationResult):
        classes = tuple(ClassScore(int(lab.id), _name(labels, int(lab.id), lab.name), float(lab.confidence))
                        for lab in result.top_labels)
        return VisionAnswer("classification", wrapper, size, floor, classes=classes)
    if isinstance(result, models.ImageResultWithSoftPrediction) or (isinstance(result, np.ndarray) and
                                                                     task == "segmentation"):
        hard = result.resultImage if not isinstance(result, np.ndarray) else result
        hard = np.asarray(hard).astype(np.int32)
        count = int(hard.max()) + 1 if hard.size else 0
        names = tuple(_name(labels, i) for i in range(max(count, len(labels))))
        return VisionAnswer("segmentation", wrapper, size, floor, class_map=hard, class_names=names)
    if isinstance(result, models.DetectedKeypoints):
        pts = np.asarray(result.keypoints, dtype=np.float32).reshape(-1, 2)
        scores = np.asarray(result.scores, dtype=np.float32).reshape(-1)
        kps = tuple(Keypoint(i, float(x), float(y), float(scores[i]) if i < len(scores) else 1.0)
                    for i, (x, y) in enumerate(pts))
        return VisionAnswer("keypoints", wrapper, size, floor, keypoints=kps,
                            skeleton=COCO_SKELETON if len(kps) == 17 else ())
    if isinstance(result, models.AnomalyResult):
        amap = None if result.anomaly_map is None else np.asarray(result.anomaly_map, dtype=np.uint8)
        return VisionAnswer("anomaly", wrapper, size, floor, anomaly_map=amap,
                            anomaly_score=None if result.pred_score is None else float(result.pred_score),
                            anomaly_label=str(result.pred_label or ""))
    raise VisionError(f"{wrapper} answered {type(result).__name__}, which ovexplorer does not draw.")


#: COCO's 17-keypoint skeleton (pairs of keypoint indices).
COCO_SKELETON: tuple[tuple[int, int], ...] = (
    (15, 13), (13, 11), (16, 14), (14, 12), (11, 12), (5, 11), (6, 12), (5, 6), (5, 7), (6, 8), (7, 9), (8, 10),
    (1, 2), (0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 6))


def output_summary(named: Mapping[str, np.ndarray]) -> str:
    return ", ".join(f"{k} {list(v.shape)}" for k, v in named.items())
