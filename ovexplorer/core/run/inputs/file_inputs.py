"""Non-picture files for inputs: ``.npy``/``.npz``, raw ``.bin``/``.raw`` bytes and ``.csv``/``.txt`` numbers, read
once and fitted to each input in turn (the inputs a dropped file fits)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from math import prod
from pathlib import Path

import numpy as np

from ovexplorer.core.run.inputs.npy_files import check_readable, load_npy, match_npz, read_npz
from ovexplorer.core.run.inputs.pictures import IMAGE_SUFFIXES, image_inputs
from ovexplorer.core.run.inputs.tensor_fit import (
    cast_values,
    concrete_shape,
    expected,
    fit_array,
    need_shape,
    shape_for_count,
)
from ovexplorer.core.run.inputs.typed_values import numbers
from ovexplorer.core.run.ports import PortSpec, shape_misfit
from ovexplorer.core.util.errors import InputError

ARRAY_SUFFIXES = (".npy", ".npz")
RAW_SUFFIXES = (".bin", ".raw")
TEXT_SUFFIXES = (".csv", ".txt")
INPUT_SUFFIXES = IMAGE_SUFFIXES + ARRAY_SUFFIXES + RAW_SUFFIXES + TEXT_SUFFIXES
#: Text files of numbers are for small inputs.
MAX_TEXT_BYTES = 16 * 1024 * 1024


def _load_raw(path: Path, spec: PortSpec, shape: tuple[int, ...] | None) -> np.ndarray:
    target = concrete_shape(spec, shape)
    if target is None:
        raise need_shape(spec, path.name)
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
    values = numbers(text, path.name)
    if values.size == 0:
        raise InputError(f"{path.name} holds no numbers.", path=path)
    return values, sum(1 for r in text.splitlines() if r.strip())


def _fit_text(values: np.ndarray, rows: int, spec: PortSpec, shape: tuple[int, ...] | None, name: str) -> np.ndarray:
    if not spec.is_static and spec.bounds is not None and rows > 1 and values.size % rows == 0:
        # rows x columns set a dynamic shape, like a dropped .npy's shape does
        natural = (rows, values.size // rows)
        natural = (1,) * (len(spec.bounds) - 2) + natural if len(spec.bounds) >= 2 else natural
        if not shape_misfit(spec, natural):
            return cast_values(values.reshape(natural), spec, name)
    target = shape_for_count(spec, shape, values.size, name)
    return cast_values(values.reshape(target), spec, name)


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
    check_readable(path)
    return suffix


def _fitter(
    path: Path, suffix: str, shapes: Mapping[str, tuple[int, ...] | None]
) -> Callable[[PortSpec], np.ndarray]:
    """Read ``path`` once; return a function fitting its content to one input."""
    if suffix == ".npy":
        array = load_npy(path)
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
