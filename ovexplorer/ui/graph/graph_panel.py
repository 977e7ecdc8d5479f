"""The Graph tab: toolbar, breadcrumb, search bar and :class:`GraphView`; runs every layout in a worker.

Navigation: a click selects a node through ``window.select_node``; the panel follows
``window.node_selected`` by expanding the groups holding the node and centring it. Double-click on a group
expands or collapses it (only that group and the levels holding it are laid out again); double-click on an
``If``/``Loop``/``TensorIterator`` opens its body in the same view, with a breadcrumb back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.layout.graph_layout import GraphLayout, GraphLayouter, LayoutOptions
from ovexplorer.core.layout.grouping import ROOT
from ovexplorer.core.layout.layout_svg import layout_to_svg
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.model.graph import Graph
from ovexplorer.core.util.atomic import atomic_write_bytes
from ovexplorer.ui.graph.graph_canvas import CanvasData, prepare_canvas
from ovexplorer.ui.graph.graph_search import SearchBar
from ovexplorer.ui.graph.graph_view import GraphView
from ovexplorer.ui.graph.inspector import Inspector, dock_right
from ovexplorer.ui.shell.workers import Task, TaskRunner

MAX_EXPORT_SIDE = 16000
MAX_EXPORT_PIXELS = 60_000_000


@dataclass
class Frame:
    """One graph on the navigation stack (the model, or a body opened from a node)."""

    graph: Graph
    title: str
    siblings: tuple[tuple[str, Graph], ...] = ()
    layouter: GraphLayouter | None = None
    expanded: frozenset[int] | None = None
    layout: GraphLayout | None = None
    canvas: CanvasData | None = None
    selected: int | None = None


class GraphPanel(QWidget):
    """Shows the open model's graph."""

    layout_ready = Signal()  # a new layout is shown
    selection_cleared = Signal()  # the user clicked the background
    body_node_selected = Signal(object, int, bool)  # graph, node id, is top-level

    def __init__(self, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.document: ModelDocument | None = None
        self.stack: list[Frame] = []
        self.options = LayoutOptions()
        self.runner = TaskRunner(self)
        self._task: Task | None = None
        self._generation = 0
        self._then: list = []
        self.view = GraphView(self)
        self.search = SearchBar(self)
        self.search.hide()
        self.search.found.connect(self._on_search_hit)
        self.breadcrumb = QLabel(self)
        self.breadcrumb.setTextFormat(Qt.TextFormat.RichText)
        self.breadcrumb.linkActivated.connect(self._on_breadcrumb)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.hide()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.status = QLabel(self)
        self.legend = QLabel(self)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.hide()
        self.coloring: Any = None  # core.bench.profiling.NodeColoring painted on the top-level graph, or None
        self._build_toolbar()
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
        self.view.describe_node = self._describe_node
        self.view.node_clicked.connect(self._on_node_clicked)
        self.view.node_double_clicked.connect(self._on_node_double_clicked)
        self.view.group_double_clicked.connect(self.toggle_group)
        self.view.proxy_clicked.connect(self._on_node_clicked)
        self.view.background_clicked.connect(self._on_background)
        bindings: dict[str, object] = {}
        for standard, extra, slot in (
            (QKeySequence.StandardKey.Find, "Ctrl+F", self.search.open),
            (QKeySequence.StandardKey.FindNext, "F3", self.search.next),
            (QKeySequence.StandardKey.FindPrevious, "Shift+F3", self.search.previous),
        ):
            for keys in [*QKeySequence.keyBindings(standard), QKeySequence(extra)]:
                bindings.setdefault(keys.toString(), slot)  # one shortcut per key: duplicates are ambiguous
        for text, slot in bindings.items():
            shortcut = QShortcut(QKeySequence(text), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        if window is not None:
            window.node_selected.connect(self.focus_node)
        self.set_document(None)

    # -- toolbar ------------------------------------------------------------------------------
    def _toggle(self, text: str, tip: str, checked: bool, slot) -> QAction:
        action = QAction(text, self, checkable=True, checked=checked, toolTip=tip)
        action.toggled.connect(slot)
        self.toolbar.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for text, tip, slot in (("Fit", "Fit to window (Ctrl+0)", self.view.fit),
                                ("−", "Zoom out (Ctrl+-)", self.view.zoom_out),
                                ("+", "Zoom in (Ctrl++)", self.view.zoom_in),
                                ("Find", "Find (Ctrl+F)", lambda: self.search.open())):
            self.toolbar.addAction(text, slot).setToolTip(tip)
        self.toolbar.addSeparator()
        self.horizontal_action = self._toggle("Left to right", "Lay out left to right instead of top down",
                                              False, lambda on: self._set_option(horizontal=on))
        self.names_action = self._toggle("Names", "Show node names", False,
                                         lambda on: self._set_option(show_names=on))
        self.shapes_action = self._toggle("Shapes", "Show tensor shapes on edges", False, self._set_shapes)
        self.constants_action = self._toggle("Constants", "Show constants as nodes (else folded into consumers)",
                                             False, lambda on: self._set_option(fold_constants=not on))
        self.grouping_action = self._toggle("Groups", "Group nodes by name scope", True,
                                            lambda on: self._set_option(grouped=on))
        self.toolbar.addSeparator()
        self.toolbar.addAction("Expand all", self.expand_all)
        self.toolbar.addAction("Collapse all", self.collapse_all)
        menu = QMenu(self)
        menu.addAction("Whole graph as PNG…", lambda: self._export_dialog("png", True))
        menu.addAction("Whole graph as SVG…", lambda: self._export_dialog("svg", True))
        menu.addAction("Current view as PNG…", lambda: self._export_dialog("png", False))
        menu.addAction("Current view as SVG…", lambda: self._export_dialog("svg", False))
        export = QToolButton(self, text="Export", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        export.setMenu(menu)
        self.toolbar.addWidget(export)

    # -- document and frames ------------------------------------------------------------------
    @property
    def frame(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    @property
    def layout_data(self) -> GraphLayout | None:
        return self.view.layout_data

    def set_node_coloring(self, coloring: Any) -> None:
        """Paint data on the top-level graph: ``coloring.colors`` ``{node id: '#rrggbb'}`` with
        ``coloring.legend`` (``title``, ``entries`` of (label, colour)); None or mode ``""`` restores categories."""
        self.coloring = coloring if coloring is not None and getattr(coloring, "mode", "") else None
        self._apply_coloring()

    def _apply_coloring(self) -> None:
        top = len(self.stack) == 1
        coloring = self.coloring if top else None
        self.view.item.set_node_colors(coloring.colors if coloring is not None else None)
        legend = getattr(coloring, "legend", None)
        if legend is None:
            self.legend.hide()
            return
        swatches = "".join(
            f"&nbsp;<span style='background:{color}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;{escape(label)}&nbsp;"
            for label, color in legend.entries
        )
        self.legend.setText(f"&nbsp;<b>{escape(legend.title)}</b>:{swatches}")
        self.legend.show()

    def set_document(self, doc: ModelDocument | None) -> None:
        self._cancel()
        self.coloring = None
        self.document = doc
        self.stack = []
        self.view.set_layout(None)
        if doc is None:
            self._show_message("No model is open. Drop an OpenVINO IR (.xml) here or use File > Open.")
            self.search.set_graph(None)
            self._update_breadcrumb()
            return
        self.stack = [Frame(doc.graph, doc.name)]
        self._enter_frame()
        if self.window_ is not None:
            self.window_.show_panel(self)

    def _enter_frame(self) -> None:
        frame = self.frame
        assert frame is not None
        self.search.set_graph(frame.graph)
        self._update_breadcrumb()
        if not frame.graph.nodes:
            self.view.set_layout(None)
            self._show_message(f"{frame.title} has no operations to draw.")
            return
        if frame.layout is not None and frame.layouter is not None and frame.layouter.options == self.options:
            self._show_layout(frame.layout, frame.canvas)
            self.view.show_start()
            return
        self.view.set_layout(None)  # never show one graph's picture for another
        self._request_layout(frame.expanded, then=self.view.show_start)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _update_breadcrumb(self) -> None:
        parts = []
        for i, f in enumerate(self.stack):
            label = escape(f.title or "(graph)")
            parts.append(label if i == len(self.stack) - 1 else f"<a href='frame:{i}'>{label}</a>")
        frame = self.frame
        if frame is not None and frame.siblings:
            others = [f"<a href='body:{k}'>{escape(name)}</a>" for k, (name, g) in enumerate(frame.siblings)
                      if g is not frame.graph]
            if others:
                parts.append("(also: " + ", ".join(others) + ")")
        self.breadcrumb.setText(" › ".join(parts))

    def _on_breadcrumb(self, link: str) -> None:
        kind, _, value = link.partition(":")
        if kind == "frame" and value.isdigit():
            del self.stack[int(value) + 1:]
            self._enter_frame()
        elif kind == "body" and value.isdigit() and self.frame is not None:
            name, graph = self.frame.siblings[int(value)]
            siblings = self.frame.siblings
            self.stack[-1] = Frame(graph, f"{self.stack[-2].title if len(self.stack) > 1 else ''} {name}".strip(),
                                   siblings)
            self.stack[-1].title = graph.name or name
            self._enter_frame()

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
        self._enter_frame()
        return True

    # -- layout -------------------------------------------------------------------------------
    def _cancel(self) -> None:
        if self._task is not None and not self._task.done:
            self._task.cancel()
        self._task = None
        self._generation += 1
        self.progress.hide()

    def _request_layout(self, expanded: frozenset[int] | None, then=None) -> Task | None:
        frame = self.frame
        if frame is None:
            return None
        self._cancel()
        generation = self._generation
        options = self.options
        layouter = frame.layouter if frame.layouter is not None and frame.layouter.options == options else None
        graph = frame.graph

        def work(progress, cancel):
            lay_out = layouter or GraphLayouter(graph, options)
            layout = lay_out.layout(expanded, progress=progress, cancel=cancel)
            return lay_out, layout, prepare_canvas(layout)  # the scene's paths are built here too

        self.progress.setValue(0)
        self.progress.show()
        self.status.setText("Laying out…")
        self._task = self.runner.start(
            work,
            on_success=lambda result: self._layout_done(generation, frame, result, then),
            on_failure=lambda exc: self._layout_failed(generation, exc),
            on_progress=lambda f, t: self._layout_progress(generation, f),
        )
        return self._task

    def _layout_progress(self, generation: int, fraction: float) -> None:
        if generation == self._generation:
            self.progress.setValue(int(max(0.0, fraction) * 1000))

    def _layout_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.progress.hide()
        self.status.setText("")
        self._show_message(f"The graph could not be laid out: {exc}")

    def _layout_done(self, generation: int, frame: Frame, result, then) -> None:
        if generation != self._generation or frame is not self.frame:
            return
        layouter, layout, data = result
        frame.layouter = layouter
        frame.expanded = layout.expanded
        frame.layout = layout
        frame.canvas = data
        self.progress.hide()
        self._show_layout(layout, data)
        if then is not None:
            then()
        self.layout_ready.emit()

    def _show_layout(self, layout: GraphLayout, data: CanvasData | None = None) -> None:
        self.message.hide()
        self.view.item.show_edge_labels = self.shapes_action.isChecked()
        self.view.set_layout(layout, data)
        frame = self.frame
        if frame is not None:
            self.view.item.selected = None if frame.selected is None else self._visible_target(frame.selected)
        self.status.setText(f"{len(layout.nodes)} nodes · {len(layout.groups)} groups · "
                            f"{layout.crossings} crossings")
        self._apply_coloring()

    def _set_option(self, **changes) -> None:
        self.options = replace(self.options, **changes)
        frame = self.frame
        if frame is None:
            return
        if "grouped" in changes:
            frame.expanded = None
        self._request_layout(frame.expanded, then=self.view.show_start)

    def _set_shapes(self, on: bool) -> None:
        self.view.item.show_edge_labels = on
        self.view.item.update()

    def toggle_group(self, gid: int) -> None:
        frame = self.frame
        if frame is None or frame.expanded is None or gid == ROOT:
            return
        if gid in frame.expanded:
            groups = frame.layouter.grouping
            expanded = frozenset(g for g in frame.expanded if gid not in groups.ancestors[g])
        else:
            expanded = frame.expanded | {gid}

        def centre() -> None:
            lay = self.view.layout_data
            index = lay.group_index.get(gid) if lay is not None else None
            if index is not None:
                g = lay.groups[index]
                self.view.centre_on_rect(QRectF(g.x, g.y, g.w, min(g.h, self.view.viewport().height())))

        self._request_layout(expanded, then=centre)

    def expand_all(self) -> None:
        frame = self.frame
        if frame is not None and frame.layouter is not None:
            self._request_layout(frozenset(range(len(frame.layouter.grouping.groups))), then=self.view.show_start)

    def collapse_all(self) -> None:
        if self.frame is not None:
            self._request_layout(frozenset({ROOT}), then=self.view.show_start)

    # -- selection and navigation -------------------------------------------------------------
    def _describe_node(self, node_id: int) -> str:
        frame = self.frame
        if frame is None or not 0 <= node_id < len(frame.graph.nodes):
            return ""
        node = frame.graph.nodes[node_id]
        shapes = ", ".join(p.shape for p in node.outputs)
        return f"{node.type}  {node.name or '(no name)'}" + (f"\n→ {shapes}" if shapes else "")

    def _on_node_clicked(self, node_id: int) -> None:
        if len(self.stack) == 1 and self.window_ is not None:
            self.window_.select_node(node_id)  # comes back through focus_node
        else:
            self.select(node_id, centre=False)
            self.body_node_selected.emit(self.frame.graph, node_id, len(self.stack) == 1)

    def _on_node_double_clicked(self, node_id: int) -> None:
        if not self.open_body(node_id):
            self._on_node_clicked(node_id)

    def _on_background(self) -> None:
        frame = self.frame
        if frame is not None:
            frame.selected = None
            self.view.item.selected = None
            self.view.item.highlight = None
            self.view.item.update()
            self.selection_cleared.emit()

    def _on_search_hit(self, node_id: int) -> None:
        self.view.item.highlight = node_id
        self._on_node_clicked(node_id)
        self.select(node_id, centre=True)

    def select_in_body(self, node_id: int) -> None:
        """A link to a node of the current body graph."""
        if self.frame is not None:
            self.select(node_id, centre=True)
            self.body_node_selected.emit(self.frame.graph, node_id, len(self.stack) == 1)

    def focus_node(self, node_id: int) -> None:
        """Follow ``window.node_selected``: back to the model's graph, expand, select and centre."""
        if not self.stack:
            return
        if len(self.stack) > 1:
            del self.stack[1:]
            self.stack[0].selected = node_id
            self._enter_frame()
        self.select(node_id, centre=True)

    def _visible_target(self, node_id: int) -> int:
        """The node drawn for ``node_id``: a folded constant is shown by its first consumer."""
        frame = self.frame
        graph = frame.graph
        if self.options.fold_constants and graph.nodes[node_id].type == "Constant":
            consumers = graph.consumers(node_id)
            if consumers:
                return consumers[0]
        return node_id

    def select(self, node_id: int, *, centre: bool) -> None:
        frame = self.frame
        if frame is None or not 0 <= node_id < len(frame.graph.nodes):
            return
        frame.selected = node_id
        target = self._visible_target(node_id)
        lay = self.view.layout_data
        shown = lay is not None and target in lay.node_index
        if not shown and frame.layouter is not None and frame.expanded is not None:
            expanded = frame.layouter.expand_to(frame.expanded, target)
            self._request_layout(expanded, then=lambda: self._mark(target, True))
            return
        self._mark(target, centre)

    def _mark(self, target: int, centre: bool) -> None:
        self.view.item.selected = target
        self.view.item.update()
        pos = self.view.scene_pos_of_node(target)
        if pos is None:
            return
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        if centre and not visible.adjusted(40, 40, -40, -40).contains(pos):
            self.view.centre_on_rect(QRectF(pos.x() - 1, pos.y() - 1, 2, 2))
        self.view.viewport().update()

    # -- export -------------------------------------------------------------------------------
    def _export_dialog(self, kind: str, whole: bool) -> None:
        if self.view.layout_data is None:
            return
        name = (self.document.path.stem if self.document else "graph") + f".{kind}"
        start = str((self.document.path.parent if self.document else Path.home()) / name)
        path, _ = QFileDialog.getSaveFileName(self, "Export graph", start, f"{kind.upper()} (*.{kind})")
        if path:
            try:
                self.export(path, whole=whole)
            except OSError as exc:
                if self.window_ is not None:
                    self.window_.show_error("Cannot export the graph", f"Could not write {path}: {exc}")

    def visible_scene_rect(self) -> QRectF:
        return self.view.mapToScene(self.view.viewport().rect()).boundingRect()

    def export(self, path: str | Path, *, whole: bool = True) -> Path:
        """Write the whole graph or the current view as PNG or SVG (by suffix), atomically."""
        path = Path(path)
        layout = self.view.layout_data
        if layout is None:
            raise OSError("nothing to export")
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".svg":
            rect = None
            if not whole:
                r = self.visible_scene_rect()
                rect = (r.x(), r.y(), r.width(), r.height())
            text = layout_to_svg(layout, rect, show_edge_labels=self.shapes_action.isChecked())
            return atomic_write_bytes(path, text.encode("utf-8"))
        if whole:
            src = QRectF(0, 0, layout.width, layout.height)
            scale = min(1.0, MAX_EXPORT_SIDE / max(src.width(), src.height()),
                        (MAX_EXPORT_PIXELS / max(1.0, src.width() * src.height())) ** 0.5)
            image = QImage(max(1, int(src.width() * scale)), max(1, int(src.height() * scale)),
                           QImage.Format.Format_ARGB32)
            image.fill(QColor("white"))
            painter = QPainter(image)
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
            self.view.scene().render(painter, QRectF(0, 0, image.width(), image.height()), src)
            painter.end()
        else:
            image = self.view.viewport().grab().toImage()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise OSError("the image could not be encoded")
        buffer.close()
        return atomic_write_bytes(path, bytes(data.data()))


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
    window.view_menu.addAction(inspector.toggleViewAction())
    return panel, inspector
