"""Turn what a user gives an input (a dropped file, typed numbers, random data) into a tensor for a port.

Every failure is an :class:`~ovexplorer.core.util.errors.InputError` whose message names the file and says what
the input expects against what the file holds. Images are decoded by the caller (Qt's ``QImage`` in the UI,
so this module stays Qt-free) into an ``H x W x 3`` uint8 RGB array; :func:`preprocess_image` does the rest.
"""

from __future__ import annotations

import json
import re
import tokenize
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from math import prod
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ovexplorer.core.run.ports import PortSpec, dtype_misfit, shape_misfit, shape_text
from ovexplorer.core.util.errors import InputError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
ARRAY_SUFFIXES = (".npy", ".npz")
RAW_SUFFIXES = (".bin", ".raw")
TEXT_SUFFIXES = (".csv", ".txt")
INPUT_SUFFIXES = IMAGE_SUFFIXES + ARRAY_SUFFIXES + RAW_SUFFIXES + TEXT_SUFFIXES
#: Larger pictures are refused before decoding (8000 x 5000 is still accepted).
MAX_IMAGE_PIXELS = 40_000_000
#: Text files of numbers are for small inputs.
MAX_TEXT_BYTES = 16 * 1024 * 1024
DISTRIBUTIONS = ("uniform", "normal")


def describe_array(array: np.ndarray) -> str:
    """``float64 [3,4]``."""
    return f"{array.dtype.name} {shape_text(tuple(array.shape))}"


def expected(spec: PortSpec, shape: tuple[int, ...] | None = None) -> str:
    """What ``spec`` expects, e.g. ``[1,2] f32`` (the chosen shape of a dynamic input when there is one)."""
    return f"{shape_text(shape) if shape is not None else spec.partial_shape} {spec.element_type}"


def concrete_shape(spec: PortSpec, shape: tuple[int, ...] | None = None) -> tuple[int, ...] | None:
    """The shape a tensor for ``spec`` must have now: the static shape, else the chosen ``shape`` (``()`` is a
    scalar's shape, never "no shape")."""
    if spec.static_shape is not None:
        return spec.static_shape
    return tuple(shape) if shape is not None else None


def _need_shape(spec: PortSpec, what: str) -> InputError:
    return InputError(
        f"{what}: input {spec.name} has the dynamic shape {spec.partial_shape}; set its shape first."
    )


