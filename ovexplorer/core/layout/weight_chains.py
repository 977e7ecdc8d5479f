"""Weights as a viewer shows them: constants and the decompression ops computed from constants alone
(f16 ``Const→Convert``; INT8/INT4 ``Const→Convert→[Subtract]→Multiply[→Reshape]``) fold into their consumer
as one "weight" attachment, as Netron draws initializers inside the node that uses them."""

from __future__ import annotations

from ovexplorer.core.model.graph import Graph

#: Ops that fold with their constant inputs when every input is a constant or folds itself.
DECOMPRESSION_OPS = frozenset({"Convert", "Subtract", "Multiply", "Reshape", "Transpose", "Unsqueeze", "Squeeze"})


def constant_derived(graph: Graph) -> list[bool]:
    """Per node: a Constant, or a decompression op whose inputs all are constant-derived (ids are topological)."""
    edges, in_edges = graph.edges, graph.in_edges
    out = [False] * len(graph.nodes)
    for node in graph.nodes:
        if node.type == "Constant":
            out[node.id] = True
        elif node.type in DECOMPRESSION_OPS:
            ins = in_edges[node.id]
            out[node.id] = bool(ins) and all(out[edges[e].src] for e in ins)
    return out


#: Longer runs of such ops are not looked through (a chain of a thousand Multiply on activations).
MAX_CHAIN = 64


class _Derived:
    """:func:`constant_derived` for a few nodes, worked out on demand (the inspector asks about one node)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.memo: dict[int, bool] = {}

    def __getitem__(self, v: int) -> bool:
        return self._derived(v, 0)

    def _derived(self, v: int, depth: int) -> bool:
        known = self.memo.get(v)
        if known is not None:
            return known
        graph = self.graph
        node = graph.nodes[v]
        if node.type == "Constant":
            result = True
        elif node.type in DECOMPRESSION_OPS and graph.in_edges[v] and depth < MAX_CHAIN:
            result = all(self._derived(graph.edges[e].src, depth + 1) for e in graph.in_edges[v])
        else:
            result = False
        self.memo[v] = result
        return result


def weight_roots(graph: Graph, head: int) -> list[int]:
    """The Constants a folded node is computed from, the largest (the weight itself) first."""
    derived = _Derived(graph)
    seen, stack, consts = {head}, [head], []
    while stack:
        v = stack.pop()
        if graph.nodes[v].type == "Constant":
            consts.append(v)
            continue
        for e in graph.in_edges[v]:
            src = graph.edges[e].src
            if derived[src] and src not in seen:
                seen.add(src)
                stack.append(src)
    return sorted(consts, key=lambda c: (-(graph.nodes[c].const.element_count if graph.nodes[c].const else 0), c))


def folded_inputs(graph: Graph, node_id: int) -> list[int]:
    """The folded nodes feeding ``node_id`` directly (constants or the last op of a decompression chain)."""
    derived = _Derived(graph)
    if derived[node_id]:
        return []
    return list(dict.fromkeys(graph.edges[e].src for e in graph.in_edges[node_id] if derived[graph.edges[e].src]))


def chain_types(graph: Graph, head: int) -> list[str]:
    """The op types of a folded chain from its weight to ``head`` (``[]`` for a plain constant)."""
    derived = _Derived(graph)
    types, v = [], head
    while graph.nodes[v].type != "Constant":
        types.append(graph.nodes[v].type)
        srcs = [graph.edges[e].src for e in graph.in_edges[v] if derived[graph.edges[e].src]]
        if not srcs:
            break
        v = srcs[0]  # the data path (the weight) comes first; zero points and scales are later inputs
    return types[::-1]


def shown_for(graph: Graph, node_id: int) -> int:
    """The node drawn for ``node_id`` when weights fold: itself, or the first consumer its chain feeds."""
    derived = _Derived(graph)
    v = node_id
    while derived[v]:
        consumers = graph.consumers(v)
        if not consumers:
            return node_id
        v = consumers[0]
    return v
