"""Group a graph's nodes into nested boxes by name scope (the module path of PyTorch-style friendly names).

``__module.model.layers.0.self_attn.q_proj/aten::linear/MatMul`` lies in the scope
``model / layers.0 / self_attn / q_proj``; ONNX- and TensorFlow-style names (``/model/layers.0/MatMul``,
``model/dense/MatMul``) group the same way. Nodes without a scope (constants, ops added by transformations)
join the innermost group holding all their consumers. Groups holding a single op dissolve into their parent.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

from ovexplorer.core.layout.node_boxes import short_name
from ovexplorer.core.model.graph import Graph

MAX_DEPTH = 12
ROOT = 0


@dataclass(frozen=True, slots=True)
class Group:
    """One name scope; ``nodes`` are the direct members, ``children`` the nested groups (ids)."""

    id: int
    name: str
    path: str
    parent: int  # -1 for the root
    depth: int
    children: tuple[int, ...]
    nodes: tuple[int, ...]
    op_count: int  # operations in the whole subtree, constants excluded
    const_count: int  # constants in the whole subtree


@dataclass(frozen=True, slots=True)
class Grouping:
    """Groups of a graph: ``groups[0]`` is the root; ``node_group[i]`` is node ``i``'s innermost group."""

    groups: tuple[Group, ...]
    node_group: tuple[int, ...]
    ancestors: tuple[tuple[int, ...], ...]  # per group: root .. group itself

    def holding_groups(self, node_id: int) -> tuple[int, ...]:
        """Groups containing ``node_id``, root first."""
        return self.ancestors[self.node_group[node_id]]

    def contains(self, group: int, node_id: int) -> bool:
        anc = self.ancestors[self.node_group[node_id]]
        depth = self.groups[group].depth
        return len(anc) > depth and anc[depth] == group

    def subtree_nodes(self, group: int) -> list[int]:
        out: list[int] = []
        stack = [group]
        while stack:
            g = self.groups[stack.pop()]
            out.extend(g.nodes)
            stack.extend(g.children)
        return sorted(out)


def scope_of(name: str) -> tuple[str, ...]:
    """The name scope of a friendly name, outermost first (``()`` when it has none)."""
    if not name or "/" not in name:
        return ()
    segments = name.split("/")[:-1]
    parts: list[str] = []
    for seg in segments:
        if not seg or "::" in seg:
            continue
        if seg.startswith("__module."):
            seg = seg[len("__module."):]
        for piece in seg.split("."):
            if not piece:
                continue
            if piece.isdigit() and parts:
                parts[-1] = f"{parts[-1]}.{piece}"
            else:
                parts.append(piece)
    return tuple(parts[:MAX_DEPTH])


def flat_grouping(graph: Graph) -> Grouping:
    """Every node in the root group (no grouping)."""
    n = len(graph.nodes)
    consts = sum(1 for node in graph.nodes if node.type == "Constant")
    root = Group(ROOT, "", "", -1, 0, (), tuple(range(n)), n - consts, consts)
    return Grouping((root,), (ROOT,) * n, ((ROOT,),))


