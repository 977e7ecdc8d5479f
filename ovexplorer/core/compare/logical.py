"""A model's graph as the comparison sees it: layers and weights, with what optimization inserts folded away.

Optimization rewrites weights into small constant sub-graphs (Const -> Convert for FP16; Const -> Convert ->
[Subtract zero point] -> Multiply scale [-> Reshape] [-> Convert] for INT8/INT4 weight compression, group-wise
too; Const -> FakeQuantize for quantized weights) and inserts FakeQuantize before layer inputs. Here every
sub-graph computed from constants only is one *weight* (its last node, the one layers read: the frontier), and a
FakeQuantize on an activation is see-through, so the same layer reads the same inputs in both models.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        nodes = graph.nodes
        n = len(nodes)
        producers = [graph.producers(i) for i in range(n)]
        self.derived = derived = [False] * n
        for node in nodes:  # ids are topological: producers come first
            i = node.id
            derived[i] = node.type == "Constant" or (
                node.type not in _SOURCES and bool(producers[i]) and all(derived[p] for p in producers[i]))
        self.see_through = [not derived[i] and nodes[i].type in SEE_THROUGH and bool(producers[i])
                            and not derived[producers[i][0]] for i in range(n)]
        #: hidden node -> the logical node it belongs to (a weight's frontier, or the layer a FakeQuantize feeds)
        self.owner: dict[int, int] = {}
        self.weights: dict[int, Weight] = {}
        self.ops: list[int] = []
        consumers = [graph.consumers(i) for i in range(n)]
        for i in range(n):
            if derived[i]:  # a weight when a layer reads it (a FakeQuantize's ranges belong to the FakeQuantize)
                if any(not derived[c] and not self.see_through[c] for c in consumers[i]) or not consumers[i]:
                    self.weights[i] = self._weight(i, producers)
            elif not self.see_through[i]:
                self.ops.append(i)
        for w in self.weights.values():
            for c in w.chain:
                self.owner.setdefault(c, w.frontier)
        #: logical inputs of each layer, by input port: a layer or a weight frontier (FakeQuantize looked through)
        self.inputs: dict[int, tuple[int, ...]] = {}
        #: the see-through nodes between each layer and its inputs
        self.inserted: dict[int, tuple[int, ...]] = {}
        self.consumers: dict[int, list[tuple[int, int]]] = {}  # logical node -> (layer, input port)
        for i in self.ops:
            resolved, passed = [], []
            for p in producers[i]:
                while self.see_through[p]:
                    passed.append(p)
                    p = producers[p][0]
                resolved.append(p)
                self.consumers.setdefault(p, []).append((i, len(resolved) - 1))
            self.inputs[i] = tuple(resolved)
            if passed:
                self.inserted[i] = tuple(passed)
                for q in passed:
                    self.owner.setdefault(q, i)
                    stack = list(producers[q][1:])  # the FakeQuantize's ranges, and whatever computes them
                    while stack:
                        r = stack.pop()
                        if derived[r] and r not in self.owner:
                            self.owner[r] = i
                            stack.extend(producers[r])
        self.depth = self._depths()

    def _weight(self, frontier: int, producers: list[list[int]]) -> Weight:
        nodes = self.graph.nodes
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

    def _depths(self) -> dict[int, int]:
        depth: dict[int, int] = {}
        for i in self.ops:
            depth[i] = 1 + max((depth.get(p, 0) for p in self.inputs[i]), default=-1)
        return depth

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
