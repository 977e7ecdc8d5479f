"""The model summary panel: name, op count, parameters, weights by type, inputs and outputs."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.model.names import names_text
from ovexplorer.core.model.summary import ModelSummary, human_bytes, human_count, summarize

_HEADER = "<tr><th align='left'>Name</th><th align='left'>Shape</th><th align='left'>Type</th></tr>"


def summary_html(s: ModelSummary) -> str:
    """The summary as a small HTML page."""

    def row(key: str, value: str) -> str:
        return f"<tr><td><b>{escape(key)}</b></td><td>{value}</td></tr>"

    def tensors(items: tuple) -> str:
        return "".join(
            f"<tr><td>{escape(names_text(t.names or (t.name,), t.name))}</td><td><code>{escape(t.shape)}</code></td>"
            f"<td>{escape(t.element_type)}</td></tr>"
            for t in items
        )

    weights = ", ".join(f"{escape(t)}: {human_bytes(b)}" for t, b in s.weight_bytes.items()) or "none"
    ops = "".join(f"<tr><td>{escape(op)}</td><td align='right'>{n}</td></tr>" for op, n in s.op_types.items())
    compressed = f"yes ({escape(', '.join(s.compressed_types))})" if s.compressed else "no"
    rt = escape(", ".join(s.rt_info_keys)) or "(none)"
    params = f"{s.parameter_count:,}"
    if s.parameter_count >= 1000:
        params += f" ({human_count(s.parameter_count)})"
    if s.body_parameters:
        params += "".join(f"<br>in {escape(label)}: {count:,}" for label, count in s.body_parameters.items())
    return f"""
<h2>{escape(s.name)}</h2>{f"<p>{escape(s.description)}</p>" if s.description else ""}
<table cellspacing='0' cellpadding='4'>
{row("File", escape(s.path))}
{row("Format", escape(s.format))}
{row("Operations", f"{s.op_count} ({len(s.op_types)} types)")}
{row("Parameters", params)}
{row("Weights", f"{human_bytes(s.total_weight_bytes)} &mdash; {weights}")}
{row("Compressed weights", compressed)}
{row("Model rt_info", rt)}
</table>
<h3>Inputs</h3><table cellspacing='0' cellpadding='4'>{_HEADER}{tensors(s.inputs)}</table>
<h3>Outputs</h3><table cellspacing='0' cellpadding='4'>{_HEADER}{tensors(s.outputs)}</table>
<h3>Operation types</h3><table cellspacing='0' cellpadding='2'>{ops}</table>
"""


class SummaryPanel(QWidget):
    """Shows the :class:`ModelSummary` of the open document."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.summary: ModelSummary | None = None
        self.section = ""  # HTML a feature adds below the summary (a language model's architecture)
        self.set_document(None)

    def set_document(self, doc: ModelDocument | None) -> None:
        self.section = ""
        if doc is None:
            self.summary = None
            self.browser.setHtml("<p>No model is open. Drop an OpenVINO IR (.xml) here or use File &gt; Open.</p>")
            return
        self.summary = summarize(doc)
        self.browser.setHtml(summary_html(self.summary))

    def set_section(self, html: str) -> None:
        """Show ``html`` after the inputs and outputs of the open model's summary."""
        if self.summary is not None:
            self.section = html
            self.browser.setHtml(summary_html(self.summary).replace("<h3>Operation types</h3>",
                                                                    html + "<h3>Operation types</h3>"))

    def show_loading(self, name: str) -> None:
        """A model is being opened into an empty window."""
        if self.summary is None:
            self.browser.setHtml(f"<p>Opening {escape(name)}…</p>")

    def text(self) -> str:
        """What the panel shows, as plain text."""
        return self.browser.toPlainText()
