"""One hook: the text view goes into the Run tab (above its inputs, shown for language models only) and the
architecture of a language model into the Summary."""

from __future__ import annotations

from html import escape
from typing import Any

from ovexplorer.core.text.text_state import TextModel
from ovexplorer.ui.text.text_view import TextView


def architecture_html(model: TextModel) -> str:
    """The Summary's language-model section: files found and the architecture rows."""
    e = model.export
    files = ", ".join(p.name for p in (e.tokenizer, e.detokenizer) if p is not None) or "no tokenizer IRs"
    configs = ", ".join(n for n, d in (("config.json", e.config), ("generation_config.json", e.generation_config))
                        if d) or "no config.json"
    rows = [("Export folder", f"{e.folder}"), ("Found", f"{files}; {configs}"), *model.arch.rows(),
            *(("Problem", p) for p in e.problems)]
    body = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<h3>Language model</h3><table cellspacing='0' cellpadding='4'>{body}</table>"


def fill_run_inputs(run_panel: Any, values: dict) -> None:
    """Type each array into the Run table (its shape, then its values; an empty KV cache by its shape)."""
    for name, array in values.items():
        run_panel.set_shape(name, ",".join(str(d) for d in array.shape))
        if array.size:
            run_panel.set_values(name, " ".join(str(v) for v in array.reshape(-1).tolist()))


def install_text_view(window: Any) -> TextView:
    run_panel = window.run_panel
    view = TextView(window.runner, run_panel, device=run_panel.current_device)
    run_panel.layout().insertWidget(0, view, 3)
    window.document_changed.connect(lambda doc: view.set_path(doc.path if doc is not None else None))
    view.opened.connect(lambda model: model is not None and window.summary_panel.set_section(architecture_html(model)))
    view.inputs_ready.connect(lambda values: fill_run_inputs(run_panel, values))
    window.text_view = view
    return view
