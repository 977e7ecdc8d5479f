"""OpenVINO Model API, imported lazily: the optional ``vision`` extra. When it is missing, one clear message says
which package to install and how; nothing else in ovexplorer needs it."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import openvino as ov

from ovexplorer.core.util.errors import OvexplorerError

#: The PyPI package and the command that installs it with ovexplorer.
PACKAGE = "openvino-model-api"
INSTALL = "pip install 'ovexplorer[vision]'"
MISSING = f"OpenVINO Model API ({PACKAGE}) is not installed: {INSTALL}"


class VisionUnavailable(OvexplorerError):
    """The optional vision extra (OpenVINO Model API, OpenCV) is not installed."""


class VisionError(OvexplorerError):
    """A wrapper that does not fit the model, or a picture it cannot take; the message is one line."""


def require_model_api() -> Any:
    """The ``model_api.models`` module, or :class:`VisionUnavailable` naming the package and the install command."""
    try:
        models = importlib.import_module("model_api.models")
    except ImportError as exc:  # the package, or one it needs (cv2), is missing
        missing = getattr(exc, "name", "") or PACKAGE
        detail = "" if missing.startswith("model_api") else f" ({missing} is missing)"
        raise VisionUnavailable(MISSING + detail, detail=str(exc)) from exc
    _snapshot_defaults()
    return models


#: Held while a wrapper is made: its class defaults are put back first (see :func:`pristine_defaults`).
WRAPPER_LOCK = threading.Lock()
_DEFAULTS: list[tuple[Any, Any]] | None = None


def _snapshot_defaults() -> None:
    """Model API's parameter defaults as it ships them, taken once at its first import (before any wrapper)."""
    global _DEFAULTS
    if _DEFAULTS is not None:
        return
    try:
        from model_api.models.parameters import ParameterRegistry
    except ImportError:  # another Model API layout: nothing to keep
        _DEFAULTS = []
        return
    _DEFAULTS = [(value, value.default_value) for group in vars(ParameterRegistry).values() if isinstance(group, dict)
                 for value in group.values() if hasattr(value, "default_value")]


def pristine_defaults() -> None:
    """Put Model API's shared parameter defaults back as shipped. Its wrappers share one registry of parameter
    objects and YOLO's ``parameters()`` changes their defaults in place (letterbox resize, pad 114, scale 255...):
    once a YOLO wrapper was made, a classifier made after it in the same process resized and scaled its pictures
    as YOLO does and answered differently. Call with :data:`WRAPPER_LOCK` held, just before making a wrapper."""
    for value, default in _DEFAULTS or ():
        value.default_value = default


def available() -> bool:
    """True when Model API imports here."""
    try:
        require_model_api()
    except VisionUnavailable:
        return False
    return True


def make_adapter(model: ov.Model, core: ov.Core, device: str) -> Any:
    """A Model API ``OpenvinoAdapter`` on a model already in memory (Model API itself reads only files; an ONNX
    file would also need the ``onnx`` package). The adapter embeds its preprocessing into ``model``: pass a clone."""
    require_model_api()
    from model_api.adapters.openvino_adapter import OpenvinoAdapter
    from model_api.adapters.utils import Layout

    class _InMemoryAdapter(OpenvinoAdapter):
        def __init__(self) -> None:  # the fields OpenvinoAdapter.__init__ sets, without reading a file
            self.core = core
            self.model_path = "<in memory>"
            self.device = device
            self.plugin_config = {}
            self.max_num_requests = 1
            self.model_parameters = {"input_layouts": Layout.parse_layouts(None)}
            self.is_onnx_file = False
            self.onnx_metadata = {}
            self.preprocessor = lambda arg: arg
            self.use_python_preprocessing = False
            self.model_from_buffer = True
            self.model = model

    return _InMemoryAdapter()