def group_by_scope(graph: Graph) -> Grouping:
    """Group ``graph``'s nodes by name scope (see the module docstring)."""
    nodes = graph.nodes
    n = len(nodes)
    scopes: list[tuple[str, ...] | None] = [None] * n
    for node in nodes:
        if node.type in ("Parameter", "Result"):
            scopes[node.id] = ()
        elif node.type != "Constant":
            s = scope_of(node.name)
            if s:
                scopes[node.id] = s
    # Unscoped nodes join the common scope of their consumers (ids are in topological order).
    for i in range(n - 1, -1, -1):
        if scopes[i] is not None:
            continue
        common: tuple[str, ...] | None = None
        for e in graph.out_edges[i]:
            s = scopes[graph.edges[e].dst] or ()
            if common is None:
                common = s
            else:
                k = 0
                while k < len(common) and k < len(s) and common[k] == s[k]:
                    k += 1
                common = common[:k]
            if not common:
                break
        scopes[i] = common or ()
    # Count ops per scope prefix, then dissolve scopes holding a single op and no other scope.
    per_scope = Counter(s for node, s in zip(nodes, scopes, strict=True) if node.type != "Constant")
    counts: dict[tuple[str, ...], int] = {}
    for s, c in per_scope.items():  # a module's ops share one scope: count each scope once
        for k in range(1, len(s) + 1):
            counts[s[:k]] = counts.get(s[:k], 0) + c
    child_scopes: dict[tuple[str, ...], int] = {}
    for s in counts:
        if len(s) > 1:
            child_scopes[s[:-1]] = child_scopes.get(s[:-1], 0) + 1
    keep: dict[tuple[str, ...], tuple[str, ...]] = {}

    def kept(s: tuple[str, ...]) -> tuple[str, ...]:
        if s in keep:
            return keep[s]
        out = s
        while out and counts.get(out, 0) <= 1 and not child_scopes.get(out):
            out = out[:-1]
        keep[s] = out
        return out

    # Build groups in first-appearance (topological) order.
    index: dict[tuple[str, ...], int] = {(): ROOT}
    parents: list[int] = [-1]
    names: list[str] = [""]
    paths: list[str] = [""]
    members: list[list[int]] = [[]]
    node_group: list[int] = [ROOT] * n
    for i, s in enumerate(scopes):
        s = kept(s or ())
        gid = index.get(s)
        if gid is None:
            for k in range(1, len(s) + 1):
                prefix = s[:k]
                if prefix not in index:
                    index[prefix] = len(parents)
                    parents.append(index[prefix[:-1]])
                    names.append(prefix[-1])
                    paths.append("/".join(prefix))
                    members.append([])
            gid = index[s]
        members[gid].append(i)
        node_group[i] = gid
    count = len(parents)
    children: list[list[int]] = [[] for _ in range(count)]
    for g in range(1, count):
        children[parents[g]].append(g)
    depth = [0] * count
    ancestors: list[tuple[int, ...]] = [(ROOT,)] + [()] * (count - 1)
    for g in range(1, count):  # parents are created before their children
        depth[g] = depth[parents[g]] + 1
        ancestors[g] = (*ancestors[parents[g]], g)
    ops = [0] * count
    consts = [0] * count
    for node, g in zip(nodes, node_group, strict=True):
        if node.type == "Constant":
            consts[g] += 1
        else:
            ops[g] += 1
    for g in range(count - 1, 0, -1):  # children have higher ids than their parents: subtree sums bottom-up
        ops[parents[g]] += ops[g]
        consts[parents[g]] += consts[g]
    groups = tuple(
        Group(g, names[g], paths[g], parents[g], depth[g], tuple(children[g]), tuple(members[g]), ops[g], consts[g])
        for g in range(count)
    )
    return Grouping(groups, tuple(node_group), tuple(ancestors))


def default_expanded(
    grouping: Grouping, visible_count: list[int], budget: int = 160, wrapper_budget: int = 800,
    start_budget: int = 150,
) -> frozenset[int]:
    """Groups to show expanded first: depth by depth, a whole depth at once while the items fit ``budget``.

    ``visible_count[g]`` is the number of items group ``g`` shows when expanded (its visible direct nodes
    plus its non-empty child groups). The root is always expanded, and so is a wrapper group holding 80 % of
    its parent's ops (``model`` around ``layers.0 .. layers.N``) while the items stay within ``wrapper_budget``.
    """
    groups = grouping.groups
    expanded = {ROOT}
    shown = visible_count[ROOT]
    frontier = list(groups[ROOT].children)
    while frontier:
        extra = sum(visible_count[g] - 1 for g in frontier)
        if shown + extra <= budget:
            chosen = frontier
        else:
            chosen = [g for g in frontier if groups[g].op_count * 5 > groups[groups[g].parent].op_count * 4
                      and shown + visible_count[g] - 1 <= wrapper_budget]
            if not chosen:
                break
        for g in chosen:
            expanded.add(g)
            shown += visible_count[g] - 1
        frontier = [c for g in chosen for c in groups[g].children]
    # The start of the graph (where a tall outline's first view looks) opens until ``start_budget`` more items
    # are shown, so that the first view shows operations, not only boxes (ids follow the graph's order).
    extra = 0
    for g in range(1, len(groups)):
        if extra >= start_budget:
            break
        more = visible_count[g] - 1
        if g not in expanded and groups[g].parent in expanded and visible_count[g] > 0 \
                and extra + more <= start_budget:
            expanded.add(g)
            extra += more
    return frozenset(expanded)


