"""Where an input's data comes from (:class:`InputSource`: generated, typed values or a file) and the tensor it
gives: seeded random data in a range that fits the input's type and role, zeros, ones, values, files, pictures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ovexplorer.core.run.input_roles import MASK, POSITIONS, TOKENS, input_role, role_tensor
from ovexplorer.core.run.inputs.file_inputs import load_array
from ovexplorer.core.run.inputs.pictures import IMAGE_SUFFIXES, ImagePreprocess, preprocess_image
from ovexplorer.core.run.inputs.tensor_fit import concrete_shape, need_shape
from ovexplorer.core.run.inputs.typed_values import parse_values
from ovexplorer.core.run.ports import PortSpec
from ovexplorer.core.util.errors import InputError

DISTRIBUTIONS = ("uniform", "normal")


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
    preprocess: ImagePreprocess = ImagePreprocess()  # noqa: RUF009 (frozen: one shared default is safe)
    role: str = ""  # generated data by role (see input_roles): attention mask, position ids, token ids

    @property
    def is_image(self) -> bool:
        return self.kind == "file" and Path(self.path).suffix.lower() in IMAGE_SUFFIXES

    def describe(self) -> str:
        if self.kind == "random" and self.role == MASK:
            return "attention mask (ones)"
        if self.kind == "random" and self.role == POSITIONS:
            return "position ids 0..n-1"
        if self.kind == "random" and self.role == TOKENS and self.distribution == "uniform":
            return f"random token ids {self.low:g}..{self.high:g} (seed {self.seed})"
        if self.kind == "random":
            params = f"{self.low:g}..{self.high:g}" if self.distribution == "uniform" else (
                f"mean {self.low:g}, std {self.high:g}")
            return f"random {self.distribution} ({params}, seed {self.seed})"
        if self.kind == "values":
            return f"values {self.text}"
        if self.kind == "file":
            return Path(self.path).name
        return self.kind


def default_random_source(spec: PortSpec, model: object = None, seed: int = 0) -> InputSource:
    """Seeded random data in a range that fits ``spec``'s type and role (token ids 0..vocab-1 where ``model``, an
    ``ov.Model``, shows the table they index; attention mask ones; position ids 0..n-1; floats 0..1)."""
    role = input_role(spec, model)
    if spec.dtype is None or (spec.dtype.kind not in "iu" and not role.role):
        return InputSource(kind="random", seed=seed)
    return InputSource(kind="random", seed=seed, role=role.role, low=role.low, high=role.high)


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
        raise need_shape(spec, f"{source.kind.capitalize()} data")
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
        made = role_tensor(source.role, target, spec.dtype)
        if made is not None:
            return made
        return random_tensor(target, spec.dtype, distribution=source.distribution, seed=source.seed,
                             low=source.low, high=source.high)
    raise InputError(f"Unknown input source {source.kind!r}; use one of {', '.join(SOURCE_KINDS)}.")


def fit_beam_idx(spec: PortSpec, array: np.ndarray) -> np.ndarray:
    """Generated data for a stateful LLM's ``beam_idx`` input, brought into range: it picks rows of the state
    (a Gather on the batch axis), so its values must lie in 0..batch-1, the batch being its own length. Any other
    input comes back unchanged."""
    if spec.name.lower() != "beam_idx" or array.ndim != 1 or array.dtype.kind not in "iu" or array.size == 0:
        return array
    return (np.abs(array.astype(np.int64)) % array.shape[0]).astype(array.dtype)
