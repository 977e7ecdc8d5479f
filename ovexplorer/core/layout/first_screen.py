"""What a window shows first, prepared in one go off the UI thread: the model read, its summary, and the first
view of its graph laid out (:func:`ovexplorer.core.layout.graph_layout.first_view`), kept in ``doc.derived``
for the Graph panel to show without another round trip through a worker."""

from __future__ import annotations

from pathlib import Path

from ovexplorer.core.layout.graph_layout import DEFAULT_OPTIONS, GraphLayout, GraphLayouter, first_view
from ovexplorer.core.layout.layout_records import LayoutOptions
from ovexplorer.core.model.document import ModelDocument, open_model
from ovexplorer.core.model.summary import summarize
from ovexplorer.core.util.tasks import CancelToken, ProgressFn

KEY = "first_view"


def open_for_window(path: Path, progress: ProgressFn, cancel: CancelToken) -> ModelDocument:
    """Open ``path`` with its summary and the first view of its graph (with the default layout options)."""
    doc = open_model(path, progress=progress, cancel=cancel)
    summarize(doc)
    if doc.graph.nodes:
        layouter, layout = first_view(doc.graph, DEFAULT_OPTIONS, progress=progress, cancel=cancel)
        doc.derived[KEY] = (DEFAULT_OPTIONS, layouter, layout)
    return doc


def prepared_first_view(doc: ModelDocument, options: LayoutOptions) -> tuple[GraphLayouter, GraphLayout] | None:
    """The first view laid out when ``doc`` opened, if it was made with ``options``; handed out once."""
    prepared = doc.derived.pop(KEY, None)
    if prepared is None or prepared[0] != options:
        return None
    return prepared[1], prepared[2]
