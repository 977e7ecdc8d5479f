"""Tiny models for the run panel / session / inputs tests, built in code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops


def _save(model: ov.Model, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path


def make_linear_ir(path: Path) -> Path:
    """``x`` [1,2] f32 -> ``y`` [1,1] = 3*x1 + 4*x2 + 1 (so (2, 3) -> 19)."""
    x = ops.parameter([1, 2], ov.Type.f32, name="x")
    w = ops.constant(np.array([[3.0], [4.0]], np.float32))
    y = ops.add(ops.matmul(x, w, False, False), ops.constant(np.array([[1.0]], np.float32)))
    y.output(0).get_tensor().set_names({"y"})
    return _save(ov.Model([ops.result(y)], [x], "linear"), path)


def make_dynamic_ir(path: Path) -> Path:
    """``data`` [?,3] f32 -> ``doubled`` = 2 * data; plus ``ids`` [2] i64 -> ``ids_out`` = ids + 1."""
    data = ops.parameter(ov.PartialShape([-1, 3]), ov.Type.f32, name="data")
    ids = ops.parameter([2], ov.Type.i64, name="ids")
    doubled = ops.multiply(data, ops.constant(np.float32(2.0)))
    doubled.output(0).get_tensor().set_names({"doubled"})
    plus = ops.add(ids, ops.constant(np.int64(1)))
    plus.output(0).get_tensor().set_names({"ids_out"})
    return _save(ov.Model([ops.result(doubled), ops.result(plus)], [data, ids], "dynamic"), path)


def make_classifier_ir(path: Path, size: int = 8) -> Path:
    """``image`` [1,3,S,S] f32 RGB 0..255 -> ``scores`` [1,3]: mean of R, G, B (labels red green blue),
    plus ``feature`` [1,3,S,S] = image / 255 for the image view."""
    image = ops.parameter([1, 3, size, size], ov.Type.f32, name="image")
    means = ops.reduce_mean(image, ops.constant(np.array([2, 3], np.int64)), False)
    means.output(0).get_tensor().set_names({"scores"})
    feature = ops.divide(image, ops.constant(np.float32(255.0)))
    feature.output(0).get_tensor().set_names({"feature"})
    model = ov.Model([ops.result(means), ops.result(feature)], [image], "colours")
    model.set_rt_info("red green blue", ["model_info", "labels"])
    return _save(model, path)



def make_scalar_ir(path: Path) -> Path:
    """``sr`` [] i32 (a scalar, like an audio model's sample rate) and ``x`` [2] f32 -> ``y`` [2] = x * sr."""
    sr = ops.parameter([], ov.Type.i32, name="sr")
    x = ops.parameter([2], ov.Type.f32, name="x")
    y = ops.multiply(x, ops.convert(sr, ov.Type.f32))
    y.output(0).get_tensor().set_names({"y"})
    return _save(ov.Model([ops.result(y)], [sr, x], "scalar"), path)


def make_strings_ir(path: Path) -> Path:
    """``x`` [2] f32 -> ``y`` = relu(x); ``text`` [2] string -> output ``text`` (the same strings); a string constant
    ``labels`` ["circle", "square", "trianglé"] -> output ``labels``."""
    x = ops.parameter([2], ov.Type.f32, name="x")
    text = ops.parameter([2], ov.Type.string, name="text")
    labels = ov.op.Constant(ov.Tensor(np.array(["circle", "square", "trianglé"])))
    labels.set_friendly_name("labels")
    y = ops.relu(x)
    y.output(0).get_tensor().set_names({"y"})
    model = ov.Model([ops.result(y), ops.result(text, name="echo"), ops.result(labels, name="labels_out")],
                     [x, text], "strings")
    model.outputs[2].get_tensor().set_names({"labels"})
    return _save(model, path)
