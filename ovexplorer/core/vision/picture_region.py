"""Where the picture lies in the model's input after Model API's resize, so that an answer is drawn where it belongs.

Model API's Segmentation wrapper resizes the whole output map to the picture's size; with ``fit_to_window`` or
``fit_to_window_letterbox`` the map also covers the padding, and a picture that is not of the input's shape came out
shifted and squashed. The map is cut to the picture's region first (the same arithmetic as Model API's resize).

With ``crop`` the model sees only the centre of the picture (cut to the input's aspect ratio), but Model API maps
boxes, maps and keypoints back over the whole picture: stretched. The picture is cut to that centre before Model
API sees it (its own crop then has nothing left to cut), and the answer is moved back onto the whole picture with
the part the model did not see marked (:func:`place_in_picture`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from ovexplorer.core.vision.results import Detection, Keypoint, VisionAnswer

#: Resize types that pad: the picture keeps its aspect ratio inside the input.
PADDING = ("fit_to_window", "fit_to_window_letterbox")


def picture_region(resize_type: str | None, input_hw: tuple[int, int], picture_hw: tuple[int, int]
                   ) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` of the picture in the input's pixels, or None when it fills the input."""
    if resize_type not in PADDING:
        return None
    h, w = input_hw
    ih, iw = picture_hw
    scale = min(w / iw, h / ih)
    nw, nh = round(iw * scale), round(ih * scale)  # half to even, as Model API's graph rounds
    if (nh, nw) == (h, w):
        return None
    dy, dx = ((h - nh) // 2, (w - nw) // 2) if resize_type == "fit_to_window_letterbox" else (0, 0)
    return dy, dy + nh, dx, dx + nw


def crop_maps(outputs: Mapping[str, np.ndarray], region: tuple[int, int, int, int], input_hw: tuple[int, int]
              ) -> dict[str, np.ndarray]:
    """Each [1, C, H, W] output cut to ``region`` (scaled from the input's size to the map's); others as they are."""
    top, bottom, left, right = region
    h, w = input_hw
    cut = {}
    for name, value in outputs.items():
        if value.ndim == 4 and value.shape[2] > 1 and value.shape[3] > 1:
            oh, ow = value.shape[2], value.shape[3]
            y0, y1 = round(top * oh / h), max(round(top * oh / h) + 1, round(bottom * oh / h))
            x0, x1 = round(left * ow / w), max(round(left * ow / w) + 1, round(right * ow / w))
            value = value[:, :, y0:y1, x0:x1]
        cut[name] = value
    return cut


def centre_crop(input_hw: tuple[int, int], picture_hw: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """``(top, left, height, width)`` of the centre of the picture at the input's aspect ratio (what ``crop`` resize
    shows the model), or None when the picture already has that ratio (to within a pixel)."""
    h, w = input_hw
    ih, iw = picture_hw
    if ih * w > iw * h:  # taller than the input: rows cut above and below
        ch, cw = max(1, round(iw * h / w)), iw
    else:
        ch, cw = ih, max(1, round(ih * w / h))
    if abs(ch - ih) <= 1 and abs(cw - iw) <= 1:
        return None
    return (ih - ch) // 2, (iw - cw) // 2, ch, cw


def place_in_picture(answer: VisionAnswer, crop: tuple[int, int, int, int], picture_hw: tuple[int, int]
                     ) -> VisionAnswer:
    """``answer`` about the ``crop`` of a picture moved onto the whole picture: boxes and keypoints shifted, maps
    and masks placed in picture-sized arrays (background outside), and the crop kept as the part the model saw."""
    top, left, ch, cw = crop
    ph, pw = picture_hw

    def grown(a: np.ndarray | None) -> np.ndarray | None:
        if a is None or a.shape[:2] != (ch, cw):
            return a
        out = np.zeros((ph, pw, *a.shape[2:]), a.dtype)
        out[top:top + ch, left:left + cw] = a
        return out

    detections = tuple(Detection(d.label, d.name, d.score, (d.box[0] + left, d.box[1] + top, d.box[2] + left,
                                                             d.box[3] + top), grown(d.mask))
                       for d in answer.detections)
    keypoints = tuple(Keypoint(k.index, k.x + left, k.y + top, k.score) for k in answer.keypoints)
    return replace(answer, image_size=(ph, pw), detections=detections, keypoints=keypoints,
                   class_map=grown(answer.class_map), anomaly_map=grown(answer.anomaly_map), seen=crop)
