"""Weights: per-constant statistics (helper processes share big weight files), element-type decoding,
MACs/FLOPs, CSV/JSON export, and the Weights view's state (Qt-free)."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "statistics": ("POOL_MIN_VALUES", "WeightStats", "compute_weight_stats", "iter_weight_stats", "warm_up_helpers"),
    "value_stats": ("HIST_BINS", "TensorStats", "tensor_values", "tensors_values"),
    "value_summary": ("ValueStats",),
    "page_releaser": ("PageReleaser",),
    "dtypes": ("CODECS", "ElementCodec", "codec_for", "decode_all"),
    "flops": ("ModelTotals", "model_totals"),
    "weights_export": ("export_csv", "export_json", "report_dict", "write_csv"),
    "weights_state": ("RowSink", "WeightsState"),
    "numbers": ("format_value",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
