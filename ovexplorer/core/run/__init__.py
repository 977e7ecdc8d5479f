"""Run: devices and their properties, compile options and sessions, inputs (files, pictures, values),
outputs, and the installation self-test."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "devices": ("DeviceInfo", "DeviceProperty", "device_properties", "format_devices", "list_devices"),
    "session": (
        "CompileOptions", "CompiledSession", "InferResult", "PERFORMANCE_HINTS", "PRECISION_HINTS", "compile_session",
    ),
    "ports": ("PortSpec", "find_port", "model_inputs", "shape_misfit", "shape_text"),
    "inputs": ("IMAGE_SUFFIXES", "INPUT_SUFFIXES", "InputSource", "fit_file", "image_inputs", "make_tensor"),
    "outputs": ("OutputStats", "is_classification", "labels_from_rt_info", "save_npy", "top_k"),
    "smoke": ("run_smoke",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
