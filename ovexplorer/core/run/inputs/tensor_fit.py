"""Fitting an array to a model input: what the input expects in words, the shape a tensor must have now, and the
checked cast (shape, element type) every kind of input data goes through."""

from __future__ import annotations

from math import prod
from pathlib import Path

import numpy as np

from ovexplorer.core.run.ports import PortSpec, dtype_misfit, shape_misfit, shape_text
from ovexplorer.core.util.errors import InputError


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


def need_shape(spec: PortSpec, what: str) -> InputError:
    return InputError(
        f"{what}: input {spec.name} has the dynamic shape {spec.partial_shape}; set its shape first."
    )


def shape_for_count(spec: PortSpec, shape: tuple[int, ...] | None, count: int, what: str) -> tuple[int, ...]:
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
    raise need_shape(spec, what)


def cast_values(array: np.ndarray, spec: PortSpec, what: str) -> np.ndarray:
    if array.dtype.kind == "f" and spec.dtype is not None and spec.dtype.kind in "iub":
        if np.all(np.isfinite(array)) and np.all(array == np.rint(array)):
            array = array.astype(np.int64)  # "2.0" typed for an integer input
    problem = dtype_misfit(spec, array.dtype)
    if problem:
        raise InputError(f"{what}: input {problem}.")
    return np.asarray(array, dtype=spec.dtype, order="C")  # (ascontiguousarray makes a scalar 1-d)


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
