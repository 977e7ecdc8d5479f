"""The values a layer reads from a weight: its constant sub-graph evaluated in numpy (de-quantized).

Constants are decoded from their stored bytes by :mod:`ovexplorer.core.weights.dtypes` (i4/u4 packed nibbles,
bf16, f8...), then the chain's ops are applied as OpenVINO defines them; shapes come from the graph records.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ovexplorer.core.compare.logical import LogicalGraph
from ovexplorer.core.weights.dtypes import codec_for

_NUMPY = {"f16": np.float16, "f32": np.float32, "f64": np.float64, "i8": np.int8, "u8": np.uint8,
          "i16": np.int16, "u16": np.uint16, "i32": np.int32, "u32": np.uint32, "i64": np.int64, "u64": np.uint64}


class NotDecoded(ValueError):
    """The weight's sub-graph holds an op this evaluator does not know, or unreadable data."""


def _constant(ov_node: Any, element_type: str, shape: tuple[int, ...]) -> np.ndarray:
    codec = codec_for(element_type)
    if codec is None:
        raise NotDecoded(f"element type {element_type}")
    try:
        data = ov_node.get_data()
    except (RuntimeError, TypeError, ValueError) as exc:
        raise NotDecoded(str(exc)) from None
    raw = np.ascontiguousarray(data).reshape(-1).view(np.uint8)
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if raw.size < codec.byte_size(count):
        raise NotDecoded("fewer bytes than its shape needs")
    values = codec.decode(raw, 0, count)
    return np.asarray(values, dtype=np.float64 if values.dtype == np.float64 else np.float32).reshape(shape)


def _fake_quantize(x: np.ndarray, il: np.ndarray, ih: np.ndarray, ol: np.ndarray, oh: np.ndarray,
                   levels: int) -> np.ndarray:
    q = np.round((x - il) / (ih - il) * (levels - 1))
    out = q / (levels - 1) * (oh - ol) + ol
    return np.where(x <= np.minimum(il, ih), ol, np.where(x > np.maximum(il, ih), oh, out)).astype(np.float32)


def weight_values(logical: LogicalGraph, ov_nodes: list[Any], frontier: int) -> np.ndarray:
    """The float32 values of the weight ending at ``frontier`` (raises :class:`NotDecoded`)."""
    graph = logical.graph
    w = logical.weights[frontier]
    values: dict[int, np.ndarray] = {}
    for i in w.chain:
        node = graph.nodes[i]
        dims = node.outputs[0].dims if node.outputs else None
        if dims is None or any(d < 0 for d in dims):
            raise NotDecoded(f"{node.type} {node.name} has a dynamic shape")
        ins = [values[p] for p in graph.producers(i)]
        t = node.type
        if t == "Constant":
            out = _constant(ov_nodes[i], node.outputs[0].element_type, dims)
        elif t == "Convert":
            dtype = _NUMPY.get(node.outputs[0].element_type)
            x = ins[0]
            if dtype is not None and np.dtype(dtype).kind in "iu":
                x = np.trunc(x)
            out = x.astype(dtype).astype(np.float32) if dtype is not None else x.astype(np.float32)
        elif t in ("Subtract", "Multiply", "Add", "Divide"):
            op = {"Subtract": np.subtract, "Multiply": np.multiply, "Add": np.add, "Divide": np.divide}[t]
            out = op(ins[0], ins[1]).astype(np.float32)
        elif t in ("Reshape", "Squeeze", "Unsqueeze"):
            out = ins[0].reshape(dims)
        elif t == "Transpose":
            out = np.transpose(ins[0], ins[1].astype(np.int64).reshape(-1))
        elif t == "Negative":
            out = -ins[0]
        elif t == "FakeQuantize":
            out = _fake_quantize(*ins[:5], int(node.attributes.get("levels", 256)))
        else:
            raise NotDecoded(f"{t} in the weight's sub-graph")
        if tuple(out.shape) != tuple(dims):
            out = np.broadcast_to(out, dims)
        values[i] = out
    return np.asarray(values[frontier], dtype=np.float32)
