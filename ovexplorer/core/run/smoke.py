"""A headless self-test of an installation: devices, the sample model, one inference on CPU.

``ovexplorer --smoke`` runs it: an installer or CI proves with it that the (possibly frozen) app finds
OpenVINO's plugins and frontends and that the bundled sample model loads and runs. No Qt here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ovexplorer.core.model.document import open_model, shared_core
from ovexplorer.core.util import errors


@dataclass(frozen=True, slots=True)
class SmokeResult:
    """What the self-test found."""

    openvino_version: str
    devices: tuple[str, ...]
    frontends: tuple[str, ...]
    model_path: Path
    operations: int
    outputs: dict[str, tuple[tuple[int, ...], list[float]]]
    seconds: float


def _input_array(port, fill: float) -> np.ndarray:
    """An array for ``port``: its static shape (dynamic dimensions become 1) filled with ``fill``."""
    shape = [d.get_length() if d.is_static else 1 for d in port.get_partial_shape()]
    return np.full(shape, fill, dtype=port.get_element_type().to_dtype())


def _port_name(port) -> str:
    """A readable name: the producing Parameter's (or Result's input's) friendly name, else a tensor name."""
    names = sorted(port.get_names(), key=lambda n: (n.isdigit(), len(n)))
    return names[0] if names else port.get_node().get_friendly_name()


def run_smoke(model_path: str | Path, *, fill: float = 1.0, device: str = "CPU",
              log: Callable[[str], None] = print) -> SmokeResult:
    """List devices, open ``model_path``, compile it on ``device`` and run one inference with ``fill`` inputs."""
    import openvino as ov

    start = time.perf_counter()
    core = shared_core()
    devices = tuple(core.available_devices)
    log(f"openvino: {ov.get_version()}")
    log(f"devices: {', '.join(devices) if devices else '(none)'}")
    frontends = tuple(sorted(ov.frontend.FrontEndManager().get_available_front_ends()))
    log(f"frontends: {', '.join(frontends) if frontends else '(none)'}")
    if "ir" not in frontends:
        raise errors.OvexplorerError("OpenVINO finds no IR frontend: its frontend libraries are missing.")
    if device not in devices:
        raise errors.OvexplorerError(
            f"OpenVINO finds no {device} device (found: {', '.join(devices) or 'none'}): its plugin is missing."
        )
    doc = open_model(model_path)
    log(f"model: {doc.path} ({doc.format}, {len(doc.graph.nodes)} operations)")
    try:
        compiled = core.compile_model(doc.model, device)
    except RuntimeError as exc:
        raise errors.OvexplorerError(f"{doc.path.name} does not compile on {device}: {exc}", path=doc.path) from exc
    inputs = [_input_array(port, fill) for port in compiled.inputs]
    for port, array in zip(compiled.inputs, inputs, strict=True):
        log(f"input {_port_name(port)}: shape {list(array.shape)} filled with {fill:g}")
    results = compiled.create_infer_request().infer(inputs)
    outputs: dict[str, tuple[tuple[int, ...], list[float]]] = {}
    for port in compiled.outputs:
        array = np.asarray(results[port])
        first = [float(v) for v in array.reshape(-1)[:8]]
        outputs[_port_name(port)] = (tuple(array.shape), first)
        log(f"output {_port_name(port)}: shape {list(array.shape)} values {[round(v, 4) for v in first]}")
    doc.close()
    seconds = time.perf_counter() - start
    log(f"smoke: ok in {seconds:.2f} s")
    return SmokeResult(
        openvino_version=ov.get_version(),
        devices=devices,
        frontends=frontends,
        model_path=doc.path,
        operations=len(doc.graph.nodes),
        outputs=outputs,
        seconds=seconds,
    )
