"""The choice of wrapper and its parameters, as Model API takes them (``configuration``) and as it reads them from
an IR's rt_info ``model_info`` (so a model saved with them opens configured next time)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import openvino as ov

from ovexplorer.core.vision.labels import labels_from_model
from ovexplorer.core.vision.tasks import TaskGuess, _input_hw, _rt, class_count, guess_task, task_of_wrapper

#: Model API's resize types.
RESIZE_TYPES = ("standard", "fit_to_window", "fit_to_window_letterbox", "crop")
#: The rt_info ``model_info`` keys this config writes (and reads back).
MODEL_INFO_KEYS = ("model_type", "confidence_threshold", "iou_threshold", "labels", "mean_values", "scale_values",
                   "resize_type", "reverse_input_channels", "topk")


@dataclass(frozen=True, slots=True)
class VisionConfig:
    """A wrapper and the parameters given to it (None: the wrapper's own default)."""

    wrapper: str
    confidence: float | None = None
    iou: float | None = None
    labels: tuple[str, ...] = ()
    mean: tuple[float, ...] | None = None
    scale: tuple[float, ...] | None = None
    resize_type: str | None = None
    reverse_input_channels: bool | None = None
    topk: int | None = None
    #: (height, width) to reshape a model with a dynamic picture size to; None keeps the model's.
    input_size: tuple[int, int] | None = None
    labels_origin: str = ""
    #: Why this wrapper (from the model's rt_info, or what the graph suggests).
    reason: str = field(default="", compare=False)

    @property
    def task(self) -> str:
        return task_of_wrapper(self.wrapper) or "detection"

    def with_changes(self, **changes: Any) -> VisionConfig:
        return replace(self, **changes)

    def configuration(self, confidence: float | None = None) -> dict[str, Any]:
        """Model API's ``configuration`` dict (``confidence`` overrides the threshold the answer is decoded at)."""
        conf: dict[str, Any] = {}
        threshold = self.confidence if confidence is None else confidence
        if threshold is not None and self.task in ("detection", "instance-segmentation", "classification"):
            conf["confidence_threshold"] = float(threshold)
        if self.iou is not None and self.task in ("detection", "instance-segmentation"):
            conf["iou_threshold"] = float(self.iou)
        if self.labels:
            conf["labels"] = list(self.labels)
        if self.mean is not None:
            conf["mean_values"] = list(self.mean)
        if self.scale is not None:
            conf["scale_values"] = list(self.scale)
        if self.resize_type is not None:
            conf["resize_type"] = self.resize_type
        if self.reverse_input_channels is not None:
            conf["reverse_input_channels"] = bool(self.reverse_input_channels)
        if self.task == "segmentation":
            conf["return_soft_prediction"] = False  # only the class map is drawn (resizing C maps costs 100s of ms)
        if self.topk is not None and self.task == "classification":
            conf["topk"] = int(self.topk)
        return conf

    def model_info(self) -> dict[str, str]:
        """The rt_info ``model_info`` entries for this choice, written as Model API reads them."""
        info = {"model_type": self.wrapper}
        for key, value in self.configuration().items():
            if key in MODEL_INFO_KEYS:
                if isinstance(value, bool):
                    info[key] = "YES" if value else "NO"
                elif isinstance(value, list):
                    info[key] = " ".join(str(v) for v in value)
                else:
                    info[key] = str(value)
        return info


def _floats(text: str | None) -> tuple[float, ...] | None:
    if not text:
        return None
    try:
        return tuple(float(v) for v in text.replace(",", " ").split())
    except ValueError:
        return None


def _float(text: str | None) -> float | None:
    values = _floats(text)
    return values[0] if values and len(values) == 1 else None


def _ultralytics_size(model: ov.Model) -> tuple[int, int] | None:
    text = _rt(model, "framework", "imgsz")
    values = _floats((text or "").strip("[]()"))
    if values and len(values) == 2:
        return int(values[0]), int(values[1])
    return None


def needs_size(model: ov.Model) -> bool:
    """True when the picture input's height or width is dynamic."""
    return len(model.inputs) == 1 and _input_hw(model) is None


def config_for(model: ov.Model, guess: TaskGuess | None = None, wrapper: str | None = None) -> VisionConfig | None:
    """The configuration the model carries (rt_info ``model_info``), with the guessed or given wrapper."""
    guess = guess if guess is not None else guess_task(model)
    wrapper = wrapper or (guess.wrapper if guess is not None else None)
    if wrapper is None:
        return None
    labels, origin = labels_from_model(model)
    if not labels and task_of_wrapper(wrapper) == "anomaly":  # Model API names its verdict from labels[0] / [1]
        labels, origin = ["Normal", "Anomaly"], "the anomaly wrapper's verdicts"
    rti = _rt(model, "model_info", "reverse_input_channels")
    topk = _float(_rt(model, "model_info", "topk"))
    size = None
    if len(model.inputs) == 1 and model.inputs[0].get_partial_shape().is_dynamic:
        size = _ultralytics_size(model) or _input_hw(model) or (640, 640)
    return VisionConfig(
        wrapper=wrapper,
        confidence=_float(_rt(model, "model_info", "confidence_threshold")),
        iou=_float(_rt(model, "model_info", "iou_threshold")),
        labels=tuple(labels),
        mean=_floats(_rt(model, "model_info", "mean_values")),
        scale=_floats(_rt(model, "model_info", "scale_values")),
        resize_type=_rt(model, "model_info", "resize_type") if _rt(model, "model_info", "resize_type") in RESIZE_TYPES
        else None,
        reverse_input_channels=None if rti is None else rti.strip().upper() in ("YES", "TRUE", "1"),
        topk=int(topk) if topk else _default_topk(model, wrapper),
        input_size=size,
        labels_origin=origin,
        reason=guess.reason if guess is not None and guess.wrapper == wrapper else "chosen by you",
    )


def _default_topk(model: ov.Model, wrapper: str) -> int | None:
    """Five classes for a classifier (fewer when it has fewer: Model API refuses more)."""
    if task_of_wrapper(wrapper) != "classification":
        return None
    classes = class_count(model, wrapper)
    return min(5, classes) if classes else 1


def store_config(model: ov.Model, config: VisionConfig) -> None:
    """Write ``config`` into ``model``'s rt_info ``model_info`` (replacing the keys it sets), for Save as IR."""
    for key, value in config.model_info().items():
        model.set_rt_info(value, ["model_info", key])
