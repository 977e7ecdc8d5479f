"""How a picture should become a model's input, read from the model itself: OpenVINO Model API keys in the
rt_info ``model_info`` section (``mean_values``, ``scale_values``, ``reverse_input_channels``, ``layout``,
``resize_type``), the input's own layout, and Ultralytics' ``imgsz`` (rt_info or the ``metadata.yaml`` it writes
beside the model; Ultralytics models take RGB 0..1, i.e. scale 255). Says where each value came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ovexplorer.core.run.inputs import ImagePreprocess
from ovexplorer.core.run.ports import PortSpec

LAYOUTS = ("NCHW", "NHWC", "CHW", "HWC")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
#: The largest metadata.yaml read for ``imgsz`` (Ultralytics writes a few hundred bytes).
_MAX_METADATA_BYTES = 256 * 1024


_DEFAULT_WORDS = {"mean": "mean 0", "scale": "scale 1", "channel_order": "RGB", "layout": "layout from the shape"}


@dataclass(frozen=True, slots=True)
class PictureDefaults:
    """Preprocessing pre-filled for one input, the picture size (H, W) for a dynamic input, and their origin."""

    preprocess: ImagePreprocess
    size: tuple[int, int] | None
    origin: str  # e.g. "from the model's rt_info model_info (mean_values, scale_values)", or "defaults"


def _numbers(value: Any) -> list[float] | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    if not isinstance(value, str):
        return None
    try:
        numbers = [float(t) for t in re.split(r"[\s,;\[\]()]+", value) if t]
    except ValueError:
        return None
    return numbers or None


def _triple(value: Any) -> tuple[float, float, float] | None:
    numbers = _numbers(value)
    if numbers is None or len(numbers) not in (1, 3):
        return None
    return (numbers[0],) * 3 if len(numbers) == 1 else (numbers[0], numbers[1], numbers[2])


def _flag(value: Any) -> bool | None:
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def _layout(value: Any, spec: PortSpec) -> str:
    """``NCHW`` from ``NCHW``, ``[N,C,H,W]`` or Model API's ``name:NCHW,other:NHWC`` (this input's entry)."""
    text = str(value).strip()
    entries = [e.strip() for e in text.split(",")] if ":" in text else [text]
    for entry in entries:
        name, _, layout = entry.rpartition(":")
        if name and name not in (spec.name, *spec.names):
            continue
        layout = re.sub(r"[\[\],\s]", "", layout).upper()
        if layout in LAYOUTS:
            return layout
    return ""


def _metadata_imgsz(model_path: Path | None) -> tuple[int, int] | None:
    """``imgsz`` from an Ultralytics ``metadata.yaml`` beside the model (``imgsz:`` then ``- 640`` lines)."""
    if model_path is None:
        return None
    path = Path(model_path).with_name("metadata.yaml")
    try:
        if not path.is_file() or path.stat().st_size > _MAX_METADATA_BYTES:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(r"^imgsz:\s*(\[[^\]]*\]|\d+)?\s*\n?((?:\s*-\s*\d+\s*\n?)*)", text, re.MULTILINE)
    if not match:
        return None
    return _size(re.findall(r"\d+", match.group(1) or match.group(2)))


def _size(value: Any) -> tuple[int, int] | None:
    numbers = _numbers(value)
    if not numbers or len(numbers) > 2 or any(n <= 0 or n != int(n) for n in numbers):
        return None
    return (int(numbers[0]), int(numbers[-1]))


def _is_ultralytics(info: Mapping[str, Any], model_path: Path | None) -> bool:
    if str(info.get("model_type", "")).upper().startswith("YOLO"):
        return True
    return model_path is not None and Path(model_path).with_name("metadata.yaml").is_file() and \
        _metadata_imgsz(model_path) is not None


def picture_defaults(
    rt_info: Mapping[str, Any], spec: PortSpec, model_path: Path | None = None, input_layout: str = ""
) -> PictureDefaults:
    """The preprocessing the model asks for (the defaults where it says nothing), for input ``spec``.

    ``input_layout`` is the input's own layout as OpenVINO gives it (``[N,C,H,W]``), when set.
    """
    info = rt_info.get("model_info") if isinstance(rt_info, Mapping) else None
    info = info if isinstance(info, Mapping) else {}
    base = ImagePreprocess()
    values: dict[str, Any] = {}
    used: list[str] = []
    mean, scale = _triple(info.get("mean_values")), _triple(info.get("scale_values"))
    if mean is not None:
        values["mean"] = mean
        used.append("mean_values")
    if scale is not None and 0.0 not in scale:
        values["scale"] = scale
        used.append("scale_values")
    reverse = _flag(info.get("reverse_input_channels")) if "reverse_input_channels" in info else None
    if reverse is not None:  # Model API feeds BGR (OpenCV's order) and reverses it when asked: True -> RGB
        values["channel_order"] = "RGB" if reverse else "BGR"
        used.append("reverse_input_channels")
    layout = _layout(info.get("layout", ""), spec) if "layout" in info else ""
    if layout:
        values["layout"] = layout
        used.append("layout")
    resize = str(info.get("resize_type", "")).strip()
    if resize:
        used.append(f"resize_type {resize}" + (" (stretched here)" if resize != "standard" else ""))
    origins = [f"from the model's rt_info model_info ({', '.join(used)})"] if used else []
    own = _layout(input_layout, spec) if input_layout else ""
    if own and "layout" not in values:
        values["layout"] = own
        origins.append(f"layout {own} from the input's own layout")
    size = _size(info.get("imgsz")) if "imgsz" in info else None
    if size is not None:
        origins.append(f"size {size[1]} x {size[0]} from model_info imgsz")
    ultralytics = _is_ultralytics(info, model_path)
    if size is None and ultralytics:
        size = _metadata_imgsz(model_path)
        if size is not None:
            origins.append(f"size {size[1]} x {size[0]} from metadata.yaml imgsz")
    if ultralytics and "scale" not in values:  # Ultralytics models take RGB values in 0..1
        values["scale"] = (255.0, 255.0, 255.0)
        values.setdefault("channel_order", "RGB")
        origins.append("scale 255 and RGB as Ultralytics models take")
    if not origins:
        return PictureDefaults(base, None, "defaults (mean 0, scale 1, RGB): the model's rt_info sets no preprocessing")
    rest = [words for key, words in _DEFAULT_WORDS.items() if key not in values]
    origin = "; ".join(origins) + (f"; defaults for {', '.join(rest)}" if rest else "")
    return PictureDefaults(replace(base, **values), size, origin)


def sized_shape(spec: PortSpec, layout: str, size: tuple[int, int] | None) -> tuple[int, ...] | None:
    """A dynamic image input's shape at picture ``size`` (H, W): batch 1, its fixed channels, None when the
    layout or size is unknown or the result does not fit the input's bounds."""
    if size is None or spec.bounds is None or spec.is_static or len(layout) != len(spec.bounds):
        return None
    dims = []
    for axis, (lo, hi) in zip(layout, spec.bounds, strict=True):
        value = {"N": 1, "H": size[0], "W": size[1]}.get(axis, lo if lo == hi else 3)
        if value < lo or (hi >= 0 and value > hi):
            return None
        dims.append(value)
    return tuple(dims)
