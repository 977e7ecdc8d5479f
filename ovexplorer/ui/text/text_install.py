"""One hook: the text view goes into the Run tab (above its inputs, shown for language models only; the two share
a vertical splitter, the text view scrolls, so both stay usable at the window's minimum size) and the architecture of
a language model into the Summary."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QWidget

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


class _FollowVisibility(QObject):
    """Shows and hides ``panel`` with the widget it watches (the text view hides itself for other models)."""

    def __init__(self, panel: QWidget, on_show: Any = None) -> None:
        super().__init__(panel)
        self.panel = panel
        self.on_show = on_show

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShowToParent:
            was_hidden = self.panel.isHidden()
            self.panel.setVisible(True)
            if was_hidden and self.on_show is not None:
                QTimer.singleShot(0, self.on_show)  # after the splitter has taken the shown pane back
        elif event.type() == QEvent.Type.HideToParent:
            self.panel.setVisible(False)
        return super().eventFilter(watched, event)


def text_splitter(run_panel: Any, view: TextView) -> QSplitter:
    """The text view (in a scroll area) above the Run panel's compile/inputs/outputs, in a vertical splitter:
    the user drags the handle, or collapses the text view to its edge."""
    scroll = QScrollArea(run_panel)
    scroll.setObjectName("textViewScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(view)
    view.setMinimumHeight(view.minimumSizeHint().height())  # scrolls rather than squeezes below this
    scroll.setVisible(not view.isHidden())
    splitter = QSplitter(Qt.Orientation.Vertical, run_panel)

    def share() -> None:  # shown again (a language model opened): the text view gets 60 % of the height
        total = sum(splitter.sizes()) or 900
        splitter.setSizes([total * 3 // 5, total - total * 3 // 5])

    view.installEventFilter(_FollowVisibility(scroll, share))
    splitter.setObjectName("textRunSplitter")
    splitter.setProperty("rememberSizes", False)  # shared 60/40 whenever a language model opens (window_state.py)
    layout = run_panel.layout()
    layout.removeWidget(run_panel.splitter)
    lower = QScrollArea(run_panel)  # compile, inputs and outputs: scroll too, so the handle moves both ways
    lower.setObjectName("runScroll")
    lower.setWidgetResizable(True)
    lower.setFrameShape(QFrame.Shape.NoFrame)
    lower.setWidget(run_panel.splitter)
    splitter.addWidget(scroll)
    splitter.addWidget(lower)
    splitter.setCollapsible(1, False)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)
    share()
    layout.insertWidget(0, splitter, 1)
    return splitter


def install_text_view(window: Any) -> TextView:
    run_panel = window.run_panel
    view = TextView(window.runner, run_panel, device=run_panel.current_device)
    window.text_splitter = text_splitter(run_panel, view)
    window.document_changed.connect(lambda doc: view.set_path(doc.path if doc is not None else None))
    view.opened.connect(lambda model: model is not None and window.summary_panel.set_section(architecture_html(model)))
    view.inputs_ready.connect(lambda values: fill_run_inputs(run_panel, values))
    window.text_view = view
    return view
