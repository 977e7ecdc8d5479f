"""Graph panel: the laid-out graph on a canvas, its view (zoom, pan, selection), search and the node
inspector."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "graph_panel": ("GraphPanel", "install_graph_panel"),
    "graph_view": ("GraphView",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
