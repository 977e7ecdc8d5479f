"""Layout of a graph for the view: groups by name scope, each laid out on its own, as plain records.

:class:`GraphLayouter` lays out the visible levels of a graph: the root and every expanded group, each with
:func:`ovexplorer.core.layout.layered.layered_layout`. A collapsed group is one box (with its op and group counts);
an expanded group is a framed box whose content was laid out with entry ports on its top edge (one per
outside source) and exit ports on its bottom edge, so edges cross group frames where their route continues.
Levels are cached by their group and the expanded groups below it, so expanding a group lays out only that
group and the levels holding it. Constants fold into their consumer (listed as extra lines) by default.

The result, :class:`GraphLayout`, holds absolute boxes, edge polylines and proxy markers (detached
high-fan-out edges) that a view draws as they are. Everything here is Qt-free.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from ovexplorer.core.layout.grouping import (
    ROOT,
    Grouping,
    add_sections,
    default_expanded,
    flat_grouping,
    group_by_scope,
)
from ovexplorer.core.layout.layered import layered_layout
from ovexplorer.core.model.graph import Graph, Node
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

CHAR_W = 7.0
LINE_H = 14.0
BOX_PAD = 10.0
MIN_W = 64.0
MAX_W = 260.0
GROUP_TITLE = 24.0
GROUP_PAD = 14.0
ROOT_PAD = 24.0
PROXY_H = 14.0
MAX_CONST_LINES = 3


@dataclass(frozen=True, slots=True)
class LayoutOptions:
    """What the layout shows; any change needs a new :class:`GraphLayouter`."""

    fold_constants: bool = True
    show_names: bool = False
    horizontal: bool = False
    grouped: bool = True
    fan_out: int = 6
    span: int = 3
    reference: bool = False  # plain barycenter Sugiyama, for the benchmark's comparison


@dataclass(frozen=True, slots=True)
class NodeBox:
    """A node's box (top-left ``x``, ``y``) and the text lines drawn in it (type first)."""

    id: int
    x: float
    y: float
    w: float
    h: float
    group: int
    category: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupBox:
    """A group's box: collapsed (one box with counts) or expanded (a frame around its content)."""

    id: int
    x: float
    y: float
    w: float
    h: float
    expanded: bool
    label: str
    path: str
    depth: int
    op_count: int
    group_count: int


@dataclass(frozen=True, slots=True)
class EdgeRoute:
    """A drawn edge piece: a polyline within the level of ``group`` from node ``src``'s output."""

    src: int
    src_port: int
    dst: int  # a node id, or -1 when the piece ends at a group frame or box
    group: int
    points: tuple[tuple[float, float], ...]
    label: str  # the tensor's shape, on the piece that leaves the source ("" on continuations)


@dataclass(frozen=True, slots=True)
class ProxyMark:
    """A detached edge's marker at its consumer: names the source node; a click jumps to it."""

    source: int
    x: float
    y: float
    w: float
    h: float
    label: str
    group: int


@dataclass(frozen=True, slots=True)
class GraphLayout:
    """Everything a view draws, in absolute coordinates."""

    nodes: tuple[NodeBox, ...]
    groups: tuple[GroupBox, ...]
    edges: tuple[EdgeRoute, ...]
    proxies: tuple[ProxyMark, ...]
    width: float
    height: float
    crossings: int
    dummies: int
    expanded: frozenset[int]
    options: LayoutOptions
    node_index: Mapping[int, int] = field(default_factory=dict, repr=False)
    group_index: Mapping[int, int] = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class _Level:
    """One laid-out level, relative to its group box's top-left corner."""

    w: float
    h: float
    nodes: list[tuple[int, float, float, float, float]]
    groups: list[tuple[int, float, float, float, float]]  # child groups (expanded or not)
    routes: list[EdgeRoute]
    proxies: list[ProxyMark]
    port_in: dict[int, tuple[float, float]]  # outside source node -> point on the frame
    port_out: dict[int, tuple[float, float]]  # inside source node -> point on the frame
    crossings: int
    dummies: int


