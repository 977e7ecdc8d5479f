"""A text's tokens as coloured spans (piece over a pastel background, the id in the tooltip-like small print)."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from ovexplorer.core.text.text_state import span_colors
from ovexplorer.core.text.tokenizer import Tokens


def tokens_html(tokens: Tokens, *, show_ids: bool = True, labels: list[str] | None = None) -> str:
    """Each token a coloured span with its id (and its label from a token classifier, when given)."""
    colors = span_colors(len(tokens))
    parts = []
    pieces = tokens.pieces or [str(i) for i in tokens.ids]
    for i, (piece, token, color) in enumerate(zip(pieces, tokens.ids, colors, strict=True)):
        shown = escape(piece).replace(" ", "&nbsp;").replace("\n", "\\n") if piece else f"⟨{int(token)}⟩"
        ids = f"<sub style='color:#555'>{int(token)}</sub>" if show_ids else ""
        label = f"<sup style='color:#a00000'>{escape(labels[i])}</sup>" if labels else ""
        parts.append(f"<span style='background:{color}'>{shown}{ids}{label}</span>")
    return (f"<p><b>{len(tokens)} tokens</b></p><p style='line-height:160%'>" + "&#8203;".join(parts) + "</p>")


class TokenSpans(QTextBrowser):
    """Shows the tokens of the prompt; :attr:`tokens` is what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tokens: Tokens | None = None
        self.labels: list[str] | None = None
        self.setMinimumHeight(70)

    def show_tokens(self, tokens: Tokens | None, labels: list[str] | None = None) -> None:
        self.tokens = tokens
        self.labels = labels
        self.setHtml(tokens_html(tokens, labels=labels) if tokens is not None else "")
