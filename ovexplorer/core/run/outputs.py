"""What is shown of an output tensor: statistics, small values, top-k classes, image planes; saving as .npy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.util.atomic import atomic_path
from ovexplorer.core.util.errors import OvexplorerError

#: Outputs with at most this many values are shown (and printed) in full.
SMALL_OUTPUT = 64


@dataclass(frozen=True, slots=True)
class OutputStats:
    """Summary statistics of a tensor (over its finite values)."""

    count: int
    min: float
    max: float
    mean: float
    std: float
    nan: int
    inf: int
    strings: bool = False  # a string tensor: only its count

    def to_dict(self) -> dict[str, float | int | bool]:
        if self.strings:
            return {"count": self.count, "strings": True}
        return {f: getattr(self, f) for f in self.__slots__ if f != "strings"}

    def cells(self) -> tuple[str, str, str, str]:
        """min, max, mean and std as table cells (blank for strings)."""
        if self.strings:
            return ("", "", "", "")
        return (f"{self.min:.6g}", f"{self.max:.6g}", f"{self.mean:.6g}", f"{self.std:.6g}")

    def text(self) -> str:
        if self.strings:
            return f"{self.count} string{'s' if self.count != 1 else ''}"
        extra = (f", NaN {self.nan}" if self.nan else "") + (f", ±inf {self.inf}" if self.inf else "")
        return (
            f"min {self.min:.6g}, max {self.max:.6g}, mean {self.mean:.6g}, std {self.std:.6g}"
            f" ({self.count} value{'s' if self.count != 1 else ''}{extra})"
        )


def statistics(array: np.ndarray) -> OutputStats:
    a = np.asarray(array)
    if a.dtype.kind in "US":
        nan = float("nan")
        return OutputStats(int(a.size), nan, nan, nan, nan, 0, 0, strings=True)
    if a.dtype.kind not in "fiub" or a.size == 0:
        return OutputStats(int(a.size), float("nan"), float("nan"), float("nan"), float("nan"), 0, 0)
    values = a.astype(np.float64, copy=False)
    finite = np.isfinite(values)
    nan = int(np.isnan(values).sum())
    inf = int(a.size - finite.sum() - nan)
    good = values[finite] if not finite.all() else values
    if good.size == 0:
        return OutputStats(int(a.size), float("nan"), float("nan"), float("nan"), float("nan"), nan, inf)
    return OutputStats(
        int(a.size), float(good.min()), float(good.max()), float(good.mean()), float(good.std()), nan, inf
    )


def is_classification(shape: tuple[int, ...]) -> bool:
    """Shapes like ``[N]``, ``[1,N]`` or ``[1,N,1,1]`` with N >= 2: one score per class."""
    big = [d for d in shape if d != 1]
    return len(shape) >= 1 and len(big) == 1 and big[0] >= 2 and (len(shape) <= 2 or shape[1] == big[0])


def labels_from_rt_info(rt_info: Mapping[str, Any], count: int) -> list[str] | None:
    """Class names from ``model_info/labels`` (space- or comma-separated) when there is one per class."""
    info = rt_info.get("model_info") if isinstance(rt_info, Mapping) else None
    raw = info.get("labels") if isinstance(info, Mapping) else None
    if isinstance(raw, (list, tuple)):
        labels = [str(x) for x in raw]
    elif isinstance(raw, str):
        labels = [x.strip() for x in raw.split(",")] if "," in raw else raw.split()
    else:
        return None
    return labels if len(labels) == count else None


@dataclass(frozen=True, slots=True)
class ClassScore:
    index: int
    label: str
    score: float


def softmax(x: np.ndarray) -> np.ndarray:
    z = x.astype(np.float64) - np.max(x)
    e = np.exp(z)
    return e / e.sum()


def top_k(array: np.ndarray, k: int = 5, *, apply_softmax: bool = False,
          labels: list[str] | None = None) -> list[ClassScore]:
    """The ``k`` best classes of a classification-shaped output (flattened), best first."""
    scores = np.asarray(array, dtype=np.float64).reshape(-1)
    if apply_softmax:
        scores = softmax(scores)
    order = np.argsort(-scores, kind="stable")[:k]
    return [
        ClassScore(int(i), labels[i] if labels and i < len(labels) else f"class {i}", float(scores[i]))
        for i in order
    ]


def image_layout(shape: tuple[int, ...]) -> str:
    """How to view a 3-D/4-D output as planes: ``NCHW`` / ``CHW`` (channel planes), ``NHWC`` / ``HWC``; or ""."""
    if len(shape) == 4:
        return "NHWC" if shape[3] in (1, 3) and shape[1] > 4 else "NCHW"
    if len(shape) == 3:
        return "HWC" if shape[2] in (1, 3) and shape[0] > 4 else "CHW"
    return ""


def channel_count(shape: tuple[int, ...]) -> int:
    layout = image_layout(shape)
    return shape[layout.index("C")] if layout else 0


def image_plane(array: np.ndarray, channel: int = 0, batch: int = 0) -> np.ndarray:
    """One channel of a 3-D/4-D output, scaled to 0..255 uint8 (min -> 0, max -> 255), H x W."""
    layout = image_layout(tuple(array.shape))
    if not layout:
        raise ValueError(f"an output of shape {list(array.shape)} has no image view")
    a = array[batch] if layout.startswith("N") else array
    plane = a[channel] if layout.endswith("CHW") else a[..., channel]
    plane = np.nan_to_num(plane.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    lo, hi = float(plane.min()), float(plane.max())
    if hi <= lo:
        return np.zeros(plane.shape, np.uint8)
    return np.ascontiguousarray(((plane - lo) * (255.0 / (hi - lo))).astype(np.uint8))


def values_text(array: np.ndarray, limit: int = SMALL_OUTPUT) -> str:
    """The values of a small output, numpy-formatted (empty when it is too big)."""
    if array.size > limit:
        return ""
    return np.array2string(np.asarray(array), precision=6, separator=", ", max_line_width=100)


def save_npy(path: str | Path, array: np.ndarray) -> Path:
    """Write ``array`` to ``path`` (.npy) atomically (:func:`~ovexplorer.core.util.atomic.atomic_path`)."""
    path = Path(path)
    if path.suffix.lower() != ".npy":
        path = path.with_name(path.name + ".npy")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_path(path) as tmp, open(tmp, "wb") as f:  # a file object: np.save adds no suffix
            np.save(f, np.asarray(array), allow_pickle=False)
    except OSError as exc:
        raise OvexplorerError(f"Could not save {path.name}: {exc.strerror or exc}", path=path) from exc
    return path


def safe_file_name(name: str) -> str:
    """An output name usable as a file name."""
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    return cleaned or "output"
