"""The vision tasks and Model API's wrappers for each; which task a model looks like.

A model that says what it is (rt_info ``model_info/model_type``, the convention Model API reads, or an
Ultralytics export's ``framework/task``) gets that wrapper; otherwise the graph suggests one: a
``DetectionOutput``/NMS op, an output ``[1, 4+classes, N]`` (YOLOv8) or ``[1, N, 5+classes]`` (YOLOX), a
``[1, C, H, W]`` map at the input's resolution, a ``[1, classes]`` vector, keypoint maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import openvino as ov

#: task -> (title, Model API wrapper names for it, the first being the usual one).
TASKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "detection": ("Detection", ("YOLOv8", "YOLO11", "YOLOv5", "YOLOX", "SSD", "YOLO", "YOLOV4", "YOLOF",
                                "YOLOv3-ONNX")),
    "instance-segmentation": ("Instance segmentation", ("YOLO-seg", "MaskRCNN", "DETRInstSeg")),
    "segmentation": ("Semantic segmentation", ("Segmentation",)),
    "classification": ("Classification", ("Classification",)),
    "keypoints": ("Keypoints", ("keypoint_detection",)),
    "anomaly": ("Anomaly", ("AnomalyDetection",)),
}

#: Lower-case wrapper name -> task.
WRAPPER_TASK = {w.lower(): task for task, (_, wrappers) in TASKS.items() for w in wrappers}

#: Ultralytics ``framework/task`` -> task (pose has no Model API wrapper).
_ULTRALYTICS = {"detect": "detection", "segment": "instance-segmentation", "classify": "classification"}
_NMS_OPS = {"DetectionOutput", "NonMaxSuppression", "MulticlassNms", "MatrixNms",
            "ExperimentalDetectronDetectionOutput"}


@dataclass(frozen=True, slots=True)
class TaskGuess:
    """A task and wrapper for a model, and why (shown to the user)."""

    task: str
    wrapper: str
    reason: str
    from_model: bool = False  # the model says so in its rt_info


def task_of_wrapper(wrapper: str) -> str | None:
    return WRAPPER_TASK.get(wrapper.lower())


def canonical_wrapper(wrapper: str) -> str | None:
    """A wrapper name spelt as Model API spells it, or None when Model API has none by that name."""
    for _, wrappers in TASKS.values():
        for w in wrappers:
            if w.lower() == wrapper.lower():
                return w
    return None


def names_a_wrapper(model: ov.Model) -> bool:
    """True when rt_info ``model_info/model_type`` names a Model API wrapper (the bundled regression sample's
    ``regression`` does not)."""
    model_type = _rt(model, "model_info", "model_type")
    return model_type is not None and canonical_wrapper(model_type) is not None


def _static(shape: ov.PartialShape) -> list[int] | None:
    if shape.rank.is_dynamic:
        return None
    return [d.get_length() if d.is_static else -1 for d in shape]


def _rt(model: ov.Model, *path: str) -> str | None:
    if not model.has_rt_info(list(path)):
        return None
    try:
        return str(model.get_rt_info(list(path)).astype(str))
    except (RuntimeError, TypeError):
        return None


def _input_hw(model: ov.Model) -> tuple[int, int] | None:
    if len(model.inputs) != 1:
        return None
    dims = _static(model.inputs[0].get_partial_shape())
    if dims is None or len(dims) != 4:
        return None
    h, w = (dims[2], dims[3]) if dims[1] in (1, 3) else (dims[1], dims[2])
    return (h, w) if h > 0 and w > 0 else None


def has_picture_input(model: ov.Model) -> bool:
    """True when an input looks like a picture: rank 4 with a 1- or 3-channel axis (NCHW or NHWC), or rank 4 with
    every dimension dynamic. Without one, no output shape makes a model a vision model (a GRU's [?, 5] scores)."""
    for port in model.inputs:
        shape = port.get_partial_shape()
        if shape.rank.is_dynamic or shape.rank.get_length() != 4:
            continue
        if all(d.is_dynamic for d in shape):
            return True
        if any(shape[i].is_static and shape[i].get_length() in (1, 3) for i in (1, 3)):
            return True
    return False


def guess_from_graph(model: ov.Model) -> TaskGuess | None:
    """What the graph's ops and output shapes suggest, or None."""
    ops = {op.get_type_name() for op in model.get_ordered_ops()}
    found = sorted(ops & _NMS_OPS)
    if found:
        return TaskGuess("detection", "SSD", f"the graph has a {found[0]} op (boxes come out decoded)")
    outs = [_static(o.get_partial_shape()) for o in model.outputs]
    if any(s is None for s in outs):
        return None
    if len(outs) == 2 and len(outs[0]) == 3 and len(outs[1]) == 4 and outs[0][1] > 4 + outs[1][1] > 4:
        return TaskGuess("instance-segmentation", "YOLO-seg",
                         f"outputs {outs[0]} (boxes, classes, mask coefficients) and {outs[1]} (mask prototypes)")
    if len(outs) == 2 and all(len(s) == 3 for s in outs) and outs[0][1] == outs[1][1]:
        return TaskGuess("keypoints", "keypoint_detection", f"two outputs {outs[0]}, {outs[1]} (SimCC keypoints)")
    if len(outs) != 1:
        return None
    s = outs[0]
    if len(s) == 3 and s[0] == 1 and s[1] > 4 and s[2] > s[1]:
        return TaskGuess("detection", "YOLOv8", f"output {s} is [1, 4 + classes, candidates] (YOLOv8 / YOLO11)")
    if len(s) == 3 and s[0] == 1 and s[2] > 5 and s[1] > s[2]:
        return TaskGuess("detection", "YOLOX", f"output {s} is [1, candidates, 5 + classes] (YOLOX)")
    hw = _input_hw(model)
    if len(s) == 4 and s[0] == 1 and hw is not None and s[2] > 0 and s[3] > 0:
        if (s[2], s[3]) == hw or (hw[0] % s[2] == 0 and hw[1] % s[3] == 0 and hw[0] // s[2] in (2, 4)):
            if s[1] >= 16 and (s[2], s[3]) != hw:
                return TaskGuess("keypoints", "keypoint_detection", f"output {s}: {s[1]} keypoint heatmaps")
            return TaskGuess("segmentation", "Segmentation",
                             f"output {s} is a {s[1]}-class map at the input's resolution {list(hw)}")
    size = [d for d in s[1:] if d != 1]
    if s and s[0] in (1, -1) and len(size) == 1 and size[0] >= 2 and len(s) in (2, 4):
        return TaskGuess("classification", "Classification", f"output {s} is one score per class")
    return None


def at_static_size(model: ov.Model, size: tuple[int, int]) -> ov.Model | None:
    """A copy of a model whose one picture input has a dynamic batch/height/width, at batch 1 and ``size``;
    None when it has no such input or does not take that size."""
    if len(model.inputs) != 1:
        return None
    shape = model.inputs[0].get_partial_shape()
    if shape.is_static or shape.rank.is_dynamic or shape.rank.get_length() != 4:
        return None
    dims = [d.get_length() if d.is_static else -1 for d in shape]
    h, w = size
    nchw = dims[1] in (1, 3, -1) and dims[3] not in (1, 3)
    new = [1, dims[1] if dims[1] > 0 else 3, h, w] if nchw else [1, h, w, dims[3] if dims[3] > 0 else 3]
    copy = model.clone()
    try:
        copy.reshape({copy.inputs[0]: ov.PartialShape(new)})
    except RuntimeError:
        return None
    return copy


def guess_task(model: ov.Model, size: tuple[int, int] = (640, 640)) -> TaskGuess | None:
    """The model's own word (rt_info) when Model API has that wrapper and the outputs fit it; else the graph's
    (a model with a dynamic picture size is looked at with a ``size`` picture)."""
    static = at_static_size(model, size)
    from_graph = guess_from_graph(static if static is not None else model) if has_picture_input(model) else None
    if no_wrapper_reason(model, static if static is not None else model):
        return None
    model_type = _rt(model, "model_info", "model_type")
    if model_type:
        wrapper = canonical_wrapper(model_type)
        if wrapper == "YOLO" and from_graph is not None and from_graph.wrapper in ("YOLOv8", "YOLO-seg"):
            # Ultralytics writes model_type YOLO, which Model API reads as YOLOv3's region output.
            return TaskGuess(from_graph.task, from_graph.wrapper,
                             f"rt_info says model_type YOLO (Ultralytics' word); {from_graph.reason}", True)
        if wrapper is not None:
            return TaskGuess(WRAPPER_TASK[wrapper.lower()], wrapper, f"rt_info model_info/model_type is {model_type}",
                             True)
    task = _rt(model, "framework", "task")
    if task in _ULTRALYTICS:
        mapped = _ULTRALYTICS[task]
        wrapper = TASKS[mapped][1][0]
        return TaskGuess(mapped, wrapper, f"rt_info framework/task is {task} (an Ultralytics export)", True)
    return from_graph


def no_wrapper_reason(model: ov.Model, static: ov.Model | None = None) -> str | None:
    """Why Model API has no wrapper for this model, or None: an Ultralytics export (model_type YOLO) whose
    [1, 4 + labels + K, N] output carries K more values per candidate than boxes and classes (pose keypoints)."""
    if (_rt(model, "model_info", "model_type") or "").upper() != "YOLO":
        return None
    from ovexplorer.core.vision.labels import labels_from_model

    labels, _ = labels_from_model(model)
    outs = [_static(o.get_partial_shape()) for o in (static or at_static_size(model, (640, 640)) or model).outputs]
    if not labels or len(outs) != 1 or outs[0] is None or len(outs[0]) != 3:
        return None
    extra = outs[0][1] - 4 - len(labels)
    if extra > 0 and extra % 3 == 0:
        classes = f"{len(labels)} class" + ("es" if len(labels) != 1 else "")
        return (f"an Ultralytics pose model ({classes} and {extra // 3} keypoints per box), which "
                "OpenVINO Model API has no wrapper for")
    return None


def class_count(model: ov.Model, wrapper: str) -> int | None:
    """How many classes ``wrapper`` reads from this model's outputs, when the shapes say (for labels checks)."""
    model = at_static_size(model, (640, 640)) or model
    outs = [_static(o.get_partial_shape()) for o in model.outputs]
    if not outs or any(s is None for s in outs):
        return None
    w = wrapper.lower()
    s = outs[0]
    if w in ("yolov8", "yolo11", "yolov5") and len(s) == 3:
        return s[1] - 4
    if w == "yolox" and len(s) == 3:
        return s[2] - 5
    if w == "yolo-seg" and len(outs) == 2 and len(s) == 3 and len(outs[1]) == 4:
        return s[1] - 4 - outs[1][1]
    if w == "segmentation" and len(s) == 4:
        return max(s[1], 2)
    if w == "classification":
        size = [d for d in s[1:] if d != 1]
        return size[0] if len(size) == 1 else None
    return None