# -- generated data ---------------------------------------------------------------------------
def random_tensor(
    shape: tuple[int, ...],
    dtype: np.dtype,
    *,
    distribution: str = "uniform",
    seed: int = 0,
    low: float = 0.0,
    high: float = 1.0,
) -> np.ndarray:
    """Seeded random data: uniform in [low, high) (integers: [low, high]) or normal(mean=low, std=high)."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    if distribution == "normal":
        values = rng.normal(low, high, size=shape)
    elif dtype.kind in "iu":
        values = rng.integers(int(np.floor(low)), int(np.floor(high)) + 1, size=shape)
    else:
        values = rng.uniform(low, high, size=shape)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        values = np.clip(np.rint(values), info.min, info.max)
    return values.astype(dtype)


def filled(shape: tuple[int, ...], dtype: np.dtype, value: float) -> np.ndarray:
    return np.full(shape, value, dtype=dtype)


_SPLIT = re.compile(r"[\s,;]+")


def _numbers(text: str, what: str) -> np.ndarray:
    tokens = [t for t in _SPLIT.split(text.strip().strip("[]()")) if t]
    tokens = [t.strip("[]()") for t in tokens]
    if len(tokens) > 256:
        fast = _numbers_fast(tokens)
        if fast is not None:
            return fast
    words = {"true": 1.0, "false": 0.0, "nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
    values = []
    for t in tokens:
        low = t.lower()
        if low in words:
            values.append(words[low])
            continue
        try:
            values.append(int(t) if re.fullmatch(r"[+-]?\d+", t) else float(t))
        except ValueError:
            raise InputError(f"{what}: {t!r} is not a number.") from None
    return np.array(values) if values else np.zeros(0)


_INT_TOKENS = re.compile(r"(?:[+-]?\d+ )*[+-]?\d+", re.ASCII)


def _numbers_fast(tokens: list[str]) -> np.ndarray | None:
    """Many plain ASCII numbers parsed by NumPy at C speed (a million-number line in a fraction of a second);
    None when some token needs the careful per-token path (words, odd spellings, integers past int64)."""
    joined = " ".join(tokens)
    if not joined.isascii():
        return None
    try:
        if _INT_TOKENS.fullmatch(joined):
            return np.array(tokens, dtype=np.int64)
        return np.array(tokens, dtype=np.float64)
    except (ValueError, OverflowError):
        return None


def _shape_for_count(spec: PortSpec, shape: tuple[int, ...] | None, count: int, what: str) -> tuple[int, ...]:
    target = concrete_shape(spec, shape)
    if target is not None:
        if prod(target) != count:
            raise InputError(
                f"{what}: {count} number{'s' if count != 1 else ''}, but input {spec.name} expects "
                f"{prod(target)} ({expected(spec, target)})."
            )
        return target
    bounds = spec.bounds
    if bounds is not None:
        dynamic = [i for i, (lo, hi) in enumerate(bounds) if lo != hi]
        fixed = prod(lo for i, (lo, _) in enumerate(bounds) if i not in dynamic)
        if len(dynamic) == 1 and fixed > 0 and count % fixed == 0:
            guess = tuple(count // fixed if i in dynamic else lo for i, (lo, _) in enumerate(bounds))
            if not shape_misfit(spec, guess):
                return guess
    raise _need_shape(spec, what)


def _strings(text: str, what: str) -> np.ndarray:
    """Typed strings: a JSON list (``["a, b", "c"]``, nested for more dimensions), else comma-separated words."""
    text = text.strip()
    if text.startswith("["):
        try:
            values = np.array(json.loads(text), dtype=np.str_)
        except (ValueError, TypeError) as exc:
            raise InputError(f"{what}: not a JSON list of strings ({exc}).") from None
        return values.reshape(-1) if values.ndim != 1 else values
    return np.array([t.strip() for t in text.split(",")] if text else [], dtype=np.str_)


def parse_values(text: str, spec: PortSpec, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Typed numbers (``2, 3``) as a tensor for ``spec``; their count must fill its shape. A string input takes
    strings (a JSON list, or comma-separated)."""
    what = f"Typed values for {spec.name}"
    values = _strings(text, what) if spec.element_type == "string" else _numbers(text, what)
    if values.size == 0:
        raise InputError(f"{what}: nothing typed; enter {expected(spec, concrete_shape(spec, shape))} numbers.")
    target = _shape_for_count(spec, shape, values.size, what)
    return _cast(values.reshape(target), spec, what)


def _cast(array: np.ndarray, spec: PortSpec, what: str) -> np.ndarray:
    if array.dtype.kind == "f" and spec.dtype is not None and spec.dtype.kind in "iub":
        if np.all(np.isfinite(array)) and np.all(array == np.rint(array)):
            array = array.astype(np.int64)  # "2.0" typed for an integer input
    problem = dtype_misfit(spec, array.dtype)
    if problem:
        raise InputError(f"{what}: input {problem}.")
    return np.asarray(array, dtype=spec.dtype, order="C")  # (ascontiguousarray makes a scalar 1-d)


# -- files ------------------------------------------------------------------------------------
def _check_readable(path: Path) -> None:
    if not path.is_file():
        raise InputError(f"{path.name} does not exist or is not a file.", path=path)
    if path.stat().st_size == 0:
        raise InputError(f"{path.name} is empty (0 bytes).", path=path)


def fit_array(array: np.ndarray, spec: PortSpec, path: Path | None = None, what: str = "") -> np.ndarray:
    """``array`` checked against ``spec``'s partial shape and element type, cast to its dtype.

    An array with the right numbers in a shape that differs only by dimensions of size 1 (``[2]`` for
    ``[1,2]``) is reshaped.
    """
    what = what or (path.name if path else "The array")
    shape = tuple(array.shape)
    problem = shape_misfit(spec, shape)
    target = spec.static_shape
    if problem and target is not None and prod(target) == array.size:
        if [d for d in shape if d != 1] == [d for d in target if d != 1]:
            array, problem = array.reshape(target), ""
    if problem:
        raise InputError(
            f"{what} holds {describe_array(array)}; input {spec.name} expects {expected(spec)}.", path=path
        )
    if spec.element_type == "string" and array.dtype.kind in "US":
        return np.asarray(np.char.decode(array, "utf-8", "replace") if array.dtype.kind == "S" else array)
    if array.dtype.hasobject or array.dtype.kind in "OVSUMmc":
        raise InputError(
            f"{what} holds {array.dtype.name} values; input {spec.name} expects {spec.element_type} numbers.",
            path=path,
        )
    problem = dtype_misfit(spec, array.dtype)
    if problem:
        raise InputError(
            f"{what} holds {describe_array(array)}; input {spec.name} expects {expected(spec)} "
            f"(converting {array.dtype.name} to {spec.element_type} would change the values).",
            path=path,
        )
    return np.asarray(array, dtype=spec.dtype, order="C")  # (ascontiguousarray makes a scalar 1-d)


