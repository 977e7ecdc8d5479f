"""Models with known weights for the statistics tests and the benchmark: f32, f16 and int8/int4 compressed twins.

Compressed weights follow OpenVINO's decompression pattern: Const(u8 or u4) -> Convert -> Subtract(Convert(zero
point)) -> Multiply(scale) [-> Reshape for grouped int4] -> MatMul, the Converts marked ``decompression``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops
from openvino.op import Constant


def packed_constant(values: np.ndarray, element_type: str, name: str) -> ov.Node:
    """A Constant of a sub-byte or special type from its codes (u4/i4: two per byte, low nibble first)."""
    et = getattr(ov.Type, element_type)
    tensor = ov.Tensor(et, ov.Shape(list(values.shape)))
    raw = tensor.data.view(np.uint8).reshape(-1)
    codes = values.reshape(-1).astype(np.int64)
    if element_type in ("u4", "i4", "nf4", "f4e2m1"):
        codes = codes & 0xF
        if codes.size % 2:
            codes = np.append(codes, 0)
        raw[:] = (codes[0::2] | (codes[1::2] << 4)).astype(np.uint8)
    elif element_type == "bf16":
        raw[:] = values.astype(np.uint16).view(np.uint8)
    else:
        raw[:] = codes.astype(np.uint8)
    node = Constant(tensor)
    node.set_friendly_name(name)
    return node


def _mark(node: ov.Node) -> ov.Node:
    node.get_rt_info()["decompression"] = ""
    return node


def quantize(w: np.ndarray, bits: int, group: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Asymmetric min/max quantization per row (or per group of ``group`` columns): (codes, zero point, scale)."""
    o, i = w.shape
    g = w.reshape(o, i // group, group) if group else w
    lo = g.min(axis=-1, keepdims=True)
    hi = g.max(axis=-1, keepdims=True)
    levels = (1 << bits) - 1
    scale = np.maximum(hi - lo, 1e-8) / levels
    zp = np.clip(np.round(-lo / scale), 0, levels)
    q = np.clip(np.round(g / scale) + zp, 0, levels)
    return q.astype(np.uint8), zp.astype(np.uint8), scale.astype(np.float16)


def _weight(w: np.ndarray, mode: str, name: str) -> ov.Output:
    if mode == "f32":
        return ops.constant(w, name=name).output(0)
    if mode == "f16":
        c = ops.constant(w.astype(np.float16), name=name)
        return _mark(ops.convert(c, "f32", name=f"{name}/decompress")).output(0)
    bits, group = (8, None) if mode == "u8" else (4, 32 if w.shape[1] % 32 == 0 else w.shape[1])
    q, zp, scale = quantize(w, bits, group)
    etype = "u8" if bits == 8 else "u4"
    qc = ops.constant(q, dtype=ov.Type.u8, name=name) if bits == 8 else packed_constant(q, etype, name)
    zc = ops.constant(zp, dtype=ov.Type.u8, name=f"{name}/zero_point") if bits == 8 else packed_constant(
        zp, etype, f"{name}/zero_point")
    conv = _mark(ops.convert(qc, "f16", name=f"{name}/convert"))
    zconv = _mark(ops.convert(zc, "f16", name=f"{name}/zp_convert"))
    sub = ops.subtract(conv, zconv, name=f"{name}/subtract")
    mul = ops.multiply(sub, ops.constant(scale, name=f"{name}/scale"), name=f"{name}/multiply")
    out = mul
    if group:
        out = ops.reshape(mul, ops.constant(np.array(w.shape, dtype=np.int64), name=f"{name}/shape"), False,
                          name=f"{name}/reshape")
    return _mark(ops.convert(out, "f32", name=f"{name}/to_f32")).output(0)


def square_chain_model(weights: list[np.ndarray], mode: str = "f32", name: str = "chain") -> ov.Model:
    """``x @ W0.T @ W1.T ...`` with every square weight stored as ``mode`` (f32, f16, u8, u4)."""
    side = weights[0].shape[1]
    x = ops.parameter([1, side], ov.Type.f32, name="x")
    h = x.output(0)
    for i, w in enumerate(weights):
        h = ops.matmul(h, _weight(w, mode, f"layer{i}.weight"), False, True, name=f"layer{i}/MatMul").output(0)
    return ov.Model([ops.result(h, name="y")], [x], name)


def save(model: ov.Model, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path


def flagged_model() -> ov.Model:
    """Constants with NaN, Inf, all zeros, a scalar, a zero-size constant, bf16 and i4 values."""
    x = ops.parameter([1, 8], ov.Type.f32, name="x")
    rng = np.random.default_rng(1)
    good = rng.standard_normal((8, 8)).astype(np.float32)
    nan_w = good.copy()
    nan_w[0, :3] = np.nan
    inf_w = good.copy()
    inf_w[1, 1] = np.inf
    zeros = np.zeros((8, 8), np.float32)
    h = x.output(0)
    for name, w in (("good.weight", good), ("nan.weight", nan_w), ("inf.weight", inf_w), ("zero.weight", zeros)):
        h = ops.matmul(h, ops.constant(w, name=name), False, True, name=f"{name}/MatMul").output(0)
    h = ops.multiply(h, ops.constant(np.float32(0.5), name="half"), name="scale").output(0)
    bf = packed_constant(np.array([0x3F80, 0xC000, 0x4040, 0x0000] * 2, np.uint16), "bf16", "bf16.bias")
    h = ops.add(h, ops.convert(bf, "f32", name="bf16/convert"), name="bias").output(0)
    i4 = packed_constant(np.array([-8, -1, 0, 7, 1, 2, 3, 4]), "i4", "i4.bias")
    h = ops.add(h, ops.convert(i4, "f32", name="i4/convert"), name="bias2").output(0)
    empty = ops.constant(np.zeros((0, 8), np.float32), name="empty")
    cat = ops.concat([h, empty], 0, name="concat")
    return ov.Model([ops.result(cat, name="y")], [x], "flagged")
