"""Compile a model for a device and run it: :class:`CompileOptions` -> :class:`CompiledSession` -> :class:`InferResult`.

A model is compiled as read, as OpenVINO does: a dynamic model stays dynamic and each inference sets its inputs'
shapes. It is reshaped to fixed shapes only when asked (``fixed_shapes=True``: the benchmarks, like benchmark_app's
``-shape``) or when the device cannot take dynamic shapes (:data:`STATIC_ONLY_DEVICES`). The document's model is
never changed: a reshape works on a clone. Every :meth:`CompiledSession.infer` starts from a reset state (a stateful
model's ReadValue initial values), as a fresh infer request does. Compile and infer errors become
:class:`~ovexplorer.core.util.errors.DeviceError` carrying the device's own message.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openvino as ov

from ovexplorer.core.model.document import shared_core
from ovexplorer.core.run.ports import (
    PortSpec,
    dtype_misfit,
    find_port,
    model_inputs,
    port_specs,
    shape_misfit,
    shape_text,
)
from ovexplorer.core.util import errors
from ovexplorer.core.util.errors import openvino_reason
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

PERFORMANCE_HINTS = ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT")
PRECISION_HINTS = ("f32", "f16", "bf16")
STATIC_ONLY_DEVICES = ("NPU",)  # devices that compile static shapes only (CPU and GPU take dynamic ones)


def default_cache_dir() -> Path:
    """Where compiled blobs are cached: the platform's user cache folder."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ovexplorer" / "model_cache"


@dataclass(frozen=True, slots=True)
class CompileOptions:
    """How to compile: device, hints, streams, requests, model cache and profiling.

    ``None`` / 0 mean "the device's default". ``num_requests`` is the PERFORMANCE_HINT_NUM_REQUESTS
    hint and the number of infer requests an asynchronous user (latency benchmark) should create.
    """

    device: str = "CPU"
    performance_hint: str | None = None
    precision_hint: str | None = None
    num_streams: int | None = None
    num_requests: int = 0
    cache: bool = False
    cache_dir: str = ""
    profiling: bool = False

    def config(self) -> dict[str, str]:
        """The properties passed to ``compile_model``."""
        cfg: dict[str, str] = {}
        if self.performance_hint:
            cfg["PERFORMANCE_HINT"] = self.performance_hint
        if self.precision_hint:
            cfg["INFERENCE_PRECISION_HINT"] = self.precision_hint
        if self.num_streams is not None:
            cfg["NUM_STREAMS"] = str(self.num_streams)
        if self.num_requests > 0:
            cfg["PERFORMANCE_HINT_NUM_REQUESTS"] = str(self.num_requests)
        if self.cache:
            cfg["CACHE_DIR"] = self.cache_dir or str(default_cache_dir())
        if self.profiling:
            cfg["PERF_COUNT"] = "YES"
        return cfg

    def describe(self) -> str:
        parts = [self.device] + [f"{k}={v}" for k, v in self.config().items()]
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class InferResult:
    """One inference: outputs by name (copies, safe to keep) and the time ``infer`` took."""

    outputs: dict[str, np.ndarray]
    seconds: float


