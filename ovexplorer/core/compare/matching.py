"""Match the layers and weights of model A with those of model B (no Qt).

First by friendly names, then by output tensor names, then Parameters and Results by position; from there
by structure: matched layers pull in their inputs port by port and their single unmatched consumer of a kind;
what is still left pairs up when one layer of a type and shape remains on each side. Weights are matched through
the layers reading them, whatever the optimizer renamed or inserted (see :mod:`.logical`).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ovexplorer.core.compare.logical import LogicalGraph
from ovexplorer.core.model.graph import Graph, Node
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

#: How a pair was found, best first.
BY_NAME, BY_TENSOR, BY_POSITION, BY_STRUCTURE, BY_SHAPE = "name", "tensor name", "position", "structure", "shape"


@dataclass
class Matching:
    """Pairs of logical nodes (A id -> B id) and how each was found."""

    a: LogicalGraph
    b: LogicalGraph
    a_to_b: dict[int, int] = field(default_factory=dict)
    b_to_a: dict[int, int] = field(default_factory=dict)
    how: dict[int, str] = field(default_factory=dict)  # A id -> BY_*

    def pair(self, ia: int, ib: int, how: str) -> bool:
        if ia in self.a_to_b or ib in self.b_to_a:
            return False
        self.a_to_b[ia] = ib
        self.b_to_a[ib] = ia
        self.how[ia] = how
        return True

    def layer_share(self) -> tuple[int, int, int]:
        """(matched layers, layers of A, layers of B); Parameters, Results and weights do not count."""
        a_layers = [i for i in self.a.ops if _is_layer(self.a.graph.nodes[i])]
        b_layers = sum(1 for i in self.b.ops if _is_layer(self.b.graph.nodes[i]))
        return sum(1 for i in a_layers if i in self.a_to_b), len(a_layers), b_layers


def _is_layer(node: Node) -> bool:
    return node.type not in ("Parameter", "Result")


def _compatible(a: LogicalGraph, ia: int, b: LogicalGraph, ib: int) -> bool:
    if (ia in a.weights) != (ib in b.weights):
        return False
    na, nb = a.graph.nodes[ia], b.graph.nodes[ib]
    if ia in a.weights:  # a weight: the values a layer reads have one shape, however they are stored
        return [p.dims for p in na.outputs] == [p.dims for p in nb.outputs] or (
            na.outputs[0].dims is not None and nb.outputs[0].dims is not None
            and _count(na.outputs[0].dims) == _count(nb.outputs[0].dims))
    return na.type == nb.type and len(na.inputs) == len(nb.inputs) and len(na.outputs) == len(nb.outputs)


def _count(dims: tuple[int, ...]) -> int:
    n = 1
    for d in dims:
        n *= d
    return n


def _unique(items: Iterable[tuple[object, int]]) -> dict[object, int]:
    """key -> id for keys that occur once."""
    seen: dict[object, int] = {}
    twice: set[object] = set()
    for key, i in items:
        if key in seen:
            twice.add(key)
        else:
            seen[key] = i
    return {k: v for k, v in seen.items() if k not in twice}


def match_graphs(a_graph: Graph, b_graph: Graph, *, progress: ProgressFn = no_progress,
                 cancel: CancelToken | None = None) -> Matching:
    """Match the logical nodes of two graphs (see the module docstring)."""
    progress(-1.0, "Matching layers")
    a, b = LogicalGraph(a_graph), LogicalGraph(b_graph)
    m = Matching(a, b)
    queue: deque[tuple[int, int]] = deque()

    def add(ia: int, ib: int, how: str) -> None:
        if _compatible(a, ia, b, ib) and m.pair(ia, ib, how):
            queue.append((ia, ib))

    def by_key(key: Callable[[LogicalGraph, int], Iterable[object]], how: str,
               ids: Callable[[LogicalGraph], list]) -> None:
        ka = _unique((k, i) for i in ids(a) if i not in m.a_to_b for k in key(a, i))
        kb = _unique((k, i) for i in ids(b) if i not in m.b_to_a for k in key(b, i))
        for k, ia in ka.items():
            ib = kb.get(k)
            if ib is not None:
                add(ia, ib, how)

    ops = lambda g: g.ops  # noqa: E731
    by_key(lambda g, i: [(g.graph.nodes[i].type, g.graph.nodes[i].name)] if g.graph.nodes[i].name else [], BY_NAME, ops)
    by_key(lambda g, i: [("w", g.graph.nodes[g.weights[i].root].name)], BY_NAME, lambda g: list(g.weights))
    by_key(lambda g, i: [(g.graph.nodes[i].type, t) for p in g.graph.nodes[i].outputs for t in p.names],
           BY_TENSOR, ops)
    for side_a, side_b in ((a_graph.inputs, b_graph.inputs), (a_graph.outputs, b_graph.outputs)):
        if len(side_a) == len(side_b):
            for ia, ib in zip(side_a, side_b, strict=True):
                add(ia, ib, BY_POSITION)
    _propagate(m, queue, add, cancel)
    for round_ in range(8):  # leftovers: one layer of a type and shape on each side, then structure again
        if cancel is not None:
            cancel.check()
        before = len(m.a_to_b)
        by_key(lambda g, i: [(g.graph.nodes[i].type, tuple(p.shape for p in g.graph.nodes[i].outputs),
                              tuple(p.shape for p in g.graph.nodes[i].inputs))], BY_SHAPE, ops)
        _propagate(m, queue, add, cancel)
        if len(m.a_to_b) == before:
            break
        progress(min(0.9, 0.5 + round_ / 16), "Matching layers")
    progress(1.0, "Matching layers")
    return m


def _propagate(m: Matching, queue: deque[tuple[int, int]], add: Callable[[int, int, str], None],
               cancel: CancelToken | None) -> None:
    a, b = m.a, m.b
    steps = 0
    while queue:
        steps += 1
        if cancel is not None and steps % 4096 == 0:
            cancel.check()
        ia, ib = queue.popleft()
        ins_a, ins_b = a.inputs.get(ia, ()), b.inputs.get(ib, ())
        for pa, pb in zip(ins_a, ins_b, strict=False):
            if pa not in m.a_to_b and pb not in m.b_to_a:
                add(pa, pb, BY_STRUCTURE)
        cons_a, cons_b = a.consumers.get(ia), b.consumers.get(ib)
        if not cons_a or not cons_b:
            continue
        groups: dict[tuple[str, int], list[list[int]]] = defaultdict(lambda: [[], []])
        for side, g, cons, taken in ((0, a, cons_a, m.a_to_b), (1, b, cons_b, m.b_to_a)):
            for c, port in cons:
                if c not in taken:
                    groups[(g.graph.nodes[c].type, port)][side].append(c)
        for ca, cb in groups.values():
            if len(ca) == 1 and len(cb) == 1:
                add(ca[0], cb[0], BY_STRUCTURE)
