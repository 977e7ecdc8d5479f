"""One level of a grouped layout: the nodes and child groups directly inside a group, laid out on their own.

:class:`LevelBuilder` runs the steps in order: the level's items (nodes, collapsed and expanded child groups)
and their sizes; the edges between items and, inside a group's frame, its entry and exit ports; where edges
attach on expanded children (ports keep their order and stay straight); the layered layout; the boxes and
ports in the level's frame; the edge polylines; the proxy markers of detached edges.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ovexplorer.core.layout.grouping import ROOT
from ovexplorer.core.layout.layered import LevelLayout, layered_layout
from ovexplorer.core.layout.layout_records import EdgeRoute, Level, ProxyMark
from ovexplorer.core.layout.node_boxes import CHAR_W, collapsed_size, elide, short_name
from ovexplorer.core.util.tasks import CancelToken

if TYPE_CHECKING:
    from ovexplorer.core.layout.graph_layout import GraphLayouter

GROUP_TITLE = 24.0
GROUP_PAD = 14.0
ROOT_PAD = 24.0
PROXY_H = 14.0

Box = tuple[float, float, float, float]


class LevelBuilder:
    """Lays out the level of group ``gid`` of ``layouter`` with ``expanded`` groups open."""

    def __init__(self, layouter: GraphLayouter, gid: int, expanded: frozenset[int],
                 child_level: Callable[[int], Level]) -> None:
        self.lay = layouter
        self.gid = gid
        self.expanded = expanded
        self.child_level = child_level  # the (cached) level of an expanded child group
        self.horiz = layouter.options.horizontal
        self.edges = layouter.graph.edges

    def build(self, cancel: CancelToken | None = None) -> Level:
        self.collect_items()
        self.collect_edges()
        tiebreak, anchors = self.port_anchors()
        res = self.lay_out(tiebreak, anchors, cancel)
        nodes, groups = self.place(res)
        routes = self.route(res)
        proxies = self.place_proxies(res)
        children = self.child_levels.values()
        return Level(self.w, self.h, nodes, groups, routes, proxies, self.port_in, self.port_out,
                     res.crossings + sum(lv.crossings for lv in children),
                     res.dummies + sum(lv.dummies for lv in children))

    # -- what the level holds ---------------------------------------------------------------------
    def collect_items(self) -> None:
        """The level's items, ``(is_group, id)``, with their sizes; expanded children are laid out first."""
        lay = self.lay
        self.child_levels: dict[int, Level] = {}
        self.items: list[tuple[bool, int]] = []
        self.sizes: list[tuple[float, float]] = []
        for v in lay.direct_nodes[self.gid]:
            self.items.append((False, v))
            self.sizes.append(lay.node_size(v))
        for c in lay.child_groups[self.gid]:
            self.items.append((True, c))
            if c in self.expanded:
                lv = self.child_level(c)
                self.child_levels[c] = lv
                self.sizes.append((lv.w, lv.h))
            else:
                self.sizes.append(collapsed_size(*lay.collapsed_lines(c)))
        self.n_items = len(self.items)

    def _expanded_child(self, i: int) -> Level | None:
        if i >= self.n_items:
            return None
        is_group, ident = self.items[i]
        return self.child_levels.get(ident) if is_group else None

    def collect_edges(self) -> None:
        """Graph edges per (item, item) pair; inside a frame, entry ports (one per outside source, ids after
        the items) and exit ports (one per inside source feeding the outside) become items too."""
        lay, gid, edges = self.lay, self.gid, self.edges
        local = {item: i for i, item in enumerate(self.items)}
        self.port_in_ids: dict[int, int] = {}
        self.port_out_ids: dict[int, int] = {}
        pair_edges: dict[tuple[int, int], list[int]] = {}
        for e in lay.internal[gid]:
            ed = edges[e]
            a = local[lay.item_at(ed.src, gid)]
            b = local[lay.item_at(ed.dst, gid)]
            pair_edges.setdefault((a, b), []).append(e)
        if gid != ROOT:
            for e in lay.incoming[gid]:
                ed = edges[e]
                p = self.port_in_ids.setdefault(ed.src, self.n_items + len(self.port_in_ids))
                b = local[lay.item_at(ed.dst, gid)]
                pair_edges.setdefault((p, b), []).append(e)
            base = self.n_items + len(self.port_in_ids)
            for e in lay.outgoing[gid]:
                ed = edges[e]
                a = local[lay.item_at(ed.src, gid)]
                p = self.port_out_ids.setdefault(ed.src, base + len(self.port_out_ids))
                pair_edges.setdefault((a, p), []).append(e)
        self.pair_edges = pair_edges
        self.total = self.n_items + len(self.port_in_ids) + len(self.port_out_ids)

    def port_anchors(self) -> tuple[list[float], dict[tuple[int, int], tuple[float, float]]]:
        """Edges into/out of expanded children attach at their ports: sources feeding a child keep the order
        of its entry ports (``tiebreak``), and coordinates keep those edges straight (``anchors``)."""
        tiebreak = [float("inf")] * self.total
        anchors: dict[tuple[int, int], tuple[float, float]] = {}
        along = 1 if self.horiz else 0
        sizes = self.sizes
        for (a, b), elist in self.pair_edges.items():
            src = self.edges[elist[0]].src
            start = end = 0.0
            child = self._expanded_child(a)
            if child is not None:
                point = child.port_out.get(src)
                if point is not None:
                    start = point[along] - sizes[a][along] / 2.0
            child = self._expanded_child(b)
            if child is not None:
                point = child.port_in.get(src)
                if point is not None:
                    end = point[along] - sizes[b][along] / 2.0
                    tiebreak[a] = min(tiebreak[a], point[along])
            if (start or end) and not (start and end):  # group to group: centred, or chains of groups drift
                anchors[(a, b)] = (start, end)
        return tiebreak, anchors

    # -- layout and placement ---------------------------------------------------------------------
    def lay_out(self, tiebreak: list[float], anchors: dict[tuple[int, int], tuple[float, float]],
                cancel: CancelToken | None) -> LevelLayout:
        """The layered layout of the items and ports, in layer space (breadth along a rank, depth across)."""
        opts, lay, horiz = self.lay.options, self.lay, self.horiz
        extra = self.total - self.n_items
        breadth = [h if horiz else w for w, h in self.sizes] + [2.0] * extra
        depth = [w if horiz else h for w, h in self.sizes] + [0.0] * extra
        inputs = lay.input_groups
        anchored = [i for i, (is_group, x) in enumerate(self.items)
                    if (x in inputs if is_group else lay.graph.nodes[x].type == "Parameter")]
        return layered_layout(
            self.total, list(self.pair_edges), breadth, depth,
            top=list(self.port_in_ids.values()), bottom=list(self.port_out_ids.values()),
            fan_out=opts.fan_out, span=opts.span, reference=opts.reference, tiebreak=tiebreak, anchors=anchors,
            anchored=anchored, cancel=cancel,
        )

    def place(self, res: LevelLayout) -> tuple[list[tuple[int, float, float, float, float]],
                                               list[tuple[int, float, float, float, float]]]:
        """The level's frame (``w``, ``h``), each item's box and each port's point on the frame; returns the
        node and group boxes relative to the frame's top-left corner."""
        horiz = self.horiz
        framed = self.gid != ROOT
        ox, oy = (GROUP_PAD, GROUP_TITLE + GROUP_PAD) if framed else (ROOT_PAD, ROOT_PAD)
        cw, ch = (res.height, res.width) if horiz else (res.width, res.height)
        if framed:
            title_w = len(self.lay.group_label(self.gid)) * CHAR_W + 2 * GROUP_PAD + 40
            cw = max(cw, title_w - 2 * GROUP_PAD)
        w = self.w = cw + 2 * ox if framed else cw + 2 * ROOT_PAD
        h = self.h = ch + oy + (GROUP_PAD if framed else ROOT_PAD)

        def real(px: float, py: float) -> tuple[float, float]:
            return (py + ox, px + oy) if horiz else (px + ox, py + oy)

        self.real = real
        centres = [real(res.x[i], res.y[i]) for i in range(self.total)]
        self.boxes: list[Box] = []
        level_nodes: list[tuple[int, float, float, float, float]] = []
        level_groups: list[tuple[int, float, float, float, float]] = []
        for i, (is_group, ident) in enumerate(self.items):
            bw, bh = self.sizes[i]
            cx, cy = centres[i]
            box = (cx - bw / 2.0, cy - bh / 2.0, bw, bh)
            self.boxes.append(box)
            (level_groups if is_group else level_nodes).append((ident, *box))
        self.port_in = {s: (centres[p][0], 0.0) if not horiz else (0.0, centres[p][1])
                        for s, p in self.port_in_ids.items()}
        self.port_out = {s: (centres[p][0], h) if not horiz else (w, centres[p][1])
                         for s, p in self.port_out_ids.items()}
        return level_nodes, level_groups

    def route(self, res: LevelLayout) -> list[EdgeRoute]:
        """One polyline per source output and item pair, continued onto frames and expanded children's ports;
        the tensor's shape labels the piece that leaves the source."""
        graph, items, n_items, boxes = self.lay.graph, self.items, self.n_items, self.boxes
        routes: list[EdgeRoute] = []
        for (a, b), elist in self.pair_edges.items():
            pts = res.routes.get((a, b))
            if pts is None:
                continue
            base_pts = [self.real(px, py) for px, py in pts]
            from_child, into_child = self._expanded_child(a), self._expanded_child(b)
            seen: set[tuple[int, int]] = set()
            for e in elist:
                ed = self.edges[e]
                if (ed.src, ed.src_port) in seen:
                    continue
                seen.add((ed.src, ed.src_port))
                p = list(base_pts)
                if a >= n_items:  # from an entry port: start on the frame
                    p.insert(0, self.port_in[ed.src])
                elif from_child is not None:  # from an expanded child's exit port
                    bx, by = boxes[a][:2]
                    px, py = from_child.port_out[ed.src]
                    p[0] = (bx + px, by + py)
                if b >= n_items:  # to an exit port: end on the frame
                    p.append(self.port_out[ed.src])
                elif into_child is not None:  # into an expanded child's entry port
                    bx, by = boxes[b][:2]
                    px, py = into_child.port_in[ed.src]
                    p[-1] = (bx + px, by + py)
                dst = -1 if (b >= n_items or items[b][0]) else items[b][1]
                continued = a >= n_items or from_child is not None
                outputs = graph.nodes[ed.src].outputs
                shape = outputs[ed.src_port].shape if outputs and not continued else ""  # label the first piece
                routes.append(EdgeRoute(ed.src, ed.src_port, dst, self.gid, tuple(p), shape))
        return routes

    def place_proxies(self, res: LevelLayout) -> list[ProxyMark]:
        """A marker per detached edge at its consumer, naming the source; markers on one box never overlap."""
        lay, horiz, items, n_items, boxes = self.lay, self.horiz, self.items, self.n_items, self.boxes
        port_src = {p: s for s, p in self.port_in_ids.items()}
        wanted: dict[int, list[tuple[float, float, int, str]]] = {}  # target -> (start, size, source, label)
        for a, b in sorted(res.detached, key=lambda ab: (ab[1], ab[0])):
            if b >= n_items:
                continue
            sources = sorted({self.edges[e].src for e in self.pair_edges[(a, b)]})
            src = port_src.get(a, sources[0]) if a >= n_items else sources[0]
            if a < n_items and items[a][0]:  # from a group: name the group
                label = "⇢ " + elide(lay.group_label(items[a][1]), 22)
            else:
                label = "⇢ " + elide(short_name(lay.graph.nodes[src]), 22)
            size = PROXY_H if horiz else len(label) * 6.0 + 8.0
            bx, by, bw, bh = boxes[b]
            along = by if horiz else bx
            child = self._expanded_child(b)
            if child is not None:  # an expanded group: mark where the entry port's line starts
                points = [child.port_in[s] for s in sources if s in child.port_in]
                if points:
                    along += min(p[1] if horiz else p[0] for p in points) - size / 2
            wanted.setdefault(b, []).append((along, size, src, label))
        proxies: list[ProxyMark] = []
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
                    proxies.append(ProxyMark(src, bx - 4.0 - pw, start, pw, PROXY_H, label, self.gid))
                else:
                    proxies.append(ProxyMark(src, start, by - PROXY_H - 3.0, size, PROXY_H, label, self.gid))
        return proxies
