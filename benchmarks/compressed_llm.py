"""An LLM-shaped IR (~135M parameters: hidden 576, 30 layers, intermediate 1536, vocab 49152) with random
weights, compressed by NNCF, and the plain numpy statistics script the compressed statistics are compared with.

Used by ``benchmarks/weights_stats.py --nncf`` (needs the ``bench`` extra: ``pip install -e ".[bench]"``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HIDDEN, LAYERS, INTERMEDIATE, VOCAB, KV = 576, 30, 1536, 49152, 192

#: name -> (nncf mode, keyword arguments)
VARIANTS = {
    "int4_asym_g64": ("INT4_ASYM", {"group_size": 64, "ratio": 1.0}),
    "int8_asym_per_channel": ("INT8_ASYM", {}),
    "int8_sym_per_channel": ("INT8_SYM", {}),
}


def llm_model():
    """Q/K/V/O, gate/up/down MatMuls per layer and an LM head (transposed weights, as exported LLMs have)."""
    import openvino as ov
    import openvino.opset13 as ops

    rng = np.random.default_rng(0)

    def weight(rows: int, cols: int):
        return ops.constant(rng.standard_normal((rows, cols), dtype=np.float32) * np.float32(0.02))

    x = ops.parameter([1, -1, HIDDEN], ov.Type.f32, name="x")
    h = x
    for _ in range(LAYERS):
        q = ops.matmul(h, weight(HIDDEN, HIDDEN), False, True)
        k = ops.matmul(h, weight(KV, HIDDEN), False, True)
        v = ops.matmul(h, weight(KV, HIDDEN), False, True)
        h = ops.add(h, ops.matmul(ops.add(q, ops.concat([k, v, k], -1)), weight(HIDDEN, HIDDEN), False, True))
        gate = ops.matmul(h, weight(INTERMEDIATE, HIDDEN), False, True)
        up = ops.matmul(h, weight(INTERMEDIATE, HIDDEN), False, True)
        h = ops.add(h, ops.matmul(ops.multiply(ops.swish(gate), up), weight(HIDDEN, INTERMEDIATE), False, True))
    logits = ops.matmul(h, weight(VOCAB, HIDDEN), False, True)
    return ov.Model([ops.result(logits)], [x], "llm_135m")


def build(folder: Path, names: list[str]) -> dict[str, Path]:
    """Compress the model with NNCF once per variant; returns the IR paths."""
    try:
        import nncf
    except ImportError:
        raise SystemExit("--nncf needs NNCF: pip install -e \".[bench]\"") from None
    import openvino as ov

    model = llm_model()
    paths = {}
    for name in names:
        mode, options = VARIANTS[name]
        compressed = nncf.compress_weights(model.clone(), mode=getattr(nncf.CompressWeightsMode, mode), **options)
        paths[name] = folder / f"{name}.xml"
        ov.save_model(compressed, str(paths[name]), compress_to_fp16=False)
    return paths


#: The baseline, run as ``python -c BASELINE model.xml``: read the IR, and for every Multiply fed by a
#: compressed constant unpack the codes (nibbles for 4-bit), subtract the zero point, multiply by the scale and
#: reduce min/max/mean/std in float32.
BASELINE = r"""
import sys
import numpy as np
import openvino as ov

def codes(const):
    t = const.get_element_type().get_type_name()
    raw = const.data.reshape(-1)
    shape = tuple(const.get_output_shape(0))
    if t in ('u4', 'i4'):
        out = np.empty(raw.size * 2, dtype=np.uint8)
        out[0::2] = raw & 0x0F
        out[1::2] = raw >> 4
        if t == 'i4':
            return (out.view(np.int8) << 4 >> 4).astype(np.float32).reshape(shape)
        return out.astype(np.float32).reshape(shape)
    return raw.view(np.int8 if t == 'i8' else np.uint8).astype(np.float32).reshape(shape)

def source(output):
    node = output.get_node()
    while node.get_type_name() in ('Convert', 'Reshape'):
        node = node.input_value(0).get_node()
    return node

model = ov.Core().read_model(sys.argv[1])
count = 0
for node in model.get_ops():
    if node.get_type_name() != 'Multiply':
        continue
    scale = source(node.input_value(1))
    first = node.input_value(0).get_node()
    if scale.get_type_name() != 'Constant':
        continue
    if first.get_type_name() == 'Subtract':
        w, zp = source(first.input_value(0)), source(first.input_value(1))
    else:
        w, zp = source(node.input_value(0)), None
    if w.get_type_name() != 'Constant' or w.get_element_type().get_type_name() not in ('u4', 'i4', 'u8', 'i8'):
        continue
    x = codes(w)
    if zp is not None:
        x -= codes(zp)
    x *= scale.data.astype(np.float32)
    mean = float(x.mean())
    print(f'{w.get_friendly_name()} {x.min():.6g} {x.max():.6g} {mean:.6g} {x.std():.6g}')
    count += 1
print(count, 'weights', file=sys.stderr)
"""
