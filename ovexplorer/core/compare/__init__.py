"""Compare: match two models layer by layer (optimization patterns folded), weights and activations diffs, the
decoded answers side by side, NNCF optimization in a child process, and the comparison view's state (Qt-free)."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "logical": ("LogicalGraph", "Weight"),
    "matching": ("Matching", "match_graphs"),
    "differences": ("STATUSES", "STATUS_COLORS", "Comparison", "Difference", "compare_structure"),
    "metrics": ("Metrics", "tensor_metrics", "top_k_agreement"),
    "const_values": ("NotDecoded", "weight_values"),
    "weights_diff": ("WeightDiff", "weight_diffs"),
    "answer_agreement": ("BoxPair", "TextAgreement", "VisionAgreement", "first_divergence", "pair_detections",
                         "vision_agreement"),
    "answers": ("AnswersComparison", "PictureAnswers", "answer_kind", "compare_answers"),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
