"""What a vision model answered, as plain records: boxes (with label, score and an instance mask), a class map,
keypoints, top-k classes, an anomaly map. Numpy arrays are the picture's size; boxes are ``x1, y1, x2, y2`` pixels
of the picture given."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class Detection:
    """One box: class index and name, score, corners in picture pixels, and its mask for instance segmentation."""

    label: int
    name: str
    score: float
    box: tuple[int, int, int, int]
    mask: np.ndarray | None = field(default=None, repr=False, compare=False)  # H x W bool

    def contains(self, x: float, y: float) -> bool:
        x1, y1, x2, y2 = self.box
        return x1 <= x <= x2 and y1 <= y <= y2


@dataclass(frozen=True, slots=True)
class ClassScore:
    label: int
    name: str
    score: float


@dataclass(frozen=True, slots=True)
class Keypoint:
    index: int
    x: float
    y: float
    score: float


@dataclass(frozen=True, slots=True)
class VisionAnswer:
    """The decoded answer for one picture, decoded with scores down to ``floor`` (a higher threshold filters it
    without decoding again)."""

    task: str
    wrapper: str
    image_size: tuple[int, int]  # (height, width)
    floor: float = 0.0
    detections: tuple[Detection, ...] = ()
    classes: tuple[ClassScore, ...] = ()
    class_map: np.ndarray | None = field(default=None, repr=False, compare=False)  # H x W int: class per pixel
    class_names: tuple[str, ...] = ()  # names of the class map's values
    keypoints: tuple[Keypoint, ...] = ()
    skeleton: tuple[tuple[int, int], ...] = ()
    anomaly_map: np.ndarray | None = field(default=None, repr=False, compare=False)  # H x W uint8 (0..255)
    anomaly_score: float | None = None
    anomaly_label: str = ""
    infer_seconds: float = 0.0
    decode_seconds: float = 0.0
    #: ``(top, left, height, width)`` of the part of the picture the model saw (``crop`` resize), None for all of it
    seen: tuple[int, int, int, int] | None = None

    def visible(self, threshold: float) -> tuple[Detection, ...]:
        """The boxes scoring at least ``threshold``."""
        return tuple(d for d in self.detections if d.score >= threshold)

    def visible_classes(self, threshold: float) -> tuple[ClassScore, ...]:
        return tuple(c for c in self.classes if c.score >= threshold)

    def class_areas(self) -> dict[int, int]:
        """Pixel count of each class in the class map (background included), inside the part the model saw."""
        if self.class_map is None:
            return {}
        part = self.class_map
        if self.seen is not None:
            top, left, h, w = self.seen
            part = part[top:top + h, left:left + w]
        values, counts = np.unique(part, return_counts=True)
        return {int(v): int(c) for v, c in zip(values, counts, strict=True)}

    def name_of(self, label: int) -> str:
        return self.class_names[label] if 0 <= label < len(self.class_names) else str(label)

    def summary(self, threshold: float) -> str:
        """One line a user reads: what was found."""
        if self.task in ("detection", "instance-segmentation"):
            boxes = self.visible(threshold)
            if not boxes:
                return f"no box scores {threshold:.2f} or more"
            names: dict[str, int] = {}
            for d in boxes:
                names[d.name] = names.get(d.name, 0) + 1
            return f"{len(boxes)} box{'es' if len(boxes) != 1 else ''}: " + ", ".join(
                f"{n} × {c}" if c > 1 else n for n, c in names.items())
        if self.task == "classification":
            top = self.classes[:1]
            return f"top class: {top[0].name} ({top[0].score:.3f})" if top else "no class"
        if self.task == "segmentation":
            areas = self.class_areas()
            total = max(sum(areas.values()), 1)
            return "classes: " + ", ".join(f"{self.name_of(k)} {100 * v / total:.1f}%" for k, v in
                                           sorted(areas.items(), key=lambda kv: -kv[1]))
        if self.task == "keypoints":
            return f"{sum(1 for k in self.keypoints if k.score >= threshold)} of {len(self.keypoints)} keypoints"
        if self.task == "anomaly":
            return f"{self.anomaly_label or 'anomaly'} (score {self.anomaly_score or 0:.3f})"
        return ""
