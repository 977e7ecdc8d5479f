"""The inspector dock: everything about the selected node, or the model's rt_info when none is selected."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QUrl, Signal
from PySide6.QtWidgets import QDockWidget, QTextBrowser, QToolTip, QWidget

from ovexplorer.core.layout.group_summary import GroupSummary
from ovexplorer.core.layout.weight_chains import chain_types, folded_inputs, weight_roots
from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.model.graph import Graph, Node
from ovexplorer.core.model.summary import human_bytes

MAX_LINKS = 200
#: Characters of a value shown in its row; a longer value is elided there and shown whole in its tooltip.
MAX_SHOWN = 80
MAX_TOOLTIP = 4000
#: Rows of one nested (JSON) value shown before "… and N more".
MAX_NESTED_ROWS = 60
#: The dock's narrowest and first width (px): below ~200 px a key/value table wraps letter by letter.
MIN_WIDTH, DEFAULT_WIDTH = 220, 320
#: The share of a narrow window the dock may take when the window is resized (the user may drag it wider).
MAX_SHARE = 0.25
_KEY_BREAKS = str.maketrans({c: c + "\u200b" for c in "_./:-"})


def _key(key: str) -> str:
    """A key that may wrap after ``_ . / : -`` (word by word), never letter by letter."""
    return escape(str(key)).translate(_KEY_BREAKS)


def _text(value: Any) -> str:
    if isinstance(value, (dict, list, tuple)):
        try:
            return json.dumps(value, default=str)
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _elided(text: str) -> str:
    """``text`` as a table cell: elided past :data:`MAX_SHOWN` characters, the whole in its tooltip."""
    if len(text) <= MAX_SHOWN:
        return escape(text)
    tip = text if len(text) <= MAX_TOOLTIP else text[: MAX_TOOLTIP - 1] + "…"
    return f"<span title=\"{escape(tip, quote=True)}\">{escape(text[: MAX_SHOWN - 1])}…</span>"


def _structured(value: Any) -> dict | None:
    """A mapping shown as rows: a dict, or a string holding a JSON object (rt_info stores some so)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def _value(value: Any) -> str:
    return str(value) if isinstance(value, Html) else _elided(_text(value))


def _rows(items: list[tuple[str, Any]], depth: int = 0) -> str:
    """Key/value rows; a JSON object value becomes indented rows of its own keys."""
    indent = "&nbsp;&nbsp;&nbsp;" * depth
    out = []
    for k, v in items:
        nested = _structured(v) if depth < 3 and not isinstance(v, Html) else None
        if nested:
            out.append(f"<tr><td colspan='2'>{indent}<b>{_key(k)}</b></td></tr>")
            sub = list(nested.items())
            out.append(_rows(sub[:MAX_NESTED_ROWS], depth + 1))
            if len(sub) > MAX_NESTED_ROWS:
                out.append(f"<tr><td colspan='2'>{indent}&nbsp;&nbsp;&nbsp;<i>… and "
                           f"{len(sub) - MAX_NESTED_ROWS} more</i></td></tr>")
        else:
            out.append(f"<tr><td valign='top'>{indent}<b>{_key(k)}</b></td><td>{_value(v)}</td></tr>")
    return "".join(out)


def _table(rows: list[tuple[str, Any]]) -> str:
    """Rows of (key, value): values are plain values (escaped and elided here) or :class:`Html`."""
    if not rows:
        return "<p><i>(none)</i></p>"
    return f"<table cellspacing='3' width='100%'>{_rows(rows)}</table>"


class Html(str):
    """A value that is already HTML (links, small print): shown as is, never elided."""


def _link(graph: Graph, node_id: int) -> str:
    n = graph.nodes[node_id]
    return f"<a href='node:{node_id}'>{escape(n.name or '(no name)')}</a> <small>({escape(n.type)})</small>"


def _folded_weights(graph: Graph, node: Node, weights_link: bool) -> list[tuple[str, Any]]:
    """The constants (and decompression chains) folded into ``node``'s box: one row per input they feed."""
    rows = []
    for head in folded_inputs(graph, node.id):
        roots = weight_roots(graph, head)
        if not roots:
            continue
        weight = graph.nodes[roots[0]]
        c = weight.const
        shape = "×".join(str(d) for d in c.shape) or "scalar" if c is not None else "?"
        chain = chain_types(graph, head)
        how = f"{escape(c.element_type if c else '?')}" + (" → " + " → ".join(map(escape, chain)) if chain else "")
        stats = f" · <a href='weights:{weight.id}'>statistics</a>" if weights_link else ""
        ports = [graph.edges[e].dst_port for e in graph.in_edges[node.id] if graph.edges[e].src == head]
        rows.append((f"in {ports[0]}" if ports else "in", Html(
            f"{_link(graph, weight.id)} <code>{escape(shape)}</code><br><small>{how}</small>{stats}")))
    return rows


