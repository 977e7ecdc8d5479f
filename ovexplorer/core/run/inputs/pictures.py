"""Pictures for image inputs: the layout guess, which inputs take a picture, the size limit, a numpy area resize,
and the preprocessing (resize, channel order, layout, mean/scale, element type). Decoding is the caller's (Qt)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ovexplorer.core.run.inputs.tensor_fit import concrete_shape, describe_array, fit_array
from ovexplorer.core.run.ports import PortSpec
from ovexplorer.core.util.errors import InputError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
#: Larger pictures are refused before decoding (8000 x 5000 is still accepted).
MAX_IMAGE_PIXELS = 40_000_000


@dataclass(frozen=True, slots=True)
class ImagePreprocess:
    """How a picture becomes a tensor: resize to the input's H x W, channel order, layout, (x - mean) / scale."""

    resize: bool = True
    channel_order: str = "RGB"  # or "BGR"
    layout: str = "auto"  # or NCHW / NHWC / CHW / HWC
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    scale: tuple[float, float, float] = (1.0, 1.0, 1.0)


def guess_layout(spec: PortSpec) -> str:
    """A layout guess from the shape: NCHW / NHWC (CHW / HWC at rank 3) when a 1- or 3-channel axis shows, else ""."""
    if spec.bounds is None:
        return ""
    channels = [lo == hi and lo in (1, 3) for lo, hi in spec.bounds]
    rank = len(spec.bounds)
    if rank == 4:
        if channels[1]:
            return "NCHW"
        if channels[3]:
            return "NHWC"
    if rank == 3:
        if channels[0]:
            return "CHW"
        if channels[2]:
            return "HWC"
    if rank == 2 and all(lo == hi for lo, hi in spec.bounds) and min(lo for lo, _ in spec.bounds) > 4:
        return "HW"
    return "NC" if rank == 2 else ""


def image_misfit(spec: PortSpec) -> str:
    """Why a picture cannot feed ``spec`` ("" when it can)."""
    if guess_layout(spec) in ("NCHW", "NHWC", "CHW", "HWC", "HW"):
        return ""
    return f"input {spec.name} {spec.partial_shape} does not look like an image input (no 1- or 3-channel axis)"


def image_inputs(specs: tuple[PortSpec, ...]) -> list[str]:
    """Inputs a picture can feed, those with 3 channels first."""
    ok = [s for s in specs if not image_misfit(s)]
    return [s.name for s in sorted(ok, key=lambda s: 0 if s.bounds and (3, 3) in s.bounds else 1)]


def check_image_size(width: int, height: int, name: str) -> None:
    """Refuse a picture too large to be a sensible model input, before it is decoded."""
    if width <= 0 or height <= 0:
        raise InputError(f"{name} cannot be decoded as a picture (it is damaged, or not a PNG, JPEG or BMP).")
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(
            f"{name} is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); pictures above "
            f"{MAX_IMAGE_PIXELS / 1e6:.0f} megapixels are refused."
        )


