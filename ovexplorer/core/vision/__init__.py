"""Vision answers: task detection, OpenVINO Model API wrappers and their parameters, decoded results (boxes, masks,
keypoints, classes, anomaly maps), drawing and export, and the Answers view's state (Qt-free)."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "model_api": ("INSTALL", "MISSING", "VisionError", "VisionUnavailable", "available", "require_model_api"),
    "tasks": ("TASKS", "TaskGuess", "class_count", "guess_task"),
    "labels": ("labels_from_model", "read_labels_file"),
    "config": ("VisionConfig", "config_for", "store_config"),
    "results": ("ClassScore", "Detection", "Keypoint", "VisionAnswer"),
    "answer": ("RawAnswer", "VisionModel"),
    "draw": ("class_color", "draw_answer", "legend_entries"),
    "export": ("answer_csv", "answer_dict", "write_answer", "write_png"),
    "vision_state": ("Computed", "VisionState", "compute", "redecode"),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
