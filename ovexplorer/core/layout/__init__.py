"""Layout: name-scope grouping, the layered layout (layers, order, coordinates, routes), SVG export,
node search, and the Graph view's state (Qt-free)."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "graph_layout": ("GraphLayout", "GraphLayouter", "LayoutOptions", "layout_graph"),
    "grouping": ("ROOT", "Grouping", "group_by_scope"),
    "layered": ("layered_layout",),
    "layout_records": ("EdgeRoute", "GroupBox", "NodeBox", "ProxyMark"),
    "layout_svg": ("GROUP_FILLS", "layout_to_svg"),
    "search": ("SearchHits", "find_nodes"),
    "graph_view_state": ("Frame", "GraphViewState"),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
