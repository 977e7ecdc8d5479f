"""The few error types of ovexplorer, each carrying a message a user can act on.

Every message names the file and says what is wrong in plain words. The raw text of an underlying
library error (OpenVINO's ``Exception from src/...``) is kept in ``detail``, never shown alone.
"""

from __future__ import annotations

import re
from pathlib import Path


class OvexplorerError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, message: str, *, path: str | Path | None = None, detail: str = "", guard: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.detail = detail
        #: The name of the guard (``ir_check.GUARDS``) that refused a file OpenVINO reads; "" for other errors.
        self.guard = guard

    def __str__(self) -> str:
        return self.message


class ModelLoadError(OvexplorerError):
    """A model file could not be opened; subclasses say why."""


class ModelFileNotFound(ModelLoadError):
    """The model path does not exist."""


class ModelIsDirectory(ModelLoadError):
    """The model path is a directory (and not a TensorFlow SavedModel)."""


class EmptyModelFile(ModelLoadError):
    """The model file has zero bytes."""


class NotAModel(ModelLoadError):
    """The file is not an OpenVINO IR nor any format OpenVINO reads (an SVG, a renamed .bin...)."""


class MalformedXml(ModelLoadError):
    """The .xml is not well-formed; ``line`` and ``column`` say where."""

    def __init__(
        self, message: str, *, path: str | Path | None = None, detail: str = "", line: int = 0, column: int = 0
    ) -> None:
        super().__init__(message, path=path, detail=detail)
        self.line = line
        self.column = column


class WeightsMissing(ModelLoadError):
    """The IR needs a weights (.bin) file that is not there."""


class WeightsTruncated(ModelLoadError):
    """A constant's offset/size points past the end of the weights file."""


class UnsupportedIrVersion(ModelLoadError):
    """The IR version is one this OpenVINO cannot read."""


class UnknownOperation(ModelLoadError):
    """A layer's type (or opset) is unknown to OpenVINO; ``op_type`` names it."""

    def __init__(self, message: str, *, path: str | Path | None = None, detail: str = "", op_type: str = "") -> None:
        super().__init__(message, path=path, detail=detail)
        self.op_type = op_type


class BrokenGraph(ModelLoadError):
    """Edges refer to layers or ports that do not exist, or the graph is otherwise inconsistent."""


class Cancelled(OvexplorerError):
    """Long work was cancelled by the user."""

    def __init__(self, message: str = "Cancelled") -> None:
        super().__init__(message)


class DeviceError(OvexplorerError):
    """A device could not be queried, or could not compile the model; the device's own text is in ``detail``."""


class InputError(OvexplorerError):
    """A file or typed value does not fit a model input; the message says what was expected and what was found."""


_NOISE = re.compile(r"^(Exception from \S+|Check '.*' failed at \S+)\s*$")
#: A reason longer than this is cut (a compile error may list a whole subgraph).
MAX_REASON = 1500


def openvino_reason(text: str) -> str:
    """OpenVINO's reason: every line of an error that is not a source location, joined (plugins and shape inference
    put the sentence that says why on later lines: "While validating node ...:" / "Requested output shape ...")."""
    kept: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not _NOISE.match(line) and line not in kept:
            kept.append(line)
    if kept:
        reason = " ".join(kept)
        return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"
    check = re.search(r"Check '(.*)' failed", text)
    if check:  # only source locations: name the internal check, never show them
        return f"an internal consistency check failed ({check.group(1)})"
    return "unknown error"