@dataclass(eq=False)
class CompiledSession:
    """A compiled model with its ports and a ready infer request."""

    compiled: ov.CompiledModel
    options: CompileOptions
    inputs: tuple[PortSpec, ...]
    outputs: tuple[PortSpec, ...]
    compile_seconds: float
    model_name: str = ""
    _request: ov.InferRequest | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def execution_devices(self) -> list[str]:
        try:
            return [str(d) for d in self.compiled.get_property("EXECUTION_DEVICES")]
        except RuntimeError:
            return [self.options.device]

    @property
    def optimal_requests(self) -> int:
        """The device's optimal number of infer requests (at least 1)."""
        try:
            return max(1, int(self.compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        except (RuntimeError, TypeError, ValueError):
            return 1

    @property
    def streams(self) -> int:
        """The number of streams the compiled model runs (chosen by the device under "auto"); 0 when unreadable."""
        try:
            return max(0, int(self.compiled.get_property("NUM_STREAMS")))
        except (RuntimeError, TypeError, ValueError):
            return 0

    @property
    def request_count(self) -> int:
        """How many infer requests an asynchronous runner should use: the option, else the device's optimum."""
        return self.options.num_requests or self.optimal_requests

    def create_request(self) -> ov.InferRequest:
        return self.compiled.create_infer_request()

    def check_inputs(self, inputs: Mapping[str, np.ndarray]) -> dict[int, np.ndarray]:
        """Inputs by port index, cast to the port's dtype; raise :class:`InputError` naming what is wrong."""
        known = ", ".join(s.name for s in self.inputs)
        tensors: dict[int, np.ndarray] = {}
        for name, array in inputs.items():
            spec = find_port(self.inputs, name)
            if spec is None:
                raise errors.InputError(f"The model has no input named {name}; its inputs: {known}.")
            array = np.asarray(array)
            problem = shape_misfit(spec, tuple(array.shape)) or dtype_misfit(spec, array.dtype)
            if problem:
                raise errors.InputError(f"Input {problem}.")
            tensors[spec.index] = np.asarray(array, dtype=spec.dtype, order="C")  # keeps a scalar 0-d
        missing = [s.name for s in self.inputs if s.index not in tensors]
        if missing:
            raise errors.InputError(f"No data for input {', '.join(missing)}.")
        return tensors

    def infer(self, inputs: Mapping[str, np.ndarray], *, reset: bool = True) -> InferResult:
        """Run one synchronous inference; outputs come back by output name.

        ``reset`` (the default) resets a stateful model's state first, so each run is independent, as on a fresh
        infer request; ``reset=False`` continues from the state the previous inference left (a sequence).
        """
        tensors = self.check_inputs(inputs)
        with self._lock:
            if self._request is None:
                self._request = self.compiled.create_infer_request()
            request = self._request
            try:
                if reset:
                    request.reset_state()
                start = time.perf_counter()
                request.infer(tensors)
                seconds = time.perf_counter() - start
            except (RuntimeError, ValueError, TypeError) as exc:
                raise errors.DeviceError(
                    f"Inference on {self.options.device} failed: {openvino_reason(str(exc))}", detail=str(exc)
                ) from None
            outputs = {spec.name: _output_array(request.get_output_tensor(spec.index), spec) for spec in self.outputs}
        return InferResult(outputs, seconds)

    def close(self) -> None:
        self._request = None


def _output_array(tensor: ov.Tensor, spec: PortSpec) -> np.ndarray:
    """An output tensor as a numpy copy; string tensors as text (``str``), never as raw bytes."""
    if spec.element_type != "string":
        return np.array(tensor.data)
    try:
        return np.array(tensor.str_data)
    except UnicodeDecodeError:  # not UTF-8: decoded with replacement characters rather than shown as bytes
        return np.char.decode(np.array(tensor.bytes_data), "utf-8", "replace")


def check_shapes(model: ov.Model, shapes: Mapping[str, tuple[int, ...]]) -> dict[int, ov.PartialShape]:
    """The given shapes by input index, each checked against its input's partial shape (:class:`InputError`)."""
    specs = model_inputs(model) if shapes else ()
    new: dict[int, ov.PartialShape] = {}
    for name, shape in shapes.items():
        spec = find_port(specs, name)
        if spec is None:
            raise errors.InputError(
                f"The model has no input named {name}; its inputs: {', '.join(s.name for s in specs)}."
            )
        problem = shape_misfit(spec, tuple(shape))
        if problem:
            raise errors.InputError(f"Shape {shape_text(tuple(shape))} does not fit: {problem}.")
        new[spec.index] = ov.PartialShape(list(shape))
    return new


def reshape_inputs(model: ov.Model, shapes: Mapping[str, tuple[int, ...]]) -> ov.Model:
    """A clone of ``model`` with the given inputs set to static shapes (each checked against its partial shape)."""
    new = check_shapes(model, shapes)
    if not new:
        return model
    clone = model.clone()
    try:
        clone.reshape({clone.inputs[i]: ps for i, ps in new.items()})
    except RuntimeError as exc:
        raise errors.InputError(
            f"The model cannot take these shapes: {openvino_reason(str(exc))}", detail=str(exc)
        ) from None
    return clone


def needs_static_shapes(device: str) -> bool:
    """Whether ``device`` (or a device in a HETERO/MULTI/AUTO list) compiles only static shapes."""
    return any(part.split(".")[0].strip().upper() in STATIC_ONLY_DEVICES
               for part in device.replace(":", ",").split(","))


def compile_session(
    model: ov.Model,
    options: CompileOptions,
    shapes: Mapping[str, tuple[int, ...]] | None = None,
    *,
    fixed_shapes: bool = False,
    model_name: str = "",
    core: ov.Core | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> CompiledSession:
    """Compile ``model`` for ``options.device`` as read (dynamic inputs stay dynamic), and time the compile.

    ``shapes`` are checked against the inputs; the model is reshaped to them only with ``fixed_shapes`` or for a
    device that needs static shapes (:func:`needs_static_shapes`).
    """
    core = core or shared_core()
    label = model_name or model.get_friendly_name()
    progress(-1.0, f"Compiling {label} for {options.device}")
    wanted = {k: tuple(v) for k, v in (shapes or {}).items()}
    if fixed_shapes or needs_static_shapes(options.device):
        target = reshape_inputs(model, wanted)
    else:
        check_shapes(model, wanted)
        target = model
    if cancel is not None:
        cancel.check()
    if options.cache:
        Path(options.config()["CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        compiled = core.compile_model(target, options.device, options.config())
    except (RuntimeError, ValueError, TypeError) as exc:
        raise errors.DeviceError(
            f"{options.device} could not compile {label}: {openvino_reason(str(exc))}", detail=str(exc)
        ) from None
    except MemoryError:
        raise errors.DeviceError(f"{options.device} ran out of memory compiling {label}.") from None
    seconds = time.perf_counter() - start
    return CompiledSession(
        compiled=compiled,
        options=options,
        inputs=port_specs(list(compiled.inputs), "input"),
        outputs=port_specs(list(compiled.outputs), "output"),
        compile_seconds=seconds,
        model_name=label,
    )