#: A group with more direct operations than this (an IR without name scopes, or one huge scope) has them
#: split into sections by topological order, so the default view of a large graph stays an outline.
SECTION_LIMIT = 400
#: At most this many sections per group (each then holds ops / SECTIONS_MAX operations or more).
SECTIONS_MAX = 120
#: A group's Parameters and Results stay outside its sections when there are at most this many.
MAX_IO_OUTSIDE = 64
#: At least this many operations per section.
SECTION_MIN_OPS = 60


def add_sections(grouping: Grouping, graph: Graph) -> Grouping:
    """Split every group showing more than ``SECTION_LIMIT`` items (direct operations and child groups) into
    sections: runs of consecutive items in topological order, cut where the fewest edges cross (a residual
    block's end, the sum of parallel branches). Constants go with their first consumer. Named ``part 1 · layer0 …
    layer59`` (first and last scope) or ``part 1 · Convolution, Relu, Add`` (commonest op types);
    groups are renumbered so that parents still come before their children."""
    nodes = graph.nodes
    old = grouping.groups
    count = len(old)
    parent = [g.parent for g in old]
    children = [list(g.children) for g in old]
    members = [list(g.nodes) for g in old]
    names = [g.name for g in old]
    paths = [g.path for g in old]
    first_node = [min(g.nodes, default=len(nodes)) for g in old]
    for g in range(count - 1, 0, -1):  # children have higher ids: subtree minima bottom-up
        first_node[old[g].parent] = min(first_node[old[g].parent], first_node[g])
    changed = False
    for g in range(count):
        # the model's inputs and outputs stay in view, outside the parts (unless there are hundreds)
        io_out = sum(1 for i in members[g] if nodes[i].type in _IO) <= MAX_IO_OUTSIDE
        skip = _NOT_SECTIONED if io_out else frozenset({"Constant"})
        ops = [i for i in members[g] if nodes[i].type not in skip]
        items = sorted([(i, -1) for i in ops] + [(first_node[c], c) for c in children[g]])
        if len(items) <= SECTION_LIMIT:
            continue
        changed = True
        unit: dict[int, int] = {}  # node -> position of the item holding it
        for pos, (i, c) in enumerate(items):
            if c < 0:
                unit[i] = pos
            else:
                for node in grouping.subtree_nodes(c):
                    unit[node] = pos
        sections = _cut(graph, unit, len(items), max(SECTION_MIN_OPS, -(-len(items) // SECTIONS_MAX)))
        section_ids = list(range(count, count + len(sections)))
        count += len(sections)
        section_of: dict[int, int] = {}
        for sid, (a, b) in zip(section_ids, sections, strict=True):
            k = sid - section_ids[0] + 1
            parent.append(g)
            paths.append(f"{paths[g]}/part {k}" if paths[g] else f"part {k}")
            children.append([c for _, c in items[a:b] if c >= 0])
            members.append([i for i, c in items[a:b] if c < 0])
            names.append(f"part {k} · {_part_label(graph, [names[c] for c in children[-1]], members[-1])}")
            first_node.append(items[a][0])
            for c in children[sid]:
                parent[c] = sid
            for i in members[sid]:
                section_of[i] = sid
        kept = []
        for i in members[g]:  # constants: the section of their first consumer
            if i in section_of:
                continue
            if io_out and nodes[i].type in _IO:
                kept.append(i)
                continue
            dst = [unit[graph.edges[e].dst] for e in graph.out_edges[i] if graph.edges[e].dst in unit]
            if dst:
                sid = next(s for s, (a, b) in zip(section_ids, sections, strict=True) if a <= min(dst) < b)
                members[sid].append(i)
            else:
                kept.append(i)
        members[g] = kept
        children[g] = section_ids
        _distinct(graph, names, section_ids, [max(members[sid], default=-1) for sid in section_ids])
    if not changed:
        return grouping
    # Renumber in preorder (parents before children, siblings in topological order) and recount.
    order: list[int] = []
    stack = [ROOT]
    while stack:
        g = stack.pop()
        order.append(g)
        stack.extend(sorted(children[g], key=lambda c: first_node[c], reverse=True))
    new_id = {g: k for k, g in enumerate(order)}
    node_group = [0] * len(nodes)
    for g in order:
        for i in members[g]:
            node_group[i] = new_id[g]
    ops = [0] * len(order)
    consts = [0] * len(order)
    for k in range(len(order) - 1, -1, -1):
        g = order[k]
        consts[k] += sum(1 for i in members[g] if nodes[i].type == "Constant")
        ops[k] += len(members[g]) - sum(1 for i in members[g] if nodes[i].type == "Constant")
        if g != ROOT:
            ops[new_id[parent[g]]] += ops[k]
            consts[new_id[parent[g]]] += consts[k]
    ancestors: list[tuple[int, ...]] = [()] * len(order)
    groups = []
    for k, g in enumerate(order):
        up = new_id[parent[g]] if g != ROOT else -1
        ancestors[k] = (*ancestors[up], k) if up >= 0 else (ROOT,)
        groups.append(Group(k, names[g], paths[g], up, len(ancestors[k]) - 1,
                            tuple(new_id[c] for c in sorted(children[g], key=lambda c: first_node[c])),
                            tuple(sorted(members[g])), ops[k], consts[k]))
    return Grouping(tuple(groups), tuple(node_group), tuple(ancestors))


#: Op types that say little about what a part computes (left out of its name when others are there).
_PLUMBING = frozenset({"Convert", "Unsqueeze", "Squeeze", "Reshape", "Transpose", "Concat", "Split", "VariadicSplit",
                       "ShapeOf", "Gather", "Slice", "StridedSlice", "Broadcast", "Constant"})
_IO = frozenset({"Parameter", "Result"})
_NOT_SECTIONED = _IO | {"Constant"}


def _part_label(graph: Graph, groups: list[str], ops: list[int]) -> str:
    """What a part holds, to find one's way among them: its first and last scope, or its commonest op types
    that compute something (not Convert/Unsqueeze...) with their counts, and the shape it ends with."""
    if groups:
        return groups[0] if len(groups) == 1 else f"{groups[0]} … {groups[-1]}"
    counts = Counter(graph.nodes[i].type for i in ops)
    telling = [t for t in counts if t not in _PLUMBING] or list(counts)
    top = sorted(telling, key=lambda t: (-counts[t], t))[:2]  # ties by name: neighbours read alike
    label = ", ".join(f"{t} ×{counts[t]}" if counts[t] > 1 else t for t in top)
    last = graph.nodes[max(ops)] if ops else None
    if last is not None and last.outputs and last.outputs[0].dims:
        label += " → " + "×".join("?" if d < 0 else str(d) for d in last.outputs[0].dims)
    return label


def _distinct(graph: Graph, names: list[str], ids: list[int], last_ops: list[int]) -> None:
    """Parts named alike get the name of the op they end with added, in place."""
    seen = Counter(names[i].split(" · ", 1)[-1] for i in ids)
    for i, last in zip(ids, last_ops, strict=True):
        if seen[names[i].split(" · ", 1)[-1]] > 1 and last >= 0:
            names[i] += f" · to {short_name(graph.nodes[last])}"


def _cut(graph: Graph, unit: dict[int, int], m: int, size: int) -> list[tuple[int, int]]:
    """Sections ``[a, b)`` of ``m`` items (``unit``: node -> item position) of about ``size`` items each, cut
    where the fewest edges cross."""
    crossing = [0] * (m + 1)  # crossing[p]: edges from items < p to items >= p
    for node, p in unit.items():
        for e in graph.out_edges[node]:
            q = unit.get(graph.edges[e].dst)
            if q is not None and q > p:
                crossing[p + 1] += 1
                crossing[q + 1] -= 1
    for p in range(1, m + 1):
        crossing[p] += crossing[p - 1]
    bounds = [0]
    window = max(1, size // 3)
    while m - bounds[-1] > size + size // 2:
        target = bounds[-1] + size
        lo, hi = max(bounds[-1] + 1, target - window), min(m - 1, target + window)
        best = min(range(lo, hi + 1), key=lambda p: (crossing[p], abs(p - target)))
        bounds.append(best)
    bounds.append(m)
    return list(itertools.pairwise(bounds))
