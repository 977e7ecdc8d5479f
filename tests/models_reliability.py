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


def make_many_weights_ir(path: Path, consts: int = 1500, megabytes: int = 256) -> Path:
    """An IR of ``consts`` f32 Consts (``megabytes`` MiB in all, zeros in a sparse ``.bin``) added in a chain.

    Written as XML directly (no OpenVINO, no 256 MiB in memory): quick to make, large to compute statistics on.
    """
    n = max(1, megabytes * 1024 * 1024 // 4 // consts)
    dims = f"<dim>{n}</dim>"
    layers = [f'<layer id="0" name="x" type="Parameter" version="opset1"><data shape="{n}" element_type="f32" />'
              f'<output><port id="0" precision="FP32" names="x">{dims}</port></output></layer>']
    edges = []
    prev = (0, 0)
    for i in range(consts):
        c, a = 1 + 2 * i, 2 + 2 * i
        names = ' names="y"' if i == consts - 1 else ""
        layers.append(f'<layer id="{c}" name="block{i // 50}.w{i}" type="Const" version="opset1">'
                      f'<data element_type="f32" shape="{n}" offset="{i * n * 4}" size="{n * 4}" />'
                      f'<output><port id="0" precision="FP32">{dims}</port></output></layer>')
        layers.append(f'<layer id="{a}" name="block{i // 50}.add{i}" type="Add" version="opset1">'
                      f'<data auto_broadcast="numpy" /><input><port id="0" precision="FP32">{dims}</port>'
                      f'<port id="1" precision="FP32">{dims}</port></input>'
                      f'<output><port id="2" precision="FP32"{names}>'
                      f'{dims}</port></output></layer>')
        edges.append(f'<edge from-layer="{prev[0]}" from-port="{prev[1]}" to-layer="{a}" to-port="0" />')
        edges.append(f'<edge from-layer="{c}" from-port="0" to-layer="{a}" to-port="1" />')
        prev = (a, 2)
    result = 1 + 2 * consts
    layers.append(f'<layer id="{result}" name="y" type="Result" version="opset1"><input>'
                  f'<port id="0" precision="FP32">{dims}</port></input></layer>')
    edges.append(f'<edge from-layer="{prev[0]}" from-port="{prev[1]}" to-layer="{result}" to-port="0" />')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0"?>\n<net name="many_weights" version="11">\n<layers>\n'
                    + "\n".join(layers) + "\n</layers>\n<edges>\n" + "\n".join(edges) + "\n</edges>\n</net>\n")
    with path.with_suffix(".bin").open("wb") as f:
        f.truncate(consts * n * 4)  # sparse: no disk blocks, reads as zeros
    return path
