"""Models built in code for the reliability tests: a large generated graph for the stall guard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops


def make_chain_ir(path: Path, op_count: int = 12000, width: int = 16) -> Path:
    """An IR of about ``op_count`` operations: blocks of Const + Add + Relu with scoped friendly names."""
    x = ops.parameter([1, width], ov.Type.f32, name="input")
    node = x
    rng = np.random.default_rng(0)
    for i in range(max(1, (op_count - 2) // 3)):
        scope = f"__module.layers.{i // 8}.block{i % 8}"
        w = ops.constant(rng.standard_normal((1, width)).astype(np.float32), name=f"{scope}.bias")
        node = ops.add(node, w, name=f"{scope}/aten::add/Add")
        node = ops.relu(node, name=f"{scope}/aten::relu/Relu")
    model = ov.Model([ops.result(node, name="output")], [x], "chain")
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path
