"""A language model's architecture (from ``config.json``), its KV cache (from the state or past-key-value shapes)
and its weight compression (INT4/INT8, group size, ratio, from the decompression chains and NNCF's rt_info)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import openvino as ov

#: config.json keys of each fact, in the spellings transformers uses across model types.
_KEYS = {
    "layers": ("num_hidden_layers", "n_layer", "num_layers"),
    "heads": ("num_attention_heads", "n_head"),
    "kv_heads": ("num_key_value_heads", "num_kv_heads", "multi_query_group_num"),
    "hidden": ("hidden_size", "n_embd", "d_model"),
    "vocab": ("vocab_size",),
    "context": ("max_position_embeddings", "n_positions", "n_ctx", "seq_length"),
}
_LOW_BITS = {"u4": 4, "i4": 4, "nf4": 4, "u8": 8, "i8": 8, "f4e2m1": 4, "f8e4m3": 8, "f8e5m2": 8}


@dataclass(frozen=True)
class Compression:
    """How the weights are compressed: mode (``int4_asym``...), group size, INT4 ratio, element counts by type."""

    mode: str
    group_size: int | None
    ratio: float | None
    elements: dict[str, int]
    source: str  # "rt_info" (NNCF wrote it) or "graph" (read from the decompression chains)
    nncf_ratio: float | None = None  # the ratio NNCF was asked for (of the weights it could compress)

    def text(self) -> str:
        parts = [self.mode]
        if self.group_size:
            parts.append(f"group size {self.group_size}")
        if self.nncf_ratio is not None:
            parts.append(f"ratio {self.nncf_ratio:g}")
        if self.ratio is not None:
            parts.append(f"INT4 share of weights {self.ratio:.0%}")
        return ", ".join(parts) + f" ({self.source})"


@dataclass(frozen=True)
class Architecture:
    """What a language model is: the config's numbers, stateful or not, KV cache per token, compression."""

    model_type: str
    architectures: tuple[str, ...]
    layers: int | None
    heads: int | None
    kv_heads: int | None
    hidden: int | None
    vocab: int | None
    context: int | None
    stateful: bool
    kv_inputs: int  # past_key_values inputs of a stateless model
    kv_bytes_per_token: int | None
    compression: Compression | None

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs for the summary."""

        def num(v: int | None) -> str:
            return "?" if v is None else f"{v:,}"

        kind = "stateful (KV cache in the model's state)" if self.stateful else (
            f"stateless (KV cache as {self.kv_inputs} inputs/outputs)" if self.kv_inputs else "no KV cache")
        kv = "?" if self.kv_bytes_per_token is None else f"{self.kv_bytes_per_token:,} bytes per token"
        return [
            ("Type", " / ".join(filter(None, [self.model_type, ", ".join(self.architectures)])) or "?"),
            ("Layers", num(self.layers)), ("Attention heads", num(self.heads)), ("KV heads", num(self.kv_heads)),
            ("Hidden size", num(self.hidden)), ("Vocabulary", num(self.vocab)), ("Context length", num(self.context)),
            ("KV cache", f"{kind}; {kv}"),
            ("Weight compression", self.compression.text() if self.compression else "none"),
        ]


def _first(config: dict[str, Any], names: tuple[str, ...]) -> int | None:
    for name in names:
        value = config.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _kv_per_token(model: ov.Model) -> tuple[bool, int, int | None]:
    """(stateful, number of past-key-value inputs, bytes per token of all layers' keys and values)."""
    total, complete = 0, True
    shapes: list[tuple[ov.PartialShape, ov.Type]] = []
    read_values = [op for op in model.get_ordered_ops() if op.get_type_name() == "ReadValue"]
    for op in read_values:
        shapes.append((op.get_output_partial_shape(0), op.get_output_element_type(0)))
    kv_inputs = [p for p in model.inputs if any(n.startswith("past_key_values") for n in p.get_names())]
    for port in kv_inputs:
        shapes.append((port.get_partial_shape(), port.get_element_type()))
    for shape, etype in shapes:
        # [batch, kv_heads, sequence, head_dim]: every dimension but batch and the dynamic sequence is per token
        dims = [d.get_length() if d.is_static else None for d in shape]
        if len(dims) < 3:
            complete = False
            continue
        per = 1
        dynamic = 0
        for i, d in enumerate(dims):
            if i == 0:
                continue
            if d is None:
                dynamic += 1
            else:
                per *= d
        if dynamic != 1:
            complete = False
        total += per * max(1, etype.size)
    return bool(read_values), len(kv_inputs), (total if shapes and complete else None)


def weight_compression(model: ov.Model) -> Compression | None:
    """INT4/INT8 weight compression: NNCF's rt_info when present, else counted on the decompression chains
    (a low-bit Constant -> Convert -> [Subtract] -> Multiply feeding a MatMul or Gather)."""
    elements: Counter[str] = Counter()
    group_sizes: Counter[int] = Counter()
    for op in model.get_ordered_ops():
        if op.get_type_name() != "Constant":
            continue
        etype = op.get_output_element_type(0).get_type_name()
        consumers = [t.get_node().get_type_name() for t in op.output(0).get_target_inputs()]
        shape = list(op.get_output_shape(0))
        count = 1
        for d in shape:
            count *= d
        if etype in _LOW_BITS and "Convert" in consumers and count > 64:
            elements[etype] += count
            if _LOW_BITS[etype] == 4 and len(shape) == 3:
                group_sizes[shape[-1]] += 1
        elif etype in ("f32", "f16", "bf16") and len(shape) == 2 and count >= 1024 and any(
                c in ("MatMul", "Gather", "Convert") for c in consumers):
            elements[etype] += count
    if not any(t in _LOW_BITS for t in elements):
        return None
    int4 = sum(n for t, n in elements.items() if _LOW_BITS.get(t) == 4)
    weights = sum(elements.values())
    ratio = int4 / weights if weights and int4 else None
    group = group_sizes.most_common(1)[0][0] if group_sizes else None
    mode = "INT4" if int4 else "INT8"
    if int4 and int4 < weights:
        mode = "INT4 + INT8" if any(_LOW_BITS.get(t) == 8 for t in elements) else "INT4"
    source = "graph"
    nncf_ratio = None
    rt = _nncf_rt_info(model)
    if rt:
        mode = rt.get("mode", mode)
        group = int(rt["group_size"]) if rt.get("group_size", "").lstrip("-").isdigit() else group
        if group is not None and group < 0:
            group = None  # NNCF writes -1 for per-channel
        source = "rt_info"
        try:
            nncf_ratio = float(rt["ratio"]) if int4 and "ratio" in rt else None
        except ValueError:
            nncf_ratio = None
        if rt.get("backup_mode"):
            mode += f" (backup {rt['backup_mode']})"
    return Compression(mode=mode, group_size=group, ratio=ratio, elements=dict(elements), source=source,
                       nncf_ratio=nncf_ratio)


def _nncf_rt_info(model: ov.Model) -> dict[str, str]:
    keys = ("mode", "group_size", "ratio", "backup_mode")
    out: dict[str, str] = {}
    for key in keys:
        path = ["nncf", "weight_compression", key]
        if model.has_rt_info(path):
            out[key] = str(model.get_rt_info(path).astype(str))
    return out


def describe_architecture(model: ov.Model, config: dict[str, Any]) -> Architecture:
    """The architecture from ``config`` (config.json) and the model's state, inputs and weights."""
    values = {k: _first(config, names) for k, names in _KEYS.items()}
    if values["kv_heads"] is None:
        values["kv_heads"] = values["heads"]
    if values["vocab"] is None:  # the logits' last dimension
        for out in model.outputs:
            shape = out.get_partial_shape()
            if shape.rank.is_static and shape.rank.get_length() == 3 and shape[2].is_static:
                values["vocab"] = shape[2].get_length()
                break
    stateful, kv_inputs, kv_bytes = _kv_per_token(model)
    return Architecture(
        model_type=str(config.get("model_type", "")), architectures=tuple(config.get("architectures") or ()),
        stateful=stateful, kv_inputs=kv_inputs, kv_bytes_per_token=kv_bytes,
        compression=weight_compression(model), **values)
