"""Run panel: device picker, the inputs table (files, pictures, values), one inference in a worker and
the outputs view."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "run_panel": ("RunPanel",),
    "image_decode": ("array_to_image", "decode_image", "image_to_array"),
    "devices_view": ("DevicePicker", "DevicePropertiesDialog"),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
