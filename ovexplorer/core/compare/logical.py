"""A model's graph as the comparison sees it: layers and weights, with what optimization inserts folded away.

Optimization rewrites weights into small constant sub-graphs (Const -> Convert for FP16; Const -> Convert ->
[Subtract zero point] -> Multiply scale [-> Reshape] [-> Convert] for INT8/INT4 weight compression, group-wise
too; Const -> FakeQuantize for quantized weights) and inserts FakeQuantize before layer inputs. Here every
sub-graph computed from constants only is one *weight* (its last node, the one layers read: the frontier), and a
FakeQuantize on an activation is see-through, so the same layer reads the same inputs in both models.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ovexplorer.core.model.graph import Graph

#: Ops that produce data without being computed from constants (never folded into a weight).
_SOURCES = frozenset(("Parameter", "ReadValue", "RandomUniform"))
#: Inserted on activations by INT8 quantization; the comparison looks through them.
SEE_THROUGH = frozenset(("FakeQuantize",))
FLOAT_TYPES = frozenset(("f32", "f16", "bf16", "f64"))


@dataclass(frozen=True, slots=True)
class Weight:
    """A frontier of constant data: ``root`` is its biggest Constant, ``chain`` every node behind it."""

    frontier: int
    root: int
    chain: tuple[int, ...]  # node ids in topological order (root included, frontier last)
    signature: tuple[str, ...]  # "Constant:u8", "Convert", "Subtract", "Multiply", ...: how it is stored

    @property
    def is_plain(self) -> bool:
        return len(self.chain) == 1


class LogicalGraph:
    """Layers and weights of one graph: logical inputs by port, consumers, depth, and who owns the hidden nodes."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        nodes, edges = graph.nodes, graph.edges
        n = len(nodes)
        src, dst = [e.src for e in edges], [e.dst for e in edges]
        producers = [[src[e] for e in ie] for ie in graph.in_edges]  # in input-port order
        consumers = [[dst[e] for e in oe] for oe in graph.out_edges]
        types = [node.type for node in nodes]
        self.derived = derived = [False] * n
        for i in range(n):  # ids are topological: producers come first
            t = types[i]
            if t == "Constant":
                derived[i] = True
            elif t not in _SOURCES and producers[i]:
                derived[i] = all(derived[p] for p in producers[i])
        self.see_through = see = [not derived[i] and types[i] in SEE_THROUGH and bool(producers[i])
                                  and not derived[producers[i][0]] for i in range(n)]
        #: hidden node -> the logical node it belongs to (a weight's frontier, or the layer a FakeQuantize feeds)
        self.owner: dict[int, int] = {}
        self.weights: dict[int, Weight] = {}
        self.ops: list[int] = []
        for i in range(n):
            if derived[i]:  # a weight when a layer reads it (a FakeQuantize's ranges belong to the FakeQuantize)
                cons = consumers[i]
                if not cons or any(not derived[c] and not see[c] for c in cons):
                    self.weights[i] = self._weight(i, producers)
            elif not see[i]:
                self.ops.append(i)
        owner = self.owner
        for w in self.weights.values():
            for c in w.chain:
                owner.setdefault(c, w.frontier)
        #: logical inputs of each layer, by input port: a layer or a weight frontier (FakeQuantize looked through)
        self.inputs: dict[int, tuple[int, ...]] = {}
        #: the see-through nodes between each layer and its inputs
        self.inserted: dict[int, tuple[int, ...]] = {}
        self.consumers: dict[int, list[tuple[int, int]]] = {}  # logical node -> (layer, input port)
        logical_consumers = self.consumers
        for i in self.ops:
            resolved = producers[i]
            if any(see[p] for p in resolved):
                resolved, passed = [], []
                for p in producers[i]:
                    while see[p]:
                        passed.append(p)
                        p = producers[p][0]
                    resolved.append(p)
                self.inserted[i] = tuple(passed)
                for q in passed:
                    owner.setdefault(q, i)
                    stack = list(producers[q][1:])  # the FakeQuantize's ranges, and whatever computes them
                    while stack:
                        r = stack.pop()
                        if derived[r] and r not in owner:
                            owner[r] = i
                            stack.extend(producers[r])
            for k, p in enumerate(resolved):
                entry = logical_consumers.get(p)
                if entry is None:
                    logical_consumers[p] = [(i, k)]
                else:
                    entry.append((i, k))
            self.inputs[i] = tuple(resolved)

    @cached_property
    def depth(self) -> dict[int, int]:
        """Longest path from an input, in layers (weights do not count)."""
        depth: dict[int, int] = {}
        for i in self.ops:
            depth[i] = 1 + max((depth.get(p, 0) for p in self.inputs[i]), default=-1)
        return depth

    def _weight(self, frontier: int, producers: list[list[int]]) -> Weight:
        nodes = self.graph.nodes
        if not producers[frontier]:  # a plain Constant (most weights of an unoptimized model)
            return Weight(frontier, frontier, (frontier,),
                          (f"Constant:{nodes[frontier].outputs[0].element_type}",))
        seen = {frontier}
        stack = [frontier]
        while stack:
            for p in producers[stack.pop()]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        chain = tuple(sorted(seen))
        consts = [c for c in chain if nodes[c].const is not None]
        root = max(consts, key=lambda c: (nodes[c].const.element_count, -c)) if consts else frontier
        signature = tuple(f"{nodes[c].type}:{nodes[c].outputs[0].element_type}" if c == root else nodes[c].type
                          for c in chain if c == root or nodes[c].const is None)
        return Weight(frontier, root, chain, signature)

    def kind(self, i: int) -> str:
        return "weight" if i in self.weights else "op"

    def is_logical(self, i: int) -> bool:
        return i in self.weights or (not self.derived[i] and not self.see_through[i])

    def stored_type(self, i: int) -> str:
        """How a weight is stored (``u8 → f32``), or a layer's output element type."""
        node = self.graph.nodes[i]
        w = self.weights.get(i)
        if w is None:
            return node.outputs[0].element_type if node.outputs else ""
        root = self.graph.nodes[w.root].outputs[0].element_type
        out = node.outputs[0].element_type
        return root if root == out else f"{root} → {out}"

    def is_float_weight(self, i: int) -> bool:
        node = self.graph.nodes[i]
        return bool(node.outputs) and node.outputs[0].element_type in FLOAT_TYPES

    def label(self, i: int) -> str:
        node = self.graph.nodes[self.weights[i].root if i in self.weights else i]
        return node.name or f"{node.type} #{node.id}"