def node_html(graph: Graph, node: Node, *, weights_link: bool = True) -> str:
    """The inspector page of ``node``."""
    parts = [f"<h3>{escape(node.type)} <small>({escape(node.opset)})</small></h3>",
             f"<p><b>Name</b>: {escape(node.name or '(no name)')}<br><b>Category</b>: {escape(node.category)}"
             f"<br><b>Id</b>: {node.id}</p>"]
    if node.const is not None:
        c = node.const
        shape = "×".join(str(d) for d in c.shape) or "scalar"
        parts.append("<h4>Constant</h4>" + _table([
            ("Shape", shape), ("Element type", c.element_type),
            ("Elements", f"{c.element_count:,}"), ("Size", human_bytes(c.byte_size)),
        ]))
        if weights_link:
            parts.append(f"<p><a href='weights:{node.id}'>Show statistics</a></p>")
    folded = _folded_weights(graph, node, weights_link)
    if folded:
        parts.append("<h4>Weights</h4>" + _table(folded))
    parts.append("<h4>Attributes</h4>" + _table(list(node.attributes.items())))
    inputs = []
    for e_index in graph.in_edges[node.id] if node.id < len(graph.in_edges) else ():
        e = graph.edges[e_index]
        port = node.inputs[e.dst_port] if e.dst_port < len(node.inputs) else None
        src = graph.nodes[e.src]
        names = src.outputs[e.src_port].names if e.src_port < len(src.outputs) else ()
        desc = (f"<code>{escape(port.shape)}</code> {escape(port.element_type)}" if port else "")
        tensor = f"<br><small>tensor: {escape(', '.join(names))}</small>" if names else ""
        inputs.append((f"in {e.dst_port}", Html(f"{desc} from {_link(graph, e.src)}:{e.src_port}{tensor}")))
    parts.append("<h4>Inputs</h4>" + _table(inputs))
    outputs = []
    for port in node.outputs:
        consumers = [graph.edges[i] for i in graph.out_edges[node.id] if graph.edges[i].src_port == port.index]
        links = ", ".join(_link(graph, e.dst) for e in consumers[:MAX_LINKS])
        if len(consumers) > MAX_LINKS:
            links += f" … and {len(consumers) - MAX_LINKS} more"
        names = f"<br><small>tensor: {escape(', '.join(port.names))}</small>" if port.names else ""
        outputs.append((f"out {port.index}", Html(f"<code>{escape(port.shape)}</code> {escape(port.element_type)}"
                                                  f"{names}<br>to {links or '(nothing)'}")))
    parts.append("<h4>Outputs</h4>" + _table(outputs))
    parts.append("<h4>Producers</h4><p>" + (", ".join(_link(graph, p) for p in dict.fromkeys(
        graph.producers(node.id))) or "(none)") + "</p>")
    consumers = list(dict.fromkeys(graph.consumers(node.id)))
    more = f" … and {len(consumers) - MAX_LINKS} more" if len(consumers) > MAX_LINKS else ""
    parts.append("<h4>Consumers</h4><p>" + (", ".join(_link(graph, c) for c in consumers[:MAX_LINKS]) or "(none)")
                 + more + "</p>")
    if node.subgraphs:
        parts.append("<h4>Bodies</h4><p>" + ", ".join(escape(g.name) for g in node.subgraphs)
                     + "<br><small>Double-click the node in the graph to open them.</small></p>")
    parts.append("<h4>rt_info</h4>" + _table(list(node.rt_info.items())))
    return "".join(parts)


def group_html(graph: Graph, g: GroupSummary) -> str:
    """The inspector page of a group: op counts by type, its weights, the tensors crossing its border."""
    parts = [f"<h3>Group {escape(g.path)}</h3>",
             f"<p>{g.op_count:,} operations · {g.const_count:,} constants</p>",
             "<h4>Operations by type</h4>" + _table([(t, f"{n:,}") for t, n in g.op_types]),
             "<h4>Parameters</h4>" + _table([("Weights", f"{g.weight_count:,}"),
                                              ("Size", human_bytes(g.weight_bytes))])]
    for title, ports in (("Inputs", g.inputs), ("Outputs", g.outputs)):
        word = "from" if title == "Inputs" else "of"
        rows = [(f"{k}", Html(f"<code>{escape(shape)}</code> {word} {_link(graph, node)}:{port}"))
                for k, (node, port, shape) in enumerate(ports[:MAX_LINKS])]
        more = f"<p>… and {len(ports) - MAX_LINKS} more</p>" if len(ports) > MAX_LINKS else ""
        parts.append(f"<h4>{title} ({len(ports)})</h4>" + _table(rows) + more)
    parts.append("<p><small>Click ▸/▾ on the group to expand or collapse it.</small></p>")
    return "".join(parts)