def _resize_taps(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Triangle-filter taps: (n_out, T) input indices and weights; the filter widens when shrinking
    (anti-aliasing) and the edge pixels repeat past the border."""
    scale = n_in / n_out
    support = max(scale, 1.0)
    centers = (np.arange(n_out) + 0.5) * scale - 0.5
    taps = int(np.ceil(2 * support)) + 1
    positions = np.floor(centers - support).astype(np.int64)[:, None] + 1 + np.arange(taps)[None, :]
    weights = np.maximum(0.0, 1.0 - np.abs(positions - centers[:, None]) / support)
    weights /= weights.sum(axis=1, keepdims=True)
    return np.clip(positions, 0, n_in - 1), weights.astype(np.float32)


def resize_image(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize an H x W x C array (any dtype) to ``height`` x ``width``; float32 result.

    A large shrink first averages whole k x k blocks (cheap, exact area averaging), then a separable
    triangle filter does the rest, so even a 40-megapixel photo shrinks in a fraction of a second.
    """
    h, w, c = image.shape
    if (h, w) == (height, width):
        return image.astype(np.float32)
    ky, kx = max(1, h // (2 * height)), max(1, w // (2 * width))
    if ky > 1 or kx > 1:
        hh, ww = h // ky * ky, w // kx * kx  # the last < k rows / columns are left out
        acc = np.uint32 if image.dtype.kind in "ub" else np.float64
        rows = image[:hh:ky, :ww].astype(acc)  # strided slice sums: much faster than sum() over a 5-D view
        for i in range(1, ky):
            rows += image[i:hh:ky, :ww]
        cols = rows.reshape(hh // ky, ww // kx, kx, c)
        blocks = cols[:, :, 0].copy()
        for j in range(1, kx):
            blocks += cols[:, :, j]
        image = blocks.astype(np.float32) / np.float32(ky * kx)
    iy, wy = _resize_taps(image.shape[0], height)
    ix, wx = _resize_taps(image.shape[1], width)
    tall = np.zeros((height, image.shape[1], c), np.float32)
    for t in range(iy.shape[1]):
        tall += wy[:, t, None, None] * image[iy[:, t]]
    out = np.zeros((height, width, c), np.float32)
    for t in range(ix.shape[1]):
        out += wx[None, :, t, None] * tall[:, ix[:, t]]
    return out


def preprocess_image(
    rgb: np.ndarray,
    spec: PortSpec,
    shape: tuple[int, ...] | None = None,
    pre: ImagePreprocess = ImagePreprocess(),
    name: str = "The picture",
) -> np.ndarray:
    """An H x W x 3 uint8 RGB picture as a tensor for ``spec``: resized, channel order, layout, mean/scale, dtype."""
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise InputError(f"{name}: expected an H x W x 3 picture, got {describe_array(rgb)}.")
    layout = guess_layout(spec) if pre.layout == "auto" else pre.layout
    if pre.layout == "auto":
        problem = image_misfit(spec)
        if problem:
            raise InputError(f"{name} cannot feed {problem}.")
    rank = spec.rank
    if rank is not None and len(layout) != rank:
        raise InputError(f"{name}: layout {layout} does not match input {spec.name} {spec.partial_shape}.")
    target = concrete_shape(spec, shape)
    bounds = spec.bounds or ()
    dims = dict(zip(layout, target if target is not None else (-1,) * len(layout), strict=False))
    dyn = dict(zip(layout, bounds, strict=False))
    channels = dims.get("C", 1) if "C" in layout else 1
    if channels == -1:
        lo, hi = dyn.get("C", (3, 3))
        channels = 3 if lo <= 3 and (hi < 0 or hi >= 3) else 1
    if channels not in (1, 3):
        raise InputError(f"{name}: input {spec.name} has {channels} channels; pictures give 1 or 3.")
    height, width = dims.get("H", -1), dims.get("W", -1)
    image = rgb
    if pre.resize and height > 0 and width > 0:
        image = resize_image(rgb, height, width)
    else:
        image = rgb.astype(np.float32)
        if (height > 0 and height != rgb.shape[0]) or (width > 0 and width != rgb.shape[1]):
            raise InputError(
                f"{name} is {rgb.shape[1]} x {rgb.shape[0]} pixels; input {spec.name} expects "
                f"{width} x {height} (turn resizing on)."
            )
    if pre.channel_order.upper() == "BGR":
        image = image[..., ::-1]
    mean = np.asarray(pre.mean, np.float32)
    scale = np.asarray(pre.scale, np.float32)
    if pre.channel_order.upper() == "BGR":
        mean, scale = mean[::-1], scale[::-1]  # mean/scale are given in the tensor's channel order
    if np.any(scale == 0):
        raise InputError(f"{name}: a scale of 0 would divide by zero.")
    if channels == 1:
        gray = image @ np.array([0.299, 0.587, 0.114], np.float32)
        image = ((gray - mean[0]) / scale[0])[..., None]
    else:
        image = (image - mean) / scale
    if layout in ("NCHW", "CHW"):
        image = image.transpose(2, 0, 1)
    elif layout == "HW":
        image = image[..., 0]
    if layout.startswith("N"):
        batch = dims.get("N", -1)
        image = np.repeat(image[None], batch if batch > 0 else 1, axis=0)
    if spec.dtype is not None and spec.dtype.kind in "iub":
        info = np.iinfo(spec.dtype) if spec.dtype.kind in "iu" else None
        image = np.rint(image)
        if info is not None:
            image = np.clip(image, info.min, info.max)
    return fit_array(image.astype(spec.dtype or np.float32), spec, what=name)
