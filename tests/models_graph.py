"""Models for graph-layout tests and benchmarks, built in code with ``openvino.opset13``.

``transformer_model`` builds a decoder-only transformer-like IR the way the PyTorch frontend names it
(``__module.model.layers.3.self_attn.q_proj/aten::linear/MatMul``): decomposed RMSNorm, Q/K/V projections,
rotary embedding through split/concat, attention with a shared mask, gated MLP and residual adds. The
attention mask and the rotary cos/sin are computed once and feed every block, as in real LLM IRs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops

HIDDEN = 8
HEADS = 2
OPS_PER_BLOCK = 70  # measured: ops added by one decoder block


def _c(value, name: str | None = None) -> ov.Node:
    arr = np.asarray(value, dtype=np.float32 if isinstance(value, float) or np.asarray(value).dtype.kind == "f"
                     else np.int64)
    node = ops.constant(arr)
    if name:
        node.set_friendly_name(name)
    return node


def _rms_norm(x: ov.Output, scope: str, rng: np.random.Generator) -> ov.Node:
    p = f"__module.{scope}"
    sq = ops.power(x, _c(2.0), name=f"{p}/aten::pow/Power")
    mean = ops.reduce_mean(sq, _c([-1]), True, name=f"{p}/aten::mean/ReduceMean")
    eps = ops.add(mean, _c(1e-6), name=f"{p}/aten::add/Add")
    root = ops.sqrt(eps, name=f"{p}/aten::rsqrt/Sqrt")
    div = ops.divide(x, root, name=f"{p}/aten::mul/Divide")
    w = _c(rng.standard_normal(HIDDEN).astype(np.float32), f"self.{scope}.weight")
    return ops.multiply(div, w, name=f"{p}/aten::mul/Multiply")


def _linear(x: ov.Node, scope: str, out: int, rng: np.random.Generator) -> ov.Node:
    w = _c(rng.standard_normal((out, x.get_output_partial_shape(0)[-1].get_length())).astype(np.float32),
           f"self.{scope}.weight")
    return ops.matmul(x, w, False, True, name=f"__module.{scope}/aten::linear/MatMul")


def _rotary(x: ov.Node, cos: ov.Node, sin: ov.Node, p: str) -> ov.Node:
    half = ops.split(x, _c(-1), 2, name=f"{p}/aten::chunk/Split")
    neg = ops.negative(half.output(1), name=f"{p}/aten::neg/Negative")
    rot = ops.concat([neg.output(0), half.output(0)], -1, name=f"{p}/aten::cat/Concat")
    a = ops.multiply(x, cos, name=f"{p}/aten::mul/Multiply")
    b = ops.multiply(rot, sin, name=f"{p}/aten::mul/Multiply_1")
    return ops.add(a, b, name=f"{p}/aten::add/Add")


def _heads(x: ov.Node, p: str, tag: str) -> ov.Node:
    r = ops.reshape(x, _c([0, 0, HEADS, HIDDEN // HEADS]), True, name=f"{p}/aten::view/Reshape{tag}")
    return ops.transpose(r, _c([0, 2, 1, 3]), name=f"{p}/aten::transpose/Transpose{tag}")


def _block(h: ov.Node, i: int, mask: ov.Node, cos: ov.Node, sin: ov.Node, rng: np.random.Generator) -> ov.Node:
    base = f"model.layers.{i}"
    n1 = _rms_norm(h, f"{base}.input_layernorm", rng)
    att = f"__module.{base}.self_attn"
    q = _heads(_linear(n1, f"{base}.self_attn.q_proj", HIDDEN, rng), att, "")
    k = _heads(_linear(n1, f"{base}.self_attn.k_proj", HIDDEN, rng), att, "_1")
    v = _heads(_linear(n1, f"{base}.self_attn.v_proj", HIDDEN, rng), att, "_2")
    q = _rotary(q, cos, sin, f"{att}.rotary_q")
    k = _rotary(k, cos, sin, f"{att}.rotary_k")
    sdpa = ops.scaled_dot_product_attention(
        q, k, v, mask, name=f"{att}/aten::scaled_dot_product_attention/ScaledDotProductAttention")
    t = ops.transpose(sdpa, _c([0, 2, 1, 3]), name=f"{att}/aten::transpose/Transpose_3")
    merged = ops.reshape(t, _c([0, 0, HIDDEN]), True, name=f"{att}/aten::reshape/Reshape_3")
    o = _linear(merged, f"{base}.self_attn.o_proj", HIDDEN, rng)
    h = ops.add(h, o, name=f"__module.{base}/aten::add/Add")
    n2 = _rms_norm(h, f"{base}.post_attention_layernorm", rng)
    mlp = f"{base}.mlp"
    gate = _linear(n2, f"{mlp}.gate_proj", 2 * HIDDEN, rng)
    up = _linear(n2, f"{mlp}.up_proj", 2 * HIDDEN, rng)
    act = ops.swish(gate, name=f"__module.{mlp}.act_fn/aten::silu/Swish")
    prod = ops.multiply(act, up, name=f"__module.{mlp}/aten::mul/Multiply")
    down = _linear(prod, f"{mlp}.down_proj", HIDDEN, rng)
    return ops.add(h, down, name=f"__module.{base}/aten::add/Add_1")


def transformer_model(blocks: int, *, seed: int = 0) -> ov.Model:
    """A decoder-only transformer-like model with ``blocks`` decoder blocks (~70 ops each)."""
    rng = np.random.default_rng(seed)
    ids = ops.parameter([1, -1], ov.Type.i64, name="input_ids")
    ids.output(0).get_tensor().set_names({"input_ids"})
    mask_in = ops.parameter([1, -1], ov.Type.i64, name="attention_mask")
    mask_in.output(0).get_tensor().set_names({"attention_mask"})
    pos = ops.parameter([1, -1], ov.Type.i64, name="position_ids")
    pos.output(0).get_tensor().set_names({"position_ids"})
    table = _c(rng.standard_normal((64, HIDDEN)).astype(np.float32), "self.model.embed_tokens.weight")
    h = ops.gather(table, ids, _c(0), name="__module.model.embed_tokens/aten::embedding/Gather")
    # attention mask: [1, s] -> [1, 1, 1, s] float additive mask, shared by every block
    mf = ops.convert(mask_in, ov.Type.f32, name="__module.model/aten::to/Convert")
    mu = ops.unsqueeze(mf, _c([1, 2]), name="__module.model/aten::unsqueeze/Unsqueeze")
    inv = ops.subtract(_c(1.0), mu, name="__module.model/aten::rsub/Subtract")
    mask = ops.multiply(inv, _c(-1e4), name="__module.model/aten::mul/Multiply")
    # rotary cos/sin: [1, 1, s, head_dim], shared by every block
    pf = ops.convert(pos, ov.Type.f32, name="__module.model.rotary_emb/aten::to/Convert")
    pu = ops.unsqueeze(pf, _c([2]), name="__module.model.rotary_emb/aten::unsqueeze/Unsqueeze")
    freqs = ops.multiply(pu, _c(rng.random((1, 1, HIDDEN // HEADS // 2)).astype(np.float32)),
                         name="__module.model.rotary_emb/aten::mul/Multiply")
    emb = ops.concat([freqs, freqs], -1, name="__module.model.rotary_emb/aten::cat/Concat")
    emb4 = ops.unsqueeze(emb, _c([1]), name="__module.model.rotary_emb/aten::unsqueeze/Unsqueeze_1")
    cos = ops.cos(emb4, name="__module.model.rotary_emb/aten::cos/Cos")
    sin = ops.sin(emb4, name="__module.model.rotary_emb/aten::sin/Sin")
    for i in range(blocks):
        h = _block(h, i, mask, cos, sin, rng)
    h = _rms_norm(h, "model.norm", rng)
    logits = _linear(h, "lm_head", 64, rng)
    res = ops.result(logits, name="logits")
    logits.output(0).get_tensor().set_names({"logits"})
    return ov.Model([res], [ids, mask_in, pos], f"transformer_{blocks}")


def blocks_for_ops(target_ops: int) -> int:
    return max(1, round((target_ops - 36) / OPS_PER_BLOCK))


def make_transformer_ir(path: Path, blocks: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(transformer_model(blocks), str(path), compress_to_fp16=False)
    return path


def loop_model() -> ov.Model:
    """A Loop whose body accumulates ``x`` (a back-edge through the merged input)."""
    x = ops.parameter([2], ov.Type.f32, name="x")
    trip = _c(np.int64(3))
    cond = ops.constant(np.array(True))
    bx = ops.parameter([2], ov.Type.f32, name="body_x")
    bacc = ops.parameter([2], ov.Type.f32, name="body_acc")
    nacc = ops.add(bacc, bx, name="body/add")
    bcond = ops.constant(np.array(True))
    body = ov.Model([ops.result(bcond), ops.result(nacc)], [bx, bacc], "loop_body")
    loop = ops.loop(trip, cond)
    loop.set_friendly_name("accumulate")
    loop.set_function(body)
    loop.set_special_body_ports([-1, 0])
    loop.set_invariant_input(bx, x.output(0))
    loop.set_merged_input(bacc, x.output(0), nacc.output(0))
    out = loop.get_iter_value(nacc.output(0), -1)
    return ov.Model([ops.result(out, name="y")], [x], "loop_model")


def fan_in_model(n: int) -> ov.Model:
    """``n`` parameters concatenated into one node (thousands of edges into one node)."""
    params = [ops.parameter([1], ov.Type.f32, name=f"p{i}") for i in range(n)]
    cat = ops.concat([p.output(0) for p in params], 0, name="all/Concat")
    return ov.Model([ops.result(cat, name="out")], params, "fan_in")


def unnamed_duplicates_model() -> ov.Model:
    """Nodes with empty and duplicate friendly names."""
    x = ops.parameter([2], ov.Type.f32, name="x")
    a = ops.relu(x)
    a.set_friendly_name("")
    b = ops.relu(a, name="same")
    c = ops.relu(b, name="same")
    d = ops.add(a, c, name="same")
    return ov.Model([ops.result(d, name="y")], [x], "dups")


def unnamed_resnet_model(blocks: int) -> ov.Model:
    """Residual blocks (conv, relu, conv, add, relu) whose ops keep OpenVINO's default names: no name scopes."""
    rng = np.random.default_rng(2)
    x = ops.parameter([1, 4, 8, 8], ov.Type.f32)
    h = x.output(0)
    for _ in range(blocks):
        w1, w2 = ((rng.standard_normal((4, 4, 3, 3)) * 0.1).astype(np.float32) for _ in range(2))
        c1 = ops.convolution(h, ops.constant(w1), [1, 1], [1, 1], [1, 1], [1, 1])
        c2 = ops.convolution(ops.relu(c1), ops.constant(w2), [1, 1], [1, 1], [1, 1], [1, 1])
        h = ops.relu(ops.add(c2, h)).output(0)
    return ov.Model([ops.result(h)], [x], "unnamed_resnet")
