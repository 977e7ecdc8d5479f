"""Only weights count as parameters: float constants, and integer constants that are compressed weights (a Convert
to a float type) or feed a layer's weights; a tokenizer's vocabulary bytes (u8 into other ops) do not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops

from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.summary import summarize
from ovexplorer.core.weights.flops import model_totals


def make_mixed_ir(path: Path) -> Path:
    """``x`` [1,4] f32 and ``ids`` [3] i32. Weights: a u8 [4,4] matrix decompressed (Convert f32, Subtract a u8
    zero point [4,1], Multiply an f32 scale [4,1]) into a MatMul: 16 + 4 + 4 parameters, and an f32 bias [4].
    Not weights: 40 u8 "vocabulary" bytes looked up by Gather (a tokenizer's table) and converted to i32, an i64
    axis."""
    x = ops.parameter([1, 4], ov.Type.f32, name="x")
    ids = ops.parameter([3], ov.Type.i32, name="ids")
    w = ops.constant(np.arange(16, dtype=np.uint8).reshape(4, 4))
    zp = ops.constant(np.full((4, 1), 8, np.uint8))
    scale = ops.constant(np.full((4, 1), 0.5, np.float32))
    weight = ops.multiply(ops.subtract(ops.convert(w, ov.Type.f32), ops.convert(zp, ov.Type.f32)), scale)
    y = ops.add(ops.matmul(x, weight, False, True), ops.constant(np.ones(4, np.float32)))
    vocab = ops.constant(np.frombuffer(b"the quick brown fox jumps over a lazy do", np.uint8))
    looked = ops.convert(ops.gather(vocab, ids, ops.constant(np.int64(0))), ov.Type.i32)
    model = ov.Model([ops.result(y, name="y"), ops.result(looked, name="bytes")], [x, ids], "mixed")
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path


def test_vocabulary_bytes_are_not_parameters(tmp_path: Path) -> None:
    doc = open_model(make_mixed_ir(tmp_path / "mixed.xml"))
    summary = summarize(doc)
    assert summary.parameter_count == 16 + 4 + 4 + 4  # before: + 40 vocabulary bytes
    assert summary.weight_bytes["u8"] == 16 + 4 + 40  # their bytes are still listed as stored
    totals = model_totals(doc.graph)
    assert totals.parameters == summary.parameter_count
    assert sum(totals.params_by_consumer_type.values()) == totals.parameters
    assert "Gather" not in totals.params_by_consumer_type
