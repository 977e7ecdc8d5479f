"""Draw an answer on its picture (OpenCV, from the vision extra): boxes with label and score, instance and class
masks blended in per-class colours with a legend, keypoints and skeleton, top-k classes, the anomaly map.
The window and ``ovexplorer run --annotate`` draw with this, so the exported PNG is what was shown."""

from __future__ import annotations

import colorsys

import numpy as np

from ovexplorer.core.vision.results import VisionAnswer

MASK_ALPHA = 0.45
#: The part of a picture the model did not see (``crop`` resize): greyed out this much.
UNSEEN_GREY, UNSEEN_ALPHA = (128, 128, 128), 0.6
#: Pictures up to this many pixels are drawn on the UI thread (~20 ms); larger ones in a worker.
DRAW_INLINE_PIXELS = 2_100_000


def class_color(label: int) -> tuple[int, int, int]:
    """A distinct, stable RGB colour per class index (golden-ratio hues)."""
    hue = (label * 0.618033988749895 + 0.11) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.85, 0.95)
    return int(r * 255), int(g * 255), int(b * 255)


def _cv2():
    import cv2

    return cv2


def legend_entries(answer: VisionAnswer, threshold: float) -> list[tuple[str, tuple[int, int, int]]]:
    """(name, colour) of each class drawn, in order of first appearance (class map: by area)."""
    seen: dict[int, str] = {}
    if answer.class_map is not None:
        areas = answer.class_areas()
        for label, _ in sorted(areas.items(), key=lambda kv: -kv[1]):
            if label != 0 or len(areas) == 1:  # class 0 is the background: not painted when others are
                seen.setdefault(label, answer.name_of(label))
    for d in answer.visible(threshold):
        seen.setdefault(d.label, d.name)
    return [(name, class_color(label)) for label, name in seen.items()]


def draw_answer(image: np.ndarray, answer: VisionAnswer, threshold: float, *, selected: int | None = None,
                legend: bool = True) -> np.ndarray:
    """A copy of the RGB ``image`` with ``answer`` drawn at ``threshold``; box ``selected`` (its index among the
    visible boxes) drawn thicker."""
    cv2 = _cv2()
    out = np.ascontiguousarray(image[:, :, :3], dtype=np.uint8).copy()
    h, w = out.shape[:2]
    line = max(1, round(min(h, w) / 300))
    font = max(0.4, min(h, w) / 900)
    if answer.seen is not None and answer.image_size == (h, w):
        _dim_unseen(out, answer.seen)
    if answer.class_map is not None and answer.class_map.shape == (h, w):
        _paint_class_map(out, answer.class_map)
    if answer.anomaly_map is not None and answer.anomaly_map.shape == (h, w):
        top, left, sh, sw = answer.seen or (0, 0, h, w)  # no heat where the model did not look
        part = out[top:top + sh, left:left + sw]
        heat = cv2.applyColorMap(answer.anomaly_map[top:top + sh, left:left + sw], cv2.COLORMAP_JET)[:, :, ::-1]
        out[top:top + sh, left:left + sw] = cv2.addWeighted(part, 0.5, np.ascontiguousarray(heat), 0.5, 0)
    boxes = answer.visible(threshold)
    for d in boxes:
        if d.mask is not None and d.mask.shape == (h, w):
            _paint_mask(out, d.mask, d.box, class_color(d.label))
    for i, d in enumerate(boxes):
        color = class_color(d.label)
        x1, y1, x2, y2 = d.box
        thick = line * 3 if i == selected else line
        cv2.rectangle(out, (x1, y1), (x2, y2), color, thick)
        text = f"{d.name} {d.score:.2f}"
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font, 1)
        ty = y1 - 2 if y1 - th - base - 2 >= 0 else y1 + th + base + 2
        cv2.rectangle(out, (x1, ty - th - base), (x1 + tw + 2, ty + 1), color, -1)
        cv2.putText(out, text, (x1 + 1, ty - base + 1), cv2.FONT_HERSHEY_SIMPLEX, font, (0, 0, 0), 1, cv2.LINE_AA)
    if answer.keypoints:
        pts = {k.index: (round(k.x), round(k.y)) for k in answer.keypoints if k.score >= threshold}
        for a, b in answer.skeleton:
            if a in pts and b in pts:
                cv2.line(out, pts[a], pts[b], (255, 255, 0), line + 1, cv2.LINE_AA)
        for i, p in pts.items():
            cv2.circle(out, p, line + 3, class_color(i), -1, cv2.LINE_AA)
    rows = legend_rows(answer, threshold) if legend else []
    if rows:
        _legend(out, rows, font)
    return out


def _dim_unseen(out: np.ndarray, seen: tuple[int, int, int, int]) -> None:
    """Grey out the picture outside ``seen`` (``top, left, height, width``), the part the model never saw, and
    outline that part."""
    cv2 = _cv2()
    top, left, ch, cw = seen
    inside = out[top:top + ch, left:left + cw].copy()
    out[:] = cv2.addWeighted(out, 1 - UNSEEN_ALPHA, np.full_like(out, UNSEEN_GREY[0]), UNSEEN_ALPHA, 0)
    out[top:top + ch, left:left + cw] = inside
    cv2.rectangle(out, (left, top), (left + cw - 1, top + ch - 1), UNSEEN_GREY, max(1, round(min(ch, cw) / 300)))


