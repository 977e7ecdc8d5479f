"""Model inputs and outputs as plain records: name, partial shape (with bounds), element type, numpy dtype.

Both the session (compile, reshape, infer) and the input decoders work on these, so a dropped file can be
checked against an input without touching OpenVINO objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import openvino as ov

from ovexplorer.core.model.names import display_name

#: OpenVINO element type short name -> numpy dtype (types numpy cannot hold are missing: bf16, u4, i4...).
DTYPES: dict[str, np.dtype] = {
    name: np.dtype(dt)
    for name, dt in {
        "f64": np.float64, "f32": np.float32, "f16": np.float16,
        "i64": np.int64, "i32": np.int32, "i16": np.int16, "i8": np.int8,
        "u64": np.uint64, "u32": np.uint32, "u16": np.uint16, "u8": np.uint8,
        "boolean": np.bool_, "string": np.str_,
    }.items()
}


@dataclass(frozen=True, slots=True)
class PortSpec:
    """One model input or output. ``bounds`` holds (min, max) per dimension, max -1 when unbounded;
    ``bounds`` is None when even the rank is dynamic."""

    name: str
    index: int
    partial_shape: str
    bounds: tuple[tuple[int, int], ...] | None
    element_type: str
    names: tuple[str, ...] = ()  # every tensor name of the port (``name`` is one of them, or input0...)

    @property
    def dtype(self) -> np.dtype | None:
        return DTYPES.get(self.element_type)

    @property
    def is_static(self) -> bool:
        return self.bounds is not None and all(lo == hi for lo, hi in self.bounds)

    @property
    def static_shape(self) -> tuple[int, ...] | None:
        return tuple(lo for lo, _ in self.bounds) if self.is_static and self.bounds is not None else None

    @property
    def rank(self) -> int | None:
        return None if self.bounds is None else len(self.bounds)

    def describe(self) -> str:
        """``x [1,2] f32``: what a user must give this input."""
        return f"{self.name} {self.partial_shape} {self.element_type}"


def shape_text(shape: tuple[int, ...]) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _bounds(ps: ov.PartialShape) -> tuple[tuple[int, int], ...] | None:
    if ps.rank.is_dynamic:
        return None
    return tuple((d.get_min_length(), d.get_max_length()) for d in ps)


def _name(port: ov.Output, prefix: str, index: int, taken: set[str]) -> str:
    try:
        friendly = port.get_node().get_friendly_name()
    except RuntimeError:
        friendly = ""
    return display_name(port.get_names(), friendly, f"{prefix}{index}", taken)


def port_specs(ports: list[ov.Output], prefix: str) -> tuple[PortSpec, ...]:
    """Records for a model's (or compiled model's) inputs or outputs, named by :func:`display_name`."""
    taken: set[str] = set()
    specs = []
    for i, port in enumerate(ports):
        ps = port.get_partial_shape()
        specs.append(
            PortSpec(
                _name(port, prefix, i, taken),
                i,
                ps.to_string(),
                _bounds(ps),
                port.get_element_type().get_type_name(),
                tuple(sorted(port.get_names())),
            )
        )
    return tuple(specs)


def model_inputs(model: ov.Model) -> tuple[PortSpec, ...]:
    return port_specs(list(model.inputs), "input")


def find_port(specs: tuple[PortSpec, ...], name: str) -> PortSpec | None:
    """The port called ``name`` (its chosen name first, then any of its tensor names)."""
    return next((s for s in specs if s.name == name), None) or next((s for s in specs if name in s.names), None)


def shape_misfit(spec: PortSpec, shape: tuple[int, ...]) -> str:
    """Why ``shape`` cannot be ``spec``'s shape ("" when it fits its partial shape)."""
    if any(d < 0 for d in shape):
        return f"{shape_text(shape)} has a negative dimension"
    if spec.bounds is None:
        return ""
    if len(shape) != len(spec.bounds):
        return (
            f"{spec.name} expects {len(spec.bounds)} dimensions {spec.partial_shape}, "
            f"not {len(shape)} {shape_text(shape)}"
        )
    for axis, (d, (lo, hi)) in enumerate(zip(shape, spec.bounds, strict=True)):
        if d < lo or (hi >= 0 and d > hi):
            return (
                f"{spec.name} expects shape {spec.partial_shape}; dimension {axis} cannot be {d} "
                f"(given {shape_text(shape)})"
            )
    return ""


def dtype_misfit(spec: PortSpec, dtype: np.dtype) -> str:
    """Why an array of ``dtype`` cannot feed ``spec`` ("" when it can be cast without losing its meaning).

    Same kind (float -> float, int -> int), integers -> floats and booleans -> anything are accepted;
    floats -> integers, complex numbers, strings and objects are not.
    """
    target = spec.dtype
    if target is None:
        return f"{spec.name} has element type {spec.element_type}, which ovexplorer cannot fill from numpy data"
    src = np.dtype(dtype)
    ok = {
        "f": "fiub",
        "i": "iub",
        "u": "iub",
        "b": "b",
        "U": "US",  # text: str, or UTF-8 bytes
    }[target.kind]
    if src.kind in ok:
        return ""
    return f"{spec.name} expects {spec.element_type} ({target.name}) values, not {src.name}"
