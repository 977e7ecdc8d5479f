"""A constant whose byte size does not fit its shape and element type is named (layer id and name): OpenVINO's own
message ("Attribute and shape size are inconsistent for Const op!12, 16, 16") names none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest

from ovexplorer.cli import main
from ovexplorer.core.model.document import open_model
from ovexplorer.core.util import errors


def make_two_const_ir(path: Path) -> Path:
    x = ops.parameter([2, 2], ov.Type.f32, name="x")
    first = ops.constant(np.ones((2, 2), np.float32), name="bias_ok")
    second = ops.constant(np.ones((2, 2), np.float16), name="scale_bad")
    y = ops.multiply(ops.add(x, first), ops.convert(second, ov.Type.f32))
    ov.save_model(ov.Model([ops.result(y)], [x], "two"), str(path), compress_to_fp16=False)
    return path


def test_the_constant_with_the_wrong_size_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_two_const_ir(tmp_path / "bad.xml")
    text = path.read_text()
    layer = text.index('name="scale_bad"')
    at = text.index('size="8"', layer)  # 4 f16 values
    path.write_text(text[:at] + 'size="6"' + text[at + len('size="8"'):])
    with pytest.raises(RuntimeError, match="inconsistent for Const"):
        ov.Core().read_model(str(path))  # OpenVINO refuses it, naming no layer
    layer_id = text[:layer].rsplit("<layer id=\"", 1)[1].split('"')[0]
    with pytest.raises(errors.BrokenGraph) as caught:
        open_model(path)
    message = caught.value.message
    assert f"'scale_bad' (layer id {layer_id}) has size 6, but its shape [2,2] of f16 needs 8 bytes" in message
    assert "bias_ok" not in message and message.startswith("bad.xml: ")
    assert main(["info", str(path)]) == 2
    assert "'scale_bad' (layer id" in capsys.readouterr().err