def _npy_from_stream(f: BinaryIO, available: int, what: str, path: Path) -> np.ndarray:
    """Read one ``.npy`` array from ``f`` (``available`` bytes from the start), never unpickling anything.

    The header is parsed with NumPy's own reader, then checked before any data is read: no Python objects,
    and a payload that fits in what the file holds (a header claiming 10^12 values allocates nothing).
    """
    bad = f"{what} is not a valid .npy array"
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"unknown .npy version {version[0]}.{version[1]}")
    except (ValueError, SyntaxError, TypeError, OverflowError, MemoryError, EOFError, RecursionError,
            tokenize.TokenError) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{bad} (damaged header: {detail}).", path=path) from None
    if dtype.hasobject:
        raise InputError(f"{what} holds Python objects (an object array); only numeric arrays can be used.", path=path)
    if not isinstance(shape, tuple) or not all(type(d) is int and d >= 0 for d in shape):
        raise InputError(f"{bad} (damaged header: shape {shape!r} is not a list of sizes).", path=path)
    if dtype.subdtype is not None:  # ('<f4', (2,)): np.load gives an array of shape + (2,)
        dtype, shape = dtype.subdtype[0], shape + dtype.subdtype[1]
    if dtype.itemsize == 0 or dtype.fields is not None or dtype.kind == "V":
        raise InputError(f"{what} holds {dtype.name or dtype.str} records; only numeric arrays can be used.",
                         path=path)
    count = prod(shape)
    need = count * dtype.itemsize
    have = available - f.tell()
    if need > have:  # checked before allocating; trailing bytes are ignored, as np.load does
        raise InputError(f"{bad}: its header says {dtype.name} {shape_text(shape)} ({need} bytes of data), "
                         f"but only {max(have, 0)} bytes follow.", path=path)
    try:
        data = bytearray(need)  # writable, like np.load's arrays (a bytes buffer would be read-only)
        view, got = memoryview(data), 0
        while got < need:
            n = f.readinto(view[got:])
            if not n:
                break
            got += n
        if got != need:
            raise InputError(f"{bad}: the data ends early.", path=path)
        array = np.frombuffer(data, dtype=dtype, count=count) if count else np.zeros(0, dtype)
        array = array.reshape(shape[::-1]).transpose() if fortran else array.reshape(shape)
    except MemoryError:
        raise InputError(f"{what} is too large to load ({need} bytes).", path=path) from None
    return array


def _load_npy(path: Path) -> np.ndarray:
    with path.open("rb") as f:
        magic = f.read(6)
        if magic != b"\x93NUMPY":
            kind = "an .npz archive" if magic.startswith(b"PK") else "not a valid .npy file (no NumPy header)"
            raise InputError(f"{path.name} is {kind}.", path=path)
        f.seek(0)
        return _npy_from_stream(f, path.stat().st_size, path.name, path)


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """All arrays of an ``.npz`` archive, in the archive's order (members read with the checked ``.npy`` reader)."""
    _check_readable(path)
    with path.open("rb") as f:
        if f.read(6) == b"\x93NUMPY":
            raise InputError(f"{path.name} is a single .npy array, not an .npz archive.", path=path)
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                what = f"{path.name}: array {key!r}"
                with archive.open(info) as member:
                    if member.read(6) != b"\x93NUMPY":
                        raise InputError(f"{what} is not an .npy array.", path=path)
                    member.seek(0)
                    arrays[key] = _npy_from_stream(member, info.file_size, what, path)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise InputError(f"{path.name} is not a valid .npz archive ({exc}).", path=path) from None
    if not arrays:
        raise InputError(f"{path.name} holds no arrays.", path=path)
    return arrays


