"""Layout of a graph for the view: groups by name scope, each laid out on its own, as plain records.

:class:`GraphLayouter` lays out the visible levels of a graph: the root and every expanded group, each by a
:class:`ovexplorer.core.layout.level_layout.LevelBuilder` (with
:func:`ovexplorer.core.layout.layered.layered_layout`). A collapsed group is one box (with its op and group
counts); an expanded group is a framed box whose content was laid out with entry ports on its top edge (one per
outside source) and exit ports on its bottom edge, so edges cross group frames where their route continues.
Levels are cached by their group and the expanded groups below it, so expanding a group lays out only that
group and the levels holding it. Constants fold into their consumer (listed as extra lines) by default.

The result, :class:`GraphLayout` (:mod:`ovexplorer.core.layout.layout_records`), holds absolute boxes, edge
polylines and proxy markers (detached high-fan-out edges) that a view draws as they are. Everything here is
Qt-free.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ovexplorer.core.layout.grouping import (
    ROOT,
    Grouping,
    add_sections,
    default_expanded,
    flat_grouping,
    group_by_scope,
)
from ovexplorer.core.layout.layout_records import (
    EdgeRoute,
    GraphLayout,
    GroupBox,
    LayoutOptions,
    Level,
    NodeBox,
    ProxyMark,
)
from ovexplorer.core.layout.level_layout import LevelBuilder
from ovexplorer.core.layout.node_boxes import elide, node_box, short_name
from ovexplorer.core.layout.weight_chains import constant_derived
from ovexplorer.core.model.graph import Graph
from ovexplorer.core.util.errors import Cancelled
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

DEFAULT_OPTIONS = LayoutOptions()

__all__ = [
    "EdgeRoute", "GraphLayout", "GraphLayouter", "GroupBox", "LayoutOptions", "NodeBox", "ProxyMark",
    "elide", "first_view", "layout_graph", "short_name",
]


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

    def __init__(self, graph: Graph, options: LayoutOptions = DEFAULT_OPTIONS,
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
        # constants and the decompression chains computed from them alone fold into their consumers
        self.visible = [not d for d in constant_derived(graph)] if fold else [True] * len(nodes)
        groups = grouping.groups
        shown = [0] * len(groups)
        for v, g in enumerate(grouping.node_group):
            shown[g] += self.visible[v]
        for g in range(len(groups) - 1, 0, -1):  # children have higher ids than their parents
            shown[groups[g].parent] += shown[g]
        self.group_visible = [c > 0 for c in shown]
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
        self._cache: dict[tuple[int, tuple[int, ...]], Level] = {}
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
        lines, self._sizes[v] = node_box(self.graph, v, self._const_srcs.get(v, ()), self.options.show_names)
        self._lines[v] = lines
        return lines

    def default_expanded(self) -> frozenset[int]:
        """The groups expanded in the first view (a readable outline for large graphs)."""
        return default_expanded(self.grouping, self.visible_count)

    def expansion_cost(self, expanded: frozenset[int]) -> int:
        """An estimate of laying out ``expanded`` from scratch, in units of about one item or edge of a level
        (see :data:`FIRST_VIEW_COST`)."""
        cost = 0
        for g in expanded:
            if g == ROOT or (0 <= g < len(self.visible_count) and self.group_visible[g]):
                n = self.visible_count[g]
                cost += LEVEL_COST + n + n * n // WIDE_LEVEL + len(self.internal[g]) + len(self.incoming[g]) \
                    + len(self.outgoing[g])
        return cost

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

    def _level(self, gid: int, expanded: frozenset[int], step, cancel: CancelToken | None) -> Level:
        key = (gid, self._subtree_key(gid, expanded))
        level = self._cache.get(key)
        if level is None:
            builder = LevelBuilder(self, gid, expanded, lambda c: self._level(c, expanded, step, cancel))
            level = builder.build(cancel)
            self._cache[key] = level
            step()
        return level

    def item_at(self, node_id: int, gid: int) -> tuple[bool, int]:
        """(is_group, id) of the item of level ``gid`` holding ``node_id``."""
        ng = self.grouping.node_group[node_id]
        if ng == gid:
            return False, node_id
        return True, self.grouping.ancestors[ng][self.grouping.groups[gid].depth + 1]

    # -- assembly -----------------------------------------------------------------------------
    def _assemble(self, root: Level, expanded: frozenset[int]) -> GraphLayout:
        nodes: list[NodeBox] = []
        groups: list[GroupBox] = []
        routes: list[EdgeRoute] = []
        proxies: list[ProxyMark] = []
        graph = self.graph
        stack: list[tuple[int, Level, float, float]] = [(ROOT, root, 0.0, 0.0)]
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


#: The first view draws every op when at most this many boxes are shown (beyond, a fitted view is a texture)...
FIRST_VIEW_MAX_NODES = 5000
#: ... and the layout's estimated cost (:meth:`GraphLayouter.expansion_cost`) stays within this many units
#: (about 30-50 µs each on one core of a 2-core laptop: 0.3-0.5 s); otherwise it shows the grouped outline.
FIRST_VIEW_COST = 10_000
#: A layout that was estimated cheap but runs longer than this (seconds) gives way to the outline.
FIRST_VIEW_DEADLINE_S = 2.0
#: Cost units of laying out one level, whatever its size (the numpy calls' overhead).
LEVEL_COST = 30
#: A level of n items costs n * n / this on top (crossing reduction over wide layers).
WIDE_LEVEL = 2000


class Deadline(CancelToken):
    """Cancels when ``seconds`` have passed, or when ``parent`` is cancelled."""

    def __init__(self, seconds: float, parent: CancelToken | None = None) -> None:
        super().__init__()
        self.end = time.perf_counter() + seconds
        self.parent = parent

    @property
    def cancelled(self) -> bool:
        return super().cancelled or time.perf_counter() > self.end or (self.parent is not None
                                                                       and self.parent.cancelled)

    def check(self) -> None:
        if self.parent is not None:
            self.parent.check()
        if self.cancelled:
            raise Cancelled()


def first_view(graph: Graph, options: LayoutOptions = DEFAULT_OPTIONS, *, progress: ProgressFn = no_progress,
               cancel: CancelToken | None = None, max_cost: int | None = None,
               max_nodes: int | None = None) -> tuple[GraphLayouter, GraphLayout]:
    """The first view of a graph: every op drawn (groups expanded, no automatic parts) when the layout's estimated
    cost is at most ``max_cost`` and it shows at most ``max_nodes`` boxes (default :data:`FIRST_VIEW_COST`,
    :data:`FIRST_VIEW_MAX_NODES`); else the grouped outline
    (:meth:`GraphLayouter.default_expanded`), whose start is expanded so that ops are seen.

    The choice follows the layout's cost, not an op count: a 1,200-op chain without name scopes lays out in
    0.05 s and opens whole; a 5,000-op transformer (800 groups, shared inputs) takes a second or more."""
    if not options.grouped:
        layouter = GraphLayouter(graph, options)
        return layouter, layouter.layout(None, progress=progress, cancel=cancel)
    max_cost = FIRST_VIEW_COST if max_cost is None else max_cost
    max_nodes = FIRST_VIEW_MAX_NODES if max_nodes is None else max_nodes
    scoped = group_by_scope(graph)
    sectioned = add_sections(scoped, graph)
    shown = sum(1 for d in constant_derived(graph) if not d) if options.fold_constants else len(graph.nodes)
    full = None
    if shown <= max_nodes:  # (a layouter's per-node records cost 0.3 s at 20,000 ops: made only when needed)
        full = GraphLayouter(graph, options, scoped)
        everything = frozenset(range(len(scoped.groups)))
        if full.expansion_cost(everything) <= max_cost:
            try:
                return full, full.layout(everything, progress=progress,
                                         cancel=Deadline(FIRST_VIEW_DEADLINE_S, cancel))
            except Cancelled:
                if cancel is not None:
                    cancel.check()
    outline = full if full is not None and sectioned is scoped else GraphLayouter(graph, options, sectioned)
    return outline, outline.layout(None, progress=progress, cancel=cancel)


def layout_graph(graph: Graph, options: LayoutOptions = DEFAULT_OPTIONS, expanded: frozenset[int] | None = None,
                 *, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> GraphLayout:
    """One-shot layout (a new :class:`GraphLayouter`); views keep a layouter to reuse its cache."""
    return GraphLayouter(graph, options).layout(expanded, progress=progress, cancel=cancel)
