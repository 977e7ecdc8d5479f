"""Model totals: parameters, bytes by element type, op counts, and a MACs/FLOPs estimate.

MACs are counted for the layers that dominate compute (MatMul and the convolutions) from the static
shapes recorded in the graph; a layer whose shapes are dynamic is listed as such instead of guessed.
FLOPs = 2 x MACs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ovexplorer.core.model.graph import Graph, Node, graphs_with_bodies
from ovexplorer.core.model.summary import WEIGHT_TYPES
from ovexplorer.core.weights.statistics import const_derived, real_consumers

if TYPE_CHECKING:
    import openvino as ov

COMPUTE_OPS = ("MatMul", "Convolution", "GroupConvolution", "ConvolutionBackpropData",
               "GroupConvolutionBackpropData")


@dataclass(frozen=True, slots=True)
class LayerCompute:
    """The multiply-accumulates of one layer; ``macs`` is None when its shapes are dynamic."""

    node_id: int
    name: str
    type: str
    macs: int | None
    body: str = ""  # the If / Loop body holding it ("" at the top level); a body's layers are counted once


@dataclass(frozen=True, slots=True)
class ModelTotals:
    """Whole-model counts (from the graph; no weight is read)."""

    parameters: int
    constants: int
    bytes_by_type: dict[str, int]
    op_types: dict[str, int]
    layers: tuple[LayerCompute, ...]
    params_by_consumer_type: dict[str, int]
    params_by_scope: dict[str, int]
    #: The input shapes the compute was counted for (empty: the model's own shapes).
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def shapes_text(self) -> str:
        """``tokens=[1,10,16], mask=[1,10]``."""
        return ", ".join(f"{k}=[{','.join(map(str, v))}]" for k, v in self.shapes.items())

    @property
    def macs(self) -> int:
        return sum(layer.macs or 0 for layer in self.layers)

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def dynamic_layers(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.layers if layer.macs is None)

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_by_type.values())

    def macs_text(self) -> str:
        if not self.layers:
            return "0"
        text = f"{self.macs:,}"
        if self.dynamic_layers:
            text += f" + dynamic ({len(self.dynamic_layers)} layers with dynamic shapes)"
        if self.shapes:
            text += f" (for {self.shapes_text()})"
        return text

    def flops_text(self) -> str:
        text = f"{self.flops:,}" + (" + dynamic" if self.dynamic_layers else "")
        return text + (f" (for {self.shapes_text()})" if self.shapes else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters, "constants": self.constants, "bytes_by_type": self.bytes_by_type,
            "total_bytes": self.total_bytes, "op_types": self.op_types,
            "macs": self.macs, "flops": self.flops, "dynamic_layers": list(self.dynamic_layers),
            "layers": [{"name": x.name, "type": x.type, "macs": x.macs if x.macs is not None else "dynamic",
                        **({"body": x.body} if x.body else {})} for x in self.layers],
            "params_by_consumer_type": self.params_by_consumer_type, "params_by_scope": self.params_by_scope,
            **({"shapes": {k: list(v) for k, v in self.shapes.items()}} if self.shapes else {}),
        }


def _static(dims: tuple[int, ...] | None) -> bool:
    return dims is not None and all(d >= 0 for d in dims)


def layer_macs(node: Node) -> int | None:
    """Multiply-accumulates of a MatMul or convolution, or None when a shape it needs is dynamic."""
    out = node.outputs[0].dims if node.outputs else None
    a = node.inputs[0].dims if node.inputs else None
    w = node.inputs[1].dims if len(node.inputs) > 1 else None
    if not (_static(out) and _static(a) and _static(w)):
        return None
    if node.type == "MatMul":
        if not a:
            return None
        if len(a) == 1:
            k = a[0]
        else:
            k = a[-2] if node.attributes.get("transpose_a") else a[-1]
        return math.prod(out) * k
    if node.type == "Convolution":
        return math.prod(out) * math.prod(w[1:])
    if node.type == "GroupConvolution":
        return math.prod(out) * math.prod(w[2:])
    if node.type == "ConvolutionBackpropData":
        return math.prod(a) * math.prod(w[1:])
    if node.type == "GroupConvolutionBackpropData":
        return math.prod(a) * math.prod(w[2:])
    return None


def name_scope(name: str) -> str:
    """The scope of a name: ``enc.layer.0.q.weight`` -> ``enc.layer.0.q``; ``__module.conv1/aten::conv2d/X``
    -> ``__module.conv1``."""
    if "/" in name:
        return name.split("/", 1)[0] or name
    return name.rsplit(".", 1)[0] if "." in name else name


def model_totals(graph: Graph) -> ModelTotals:
    """Totals of a graph and its If / Loop bodies: parameters (constants of weight types), bytes, op counts (of the
    top level), compute (a body's layers counted once: an If runs one branch, a Loop runs its body many times)."""
    bytes_by_type: Counter[str] = Counter()
    by_consumer: Counter[str] = Counter()
    by_scope: Counter[str] = Counter()
    params = constants = 0
    for _label, g in graphs_with_bodies(graph):
        derived = const_derived(g)
        for node in g.nodes:
            if node.const is None:
                continue
            constants += 1
            bytes_by_type[node.const.element_type] += node.const.byte_size
            if node.const.element_type not in WEIGHT_TYPES:
                continue
            count = node.const.element_count
            params += count
            consumers = real_consumers(g, node.id, derived)
            types = sorted({g.nodes[c].type for c in consumers}) or ["(unused)"]
            by_consumer["/".join(types)] += count
            own = "." in node.name and "/" not in node.name  # a parameter name like "encoder.q.weight"
            by_scope[name_scope(node.name if own or not consumers else g.nodes[consumers[0]].name)] += count
    op_types = Counter(n.type for n in graph.nodes)

    def ordered(c: Counter[str]) -> dict[str, int]:
        return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    return ModelTotals(params, constants, ordered(bytes_by_type), ordered(op_types), compute_layers(graph),
                       ordered(by_consumer), ordered(by_scope))


def compute_layers(graph: Graph) -> tuple[LayerCompute, ...]:
    """The MatMuls and convolutions of a graph and its bodies, with their MACs at the graph's shapes."""
    return tuple(LayerCompute(node.id, node.name, node.type, layer_macs(node), label)
                 for label, g in graphs_with_bodies(graph) for node in g.nodes if node.type in COMPUTE_OPS)


def totals_at_shapes(base: ModelTotals, reshaped: ov.Model, shapes: Mapping[str, tuple[int, ...]]) -> ModelTotals:
    """``base`` (a model's totals) with its compute counted on ``reshaped``, the model set to the input ``shapes``
    (``core.run.session.reshape_inputs``): a dynamic model's MatMuls have no MACs until its inputs have sizes. The
    weights do not change with the shapes."""
    from ovexplorer.core.model.graph import extract_graph

    graph, _ = extract_graph(reshaped)
    return replace(base, layers=compute_layers(graph), shapes={k: tuple(v) for k, v in shapes.items()})
