"""Input preparation and one inference, as the Run panel does them.

Figures: shrinking a dropped photo to a 224 x 224 input with the core's numpy resize, against Qt's smooth
scaling of the same picture (the baseline); and compile + one inference of a small CNN.

    PYTHONPATH=. python benchmarks/run_inputs.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import openvino as ov
import openvino.opset13 as ops
from PySide6.QtCore import Qt

from ovexplorer.core.run.inputs import resize_image
from ovexplorer.core.run.session import CompileOptions, compile_session
from ovexplorer.ui.run.image_decode import array_to_image, image_to_array


def median_seconds(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def resize_figures() -> None:
    rng = np.random.default_rng(0)
    for label, (h, w) in (("2MP", (1080, 1920)), ("40MP", (5000, 8000))):
        rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        image = array_to_image(rgb)
        qt = median_seconds(lambda image=image: image_to_array(
            image.scaled(224, 224, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)))
        ours = median_seconds(lambda rgb=rgb: resize_image(rgb, 224, 224))
        print(f"qt_smooth_resize_{label}_to_224: {qt * 1000:.1f} ms (1.00x baseline)")
        print(f"core_resize_{label}_to_224: {ours * 1000:.1f} ms ({ours / qt:.2f}x vs qt_smooth_resize_{label})")


def small_cnn(path: Path) -> Path:
    rng = np.random.default_rng(0)
    x = ops.parameter([1, 3, 64, 64], ov.Type.f32, name="image")
    h = x
    for i, (cin, cout) in enumerate(((3, 16), (16, 32), (32, 64))):
        w = ops.constant(rng.standard_normal((cout, cin, 3, 3)).astype(np.float32) * 0.1)
        h = ops.relu(ops.convolution(h, w, [2, 2], [1, 1], [1, 1], [1, 1]), name=f"relu{i}")
    pooled = ops.reduce_mean(h, ops.constant(np.array([2, 3], np.int64)), False)
    logits = ops.matmul(pooled, ops.constant(rng.standard_normal((64, 3)).astype(np.float32)), False, False)
    ov.save_model(ov.Model([ops.result(ops.softmax(logits, 1))], [x], "cnn"), str(path))
    return path


def session_figures() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        model = ov.Core().read_model(str(small_cnn(Path(tmp) / "cnn.xml")))
        session = compile_session(model, CompileOptions("CPU"))
        data = {"image": np.random.default_rng(1).uniform(0, 255, (1, 3, 64, 64)).astype(np.float32)}
        session.infer(data)  # warm-up
        infer = statistics.median(session.infer(data).seconds for _ in range(50))
        request = session.create_request()
        raw = median_seconds(lambda: request.infer({0: data["image"]}), repeat=50)
        print(f"compile_small_cnn_cpu: {session.compile_seconds * 1000:.1f} ms (n/a)")
        print(f"raw_infer_request_small_cnn: {raw * 1000:.3f} ms (1.00x baseline)")
        print(f"session_infer_small_cnn: {infer * 1000:.3f} ms ({infer / raw:.2f}x vs raw_infer_request)")


if __name__ == "__main__":
    resize_figures()
    session_figures()
