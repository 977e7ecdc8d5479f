"""The model summary: what a user wants to know first about an open model."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from ovexplorer.core.model.categories import WEIGHT_PORTS
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.model.graph import Graph, graphs_with_bodies
from ovexplorer.core.model.names import display_name, names_text

#: Floating-point element types: their constants are parameters wherever they are used.
FLOAT_TYPES = frozenset({"f64", "f32", "f16", "bf16", "f8e4m3", "f8e5m2", "f8e8m0", "f4e2m1", "nf4"})
#: Element types whose constants may be parameters (index/shape types i32/i64 never are); see :func:`is_parameter`.
WEIGHT_TYPES = FLOAT_TYPES | frozenset({"i8", "u8", "i4", "u4", "u2", "u1"})
#: Stored types that mean the weights were compressed (decompressed by a Convert at run time).
COMPRESSED_TYPES = frozenset(WEIGHT_TYPES - {"f64", "f32"})


def is_parameter(graph: Graph, node_id: int) -> bool:
    """Whether a Constant counts as trainable parameters (weights).

    The rule: a floating-point constant always does; an integer constant of a weight type (i8/u8/i4/u4/u2/u1) does
    only when it is a compressed weight, i.e. a Convert turns it into a floating type (weights, zero points), or it
    feeds a layer's weights port as it is (MatMul, convolutions). Other integer constants are not weights: a
    tokenizer's vocabulary bytes (u8 feeding string ops), masks, lookup tables.
    """
    const = graph.nodes[node_id].const
    if const is None or const.element_type not in WEIGHT_TYPES:
        return False
    if const.element_type in FLOAT_TYPES:
        return True
    for e in graph.out_edges[node_id]:
        edge = graph.edges[e]
        consumer = graph.nodes[edge.dst]
        if consumer.type == "Convert" and consumer.outputs and consumer.outputs[0].element_type in FLOAT_TYPES:
            return True
        if edge.dst_port in WEIGHT_PORTS.get(consumer.type, ()):
            return True
    return False


@dataclass(frozen=True, slots=True)
class TensorSummary:
    """A model input or output as a user sees it."""

    name: str  # the name ovexplorer calls it by everywhere (ports.display_name)
    shape: str
    element_type: str
    names: tuple[str, ...] = ()  # every tensor name OpenVINO gives it (for an output: the model output's names)


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """Counts and facts about a model, computed from its graph without touching the weights."""

    name: str
    path: str
    format: str
    op_count: int
    op_types: dict[str, int]
    inputs: tuple[TensorSummary, ...]
    outputs: tuple[TensorSummary, ...]
    parameter_count: int
    weight_bytes: dict[str, int]
    compressed_types: tuple[str, ...]
    rt_info_keys: tuple[str, ...]
    subgraph_count: int
    description: str = ""
    #: Parameters held in each nested body (If / Loop / TensorIterator), by body: "branch/then" -> count.
    body_parameters: dict[str, int] = field(default_factory=dict)

    @property
    def compressed(self) -> bool:
        return bool(self.compressed_types)

    @property
    def total_weight_bytes(self) -> int:
        return sum(self.weight_bytes.values())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["compressed"] = self.compressed
        data["total_weight_bytes"] = self.total_weight_bytes
        return data


def _flat_keys(info: dict[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in info.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            keys.extend(_flat_keys(value, full + "/"))
        else:
            keys.append(full)
    return keys


def _count_subgraphs(graph: Graph) -> int:
    return sum(len(n.subgraphs) + sum(_count_subgraphs(g) for g in n.subgraphs) for n in graph.nodes)


def summarize(doc: ModelDocument) -> ModelSummary:
    """Summarise an open document from its graph (the weights are not read); computed once per document."""
    cached = doc.derived.get("summary")
    if cached is None:
        cached = doc.derived["summary"] = _summarize(doc)
    return cached


def _summarize(doc: ModelDocument) -> ModelSummary:
    graph = doc.graph
    op_types = Counter(n.type for n in graph.nodes)
    weight_bytes: Counter[str] = Counter()
    params = 0
    compressed: set[str] = set()
    by_body: dict[str, int] = {}
    for label, g in graphs_with_bodies(graph):  # constants in If / Loop bodies are weights too
        before = params
        for node in g.nodes:
            if node.const is None:
                continue
            weight_bytes[node.const.element_type] += node.const.byte_size
            if is_parameter(g, node.id):
                params += node.const.element_count
            if node.const.element_type in COMPRESSED_TYPES and any(
                g.nodes[c].type == "Convert" for c in g.consumers(node.id)
            ):
                compressed.add(node.const.element_type)
        if label:
            by_body[label] = params - before
    taken: set[str] = set()
    inputs = []
    for k, i in enumerate(graph.inputs):
        port = graph.nodes[i].outputs[0]
        inputs.append(TensorSummary(display_name(port.names, graph.nodes[i].name, f"input{k}", taken), port.shape,
                                    port.element_type, port.names))
    taken = set()
    outputs = []
    for k, i in enumerate(graph.outputs):
        node = graph.nodes[i]
        # the model's output is the Result's own port: its names are the model output's (which may differ from the
        # tensor feeding it); its shape and type are the fed tensor's
        names = node.outputs[0].names if node.outputs else ()
        port = node.inputs[0] if node.inputs else node.outputs[0]
        outputs.append(TensorSummary(display_name(names, node.name, f"output{k}", taken, result=True), port.shape,
                                     port.element_type, names))
    return ModelSummary(
        name=doc.name,
        path=str(doc.path.resolve()),
        format=doc.format,
        op_count=len(graph.nodes),
        op_types=dict(sorted(op_types.items(), key=lambda kv: (-kv[1], kv[0]))),
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        parameter_count=params,
        weight_bytes=dict(sorted(weight_bytes.items(), key=lambda kv: -kv[1])),
        compressed_types=tuple(sorted(compressed)),
        rt_info_keys=tuple(_flat_keys(dict(graph.rt_info))),
        subgraph_count=_count_subgraphs(graph),
        description=_description(dict(graph.rt_info)),
        body_parameters=by_body,
    )


def _description(rt_info: dict[str, Any]) -> str:
    info = rt_info.get("model_info")
    value = info.get("description", "") if isinstance(info, dict) else ""
    return value if isinstance(value, str) else ""


def human_bytes(n: float) -> str:
    """``1536`` -> ``1.5 KiB``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def human_count(n: int) -> str:
    """``1234567`` -> ``1.23 M``."""
    for div, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if n >= div:
            return f"{n / div:.2f}{suffix}"
    return str(n)


