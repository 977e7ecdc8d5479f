"""The generic graph: Node / Port / Edge records extracted once from an ``openvino.Model``.

Views, layout and statistics work on these records and never on OpenVINO objects, the way Netron's
viewer knows nothing of any one format. Node ids are positions in OpenVINO's topological order, stable
for a given file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import openvino as ov

from ovexplorer.core.model.categories import category_of
from ovexplorer.core.util.gc_pause import gc_paused
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Port(NamedTuple):
    """One input or output of a node (a NamedTuple: graphs hold hundreds of thousands of them)."""

    index: int
    shape: str  # OpenVINO's partial shape text, e.g. "[1,3,?,224]" or "[...]"
    dims: tuple[int, ...] | None  # -1 for a dynamic dimension; None when the rank is dynamic
    element_type: str  # OpenVINO's short name: f32, f16, bf16, i8, u4...
    names: tuple[str, ...]  # tensor names

    @property
    def is_static(self) -> bool:
        return self.dims is not None and all(d >= 0 for d in self.dims)


@dataclass(frozen=True, slots=True)
class ConstInfo:
    """What a Constant holds, without touching its bytes."""

    shape: tuple[int, ...]
    element_type: str
    element_count: int
    byte_size: int


class Edge(NamedTuple):
    """A tensor flowing from ``src``'s output ``src_port`` to ``dst``'s input ``dst_port``."""

    src: int
    src_port: int
    dst: int
    dst_port: int


class Node(NamedTuple):
    """One operation (a NamedTuple: built 20,000 times when a large model opens, ten times faster than a dataclass)."""

    id: int
    name: str
    type: str
    opset: str
    category: str
    attributes: Mapping[str, Any]
    rt_info: Mapping[str, Any]
    inputs: tuple[Port, ...]
    outputs: tuple[Port, ...]
    const: ConstInfo | None = None
    subgraphs: tuple[Graph, ...] = ()


@dataclass(frozen=True, slots=True)
class Graph:
    """A model's (or a body's) nodes and edges, with per-node edge indexes."""

    name: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    rt_info: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    in_edges: tuple[tuple[int, ...], ...] = field(default=(), repr=False)
    out_edges: tuple[tuple[int, ...], ...] = field(default=(), repr=False)

    def producers(self, node_id: int) -> list[int]:
        """Ids of the nodes feeding ``node_id``, in input-port order."""
        return [self.edges[e].src for e in self.in_edges[node_id]]

    def consumers(self, node_id: int) -> list[int]:
        """Ids of the nodes reading any output of ``node_id``."""
        return [self.edges[e].dst for e in self.out_edges[node_id]]

    def edge_array(self) -> np.ndarray:
        """Edges as an ``(E, 2)`` int array of (src, dst), for vectorised layout work."""
        if not self.edges:
            return np.zeros((0, 2), dtype=np.int64)
        return np.array([(e.src, e.dst) for e in self.edges], dtype=np.int64)

    def find(self, name: str) -> Node | None:
        """First node with this friendly name."""
        return next((n for n in self.nodes if n.name == name), None)


#: rt_info keys whose OVAny values have no Python form (``.value`` raises): learnt while reading, since
#: raising and catching that error costs ten times the rest of a node's extraction. A key names one
#: attribute class (``WeightlessCacheAttribute_0``), so its values always convert the same way.
_OPAQUE_KEYS: set[str] = set()

#: rt_info nested deeper than this is shown as a placeholder (no model needs it; recursion would fail).
MAX_INFO_DEPTH = 64


def any_to_python(value: Any, key: str | None = None, _depth: int = 0) -> Any:
    """Turn an OpenVINO rt_info value (OVAny, nested dicts) into plain Python values."""
    if _depth > MAX_INFO_DEPTH:
        return "<nested too deeply>"
    if isinstance(value, Mapping):
        return {str(k): any_to_python(v, None, _depth + 1) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [any_to_python(v, None, _depth + 1) for v in value]
    if key is None or key not in _OPAQUE_KEYS:
        try:
            return any_to_python(value.value, None, _depth + 1)
        except Exception:  # noqa: BLE001 - opaque OVAny payloads raise assorted errors
            if key is not None:
                _OPAQUE_KEYS.add(key)
    try:
        return any_to_python(value.astype(str), None, _depth + 1)
    except Exception:  # noqa: BLE001
        return "<opaque>"


def rt_info_dict(rt_map: Any) -> dict[str, Any]:
    """rt_info (an RTMap or dict) as a plain dict."""
    try:
        count = len(rt_map)
        if count == 0:
            return {}
        # exactly ``count`` items: running a pybind iterator to its end raises StopIteration through C++ (12 us)
        items = list(islice(rt_map.items(), count))
    except Exception:  # noqa: BLE001
        return {}
    return {str(k): any_to_python(v, str(k)) for k, v in items}


@lru_cache(maxsize=4096)
def parse_dims(shape: str) -> tuple[int, ...] | None:
    """``"[1,?,3..8,224]"`` -> ``(1, -1, -1, 224)``; ``"[...]"`` (dynamic rank) -> None."""
    inner = shape.strip()[1:-1].strip()
    if inner == "...":
        return None
    if not inner:
        return ()
    return tuple(int(d) if d.strip().isdigit() else -1 for d in inner.split(","))


def _const_info(port: Port, bitwidth: int) -> ConstInfo:
    dims = port.dims or ()
    count = math.prod(dims) if dims else 1
    return ConstInfo(tuple(dims), port.element_type, count, (count * bitwidth + 7) // 8)


def _string_const_info(node: ov.Node, port: Port) -> ConstInfo:
    """A string Constant: its byte size is what it takes in the ``.bin`` (a count, one offset per string and one
    more, then the UTF-8 characters), not the size of C++ string objects."""
    try:
        chars = sum(len(s.encode("utf-8", "surrogatepass")) for s in node.get_value_strings())
    except (RuntimeError, UnicodeError, TypeError):
        chars = 0
    dims = port.dims or ()
    count = math.prod(dims) if dims else 1
    return ConstInfo(tuple(dims), port.element_type, count, 4 + 4 * (count + 1) + chars)


def _bodies(node: ov.Node, kind: str) -> list[tuple[str, ov.Model]]:
    if kind == "If":
        return [("then", node.get_then_body()), ("else", node.get_else_body())]
    if kind in ("Loop", "TensorIterator"):
        return [("body", node.get_function())]
    return []


def extract_graph(
    model: ov.Model,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    name: str | None = None,
) -> tuple[Graph, list[ov.Node]]:
    """Build the :class:`Graph` of ``model``; also return the OpenVINO nodes, indexed by node id."""
    with gc_paused():  # every record lives as long as the graph: no collector passes while they pile up
        return _extract(model, progress, cancel, name)


def _extract(
    model: ov.Model, progress: ProgressFn, cancel: CancelToken | None, name: str | None
) -> tuple[Graph, list[ov.Node]]:
    ov_nodes = list(model.get_ordered_ops())
    index = {n.get_name(): i for i, n in enumerate(ov_nodes)}
    nodes: list[Node] = []
    edges: list[Edge] = []
    in_edges: list[list[int]] = [[] for _ in ov_nodes]
    out_edges: list[list[int]] = [[] for _ in ov_nodes]
    total = max(1, len(ov_nodes))
    outputs_of: list[tuple[Port, ...]] = []
    # Port records are shared between nodes with the same shape and type: fewer objects, fewer calls
    ports: dict[tuple[int, str, str], Port] = {}
    type_names: dict[ov.Type, tuple[str, int]] = {}
    add_node, add_edge, add_outputs = nodes.append, edges.append, outputs_of.append
    for i, n in enumerate(ov_nodes):
        if i % 2048 == 0:
            if cancel is not None:
                cancel.check()
            progress(i / total, "Reading the graph")
        op_type = n.get_type_name()
        outputs = []
        first_bits = 0
        for k, p in enumerate(n.outputs()):  # outputs come in index order
            text = str(p.get_partial_shape())
            etype = p.get_element_type()
            type_name = type_names.get(etype)
            if type_name is None:
                type_name = type_names[etype] = (etype.get_type_name(), etype.bitwidth)
            if k == 0:
                first_bits = type_name[1]
            names = p.get_names()
            if names:
                outputs.append(Port(k, text, parse_dims(text), type_name[0], tuple(sorted(names))))
            else:
                key = (k, text, type_name[0])
                port = ports.get(key)
                if port is None:
                    port = ports[key] = Port(k, text, parse_dims(text), type_name[0], ())
                outputs.append(port)
        outputs = tuple(outputs)
        add_outputs(outputs)
        inputs: list[Port] = []
        node_in = in_edges[i]
        for k, p in enumerate(n.inputs()):  # inputs come in index order
            # ordered ops are topological: the producer's output port (same shape and type) is already known
            src = p.get_source_output()
            s, src_index = index[src.get_node().get_name()], src.get_index()
            sp = outputs_of[s][src_index]
            if sp.index != k or sp.names:
                key = (k, sp.shape, sp.element_type)
                port = ports.get(key)
                if port is None:
                    port = ports[key] = Port(k, sp.shape, sp.dims, sp.element_type, ())
                sp = port
            inputs.append(sp)
            e = len(edges)
            node_in.append(e)
            out_edges[s].append(e)
            add_edge(Edge(s, src_index, i, k))
        try:
            attrs = n.get_attributes()
            attributes = MappingProxyType(attrs) if attrs else _EMPTY
        except Exception:  # noqa: BLE001 - a few ops cannot visit their attributes from Python
            attributes = _EMPTY
        subgraphs = ()
        if op_type in _BODY_TYPES:
            subgraphs = tuple(
                _extract(body, no_progress, cancel, f"{n.get_friendly_name()}/{label}")[0]
                for label, body in _bodies(n, op_type)
            )
        rt_map = n.get_rt_info()
        add_node(
            Node(
                i,
                n.get_friendly_name(),
                op_type,
                n.get_type_info().version_id,
                category_of(op_type),
                attributes,
                MappingProxyType(rt_info_dict(rt_map)) if len(rt_map) else _EMPTY,
                tuple(inputs),
                outputs,
                (_string_const_info(n, outputs[0]) if outputs[0].element_type == "string" else
                 _const_info(outputs[0], first_bits)) if op_type == "Constant" else None,
                subgraphs,
            )
        )
    progress(1.0, "Reading the graph")
    params = tuple(index[p.get_name()] for p in model.get_parameters())
    results = tuple(index[r.get_name()] for r in model.get_results())
    graph = Graph(
        name=name if name is not None else model.get_friendly_name(),
        nodes=tuple(nodes),
        edges=tuple(edges),
        inputs=params,
        outputs=results,
        rt_info=MappingProxyType(rt_info_dict(model.get_rt_info())),
        in_edges=tuple(map(tuple, in_edges)),
        out_edges=tuple(map(tuple, out_edges)),
    )
    return graph, ov_nodes


_BODY_TYPES = frozenset(("If", "Loop", "TensorIterator"))


class BodyRef(NamedTuple):
    """A nested body (of an If, Loop or TensorIterator), wherever it sits."""

    label: str  # "branch/then"; nested bodies join their holders: "loop/body/branch/then"
    holder: int  # the top-level node holding it (outermost)
    path: tuple[tuple[int, int], ...]  # (node id, body index) from the top graph down to it
    graph: Graph


def iter_bodies(graph: Graph, _prefix: str = "", _path: tuple[tuple[int, int], ...] = ()) -> Iterator[BodyRef]:
    """Every body nested in ``graph``, depth first in node order."""
    for node in graph.nodes:
        for k, body in enumerate(node.subgraphs):
            label = f"{_prefix}{body.name}"
            path = (*_path, (node.id, k))
            yield BodyRef(label, path[0][0], path, body)
            yield from iter_bodies(body, label + "/", path)


def graphs_with_bodies(graph: Graph) -> list[tuple[str, Graph]]:
    """``("", graph)`` and ``(label, body)`` for every nested body."""
    return [("", graph), *((b.label, b.graph) for b in iter_bodies(graph))]


def body_ov_nodes(ov_nodes: list[ov.Node], path: tuple[tuple[int, int], ...]) -> list[ov.Node]:
    """The OpenVINO nodes of the body at ``path``, indexed like its :class:`Graph`'s node ids."""
    nodes = ov_nodes
    for node_id, k in path:
        holder = nodes[node_id]
        nodes = list(_bodies(holder, holder.get_type_name())[k][1].get_ordered_ops())
    return nodes