def model_html(doc: ModelDocument) -> str:
    g = doc.graph
    return (f"<h3>{escape(doc.name)}</h3><p>{len(g.nodes)} operations. Select a node to inspect it.</p>"
            "<h4>Model rt_info</h4>" + _table(list(g.rt_info.items())))


class Inspector(QDockWidget):
    """Shows the selected node; links navigate through ``window.select_node``."""

    #: a link to a node of a body graph (not the top-level graph) was clicked
    body_link = Signal(int)

    def __init__(self, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__("Inspector", parent or window)
        self.setObjectName("inspector_dock")
        self.window_ = window
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        self.browser.viewport().installEventFilter(self)  # tooltips of elided values
        self.setWidget(self.browser)
        self.setMinimumWidth(MIN_WIDTH)
        self.document: ModelDocument | None = None
        self.graph: Graph | None = None
        self.node_id: int | None = None
        self.top_level = True
        self.set_document(None)

    def set_document(self, doc: ModelDocument | None) -> None:
        self.document = doc
        self.graph = doc.graph if doc is not None else None
        self.node_id = None
        self.top_level = True
        if doc is None:
            self.browser.setHtml("<p>No model is open.</p>")
        else:
            self.browser.setHtml(model_html(doc))

    def show_top_node(self, node_id: int) -> None:
        if self.document is not None:
            self.show_node(self.document.graph, node_id, True)

    def show_node(self, graph: Graph, node_id: int, top_level: bool = False) -> None:
        if not 0 <= node_id < len(graph.nodes):
            return
        self.graph, self.node_id, self.top_level = graph, node_id, top_level
        self.browser.setHtml(node_html(graph, graph.nodes[node_id], weights_link=top_level))

    def show_group(self, graph: Graph, summary: GroupSummary, top_level: bool = True) -> None:
        """Show a group (a name scope) the user selected in the graph."""
        self.graph, self.node_id, self.top_level = graph, None, top_level
        self.browser.setHtml(group_html(graph, summary))

    def show_loading(self, name: str) -> None:
        """A model is being opened into an empty window."""
        if self.document is None:
            self.browser.setHtml(f"<p>Opening {escape(name)}…</p>")

    def text(self) -> str:
        """What the inspector shows, as plain text (without the invisible break points of keys)."""
        return self.browser.toPlainText().replace("\u200b", "")

    def tooltip_at(self, pos: QPoint) -> str:
        """The tooltip of the text at ``pos`` (viewport coordinates): the whole of an elided value."""
        return self.browser.cursorForPosition(pos).charFormat().toolTip()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.browser.viewport() and event.type() == QEvent.Type.ToolTip:
            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.browser.viewport())
            else:
                QToolTip.hideText()
            return True
        if watched is self.window_ and not self.isFloating():
            if event.type() == QEvent.Type.Show and self.width() == DEFAULT_WIDTH:  # not a width the user chose
                self.fit_window(self.window_.width())
            elif event.type() == QEvent.Type.Resize and self.window_.isVisible() \
                    and 0 < event.size().width() < event.oldSize().width():  # the user narrows the window
                self.fit_window(event.size().width())
        return super().eventFilter(watched, event)

    def fit_window(self, window_width: int) -> None:
        """Give a narrow window's tabs their room: the dock takes at most :data:`MAX_SHARE` of it (never less than
        :data:`MIN_WIDTH`); in a wide window it keeps the width it has."""
        most = max(MIN_WIDTH, int(window_width * MAX_SHARE))
        if self.width() > most and self.window_ is not None:
            self.window_.resizeDocks([self], [most], Qt.Orientation.Horizontal)

    def _on_link(self, url: QUrl) -> None:
        kind, _, value = url.toString().partition(":")
        if not value.isdigit():
            return
        node_id = int(value)
        if kind == "node":
            if self.top_level and self.window_ is not None:
                self.window_.select_node(node_id)
            else:
                self.body_link.emit(node_id)
        elif kind == "weights" and self.window_ is not None:
            self.window_.select_node(node_id)
            tabs = getattr(self.window_, "tabs", None)
            if tabs is not None:
                for i in range(tabs.count()):
                    if tabs.tabText(i).replace("&", "") == "Weights":
                        self.window_.show_panel(tabs.widget(i))
                        break

    def show_placeholder(self) -> None:
        if self.document is not None:
            self.browser.setHtml(model_html(self.document))
        self.node_id = None


def dock_right(window: Any, inspector: Inspector) -> None:
    """Dock the inspector at the right, :data:`DEFAULT_WIDTH` wide (a saved window state overrides it; a narrow
    window keeps it to :data:`MAX_SHARE` of its width)."""
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, inspector)
    window.resizeDocks([inspector], [DEFAULT_WIDTH], Qt.Orientation.Horizontal)
    window.installEventFilter(inspector)  # a narrow window gives the dock at most MAX_SHARE of its width