def format_summary(s: ModelSummary) -> str:
    """The summary as the ``info`` command prints it."""
    by_type = ", ".join(f"{t} {human_bytes(b)}" for t, b in s.weight_bytes.items())
    lines = [
        f"Model:       {s.name}",
        *([f"Description: {s.description}"] if s.description else []),
        f"File:        {s.path}",
        f"Format:      {s.format}",
        f"Operations:  {s.op_count} ({len(s.op_types)} types)"
        + (f", {s.subgraph_count} nested bodies" if s.subgraph_count else ""),
        f"Parameters:  {s.parameter_count:,} ({human_count(s.parameter_count)})",
        *(f"  in {label}: {count:,} parameters" for label, count in s.body_parameters.items()),
        f"Weights:     {human_bytes(s.total_weight_bytes)}"
        + (f" ({by_type})" if by_type else ""),
        f"Compressed:  {'yes (' + ', '.join(s.compressed_types) + ')' if s.compressed else 'no'}",
        "Inputs:",
        *(f"  {names_text(t.names or (t.name,))}  {t.shape}  {t.element_type}" for t in s.inputs),
        "Outputs:",
        *(f"  {names_text(t.names or (t.name,), t.name)}  {t.shape}  {t.element_type}" for t in s.outputs),
        "Op types:",
        *(f"  {count:6d}  {op}" for op, count in s.op_types.items()),
        "Model rt_info: " + (", ".join(s.rt_info_keys) if s.rt_info_keys else "(none)"),
    ]
    return "\n".join(lines)
