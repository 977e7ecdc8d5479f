"""Help > Keyboard Shortcuts and Help > First Steps: two offline pages in a small dialog.

The shortcut sheet is read from the window's menus when it opens, so it lists what the menus really bind.
"""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QMenu, QTextBrowser, QVBoxLayout, QWidget

#: Keys and gestures of the graph that have no menu entry.
GRAPH_GESTURES: tuple[tuple[str, str], ...] = (
    ("Find a node by name, type or tensor", "Ctrl+F"),
    ("Next / previous match", "F3 / Shift+F3 (Enter / Shift+Enter in the search field)"),
    ("Close the search", "Esc"),
    ("Zoom around the cursor", "Ctrl+mouse wheel, or pinch"),
    ("Pan", "drag the background, or the scroll bars"),
    ("Inspect a node", "click it (the Inspector shows it)"),
    ("Expand or collapse a group", "double-click it"),
    ("Open the body of an If / Loop", "double-click the node; the breadcrumb leads back"),
)

FIRST_STEPS = """
<h2>First steps with ovexplorer</h2>
<p>ovexplorer shows what is inside an OpenVINO model, runs it, and times it. Everything works offline.</p>
<h3>1. Open a model</h3>
<p>Use <b>File &gt; Open…</b> (Ctrl+O), or drag a file from your file manager onto the window.
OpenVINO IR (<code>.xml</code> with its <code>.bin</code>), ONNX, TensorFlow Lite, PaddlePaddle and TensorFlow
frozen graphs open. The bundled <i>regression</i> sample opens when ovexplorer starts without a file.
<b>File &gt; Open Recent</b> lists the last models.</p>
<h3>2. Inspect it</h3>
<p>The <b>Summary</b> tab lists inputs, outputs, parameters and weights by type. The <b>Graph</b> tab draws the
operations, grouped by name scope: double-click a group to expand it, <b>View &gt; Fit to Window</b> (Ctrl+0) to see it
all, Ctrl+F to find a node. Click a node and the <b>Inspector</b> at the right shows its attributes, shapes,
producers and consumers; its links lead through the graph. The <b>Weights</b> tab gives statistics of every
constant and flags NaN, Inf and all-zero weights.</p>
<h3>3. Run it</h3>
<p>Pick a device in the toolbar, open the <b>Run</b> tab and press <b>Run</b> (F5). Inputs start as random
values; type values into a row, or drop a <code>.npy</code>, <code>.npz</code>, <code>.bin</code>, CSV, text or
a picture on the window to use it as an input. The outputs show their shape, statistics and top values.</p>
<h3>4. Time it</h3>
<p>The <b>Latency</b> tab measures inferences per second and latency as they run (press <b>Start</b>), with the
same hints, streams and requests as benchmark_app. Its <b>Profile</b> tab times every layer and can colour the
graph by time or precision.</p>
<p>Help &gt; Keyboard Shortcuts lists every key.</p>
"""


def _keys(action) -> str:
    return " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def _menu_rows(menu: QMenu, prefix: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for action in menu.actions():
        if action.menu() is not None:
            rows += _menu_rows(action.menu(), f"{prefix}{action.text().replace('&', '')} › ")
        elif not action.isSeparator() and action.shortcuts():
            rows.append((prefix + action.text().replace("&", "").rstrip("…"), _keys(action)))
    return rows


def shortcut_rows(window: QMainWindow) -> dict[str, list[tuple[str, str]]]:
    """Every menu entry with a shortcut, by menu (as the menus bind them now), then the graph's gestures."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is not None:
            rows = _menu_rows(menu, "")
            if rows:
                sections[action.text().replace("&", "")] = rows
    sections["In the graph"] = list(GRAPH_GESTURES)
    return sections


def shortcuts_html(window: QMainWindow) -> str:
    parts = ["<h2>Keyboard shortcuts</h2>"]
    for title, rows in shortcut_rows(window).items():
        body = "".join(f"<tr><td>{escape(what)}</td><td><b>{escape(keys)}</b></td></tr>" for what, keys in rows)
        parts.append(f"<h3>{escape(title)}</h3><table cellspacing='0' cellpadding='3'>{body}</table>")
    return "".join(parts)


class HelpDialog(QDialog):
    """A page of help text (non-modal: the user can try what it says)."""

    def __init__(self, title: str, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def text(self) -> str:
        return self.browser.toPlainText()