def _paint_class_map(out: np.ndarray, class_map: np.ndarray) -> None:
    """Blend each class's colour over ``out`` (class 0, the background, left as it is when there are others).
    OpenCV's table look-up and masked copy: numpy's fancy indexing took 0.35 s each at 12 megapixels."""
    cv2 = _cv2()
    top = int(class_map.max()) if class_map.size else 0
    if top > 255:  # more classes than an 8-bit table holds: numpy's gather
        palette = np.array([class_color(label) for label in range(top + 1)], np.uint8)
        colored = palette[class_map]
    else:
        table = np.zeros((256, 1, 3), np.uint8)
        table[: top + 1, 0] = [class_color(label) for label in range(top + 1)]
        small = class_map.astype(np.uint8)
        colored = cv2.applyColorMap(small, table)
    blended = cv2.addWeighted(out, 1 - MASK_ALPHA, colored, MASK_ALPHA, 0)
    if top == 0:
        out[:] = blended
    else:
        cv2.copyTo(blended, (class_map > 0).view(np.uint8) if top > 255 else cv2.compare(small, 0, cv2.CMP_GT), out)


def _paint_mask(out: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int],
                color: tuple[int, int, int]) -> None:
    """Blend ``color`` over ``out`` where ``mask`` is set: inside the part of the picture the mask covers (a full
    picture's mask is nearly all empty: scanning only its rows and columns that hold pixels is ~50x less work)."""
    cv2 = _cv2()
    h, w = mask.shape
    x1, y1, x2, y2 = box
    rows = slice(max(0, min(y1, h - 1)), max(0, min(y2 + 1, h)))
    cols = slice(max(0, min(x1, w - 1)), max(0, min(x2 + 1, w)))
    inside = cv2.countNonZero(mask[rows, cols].view(np.uint8)) if mask[rows, cols].size else 0
    if inside != cv2.countNonZero(mask.view(np.uint8)):  # a mask that leaves its box: its own extent
        ys, xs = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
        if ys.size == 0:
            return
        rows, cols = slice(int(ys[0]), int(ys[-1]) + 1), slice(int(xs[0]), int(xs[-1]) + 1)
    region, part = out[rows, cols], mask[rows, cols]
    if region.size == 0:
        return
    layer = np.empty_like(region)
    layer[:] = color
    cv2.copyTo(cv2.addWeighted(region, 1 - MASK_ALPHA, layer, MASK_ALPHA, 0), part.view(np.uint8), region)


def draw_for_view(image: np.ndarray, answer: VisionAnswer, threshold: float, selected: int | None,
                  **_: object) -> np.ndarray:
    """:func:`draw_answer` as a view shows it (no legend: the view draws its own); a worker's function."""
    return draw_answer(image, answer, threshold, selected=selected, legend=False)


def legend_rows(answer: VisionAnswer, threshold: float) -> list[tuple[str, tuple[int, int, int]]]:
    """The text rows of the legend: top classes with scores, the class map's classes, or the anomaly verdict; and
    what the grey means when the model saw only part of the picture."""
    unseen = [("grey: not seen by the model (crop resize)", UNSEEN_GREY)] if answer.seen is not None else []
    if answer.classes:
        return [(f"{c.name}  {c.score:.3f}", class_color(c.label)) for c in answer.classes[:5]] + unseen
    if answer.anomaly_score is not None:
        return [(f"{answer.anomaly_label}  {answer.anomaly_score:.3f}", (255, 80, 80)), *unseen]
    if answer.class_map is not None:
        return legend_entries(answer, threshold)[:12] + unseen
    return unseen


def _legend(out: np.ndarray, rows: list[tuple[str, tuple[int, int, int]]], font: float) -> None:
    cv2 = _cv2()
    sizes = [cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font, 1) for text, _ in rows]
    widest = max(s[0][0] for s in sizes) + 30
    if widest > out.shape[1] * 0.9 and font > 0.25:  # a small picture: smaller text (down to a legible minimum)
        font = max(0.25, font * out.shape[1] * 0.9 / widest)
        sizes = [cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font, 1) for text, _ in rows]
    step = max(s[0][1] + s[1] for s in sizes) + 6
    width = max(s[0][0] for s in sizes) + step + 12
    height = step * len(rows) + 6
    region = out[:height, :width]
    region[:] = (region * 0.35 + 255 * 0.65).astype(np.uint8)[: region.shape[0], : region.shape[1]]
    for i, ((text, color), ((_, th), _base)) in enumerate(zip(rows, sizes, strict=True)):
        y = 4 + i * step
        cv2.rectangle(out, (4, y + 2), (4 + step - 6, y + step - 4), color, -1)
        cv2.putText(out, text, (step + 4, y + th + 3), cv2.FONT_HERSHEY_SIMPLEX, font, (0, 0, 0), 1, cv2.LINE_AA)
