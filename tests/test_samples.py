"""The bundled sample models answer what their README promises."""

from __future__ import annotations

import numpy as np
import openvino as ov
import pytest

from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.summary import summarize
from ovexplorer.resources import resources_dir, sample_model

#: Absolute tolerance for the regression sample. OpenVINO's CPU plugin runs bf16 by default on CPUs with AMX,
#: which costs about 0.02 here; f32 gives errors below 0.005.
REGRESSION_TOLERANCE = 0.1


@pytest.mark.parametrize("hint", [None, "f32"])
def test_regression_sample_computes_2x1_plus_5x2(hint: str | None) -> None:
    config = {"INFERENCE_PRECISION_HINT": hint} if hint else {}
    compiled = ov.Core().compile_model(str(sample_model("regression")), "CPU", config)
    for (x1, x2), expected in (((1, 1), 7.0), ((2, 3), 19.0), ((-4, 0.5), -5.5)):
        y = compiled(np.array([[x1, x2]], dtype=np.float32))[0]
        assert y.shape == (1, 1)
        assert abs(float(y[0, 0]) - expected) < REGRESSION_TOLERANCE, (x1, x2, float(y[0, 0]))


def test_regression_sample_summary() -> None:
    s = summarize(open_model(sample_model("regression")))
    assert [(t.name, t.shape, t.element_type) for t in s.inputs] == [("x", "[1,2]", "f32")]
    assert [(t.name, t.shape) for t in s.outputs] == [("y", "[1,1]")]
    assert s.op_types["MatMul"] == 3 and not s.compressed


def test_shapes_sample_classifies_its_example_pictures(qapp) -> None:
    from PySide6.QtGui import QImage

    doc = open_model(sample_model("shapes"))
    labels = doc.graph.rt_info["model_info"]["labels"].split()
    assert labels == ["circle", "square", "triangle"]
    compiled = ov.Core().compile_model(str(sample_model("shapes")), "CPU")
    for name in labels:
        image = QImage(str(resources_dir() / "samples" / "images" / f"{name}.png"))
        assert not image.isNull()
        image = image.convertToFormat(QImage.Format.Format_RGB888).scaled(64, 64)
        rgb = np.frombuffer(image.constBits(), np.uint8).reshape(64, image.bytesPerLine())[:, : 64 * 3]
        tensor = rgb.reshape(64, 64, 3).transpose(2, 0, 1)[None].astype(np.float32)
        probabilities = compiled(tensor)[0][0]
        assert probabilities.shape == (3,) and abs(probabilities.sum() - 1) < 1e-3
        assert labels[int(probabilities.argmax())] == name


def test_samples_are_small() -> None:
    folder = resources_dir() / "samples"
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert total < 2 * 1024 * 1024