def short_name(node: Node) -> str:
    """``rotary_emb/Cos`` for ``__module.model.rotary_emb/aten::cos/Cos``; the type for unnamed nodes."""
    name = node.name or node.type
    parts = [p for p in name.split("/") if p and "::" not in p]
    if len(parts) >= 2:
        scope = parts[-2].rsplit(".", 1)[-1] if not parts[-2].split(".")[-1].isdigit() else parts[-2]
        return f"{scope}/{parts[-1]}"
    return name if len(name) <= 32 else "…" + name[-31:]


def elide(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return text[:half] + "…" + text[-(limit - 1 - half):]


def _const_line(node: Node) -> str:
    label = node.name.rsplit(".", 1)[-1] if "." in node.name else "const"
    if label.startswith("Constant_") or not label:
        label = "const"
    dims = node.const.shape if node.const is not None else ()
    shape = "×".join(str(d) for d in dims) if dims else "scalar"
    return elide(f"{label} ⟨{shape}⟩", 30)


@contextmanager
def _collector_off() -> Iterator[None]:
    """Automatic garbage collection off while a layout builds its records (a third of the time at 20k ops).

    Unlike :func:`ovexplorer.core.util.gc_pause.gc_paused` nothing is frozen afterwards: layouts come and go
    with every expand and collapse, and must stay collectable. A nested use (or one inside another pause)
    changes nothing, so only the outermost one switches collection back on.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class GraphLayouter:
    """Lays out a graph's visible levels for a set of expanded groups, caching each level."""

    def __init__(self, graph: Graph, options: LayoutOptions = LayoutOptions(),
                 grouping: Grouping | None = None) -> None:
        # per-node records for the whole graph: no collector passes while they pile up (a third of the time)
        with _collector_off():
            self._prepare(graph, options, grouping)

    def _prepare(self, graph: Graph, options: LayoutOptions, grouping: Grouping | None) -> None:
        self.graph = graph
        self.options = options
        if grouping is None:
            grouping = add_sections(group_by_scope(graph), graph) if options.grouped else flat_grouping(graph)
        self.grouping = grouping
        nodes = graph.nodes
        fold = options.fold_constants
        self.visible = [not (fold and n.type == "Constant") for n in nodes]
        groups = grouping.groups
        self.group_visible = [g.op_count > 0 or (not fold and g.const_count > 0) for g in groups]
        self.direct_nodes = [[v for v in g.nodes if self.visible[v]] for g in groups]
        self.child_groups = [[c for c in g.children if self.group_visible[c]] for g in groups]
        self.visible_count = [len(self.direct_nodes[g]) + len(self.child_groups[g]) for g in range(len(groups))]
        #: Groups holding a model input (Parameter): laid out as inputs, on the rank their flow gives them.
        self.input_groups = frozenset(g for n in nodes if n.type == "Parameter"
                                      for g in grouping.holding_groups(n.id))
        # Edges between visible nodes, filed under the level where they are laid out.
        ng, anc = grouping.node_group, grouping.ancestors
        self.internal: list[list[int]] = [[] for _ in groups]
        self.incoming: list[list[int]] = [[] for _ in groups]
        self.outgoing: list[list[int]] = [[] for _ in groups]
        const_srcs: dict[int, list[int]] = {}  # folded constants per node, in edge order
        for i, e in enumerate(graph.edges):
            if not self.visible[e.src]:
                if self.visible[e.dst]:
                    const_srcs.setdefault(e.dst, []).append(e.src)
                continue
            if not self.visible[e.dst]:
                continue
            a, b = anc[ng[e.src]], anc[ng[e.dst]]
            k = 0
            while k < len(a) and k < len(b) and a[k] == b[k]:
                k += 1
            self.internal[a[k - 1]].append(i)
            for g in a[k:]:
                self.outgoing[g].append(i)
            for g in b[k:]:
                self.incoming[g].append(i)
        # a node's text lines and box size are worked out when a level first shows it (the default view of
        # a 20,000-op model shows a few dozen nodes)
        self._const_srcs = const_srcs
        self._lines: list[tuple[str, ...] | None] = [None] * len(nodes)
        self._sizes: list[tuple[float, float]] = [(0.0, 0.0)] * len(nodes)
        self._cache: dict[tuple[int, tuple[int, ...]], _Level] = {}
        self._lock = threading.Lock()

    # -- public -------------------------------------------------------------------------------
    def node_lines(self, v: int) -> tuple[str, ...]:
        """The text lines of node ``v``'s box: type, name (when shown), folded constants."""
        lines = self._lines[v]
        if lines is None:
            lines = self._box(v)
        return lines

    def node_size(self, v: int) -> tuple[float, float]:
        """(width, height) of node ``v``'s box."""
        if self._lines[v] is None:
            self._box(v)
        return self._sizes[v]

    @property
    def lines(self) -> list[tuple[str, ...]]:
        return [self.node_lines(v) for v in range(len(self._lines))]

    @property
    def sizes(self) -> list[tuple[float, float]]:
        return [self.node_size(v) for v in range(len(self._lines))]

    def _box(self, v: int) -> tuple[str, ...]:
        nodes = self.graph.nodes
        node = nodes[v]
        lines = [node.type]
        if self.options.show_names or node.type in ("Parameter", "Result"):
            lines.append(elide(node.name or "(no name)", 34))
        extra = [_const_line(nodes[c]) for c in self._const_srcs.get(v, ())]
        if len(extra) > MAX_CONST_LINES:
            extra = [*extra[: MAX_CONST_LINES - 1], f"+{len(extra) - MAX_CONST_LINES + 1} constants"]
        lines.extend(extra)
        longest = max(map(len, lines))
        w = min(MAX_W, max(MIN_W, longest * CHAR_W + 2 * BOX_PAD))
        self._sizes[v] = (w, 12.0 + LINE_H * len(lines))
        out = self._lines[v] = tuple(lines)
        return out

    def default_expanded(self) -> frozenset[int]:
        """The groups expanded in the first view (a readable outline for large graphs)."""
        return default_expanded(self.grouping, self.visible_count)

    def group_label(self, gid: int) -> str:
        g = self.grouping.groups[gid]
        return g.name or "(model)"

    def collapsed_lines(self, gid: int) -> tuple[str, str]:
        g = self.grouping.groups[gid]
        kids = len(self.child_groups[gid])
        counts = f"{g.op_count} ops" + (f" · {kids} groups" if kids else "")
        return elide(self.group_label(gid), 34), counts

    def expand_to(self, expanded: frozenset[int], node_id: int) -> frozenset[int]:
        """``expanded`` plus every group holding ``node_id``."""
        return expanded | frozenset(self.grouping.holding_groups(node_id))

    def layout(self, expanded: frozenset[int] | None = None, *, progress: ProgressFn = no_progress,
               cancel: CancelToken | None = None) -> GraphLayout:
        """Lay out the graph with ``expanded`` groups open (the default view when None)."""
        if expanded is None:
            expanded = self.default_expanded()
        count = len(self.grouping.groups)
        expanded = frozenset(g for g in expanded if 0 <= g < count) | {ROOT}
        todo = self._levels_to_compute(expanded)
        done = [0]

        def step() -> None:
            done[0] += 1
            if cancel is not None:
                cancel.check()
            progress(done[0] / max(1, todo), "Laying out the graph")

        progress(0.0, "Laying out the graph")
        with self._lock, _collector_off():
            root = self._level(ROOT, expanded, step, cancel)
            out = self._assemble(root, expanded)
        progress(1.0, "Laying out the graph")
        return out

    # -- levels -------------------------------------------------------------------------------
    def _subtree_key(self, gid: int, expanded: frozenset[int]) -> tuple[int, ...]:
        anc = self.grouping.ancestors
        depth = self.grouping.groups[gid].depth
        return tuple(sorted(e for e in expanded if len(anc[e]) > depth and anc[e][depth] == gid))

    def _levels_to_compute(self, expanded: frozenset[int]) -> int:
        return sum(1 for g in expanded if (g, self._subtree_key(g, expanded)) not in self._cache)

    def _level(self, gid: int, expanded: frozenset[int], step, cancel: CancelToken | None) -> _Level:
        key = (gid, self._subtree_key(gid, expanded))
        level = self._cache.get(key)
        if level is None:
            level = self._compute_level(gid, expanded, step, cancel)
            self._cache[key] = level
            step()
        return level

    def _item_at(self, node_id: int, gid: int) -> tuple[bool, int]:
        """(is_group, id) of the item of level ``gid`` holding ``node_id``."""
        ng = self.grouping.node_group[node_id]
        if ng == gid:
            return False, node_id
        return True, self.grouping.ancestors[ng][self.grouping.groups[gid].depth + 1]

    def _compute_level(self, gid: int, expanded: frozenset[int], step, cancel: CancelToken | None) -> _Level:
        opts = self.options
        horiz = opts.horizontal
        graph = self.graph
        edges = graph.edges
        child_levels: dict[int, _Level] = {}
        items: list[tuple[bool, int]] = []
        sizes: list[tuple[float, float]] = []
        for v in self.direct_nodes[gid]:
            items.append((False, v))
            sizes.append(self.node_size(v))
        for c in self.child_groups[gid]:
            items.append((True, c))
            if c in expanded:
                lv = self._level(c, expanded, step, cancel)
                child_levels[c] = lv
                sizes.append((lv.w, lv.h))
            else:
                label, counts = self.collapsed_lines(c)
                w = min(MAX_W, max(MIN_W + 20, max(len(label), len(counts)) * CHAR_W + 2 * BOX_PAD + 8))
                sizes.append((w, 16.0 + 2 * LINE_H))
        local = {item: i for i, item in enumerate(items)}
        n_items = len(items)
        port_in_ids: dict[int, int] = {}
        port_out_ids: dict[int, int] = {}
        pair_edges: dict[tuple[int, int], list[int]] = {}
        for e in self.internal[gid]:
            ed = edges[e]
            a = local[self._item_at(ed.src, gid)]
            b = local[self._item_at(ed.dst, gid)]
            pair_edges.setdefault((a, b), []).append(e)
        if gid != ROOT:
            for e in self.incoming[gid]:
                ed = edges[e]
                p = port_in_ids.setdefault(ed.src, n_items + len(port_in_ids))
                b = local[self._item_at(ed.dst, gid)]
                pair_edges.setdefault((p, b), []).append(e)
            base = n_items + len(port_in_ids)
            for e in self.outgoing[gid]:
                ed = edges[e]
                a = local[self._item_at(ed.src, gid)]
                p = port_out_ids.setdefault(ed.src, base + len(port_out_ids))
                pair_edges.setdefault((a, p), []).append(e)
        total = n_items + len(port_in_ids) + len(port_out_ids)
        # Layer space: breadth along a rank, depth across ranks.
        breadth = [h if horiz else w for w, h in sizes] + [2.0] * (total - n_items)
        depth = [w if horiz else h for w, h in sizes] + [0.0] * (total - n_items)
        # Edges into/out of expanded children attach at their ports: sources feeding a child keep the order
        # of its entry ports, and coordinates keep those edges straight.
        tiebreak = [float("inf")] * total
        anchors: dict[tuple[int, int], tuple[float, float]] = {}
        along = 1 if horiz else 0
        for (a, b), elist in pair_edges.items():
            src = edges[elist[0]].src
            start = end = 0.0
            if a < n_items and items[a][0] and items[a][1] in child_levels:
                point = child_levels[items[a][1]].port_out.get(src)
                if point is not None:
                    start = point[along] - sizes[a][along] / 2.0
            if b < n_items and items[b][0] and items[b][1] in child_levels:
                point = child_levels[items[b][1]].port_in.get(src)
                if point is not None:
                    end = point[along] - sizes[b][along] / 2.0
                    tiebreak[a] = min(tiebreak[a], point[along])
            if (start or end) and not (start and end):  # group to group: centred, or chains of groups drift
                anchors[(a, b)] = (start, end)
        inputs = self.input_groups
        anchored = [i for i, (is_group, x) in enumerate(items)
                    if (x in inputs if is_group else graph.nodes[x].type == "Parameter")]
        res = layered_layout(
            total, list(pair_edges), breadth, depth,
            top=list(port_in_ids.values()), bottom=list(port_out_ids.values()),
            fan_out=opts.fan_out, span=opts.span, reference=opts.reference, tiebreak=tiebreak, anchors=anchors,
            anchored=anchored, cancel=cancel,
        )
        framed = gid != ROOT
        ox, oy = (GROUP_PAD, GROUP_TITLE + GROUP_PAD) if framed else (ROOT_PAD, ROOT_PAD)
        cw, ch = (res.height, res.width) if horiz else (res.width, res.height)
        if framed:
            title_w = len(self.group_label(gid)) * CHAR_W + 2 * GROUP_PAD + 40
            cw = max(cw, title_w - 2 * GROUP_PAD)
        w = cw + 2 * ox if framed else cw + 2 * ROOT_PAD
        h = ch + oy + (GROUP_PAD if framed else ROOT_PAD)

        def real(px: float, py: float) -> tuple[float, float]:
            return (py + ox, px + oy) if horiz else (px + ox, py + oy)

        centres = [real(res.x[i], res.y[i]) for i in range(total)]
        boxes: list[tuple[float, float, float, float]] = []
        level_nodes: list[tuple[int, float, float, float, float]] = []
        level_groups: list[tuple[int, float, float, float, float]] = []
        for i, (is_group, ident) in enumerate(items):
            bw, bh = sizes[i]
            cx, cy = centres[i]
            box = (cx - bw / 2.0, cy - bh / 2.0, bw, bh)
            boxes.append(box)
            (level_groups if is_group else level_nodes).append((ident, *box))
        port_in = {s: (centres[p][0], 0.0) if not horiz else (0.0, centres[p][1]) for s, p in port_in_ids.items()}
        port_out = {s: (centres[p][0], h) if not horiz else (w, centres[p][1]) for s, p in port_out_ids.items()}
        port_src = {p: s for s, p in port_in_ids.items()}
        routes: list[EdgeRoute] = []
        for (a, b), elist in pair_edges.items():
            pts = res.routes.get((a, b))
            if pts is None:
                continue
            base_pts = [real(px, py) for px, py in pts]
            seen: set[tuple[int, int]] = set()
            for e in elist:
                ed = edges[e]
                if (ed.src, ed.src_port) in seen:
                    continue
                seen.add((ed.src, ed.src_port))
                p = list(base_pts)
                if a >= n_items:  # from an entry port: start on the frame
                    p.insert(0, port_in[ed.src])
                elif items[a][0] and items[a][1] in child_levels:  # from an expanded child's exit port
                    bx, by = boxes[a][:2]
                    px, py = child_levels[items[a][1]].port_out[ed.src]
                    p[0] = (bx + px, by + py)
                if b >= n_items:  # to an exit port: end on the frame
                    p.append(port_out[ed.src])
                elif items[b][0] and items[b][1] in child_levels:  # into an expanded child's entry port
                    bx, by = boxes[b][:2]
                    px, py = child_levels[items[b][1]].port_in[ed.src]
                    p[-1] = (bx + px, by + py)
                dst = -1 if (b >= n_items or items[b][0]) else items[b][1]
                continued = a >= n_items or (items[a][0] and items[a][1] in child_levels)
                outputs = graph.nodes[ed.src].outputs
                shape = outputs[ed.src_port].shape if outputs and not continued else ""  # label the first piece
                routes.append(EdgeRoute(ed.src, ed.src_port, dst, gid, tuple(p), shape))
        proxies: list[ProxyMark] = []
        wanted: dict[int, list[tuple[float, float, int, str]]] = {}  # target -> (start, size, source, label)
        for a, b in sorted(res.detached, key=lambda ab: (ab[1], ab[0])):
            if b >= n_items:
                continue
            sources = sorted({edges[e].src for e in pair_edges[(a, b)]})
            src = port_src.get(a, sources[0]) if a >= n_items else sources[0]
            if a < n_items and items[a][0]:  # from a group: name the group
                label = "⇢ " + elide(self.group_label(items[a][1]), 22)
            else:
                label = "⇢ " + elide(short_name(graph.nodes[src]), 22)
            size = PROXY_H if horiz else len(label) * 6.0 + 8.0
            bx, by, bw, bh = boxes[b]
            along = by if horiz else bx
            child = child_levels.get(items[b][1]) if items[b][0] else None
            if child is not None:  # an expanded group: mark where the entry port's line starts
                points = [child.port_in[s] for s in sources if s in child.port_in]
                if points:
                    along += min(p[1] if horiz else p[0] for p in points) - size / 2
            wanted.setdefault(b, []).append((along, size, src, label))
        for b, marks in wanted.items():
            bx, by, bw, bh = boxes[b]
            low, high = (by, by + bh) if horiz else (bx, bx + bw)
            starts: list[float] = []
            end = -float("inf")
            for along, size, _, _ in sorted(marks):
                starts.append(max(along, end))
                end = starts[-1] + size + (2.0 if horiz else 4.0)
            shift = max(0.0, min(end - (2.0 if horiz else 4.0) - high, starts[0] - low)) if starts else 0.0
            for start, (_, size, src, label) in zip(starts, sorted(marks), strict=True):
                start -= shift
                if horiz:
                    pw = 36.0
                    proxies.append(ProxyMark(src, bx - 4.0 - pw, start, pw, PROXY_H, label, gid))
                else:
                    proxies.append(ProxyMark(src, start, by - PROXY_H - 3.0, size, PROXY_H, label, gid))
        crossings = res.crossings + sum(lv.crossings for lv in child_levels.values())
        dummies = res.dummies + sum(lv.dummies for lv in child_levels.values())
        return _Level(w, h, level_nodes, level_groups, routes, proxies, port_in, port_out, crossings, dummies)

    # -- assembly -----------------------------------------------------------------------------
    def _assemble(self, root: _Level, expanded: frozenset[int]) -> GraphLayout:
        nodes: list[NodeBox] = []
        groups: list[GroupBox] = []
        routes: list[EdgeRoute] = []
        proxies: list[ProxyMark] = []
        graph = self.graph
        stack: list[tuple[int, _Level, float, float]] = [(ROOT, root, 0.0, 0.0)]
        while stack:
            gid, level, ox, oy = stack.pop()
            for v, x, y, w, h in level.nodes:
                nodes.append(NodeBox(v, x + ox, y + oy, w, h, gid, graph.nodes[v].category, self.node_lines(v)))
            for c, x, y, w, h in level.groups:
                g = self.grouping.groups[c]
                is_open = c in expanded
                groups.append(GroupBox(c, x + ox, y + oy, w, h, is_open, self.group_label(c), g.path, g.depth,
                                       g.op_count, len(self.child_groups[c])))
                if is_open:
                    key = (c, self._subtree_key(c, expanded))
                    stack.append((c, self._cache[key], x + ox, y + oy))
            if ox or oy:
                routes.extend(
                    EdgeRoute(r.src, r.src_port, r.dst, r.group, tuple((px + ox, py + oy) for px, py in r.points),
                              r.label)
                    for r in level.routes
                )
                proxies.extend(
                    ProxyMark(p.source, p.x + ox, p.y + oy, p.w, p.h, p.label, p.group) for p in level.proxies
                )
            else:
                routes.extend(level.routes)
                proxies.extend(level.proxies)
        groups.sort(key=lambda g: (g.depth, g.id))
        return GraphLayout(
            nodes=tuple(nodes),
            groups=tuple(groups),
            edges=tuple(routes),
            proxies=tuple(proxies),
            width=root.w,
            height=root.h,
            crossings=root.crossings,
            dummies=root.dummies,
            expanded=expanded,
            options=self.options,
            node_index={b.id: i for i, b in enumerate(nodes)},
            group_index={g.id: i for i, g in enumerate(groups)},
        )


def layout_graph(graph: Graph, options: LayoutOptions = LayoutOptions(), expanded: frozenset[int] | None = None,
                 *, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> GraphLayout:
    """One-shot layout (a new :class:`GraphLayouter`); views keep a layouter to reuse its cache."""
    return GraphLayouter(graph, options).layout(expanded, progress=progress, cancel=cancel)
