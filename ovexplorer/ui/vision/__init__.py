"""Vision answers in the Run tab: the task chooser and its parameters, the answer drawn on the dropped picture,
the results table and the exports (state in :mod:`ovexplorer.core.vision.vision_state`)."""

from ovexplorer.core.util.lazy import lazy_exports

_EXPORTS = {
    "vision_panel": ("VisionPanel",),
    "run_hook": ("install_vision_panel",),
    "tensor_view": ("SliceModel", "TensorView"),
    "answer_view": ("AnswerView",),
    "params_form": ("ParamsForm",),
    "results_table": ("ResultsTable",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
