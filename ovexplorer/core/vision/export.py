"""An answer as JSON (everything but the masks' pixels) and CSV (one row per box or class), and the annotated
picture as PNG, written through the atomic writers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.util.atomic import atomic_path, atomic_write_text
from ovexplorer.core.vision.results import VisionAnswer


def answer_dict(answer: VisionAnswer, threshold: float, source: str = "") -> dict[str, Any]:
    """The answer at ``threshold`` as plain JSON values."""
    out: dict[str, Any] = {"task": answer.task, "wrapper": answer.wrapper, "threshold": threshold,
                           "image": {"height": answer.image_size[0], "width": answer.image_size[1]}}
    if source:
        out["source"] = source
    if answer.seen is not None:  # crop resize: the model saw this part; boxes and maps are in picture pixels
        top, left, h, w = answer.seen
        out["seen"] = {"top": top, "left": left, "height": h, "width": w}
    if answer.task in ("detection", "instance-segmentation"):
        out["boxes"] = [{"label": d.label, "name": d.name, "score": round(d.score, 6), "box": list(d.box),
                         **({"mask_pixels": int(d.mask.sum())} if d.mask is not None else {})}
                        for d in answer.visible(threshold)]
    if answer.classes:
        out["classes"] = [{"label": c.label, "name": c.name, "score": round(c.score, 6)} for c in answer.classes]
    if answer.class_map is not None:
        out["class_pixels"] = {answer.name_of(k): v for k, v in answer.class_areas().items()}
    if answer.keypoints:
        out["keypoints"] = [{"index": k.index, "x": round(k.x, 2), "y": round(k.y, 2), "score": round(k.score, 6)}
                            for k in answer.keypoints]
    if answer.anomaly_score is not None:
        out["anomaly"] = {"label": answer.anomaly_label, "score": answer.anomaly_score}
    out["timing_ms"] = {"inference": round(answer.infer_seconds * 1e3, 3),
                        "decode": round(answer.decode_seconds * 1e3, 3)}
    return out


def answer_csv(answer: VisionAnswer, threshold: float) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if answer.task in ("detection", "instance-segmentation"):
        writer.writerow(["label", "name", "score", "x1", "y1", "x2", "y2"])
        for d in answer.visible(threshold):
            writer.writerow([d.label, d.name, f"{d.score:.6f}", *d.box])
    elif answer.classes:
        writer.writerow(["label", "name", "score"])
        for c in answer.classes:
            writer.writerow([c.label, c.name, f"{c.score:.6f}"])
    elif answer.class_map is not None:
        writer.writerow(["label", "name", "pixels"])
        for k, v in sorted(answer.class_areas().items()):
            writer.writerow([k, answer.name_of(k), v])
    elif answer.keypoints:
        writer.writerow(["index", "x", "y", "score"])
        for k in answer.keypoints:
            writer.writerow([k.index, f"{k.x:.2f}", f"{k.y:.2f}", f"{k.score:.6f}"])
    else:
        writer.writerow(["label", "score"])
        writer.writerow([answer.anomaly_label, answer.anomaly_score])
    return buf.getvalue()


def write_answer(path: str | Path, answer: VisionAnswer, threshold: float, source: str = "") -> Path:
    """JSON or CSV by the suffix of ``path``."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return atomic_write_text(path, answer_csv(answer, threshold))
    return atomic_write_text(path, json.dumps(answer_dict(answer, threshold, source), indent=2) + "\n")


def write_png(path: str | Path, picture: np.ndarray) -> Path:
    """An RGB picture as PNG (OpenCV's encoder), atomically."""
    import cv2

    ok, data = cv2.imencode(".png", np.ascontiguousarray(picture[:, :, ::-1]))
    if not ok:
        raise OSError(f"could not encode {Path(path).name} as PNG")
    with atomic_path(path) as tmp:
        tmp.write_bytes(data.tobytes())
    return Path(path)
