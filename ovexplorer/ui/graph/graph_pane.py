"""A graph panel outside the main window (the comparison window shows two): the Graph tab's panel without a
window, so a click selects in the panel itself and is reported by ``body_node_selected``."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ovexplorer.ui.graph.graph_panel import GraphPanel


def make_graph_pane(parent: QWidget | None = None) -> GraphPanel:
    """A :class:`GraphPanel` of its own: ``set_document``, ``select``, ``set_node_coloring`` and its signals."""
    return GraphPanel(None, parent)
