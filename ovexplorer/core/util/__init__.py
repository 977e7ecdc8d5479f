"""Shared utilities of every core package: the error types, atomic file writes, progress and
cancellation of tasks, the garbage-collector pause, heap trimming, observer events for state objects."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "errors": (
        "OvexplorerError", "ModelLoadError", "ModelFileNotFound", "ModelIsDirectory", "EmptyModelFile", "NotAModel",
        "MalformedXml", "WeightsMissing", "WeightsTruncated", "UnsupportedIrVersion", "UnknownOperation",
        "BrokenGraph", "Cancelled", "DeviceError", "InputError", "openvino_reason",
    ),
    "atomic": ("atomic_path", "atomic_write_bytes", "atomic_write_text", "commit_files"),
    "tasks": ("CancelToken", "ProgressFn", "no_progress"),
    "gc_pause": ("gc_paused",),
    "heap_trim": ("return_free_memory", "trim_available"),
    "events": ("Event",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
