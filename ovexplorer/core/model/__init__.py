"""Model: open a file as a ModelDocument (IR pre-check, OpenVINO read), Graph/Node/Port/Edge records,
op categories and the model summary."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "document": ("MODEL_SUFFIXES", "ModelDocument", "file_title", "open_model", "resolve_model_path", "shared_core"),
    "graph": ("Edge", "Graph", "Node", "Port", "extract_graph"),
    "categories": ("CATEGORY_COLORS", "WEIGHT_PORTS", "category_of"),
    "ir_check": ("validate_ir",),
    "summary": ("ModelSummary", "WEIGHT_TYPES", "format_summary", "human_bytes", "human_count", "summarize"),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
