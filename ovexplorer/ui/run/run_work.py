"""The work the Run panel hands to worker threads: decode a dropped file for an input, compile and infer.

Plain functions over plain records (no widgets), called through ``TaskRunner``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.run.inputs import (
    IMAGE_SUFFIXES,
    InputSource,
    fit_file,
    image_inputs,
    load_array,
    make_tensor,
    preprocess_image,
    resize_image,
)
from ovexplorer.core.run.outputs import OutputStats, statistics
from ovexplorer.core.run.ports import PortSpec
from ovexplorer.core.run.session import CompiledSession, CompileOptions, InferResult, compile_session
from ovexplorer.core.util.errors import InputError
from ovexplorer.ui.run.image_decode import decode_image
from ovexplorer.ui.run.inputs_table import THUMB


@dataclass
class InputRow:
    """What the panel holds for one input: its port, source, chosen shape and any decoded file data."""

    spec: PortSpec
    source: InputSource
    shape: tuple[int, ...] | None = None  # chosen shape of a dynamic input
    tensor: np.ndarray | None = None  # a decoded non-picture file
    image: np.ndarray | None = None  # a decoded picture (H x W x 3 uint8 RGB)
    thumbnail: np.ndarray | None = None  # its preview, made in the worker

    @property
    def current_shape(self) -> tuple[int, ...] | None:
        static = self.spec.static_shape
        return static if static is not None else self.shape


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file decoded for one input."""

    name: str
    path: Path
    tensor: np.ndarray | None
    image: np.ndarray | None
    thumbnail: np.ndarray | None = None  # a small uint8 copy of a picture, for the row's preview


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """A compile (and run): the session, the shapes it was compiled for, the inputs used and the result."""

    session: CompiledSession
    shapes: tuple[tuple[str, tuple[int, ...]], ...]
    result: InferResult | None
    compiled: bool
    inputs: dict[str, np.ndarray]
    stats: dict[str, OutputStats] = field(default_factory=dict)


def thumbnail(image: np.ndarray, size: int) -> np.ndarray:
    """A picture shrunk to fit ``size`` x ``size`` (aspect kept), as uint8."""
    h, w = image.shape[:2]
    scale = min(1.0, size / max(h, w))
    small = resize_image(image, max(1, round(h * scale)), max(1, round(w * scale)))
    return np.clip(np.rint(small), 0, 255).astype(np.uint8)


def decode_file(
    path: Path,
    rows: list[InputRow],
    target: str | None,
    *,
    progress: Callable[[float, str], None],
    cancel: Any,
) -> list[Decoded]:
    """Decode ``path`` for the input ``target`` or, when None, for the input(s) it fits."""
    progress(-1.0, f"Reading {path.name}")
    specs = tuple(r.spec for r in rows)
    by_name = {r.spec.name: r for r in rows}
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        names = [target] if target else image_inputs(specs)
        if not names:
            raise InputError(
                f"{path.name} is a picture, but no input looks like an image "
                f"({', '.join(s.describe() for s in specs)}).", path=path
            )
        image = decode_image(path)
        row = by_name[names[0]]
        tensor = preprocess_image(image, row.spec, row.shape, row.source.preprocess, path.name)
        return [Decoded(names[0], path, tensor, image, thumbnail(image, THUMB))]
    if target is not None:
        row = by_name[target]
        return [Decoded(target, path, load_array(path, row.spec, row.shape), None)]
    shapes = {r.spec.name: r.shape for r in rows}
    return [Decoded(name, path, tensor, None) for name, tensor in fit_file(path, specs, shapes, first=True).items()]


def run_model(
    model: Any,
    model_name: str,
    options: CompileOptions,
    rows: list[InputRow],
    session: CompiledSession | None,
    session_shapes: tuple | None,
    infer: bool,
    *,
    progress: Callable[[float, str], None],
    cancel: Any,
) -> RunOutcome:
    """Make every input's tensor, (re)compile when options or shapes changed, and infer once."""
    tensors: dict[str, np.ndarray] = {}
    shapes: dict[str, tuple[int, ...]] = {}
    for row in rows:
        if infer:
            cached = row.tensor if row.source.kind == "file" and not row.source.is_image else None
            tensor = cached if cached is not None else make_tensor(row.source, row.spec, row.shape, row.image)
            tensors[row.spec.name] = tensor
            if not row.spec.is_static:
                shapes[row.spec.name] = tuple(tensor.shape)
        elif not row.spec.is_static and row.shape is not None:
            shapes[row.spec.name] = row.shape
    key = tuple(sorted(shapes.items()))
    compiled = False
    if session is None or session.options != options or session_shapes != key:
        cancel.check()
        session = compile_session(model, options, shapes, model_name=model_name, progress=progress, cancel=cancel)
        compiled = True
    result = None
    if infer:
        cancel.check()
        progress(-1.0, f"Running {model_name} on {options.device}")
        result = session.infer(tensors)
    stats = {name: statistics(array) for name, array in result.outputs.items()} if result else {}
    return RunOutcome(session, key, result, compiled, tensors, stats)