def match_npz(path: Path, specs: tuple[PortSpec, ...]) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` matched to inputs: by name first, the remaining ones by order."""
    arrays = read_npz(path)
    result: dict[str, np.ndarray] = {}
    unmatched = list(arrays)
    for spec in specs:
        key = next((k for k in (spec.name, *spec.names) if k in arrays), None)
        if key is not None:
            result[spec.name] = fit_array(arrays[key], spec, path, f"{path.name}[{key!r}]")
            unmatched.remove(key)
    rest = [s for s in specs if s.name not in result]
    for spec, key in zip(rest, unmatched, strict=False):
        result[spec.name] = fit_array(arrays[key], spec, path, f"{path.name}[{key!r}]")
    return {s.name: result[s.name] for s in specs if s.name in result}  # in input order


def _load_raw(path: Path, spec: PortSpec, shape: tuple[int, ...] | None) -> np.ndarray:
    target = concrete_shape(spec, shape)
    if target is None:
        raise _need_shape(spec, path.name)
    if spec.dtype is None:
        raise InputError(f"{path.name}: input {spec.name} has element type {spec.element_type}, "
                         "which raw files cannot fill.", path=path)
    size = path.stat().st_size
    need = prod(target) * spec.dtype.itemsize
    if size != need:
        raise InputError(
            f"{path.name} holds {size} bytes; input {spec.name} expects {expected(spec, target)} = {need} bytes.",
            path=path,
        )
    return np.fromfile(path, dtype=spec.dtype).reshape(target)


def _read_text(path: Path) -> tuple[np.ndarray, int]:
    """The numbers of a text file and its count of non-empty lines."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(f"{path.name} is {size // (1024 * 1024)} MiB; text files of numbers are for small inputs "
                         "(use .npy or .bin).", path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not a text file of numbers.", path=path) from None
    values = _numbers(text, path.name)
    if values.size == 0:
        raise InputError(f"{path.name} holds no numbers.", path=path)
    return values, sum(1 for r in text.splitlines() if r.strip())


def _fit_text(values: np.ndarray, rows: int, spec: PortSpec, shape: tuple[int, ...] | None, name: str) -> np.ndarray:
    if not spec.is_static and spec.bounds is not None and rows > 1 and values.size % rows == 0:
        # rows x columns set a dynamic shape, like a dropped .npy's shape does
        natural = (rows, values.size // rows)
        natural = (1,) * (len(spec.bounds) - 2) + natural if len(spec.bounds) >= 2 else natural
        if not shape_misfit(spec, natural):
            return _cast(values.reshape(natural), spec, name)
    target = _shape_for_count(spec, shape, values.size, name)
    return _cast(values.reshape(target), spec, name)


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        raise InputError(f"{path.name} is a picture; it needs decoding first.", path=path)
    if suffix not in INPUT_SUFFIXES:
        raise InputError(
            f"{path.name}: unknown input file type {suffix or '(no suffix)'}; use .npy, .npz, .bin, .raw, .csv, "
            ".txt or a PNG/JPEG/BMP picture.",
            path=path,
        )
    _check_readable(path)
    return suffix


def _fitter(
    path: Path, suffix: str, shapes: Mapping[str, tuple[int, ...] | None]
) -> Callable[[PortSpec], np.ndarray]:
    """Read ``path`` once; return a function fitting its content to one input."""
    if suffix == ".npy":
        array = _load_npy(path)
        return lambda spec: fit_array(array, spec, path)
    if suffix in RAW_SUFFIXES:  # the byte size is checked before reading, so only a fit is read
        return lambda spec: _load_raw(path, spec, shapes.get(spec.name))
    values, rows = _read_text(path)
    return lambda spec: _fit_text(values, rows, spec, shapes.get(spec.name), path.name)


def fit_file(
    path: str | Path,
    specs: tuple[PortSpec, ...],
    shapes: Mapping[str, tuple[int, ...] | None] | None = None,
    *,
    first: bool = False,
) -> dict[str, np.ndarray]:
    """Read a non-picture file once and fit it to each input in turn: name -> tensor for the inputs it fits.

    With ``first``, stop at the first input it fits (a drop on the window goes there). An ``.npz`` fills
    inputs by array name, then by order. ``shapes`` holds the chosen shapes of dynamic inputs (raw and text
    files need one); an array whose shape fits a dynamic input's partial shape sets it. When the file fits
    no input, the :class:`InputError` says why for each.
    """
    path = Path(path)
    shapes = shapes or {}
    try:
        suffix = _check_suffix(path)
        if suffix == ".npz":
            return match_npz(path, specs)
        fit = _fitter(path, suffix, shapes)
        fits: dict[str, np.ndarray] = {}
        problems: list[str] = []
        for spec in specs:
            try:
                fits[spec.name] = fit(spec)
            except InputError as exc:
                if len(specs) == 1:
                    raise
                problems.append(exc.message)
                continue
            if first:
                break
    except PermissionError:
        raise InputError(f"{path.name} cannot be read: permission denied.", path=path) from None
    except OSError as exc:
        raise InputError(f"{path.name} cannot be read: {exc.strerror or exc}.", path=path) from None
    if not fits:
        raise InputError(f"{path.name} fits none of the inputs: " + " ".join(problems), path=path)
    return fits


def load_array(path: str | Path, spec: PortSpec, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A non-image file (``.npy``, ``.npz``, ``.bin``/``.raw``, ``.csv``/``.txt``) as a tensor for ``spec``.

    ``shape`` is the chosen shape of a dynamic input (raw and text files need one); an ``.npy`` whose
    shape fits the partial shape is taken as it is, and sets the input's shape. An ``.npz`` gives the
    array named like the input, or its only array.
    """
    path = Path(path)
    if path.suffix.lower() == ".npz":
        _check_suffix(path)
        arrays = read_npz(path)
        key = next((k for k in (spec.name, *spec.names) if k in arrays), None)
        if key is None and len(arrays) == 1:
            key = next(iter(arrays))
        if key is None:
            raise InputError(f"{path.name} holds arrays {', '.join(arrays)}; none is named {spec.name}.", path=path)
        return fit_array(arrays[key], spec, path, f"{path.name}[{key!r}]")
    return fit_file(path, (spec,), {spec.name: shape})[spec.name]


def inputs_for_file(
    path: str | Path, specs: tuple[PortSpec, ...], shapes: Mapping[str, tuple[int, ...] | None] | None = None
) -> list[str]:
    """Names of the inputs a file fits, in input order: pictures go to image-like inputs; an ``.npz`` to
    every input it fills."""
    path = Path(path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return image_inputs(specs)
    try:
        return list(fit_file(path, specs, shapes))
    except InputError:
        return []


# -- images -----------------------------------------------------------------------------------
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


# -- sources ----------------------------------------------------------------------------------
SOURCE_KINDS = ("random", "zeros", "ones", "values", "file")


@dataclass(frozen=True, slots=True)
class InputSource:
    """Where an input's data comes from: generated (random / zeros / ones), typed values, or a file."""

    kind: str = "random"
    distribution: str = "uniform"
    seed: int = 0
    low: float = 0.0
    high: float = 1.0
    text: str = ""
    path: str = ""
    preprocess: ImagePreprocess = ImagePreprocess()

    @property
    def is_image(self) -> bool:
        return self.kind == "file" and Path(self.path).suffix.lower() in IMAGE_SUFFIXES

    def describe(self) -> str:
        if self.kind == "random":
            params = f"{self.low:g}..{self.high:g}" if self.distribution == "uniform" else (
                f"mean {self.low:g}, std {self.high:g}")
            return f"random {self.distribution} ({params}, seed {self.seed})"
        if self.kind == "values":
            return f"values {self.text}"
        if self.kind == "file":
            return Path(self.path).name
        return self.kind


def make_tensor(
    source: InputSource,
    spec: PortSpec,
    shape: tuple[int, ...] | None = None,
    image: np.ndarray | None = None,
) -> np.ndarray:
    """The tensor ``source`` gives ``spec`` (at the chosen ``shape`` for a dynamic input).

    A picture file needs its decoded H x W x 3 uint8 RGB ``image`` (decoding is the caller's: Qt).
    """
    if source.kind == "values":
        return parse_values(source.text, spec, shape)
    if source.kind == "file":
        if source.is_image:
            if image is None:
                raise InputError(f"{Path(source.path).name} is a picture; it needs decoding first.")
            return preprocess_image(image, spec, shape, source.preprocess, Path(source.path).name)
        return load_array(source.path, spec, shape)
    target = concrete_shape(spec, shape)
    if target is None:
        raise _need_shape(spec, f"{source.kind.capitalize()} data")
    if spec.dtype is None:
        raise InputError(f"Input {spec.name} has element type {spec.element_type}, which ovexplorer cannot fill.")
    if spec.element_type == "string" and source.kind != "zeros":
        raise InputError(f"Input {spec.name} takes text: type its strings (a JSON list, or comma-separated).")
    if spec.element_type == "string":
        return np.full(target, "", dtype=np.str_)
    if source.kind == "zeros":
        return filled(target, spec.dtype, 0)
    if source.kind == "ones":
        return filled(target, spec.dtype, 1)
    if source.kind == "random":
        return random_tensor(target, spec.dtype, distribution=source.distribution, seed=source.seed,
                             low=source.low, high=source.high)
    raise InputError(f"Unknown input source {source.kind!r}; use one of {', '.join(SOURCE_KINDS)}.")
