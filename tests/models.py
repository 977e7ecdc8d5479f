"""Tiny OpenVINO models built in code for tests (fast, deterministic)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops


def tiny_model() -> ov.Model:
    rng = np.random.default_rng(0)
    p = ops.parameter([1, 3, 8, 8], ov.Type.f32, name="input")
    w = ops.constant(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), name="conv.weight")
    c = ops.convolution(p, w, [1, 1], [1, 1], [1, 1], [1, 1], name="__module.conv1/aten::conv2d/Convolution")
    r = ops.relu(c, name="__module.relu/aten::relu/Relu")
    res = ops.result(r, name="output")
    r.output(0).get_tensor().set_names({"output"})
    model = ov.Model([res], [p], "tiny")
    model.set_rt_info("tiny test model", ["model_info", "description"])
    return model


def counting_loop_model() -> ov.Model:
    """A Loop whose body adds one to its input three times."""
    x = ops.parameter([1], ov.Type.f32, name="x")
    bx = ops.parameter([1], ov.Type.f32, name="bx")
    body = ov.Model([ops.result(ops.constant(True)), ops.result(ops.add(bx, ops.constant(np.float32([1]))))], [bx])
    loop = ops.loop(ops.constant(np.int64(3)), ops.constant(True))
    loop.set_friendly_name("loop")
    loop.set_function(body)
    loop.set_special_body_ports([-1, 0])
    loop.set_merged_input(bx, x.output(0), body.results[1].input_value(0))
    out = loop.get_iter_value(body.results[1].output(0), -1)
    return ov.Model([ops.result(out, name="y")], [x], "loop_model")


def save_ir(model: ov.Model, path: Path) -> Path:
    """Save ``model`` as ``path`` (.xml + .bin, weights kept f32), making its folder; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=False)
    return path


def make_tiny_ir(path: Path) -> Path:
    return save_ir(tiny_model(), path)


def if_model(shape: list[int], then_op: Callable[[ov.Node], ov.Node], else_op: Callable[[ov.Node], ov.Node],
             name: str) -> ov.Model:
    """``cond`` (bool scalar), ``x`` (``shape``) -> If ``branch``: then = ``then_op(then_x)``, else =
    ``else_op(else_x)`` -> ``y``."""
    cond = ops.parameter([], ov.Type.boolean, name="cond")
    x = ops.parameter(shape, ov.Type.f32, name="x")
    tp = ops.parameter(shape, ov.Type.f32, name="then_x")
    then_body = ov.Model([ops.result(then_op(tp))], [tp], "then_body")
    ep = ops.parameter(shape, ov.Type.f32, name="else_x")
    else_body = ov.Model([ops.result(else_op(ep))], [ep], "else_body")
    node = ops.if_op(cond)
    node.set_friendly_name("branch")
    node.set_then_body(then_body)
    node.set_else_body(else_body)
    node.set_input(x.output(0), tp, ep)
    out = node.set_output(then_body.results[0], else_body.results[0])
    return ov.Model([ops.result(out, name="y")], [cond, x], name)


def make_if_ir(path: Path) -> Path:
    return save_ir(if_model([2], lambda p: ops.relu(p, name="then_relu"), lambda p: ops.negative(p, name="else_neg"),
                            "if_model"), path)


def make_big_weights_ir(path: Path, megabytes: int) -> Path:
    """An IR whose single Const holds ``megabytes`` MiB of zeros, the .bin written as a sparse file."""
    count = megabytes * 1024 * 1024 // 4
    xml = f"""<?xml version="1.0"?>
<net name="big" version="11">
  <layers>
    <layer id="0" name="x" type="Parameter" version="opset1">
      <data shape="{count}" element_type="f32" />
      <output><port id="0" precision="FP32" names="x"><dim>{count}</dim></port></output>
    </layer>
    <layer id="1" name="w" type="Const" version="opset1">
      <data element_type="f32" shape="{count}" offset="0" size="{count * 4}" />
      <output><port id="0" precision="FP32"><dim>{count}</dim></port></output>
    </layer>
    <layer id="2" name="add" type="Add" version="opset1">
      <data auto_broadcast="numpy" />
      <input><port id="0" precision="FP32"><dim>{count}</dim></port>
             <port id="1" precision="FP32"><dim>{count}</dim></port></input>
      <output><port id="2" precision="FP32" names="y"><dim>{count}</dim></port></output>
    </layer>
    <layer id="3" name="y" type="Result" version="opset1">
      <input><port id="0" precision="FP32"><dim>{count}</dim></port></input>
    </layer>
  </layers>
  <edges>
    <edge from-layer="0" from-port="0" to-layer="2" to-port="0" />
    <edge from-layer="1" from-port="0" to-layer="2" to-port="1" />
    <edge from-layer="2" from-port="2" to-layer="3" to-port="0" />
  </edges>
</net>
"""
    path.write_text(xml)
    with path.with_suffix(".bin").open("wb") as f:
        f.truncate(count * 4)
    return path
