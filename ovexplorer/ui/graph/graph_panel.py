"""The Graph tab: toolbar, breadcrumb, search bar and :class:`GraphView`; runs every layout in a worker.

The feature's state and commands (the navigation stack, expansion, selection, options, colouring, search hits)
live in :class:`ovexplorer.core.layout.graph_view_state.GraphViewState` (no Qt); this panel renders them.
Navigation: a click selects a node through ``window.select_node``; the panel follows ``window.node_selected`` by
expanding the groups holding the node and centring it. Double-click on a group expands or collapses it (only
that group and the levels holding it are laid out again); double-click on an ``If``/``Loop``/``TensorIterator``
opens its body in the same view, with a breadcrumb back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ovexplorer.core.bench.profiling import text_color, time_color
from ovexplorer.core.layout.graph_layout import GraphLayout
from ovexplorer.core.layout.graph_view_state import Frame, GraphViewState
from ovexplorer.core.layout.group_summary import group_summary
from ovexplorer.core.layout.grouping import ROOT
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.ui.graph.breadcrumb import Breadcrumb
from ovexplorer.ui.graph.canvas_data import CanvasData, prepare_canvas
from ovexplorer.ui.graph.coloring_legend import ColoringLegend
from ovexplorer.ui.graph.export_dialog import GraphExporter
from ovexplorer.ui.graph.graph_canvas import TEXT_LOD
from ovexplorer.ui.graph.graph_export import (
    MAX_EXPORT_PIXELS,
    MAX_EXPORT_SIDE,
    export_view,
    visible_scene_rect,
)
from ovexplorer.ui.graph.graph_search import SearchBar
from ovexplorer.ui.graph.graph_toolbar import GraphToolbar, export_menu
from ovexplorer.ui.graph.graph_view import READABLE_SCALE, GraphView
from ovexplorer.ui.graph.inspector import Inspector, dock_right
from ovexplorer.ui.graph.layout_runner import LayoutRunner
from ovexplorer.ui.graph.view_actions import install_view_actions
from ovexplorer.ui.shell.workers import Task

__all__ = ["MAX_EXPORT_PIXELS", "MAX_EXPORT_SIDE", "Frame", "GraphPanel", "install_graph_panel"]


class GraphPanel(QWidget):
    """Shows the open model's graph."""

    layout_ready = Signal()  # a new layout is shown
    selection_cleared = Signal()  # the user clicked the background
    body_node_selected = Signal(object, int, bool)  # graph, node id, is top-level
    group_selected = Signal(object, object)  # graph, GroupSummary: a click on a group box

    def __init__(self, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.state = GraphViewState()
        self.layouts = LayoutRunner(self)
        self.exporter = GraphExporter(self)
        self.exported = self.exporter.exported  # (path written, what was exported)
        self.progress, self.status = self.layouts.progress, self.layouts.status
        self.view = GraphView(self)
        self.search = SearchBar(self, self.state.search)
        self.search.hide()
        self.search.found.connect(self._on_search_hit)
        self.search.closed.connect(self.clear_search_highlight)
        self._find_pending = False
        self.breadcrumb = Breadcrumb(self)
        self.breadcrumb.linkActivated.connect(self.state.follow)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.hide()
        self.legend = ColoringLegend(self)
        self.toolbar = GraphToolbar(self, self.view, find=lambda: self.search.open(), set_option=self._set_option,
                                    set_shapes=self._set_shapes, expand_all=self.expand_all,
                                    collapse_all=self.collapse_all, export=self.exporter.ask)
        for name in ("horizontal_action", "names_action", "shapes_action", "constants_action", "grouping_action"):
            setattr(self, name, getattr(self.toolbar, name))
        top = QHBoxLayout()
        top.setContentsMargins(4, 0, 4, 0)
        top.addWidget(self.breadcrumb, 1)
        top.addWidget(self.status)
        top.addWidget(self.progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.legend)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        self.view.describe_node = self.state.describe_node
        self.view.node_clicked.connect(self._on_node_clicked)
        self.view.node_double_clicked.connect(self._on_node_double_clicked)
        self.view.group_double_clicked.connect(self.toggle_group)
        self.view.group_toggle_clicked.connect(self.toggle_group)
        self.view.group_clicked.connect(self._on_group_clicked)
        self.view.proxy_clicked.connect(self._on_node_clicked)
        self.view.background_clicked.connect(self._on_background)
        self.search.bind_find_keys(self)
        self.state.frame_changed.connect(self._enter_frame)
        self.state.coloring_changed.connect(self._apply_coloring)
        if window is not None:
            window.node_selected.connect(self.focus_node)
        self.set_document(None)

    # -- document and frames ------------------------------------------------------------------
    @property
    def stack(self) -> list[Frame]:
        return self.state.stack

    @property
    def frame(self) -> Frame | None:
        return self.state.frame

    @property
    def layout_data(self) -> GraphLayout | None:
        return self.view.layout_data

    def set_node_coloring(self, coloring: Any) -> None:
        """Paint data on the top-level graph (see :meth:`GraphViewState.set_coloring`)."""
        self.state.set_coloring(coloring)

    def _apply_coloring(self) -> None:
        coloring = self.state.shown_coloring()
        self.view.item.set_node_colors(coloring.colors if coloring is not None else None)
        self.view.item.set_group_fills(self.state.shown_group_fills(self.view.layout_data, time_color=time_color,
                                                                    text_color=text_color))
        self.legend.show_legend(getattr(coloring, "legend", None))

    def set_document(self, doc: ModelDocument | None) -> None:
        self._cancel()
        self.view.set_layout(None)
        self.state.set_document(doc)
        if doc is not None and self.window_ is not None:
            self.window_.show_panel(self)

    def show_loading(self, name: str) -> None:
        """A model is being opened into an empty window: say so instead of "No model is open"."""
        if self.state.document is None:
            self._show_message(f"Opening {name}…")

    def _enter_frame(self) -> None:
        self.clear_search_highlight()  # a hit of another graph never carries over
        frame = self.frame
        self.search.set_graph(frame.graph if frame is not None else None)
        self.breadcrumb.show_crumbs(*self.state.breadcrumb())
        if frame is None:
            self._show_message("No model is open. Drop an OpenVINO IR (.xml) here or use File > Open.")
            return
        if not frame.graph.nodes:
            self.view.set_layout(None)
            self._show_message(f"{frame.title} has no operations to draw.")
            return
        layout = self.state.shown_layout()
        if layout is not None:
            first = frame.canvas is None  # laid out while the model opened: shown here for the first time
            if first:
                frame.canvas = prepare_canvas(layout)
            self._show_layout(layout, frame.canvas)
            self.view.show_start()
            if first:
                self.layout_ready.emit()
            return
        self.view.set_layout(None)  # never show one graph's picture for another
        self._request_layout(frame.expanded, then=self.view.show_start)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def open_body(self, node_id: int, index: int = 0) -> bool:
        """Open the body graph ``index`` of node ``node_id`` of the current graph."""
        return self.state.open_body(node_id, index)

    # -- layout -------------------------------------------------------------------------------
    def _cancel(self) -> None:
        self.layouts.cancel()

    def _request_layout(self, expanded: frozenset[int] | None, then=None) -> Task | None:
        frame = self.frame
        if frame is None:
            return None
        return self.layouts.start(frame.graph, self.state.options, self.state.reusable_layouter(), expanded,
                                  grouping=self.state.reusable_grouping(),
                                  on_done=lambda result: self._layout_done(frame, result, then),
                                  on_failed=lambda exc: self._show_message(f"The graph could not be laid out: {exc}"))

    def _layout_done(self, frame: Frame, result, then) -> None:
        if frame is not self.frame:
            return
        self.state.laid_out(frame, *result)
        self._show_layout(frame.layout, frame.canvas)
        if then is not None:
            then()
        self.layout_ready.emit()

    def _show_layout(self, layout: GraphLayout, data: CanvasData | None = None) -> None:
        self.message.hide()
        self.view.item.show_edge_labels = self.shapes_action.isChecked()
        self.view.set_layout(layout, data)
        if self.frame is not None:
            self.view.item.selected = self.state.selected_target()
        self.status.setText(f"{len(layout.nodes)} nodes · {len(layout.groups)} groups · "
                            f"{layout.crossings} crossings")
        self._apply_coloring()

    def _keep_place(self):
        """A callback that, after a re-layout, puts the selected node (or the node nearest the centre) back
        where it was on screen; the first view when neither is in the new layout."""
        anchor = self.view.anchor_node(self.state.selected_target())

        def restore() -> None:
            fallback = None
            lay = self.view.layout_data
            if anchor is not None and lay is not None and anchor[0] not in lay.node_index:
                centre = self.state.group_centre_holding(anchor[0], lay)
                fallback = QPointF(*centre) if centre is not None else None
            if not self.view.restore_anchor(anchor, fallback):
                self.view.show_start()

        return restore

    def _set_option(self, **changes) -> None:
        if self.state.set_option(**changes):
            self._request_layout(self.frame.expanded, then=self._keep_place())

    def _set_shapes(self, on: bool) -> None:
        self.state.show_shapes = on
        self.view.item.show_edge_labels = on
        self.view.item.update()

    def toggle_group(self, gid: int) -> None:
        expanded = self.state.toggled(gid)
        if expanded is None:
            return

        def centre() -> None:
            lay = self.view.layout_data
            index = lay.group_index.get(gid) if lay is not None else None
            if index is not None:
                g = lay.groups[index]
                self.view.centre_on_rect(QRectF(g.x, g.y, g.w, min(g.h, self.view.viewport().height())))

        self._request_layout(expanded, then=centre)

    def expand_all(self) -> None:
        expanded = self.state.all_expanded()
        if expanded is not None:
            self._request_layout(expanded, then=self._keep_place())

    def collapse_all(self) -> None:
        if self.frame is not None:
            self._request_layout(frozenset({ROOT}), then=self._keep_place())

    # -- selection and navigation -------------------------------------------------------------
    def _on_node_clicked(self, node_id: int) -> None:
        if self.state.at_top and self.window_ is not None:
            self.window_.select_node(node_id)  # comes back through focus_node
        else:
            self.select(node_id, centre=False)
            self.body_node_selected.emit(self.frame.graph, node_id, self.state.at_top)

    def _on_group_clicked(self, gid: int) -> None:
        frame = self.frame
        if frame is None or frame.layouter is None:
            return
        self.group_selected.emit(frame.graph, group_summary(frame.graph, frame.layouter.grouping, gid))

    def _on_node_double_clicked(self, node_id: int) -> None:
        if not self.open_body(node_id):
            self._on_node_clicked(node_id)

    def _on_background(self) -> None:
        if self.frame is not None:
            self.state.clear_selection()
            self.view.item.selected = None
            self.view.item.highlight = None
            self.view.item.update()
            self.selection_cleared.emit()

    def _on_search_hit(self, node_id: int) -> None:
        self.view.item.highlight = self.state.visible_target(node_id)
        self._find_pending = True  # the hit is shown at a readable scale (see _mark)
        self._on_node_clicked(node_id)
        self.select(node_id, centre=True)

    def clear_search_highlight(self) -> None:
        """Esc in the search bar (or another graph shown): no hit stays highlighted."""
        self._find_pending = False
        if self.view.item.highlight is not None:
            self.view.item.highlight = None
            self.view.item.update()

    def select_in_body(self, node_id: int) -> None:
        """A link to a node of the current body graph."""
        if self.frame is not None:
            self.select(node_id, centre=True)
            self.body_node_selected.emit(self.frame.graph, node_id, self.state.at_top)

    def focus_node(self, node_id: int) -> None:
        """Follow ``window.node_selected``: back to the model's graph, expand, select and centre."""
        if self.stack:
            self.state.back_to_top(node_id)
            self.select(node_id, centre=True)

    def select(self, node_id: int, *, centre: bool) -> None:
        target = self.state.select(node_id)
        if target is None:
            return
        lay = self.view.layout_data
        if lay is None or target not in lay.node_index:
            expanded = self.state.expansion_showing(target)
            if expanded is not None:
                self._request_layout(expanded, then=lambda: self._mark(target, True))
                return
        self._mark(target, centre)

    def _mark(self, target: int, centre: bool) -> None:
        self.view.item.selected = target
        self.view.item.update()
        pos = self.view.scene_pos_of_node(target)
        find, self._find_pending = self._find_pending, False
        if pos is None:
            return
        if find and self.view.current_scale() < TEXT_LOD:  # a Find hit too small to read: zoom in on it
            self.view.zoom_about(READABLE_SCALE / self.view.current_scale(), pos)
            self.view.centerOn(pos)
        visible = visible_scene_rect(self.view)
        if centre and not visible.adjusted(40, 40, -40, -40).contains(pos):
            self.view.centre_on_rect(QRectF(pos.x() - 1, pos.y() - 1, 2, 2))
        self.view.viewport().update()

    # -- export -------------------------------------------------------------------------------
    def visible_scene_rect(self) -> QRectF:
        return visible_scene_rect(self.view)

    def export(self, path: str | Path, *, whole: bool = True) -> Path:
        """Write the whole graph or the current view as PNG or SVG (by suffix), atomically."""
        return export_view(self.view, path, whole=whole, show_edge_labels=self.shapes_action.isChecked())


def install_graph_panel(window: Any) -> tuple[GraphPanel, Inspector]:
    """Add the Graph tab (first) and the Inspector dock to ``window`` and wire their navigation."""
    panel = GraphPanel(window)
    window.insert_panel(0, panel, "Graph")
    inspector = Inspector(window)
    dock_right(window, inspector)
    window.document_changed.connect(inspector.set_document)
    window.node_selected.connect(inspector.show_top_node)
    panel.body_node_selected.connect(inspector.show_node)
    inspector.body_link.connect(panel.select_in_body)
    panel.selection_cleared.connect(inspector.show_placeholder)
    panel.group_selected.connect(inspector.show_group)
    file_menu = getattr(window, "file_menu", None)
    if file_menu is not None:  # File > Export Graph, above Close Window / Quit
        menu = export_menu(file_menu, panel.exporter.ask, "&Export Graph")
        file_menu.insertMenu(window.file_menu_end, menu)
        window.export_graph_menu = menu
        follow = lambda _i=-1: menu.setEnabled(window.tabs.currentWidget() is panel  # noqa: E731
                                               and panel.view.layout_data is not None)
        window.tabs.currentChanged.connect(follow)
        panel.layout_ready.connect(follow)
    panel.exported.connect(lambda path, what: window.statusBar().showMessage(f"Exported {what.lower()} to {path}",
                                                                              15000))
    install_view_actions(window, panel, inspector)
    return panel, inspector
