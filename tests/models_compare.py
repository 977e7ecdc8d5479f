"""Model pairs with known differences for the comparison tests, built in code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops


def conv_net(*, seed: int = 0, size: int = 32, classes: int = 10, perturb: str | None = None,
             prefix: str = "", extra: bool = False) -> ov.Model:
    """A small CNN: 3 conv blocks, global pooling, a classifier [1, classes]. ``perturb`` names a conv whose
    weights get noise; ``prefix`` renames every node and tensor; ``extra`` adds one more conv block."""
    rng = np.random.default_rng(seed)
    x = ops.parameter([1, 3, size, size], ov.Type.f32, name=f"{prefix}image")
    x.output(0).get_tensor().set_names({f"{prefix}image"})
    h = x.output(0)
    channels = 3
    blocks = ["conv1", "conv2", "conv3", *(["conv4"] if extra else [])]
    for name in blocks:
        out = 16
        w = (rng.standard_normal((out, channels, 3, 3)) * np.sqrt(2 / (channels * 9))).astype(np.float32)
        if name == perturb:
            w = w + (np.random.default_rng(99).standard_normal(w.shape) * 0.5).astype(np.float32)
        c = ops.convolution(h, ops.constant(w, name=f"{prefix}{name}.weight"), [1, 1], [1, 1], [1, 1], [1, 1],
                            name=f"{prefix}{name}")
        b = ops.add(c, ops.constant(rng.standard_normal((1, out, 1, 1)).astype(np.float32) * 0.1,
                                    name=f"{prefix}{name}.bias"), name=f"{prefix}{name}/add")
        h = ops.relu(b, name=f"{prefix}{name}/relu").output(0)
        channels = out
    pooled = ops.reduce_mean(h, ops.constant(np.array([2, 3], np.int64), name=f"{prefix}axes"), False,
                             name=f"{prefix}pool")
    fc = ops.matmul(pooled, ops.constant(rng.standard_normal((classes, channels)).astype(np.float32),
                                         name=f"{prefix}fc.weight"), False, True, name=f"{prefix}fc")
    fc.output(0).get_tensor().set_names({f"{prefix}logits"})
    return ov.Model([ops.result(fc, name=f"{prefix}logits")], [x], f"{prefix}convnet")


def mlp(*, seed: int = 0, width: int = 64, layers: int = 4) -> ov.Model:
    """An MLP on [1, width] with MatMul weights NNCF compresses."""
    rng = np.random.default_rng(seed)
    x = ops.parameter([1, width], ov.Type.f32, name="x")
    h = x.output(0)
    for i in range(layers):
        w = (rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32)
        h = ops.matmul(h, ops.constant(w, name=f"fc{i}.weight"), False, True, name=f"fc{i}").output(0)
        h = ops.relu(h, name=f"relu{i}").output(0)
    return ov.Model([ops.result(h, name="out")], [x], "mlp")


def save(model: ov.Model, path: Path, *, fp16: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, str(path), compress_to_fp16=fp16)
    return path


def renamed(model: ov.Model) -> ov.Model:
    """A copy with every node and tensor renamed (what an exporter run twice may give)."""
    clone = model.clone()
    for k, node in enumerate(clone.get_ordered_ops()):
        node.set_friendly_name(f"n{k}_{node.get_type_name().lower()}")
        for port in node.outputs():
            if port.get_names():
                port.get_tensor().set_names({f"t{k}_{port.get_index()}"})
    return clone


def nncf_compressed(model: ov.Model, mode: str, **kwargs) -> ov.Model:
    import nncf

    modes = {"int8": nncf.CompressWeightsMode.INT8_ASYM, "int8_sym": nncf.CompressWeightsMode.INT8_SYM,
             "int4": nncf.CompressWeightsMode.INT4_SYM, "int4_asym": nncf.CompressWeightsMode.INT4_ASYM}
    return nncf.compress_weights(model.clone(), mode=modes[mode], **kwargs)


def swapped_classes(source: Path, path: Path, i: int, j: int) -> Path:
    """A copy of a classifier (its last MatMul + Add give [1, classes]) answering class ``j`` where it answered
    ``i`` and back: the two rows of the weights and the bias are swapped, nothing else changes."""
    model = ov.Core().read_model(source)
    matmul = [op for op in model.get_ordered_ops() if op.get_type_name() == "MatMul"][-1]
    add = next(t.get_node() for t in matmul.output(0).get_target_inputs())
    for node, port in ((matmul, 1), (add, 1)):
        const = node.input_value(port).get_node()
        values = const.get_data().copy()
        axis = 0 if values.shape[0] > 1 else values.ndim - 1
        values.swapaxes(0, axis)[[i, j]] = values.swapaxes(0, axis)[[j, i]]
        node.input(port).replace_source_output(ops.constant(values, name=const.get_friendly_name()).output(0))
    model.validate_nodes_and_infer_types()
    return save(model, path)
