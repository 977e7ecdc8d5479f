"""The Graph feature's state and commands, without Qt: the open graph and the bodies opened from its nodes (a
navigation stack of :class:`Frame`), each frame's expansion, layout and selection, the layout options, the
colouring painted on the graph, the shapes toggle and the search hits.

The panel (:mod:`ovexplorer.ui.graph.graph_panel`) runs the layouts these commands ask for in a worker and
renders the state; everything here is plain Python and tested without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ovexplorer.core.layout.first_screen import prepared_first_view
from ovexplorer.core.layout.graph_layout import GraphLayout, GraphLayouter
from ovexplorer.core.layout.group_colors import GroupFill, group_fills
from ovexplorer.core.layout.grouping import ROOT, Grouping
from ovexplorer.core.layout.layout_records import LayoutOptions
from ovexplorer.core.layout.search import SearchHits
from ovexplorer.core.layout.weight_chains import shown_for
from ovexplorer.core.model.graph import Graph
from ovexplorer.core.util.events import Event


@dataclass
class Frame:
    """One graph on the navigation stack (the model, or a body opened from a node)."""

    graph: Graph
    title: str
    siblings: tuple[tuple[str, Graph], ...] = ()
    layouter: GraphLayouter | None = None
    expanded: frozenset[int] | None = None
    layout: GraphLayout | None = None
    canvas: Any = None  # what the view prepared for ``layout`` (kept to show it again at once)
    selected: int | None = None


class GraphViewState:
    """What the Graph panel shows; the navigation commands emit :attr:`frame_changed`."""

    def __init__(self) -> None:
        self.document: Any = None  # the open ModelDocument (its name and path), or None
        self.stack: list[Frame] = []
        self.options = LayoutOptions()
        self.show_shapes = False
        self.coloring: Any = None  # core.bench.profiling.NodeColoring painted on the top-level graph, or None
        self.search = SearchHits()
        self.frame_changed = Event()  # () another graph is shown (or none)
        self.coloring_changed = Event()  # ()

    @property
    def frame(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    @property
    def at_top(self) -> bool:
        """The model's own graph is shown (not a body)."""
        return len(self.stack) == 1

    # -- navigation ---------------------------------------------------------------------------------
    def set_document(self, doc: Any) -> None:
        """Show ``doc``'s graph (a ModelDocument), or nothing."""
        self.coloring = None
        self.document = doc
        self.stack = [] if doc is None else [Frame(doc.graph, doc.name)]
        if doc is not None and hasattr(doc, "derived"):  # laid out while the model opened: its levels are cached
            prepared = prepared_first_view(doc, self.options)
            if prepared is not None:
                frame = self.stack[0]
                frame.layouter, frame.layout, frame.expanded = prepared[0], prepared[1], prepared[1].expanded
        self.frame_changed.emit()

    def open_body(self, node_id: int, index: int = 0) -> bool:
        """Open the body graph ``index`` of node ``node_id`` of the current graph."""
        frame = self.frame
        if frame is None or not 0 <= node_id < len(frame.graph.nodes):
            return False
        node = frame.graph.nodes[node_id]
        if not node.subgraphs:
            return False
        siblings = tuple((g.name.rsplit("/", 1)[-1], g) for g in node.subgraphs)
        body = node.subgraphs[index]
        self.stack.append(Frame(body, body.name or f"{node.name} body", siblings))
        self.frame_changed.emit()
        return True

    def breadcrumb(self) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
        """(the stack's titles, each with a link back except the last; the current body's sibling bodies with
        their links) for :meth:`follow`."""
        parts = [(f.title or "(graph)", None if i == len(self.stack) - 1 else f"frame:{i}")
                 for i, f in enumerate(self.stack)]
        frame = self.frame
        others: list[tuple[str, str]] = []
        if frame is not None and frame.siblings:
            others = [(name, f"body:{k}") for k, (name, g) in enumerate(frame.siblings) if g is not frame.graph]
        return parts, others

    def follow(self, link: str) -> bool:
        """Go to a :meth:`breadcrumb` link: back to a frame, or to a sibling body."""
        kind, _, value = link.partition(":")
        if kind == "frame" and value.isdigit():
            del self.stack[int(value) + 1:]
        elif kind == "body" and value.isdigit() and self.frame is not None:
            name, graph = self.frame.siblings[int(value)]
            siblings = self.frame.siblings
            self.stack[-1] = Frame(graph, f"{self.stack[-2].title if len(self.stack) > 1 else ''} {name}".strip(),
                                   siblings)
            self.stack[-1].title = graph.name or name
        else:
            return False
        self.frame_changed.emit()
        return True

    def back_to_top(self, node_id: int) -> bool:
        """Leave any body for the model's graph, with ``node_id`` selected; True when the frame changed."""
        if len(self.stack) <= 1:
            return False
        del self.stack[1:]
        self.stack[0].selected = node_id
        self.frame_changed.emit()
        return True

    # -- layout -------------------------------------------------------------------------------------
    def shown_layout(self) -> GraphLayout | None:
        """The current frame's layout when it can be shown again as it is (made with today's options)."""
        frame = self.frame
        if frame is not None and frame.layout is not None and frame.layouter is not None \
                and frame.layouter.options == self.options:
            return frame.layout
        return None

    def reusable_layouter(self) -> GraphLayouter | None:
        """The current frame's layouter if it lays out with today's options (its level cache is reused)."""
        frame = self.frame
        if frame is not None and frame.layouter is not None and frame.layouter.options == self.options:
            return frame.layouter
        return None

    def reusable_grouping(self) -> Grouping | None:
        """The current frame's grouping when today's options group alike (the ids of its expansion refer to it):
        a change of direction or names keeps the groups the first view chose (with or without parts)."""
        frame = self.frame
        if frame is None or frame.layouter is None or frame.expanded is None:
            return None
        if frame.layouter.options.grouped != self.options.grouped:
            return None
        return frame.layouter.grouping

    @staticmethod
    def laid_out(frame: Frame, layouter: GraphLayouter, layout: GraphLayout, canvas: Any) -> None:
        """Keep a finished layout of ``frame``."""
        frame.layouter = layouter
        frame.expanded = layout.expanded
        frame.layout = layout
        frame.canvas = canvas

    def set_option(self, **changes: Any) -> bool:
        """Change layout options; True when a frame must be laid out again (a new grouping starts from the
        default expansion)."""
        self.options = replace(self.options, **changes)
        frame = self.frame
        if frame is None:
            return False
        if "grouped" in changes:
            frame.expanded = None
        return True

    def toggled(self, gid: int) -> frozenset[int] | None:
        """The expansion with group ``gid`` opened, or closed with every group inside it; None: nothing to do."""
        frame = self.frame
        if frame is None or frame.expanded is None or gid == ROOT:
            return None
        if gid in frame.expanded:
            ancestors = frame.layouter.grouping.ancestors
            return frozenset(g for g in frame.expanded if gid not in ancestors[g])
        return frame.expanded | {gid}

    def all_expanded(self) -> frozenset[int] | None:
        frame = self.frame
        if frame is None or frame.layouter is None:
            return None
        return frozenset(range(len(frame.layouter.grouping.groups)))

    # -- colouring ----------------------------------------------------------------------------------
    def set_coloring(self, coloring: Any) -> None:
        """Paint data on the top-level graph: ``coloring.colors`` ``{node id: '#rrggbb'}`` with
        ``coloring.legend`` (``title``, ``entries`` of (label, colour)); None or mode ``""`` restores categories."""
        self.coloring = coloring if coloring is not None and getattr(coloring, "mode", "") else None
        self.coloring_changed.emit()

    def shown_coloring(self) -> Any:
        """The colouring of the graph shown: only the model's own graph is painted."""
        return self.coloring if self.at_top else None

    def shown_group_fills(self, layout: GraphLayout | None, **colors: Any) -> dict[int, GroupFill]:
        """How the collapsed groups of ``layout`` (the current frame's) are painted for the colouring shown
        (``colors``: ``time_color`` and ``text_color``, see :func:`group_fills`); {} without a colouring."""
        coloring, frame = self.shown_coloring(), self.frame
        if coloring is None or frame is None or frame.layouter is None or layout is None:
            return {}
        return group_fills(frame.layouter.grouping, [g.id for g in layout.groups if not g.expanded], coloring,
                           **colors)

    # -- nodes and selection ------------------------------------------------------------------------
    def describe_node(self, node_id: int) -> str:
        """A node's tooltip: type, name and output shapes."""
        frame = self.frame
        if frame is None or not 0 <= node_id < len(frame.graph.nodes):
            return ""
        node = frame.graph.nodes[node_id]
        shapes = ", ".join(p.shape for p in node.outputs)
        return f"{node.type}  {node.name or '(no name)'}" + (f"\n→ {shapes}" if shapes else "")

    def visible_target(self, node_id: int) -> int:
        """The node drawn for ``node_id``: a folded constant (or decompression op) is shown by its first
        consumer."""
        if self.options.fold_constants:
            return shown_for(self.frame.graph, node_id)
        return node_id

    def selected_target(self) -> int | None:
        """The node drawn for the current frame's selection (None: nothing selected)."""
        frame = self.frame
        return None if frame is None or frame.selected is None else self.visible_target(frame.selected)

    def group_centre_holding(self, node_id: int, layout: GraphLayout) -> tuple[float, float] | None:
        """Where to look for ``node_id`` hidden in ``layout`` (the current frame's): the middle of the innermost
        drawn group holding it, near its title for a tall group; None when no drawn group holds it."""
        frame = self.frame
        if frame is None or frame.layouter is None:
            return None
        for gid in reversed(frame.layouter.grouping.holding_groups(node_id)):
            index = layout.group_index.get(gid)
            if index is not None:
                g = layout.groups[index]
                return g.x + g.w / 2, g.y + min(g.h / 2, 20)
        return None

    def select(self, node_id: int) -> int | None:
        """Select ``node_id`` in the current graph; the node drawn for it, or None for no such node."""
        frame = self.frame
        if frame is None or not 0 <= node_id < len(frame.graph.nodes):
            return None
        frame.selected = node_id
        return self.visible_target(node_id)

    def expansion_showing(self, target: int) -> frozenset[int] | None:
        """The current expansion plus every group holding ``target`` (None before the first layout)."""
        frame = self.frame
        if frame is None or frame.layouter is None or frame.expanded is None:
            return None
        return frame.layouter.expand_to(frame.expanded, target)

    def clear_selection(self) -> None:
        if self.frame is not None:
            self.frame.selected = None
