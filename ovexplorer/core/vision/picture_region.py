"""Where the picture lies in the model's input after Model API's resize, so that a segmentation map is cut to it.

Model API's Segmentation wrapper resizes the whole output map to the picture's size; with ``fit_to_window`` or
``fit_to_window_letterbox`` the map also covers the padding, and a picture that is not of the input's shape came out
shifted and squashed. The map is cut to the picture's region first (the same arithmetic as Model API's resize)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

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
