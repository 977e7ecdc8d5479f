"""What a group (a name scope) holds, for the Inspector: op counts by type, its weights, its inputs and outputs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ovexplorer.core.layout.grouping import Grouping
from ovexplorer.core.model.graph import Graph


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """One group's contents; ``inputs``/``outputs`` are (node id, port, shape) of tensors crossing its border."""

    path: str
    op_count: int
    op_types: tuple[tuple[str, int], ...]  # (type, count), most frequent first; constants excluded
    const_count: int
    weight_count: int  # values held by its constants
    weight_bytes: int
    inputs: tuple[tuple[int, int, str], ...]  # producers outside the group: (node id, output port, shape)
    outputs: tuple[tuple[int, int, str], ...]  # its nodes read from outside: (node id, output port, shape)


def group_summary(graph: Graph, grouping: Grouping, gid: int) -> GroupSummary:
    """The summary of group ``gid`` of ``grouping`` (made for ``graph``)."""
    members = grouping.subtree_nodes(gid)
    inside = set(members)
    types: Counter[str] = Counter()
    weights = nbytes = consts = 0
    inputs: dict[tuple[int, int], str] = {}
    outputs: dict[tuple[int, int], str] = {}
    for v in members:
        node = graph.nodes[v]
        if node.type == "Constant":
            consts += 1
            if node.const is not None:
                weights += node.const.element_count
                nbytes += node.const.byte_size
        else:
            types[node.type] += 1
        for e in graph.in_edges[v]:
            edge = graph.edges[e]
            if edge.src not in inside:
                port = graph.nodes[edge.src].outputs
                inputs.setdefault((edge.src, edge.src_port),
                                  port[edge.src_port].shape if edge.src_port < len(port) else "")
        for e in graph.out_edges[v]:
            edge = graph.edges[e]
            if edge.dst not in inside or graph.nodes[edge.dst].type == "Result":
                outputs.setdefault((v, edge.src_port), node.outputs[edge.src_port].shape
                                   if edge.src_port < len(node.outputs) else "")
    group = grouping.groups[gid]
    return GroupSummary(
        group.path or graph.name,
        sum(types.values()),
        tuple(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        consts, weights, nbytes,
        tuple((n, p, s) for (n, p), s in inputs.items()),
        tuple((n, p, s) for (n, p), s in outputs.items()),
    )
