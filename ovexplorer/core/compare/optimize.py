"""Make the optimized copy of a model with NNCF: weight compression (INT8/INT4, no data) or INT8 post-training
quantization (calibration inputs from pictures, an ``.npz``, or seeded random data with a warning).

NNCF runs in a child process (:mod:`.nncf_child`): it cannot be interrupted from outside, so Cancel ends the
child, and a failure there never takes the application with it. The child writes into a temporary folder beside
the destination; the pair is renamed into place together (:func:`~ovexplorer.core.util.atomic.commit_files`).
Missing, failing or cancelled NNCF leaves the original model and any older destination untouched.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ovexplorer.core.model.document import ModelDocument, open_model
from ovexplorer.core.run.inputs import IMAGE_SUFFIXES, ImagePreprocess, preprocess_image, read_npz
from ovexplorer.core.run.picture_defaults import picture_defaults
from ovexplorer.core.run.ports import PortSpec, model_inputs, shape_misfit
from ovexplorer.core.util import errors
from ovexplorer.core.util.atomic import commit_files
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

WEIGHT_MODES = ("int8", "int4")
INSTALL_HINT = "pip install \"ovexplorer[compare]\" (or pip install nncf)"
RANDOM_WARNING = ("calibrated on seeded random data: the quantization ranges do not fit real inputs; give pictures "
                  "or an .npz of real inputs for a usable model")
#: The child module (a test may point this at another to simulate NNCF failing).
CHILD_MODULE = "ovexplorer.core.compare.nncf_child"
DEFAULT_SUBSET = 300


@dataclass(frozen=True, slots=True)
class OptimizeRequest:
    """What to make: ``weights`` ("int8" / "int4", data-free) or ``quantize`` ("int8", calibrated)."""

    model: str
    output: str
    weights: str = ""
    group_size: int = 128
    ratio: float = 1.0
    quantize: str = ""
    calibration: str = ""  # a folder of pictures or an .npz; "" for seeded random data
    subset: int = DEFAULT_SUBSET
    seed: int = 0

    def describe(self) -> str:
        if self.weights:
            extra = f", group size {self.group_size}, ratio {self.ratio:g}" if self.weights == "int4" else ""
            return f"NNCF weight compression to {self.weights.upper()}{extra}"
        return f"NNCF INT8 quantization ({Path(self.calibration).name or 'random data'}, subset {self.subset})"


@dataclass
class OptimizeResult:
    path: Path
    seconds: float
    warnings: list[str] = field(default_factory=list)


def nncf_missing() -> str | None:
    """Why NNCF cannot be used here (it is not installed), or None."""
    try:
        found = importlib.util.find_spec("nncf")
    except (ImportError, ValueError):
        found = None
    if found is None:
        return f"NNCF is not installed, so ovexplorer cannot optimize models. Install it with {INSTALL_HINT}."
    return None


def check_request(request: OptimizeRequest, open_paths: tuple[Path, ...] = ()) -> Path:
    """The destination ``.xml``; raise when the request is unusable or would overwrite an open model."""
    if bool(request.weights) == bool(request.quantize):
        raise errors.OvexplorerError("Choose either weight compression (int8/int4) or quantization (int8).")
    if request.weights and request.weights not in WEIGHT_MODES:
        raise errors.OvexplorerError(f"Unknown weight compression {request.weights!r}; use int8 or int4.")
    if request.quantize and request.quantize != "int8":
        raise errors.OvexplorerError(f"Unknown quantization {request.quantize!r}; use int8.")
    if request.weights == "int4" and (request.group_size < -1 or request.group_size == 0 or
                                      not 0 < request.ratio <= 1):
        raise errors.OvexplorerError("INT4 needs a group size > 0 (or -1 for per channel) and a ratio in (0, 1].")
    dest = Path(request.output)
    if dest.suffix.lower() != ".xml":
        dest = dest.with_suffix(".xml")
    source = Path(request.model).resolve()
    targets = {dest.resolve(), dest.resolve().with_suffix(".bin")}
    for what, path in (("the model being optimized", source), *(("a model that is open", p) for p in open_paths)):
        if targets & {path.resolve(), path.resolve().with_suffix(".bin")}:
            raise errors.OvexplorerError(f"Refusing to write {dest.name}: it would overwrite {what}. "
                                         "Choose another name.", path=dest)
    if not Path(request.model).is_file():
        raise errors.ModelFileNotFound(f"{request.model} does not exist.", path=request.model)
    return dest


# -- calibration data ---------------------------------------------------------------------------
def _fixed(spec: PortSpec) -> tuple[int, ...] | None:
    from ovexplorer.core.compare.activations import DYNAMIC_DIM

    if spec.bounds is None:
        return None
    return tuple(lo if lo == hi else max(lo, DYNAMIC_DIM) for lo, hi in spec.bounds)


def calibration_samples(doc: ModelDocument, source: str | Path | None, *, subset: int = DEFAULT_SUBSET,
                        seed: int = 0, decode: Callable[[Path], np.ndarray] | None = None,
                        cancel: CancelToken | None = None) -> tuple[list[list[np.ndarray]], list[str]]:
    """Calibration inputs (one list of arrays per sample, in input order) and warnings.

    ``source``: a folder of pictures (decoded by ``decode``: H x W x 3 uint8 RGB, then preprocessed as the Run
    tab does, from the model's rt_info), an ``.npz`` (one array per input, by name; a leading extra axis holds
    several samples), or None for seeded random data.
    """
    specs = model_inputs(doc.model)
    if source in (None, ""):
        from ovexplorer.core.run.inputs import default_random_source, make_tensor

        count = min(subset, 32)
        samples = [[make_tensor(default_random_source(s, doc.model, seed + k), s, _fixed(s)) for s in specs]
                   for k in range(count)]
        return samples, [RANDOM_WARNING]
    path = Path(source)
    if path.is_dir():
        if len(specs) != 1:
            raise errors.InputError(f"{doc.path.name} has {len(specs)} inputs; a folder of pictures feeds one. "
                                    "Give an .npz with an array per input.")
        if decode is None:
            raise errors.InputError("Pictures need a decoder here; give an .npz instead.")
        pictures = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)[:subset]
        if not pictures:
            raise errors.InputError(f"{path} holds no pictures ({', '.join(IMAGE_SUFFIXES)}).", path=path)
        spec = specs[0]
        pre = picture_defaults(doc.graph.rt_info, spec, doc.path)
        preprocess = pre.preprocess if pre.preprocess is not None else ImagePreprocess()
        shape = None if spec.is_static else _picture_shape(spec, pre)
        samples = []
        for picture in pictures:
            if cancel is not None:
                cancel.check()
            samples.append([preprocess_image(decode(picture), spec, shape, preprocess, picture.name)])
        return samples, []
    if path.suffix.lower() == ".npz":
        arrays = read_npz(path)
        per_input = []
        for spec in specs:
            array = arrays.get(spec.name)
            if array is None:
                array = next((arrays[n] for n in spec.names if n in arrays), None)
            if array is None:
                raise errors.InputError(f"{path.name} has no array for input {spec.name} (it holds "
                                        f"{', '.join(arrays)}).", path=path)
            rank = spec.rank
            per_input.append(list(array) if rank is not None and array.ndim == rank + 1 else [array])
        count = min(subset, *(len(v) for v in per_input))
        for spec, values in zip(specs, per_input, strict=True):
            problem = shape_misfit(spec, tuple(values[0].shape))
            if problem:
                raise errors.InputError(f"{path.name}: {problem}.", path=path)
        return [[v[k] for v in per_input] for k in range(count)], []
    raise errors.InputError(f"{path.name}: calibration takes a folder of pictures or an .npz.", path=path)


def _picture_shape(spec: PortSpec, pre: object) -> tuple[int, ...] | None:
    from ovexplorer.core.run.inputs import guess_layout
    from ovexplorer.core.run.picture_defaults import sized_shape

    layout = getattr(pre, "preprocess", None)
    layout = layout.layout if layout is not None and layout.layout != "auto" else guess_layout(spec)
    return sized_shape(spec, layout, getattr(pre, "size", None) or (224, 224))


# -- running ------------------------------------------------------------------------------------
def child_command(job: Path) -> list[str]:
    return [sys.executable, "-m", CHILD_MODULE, str(job)]


def optimize_model(request: OptimizeRequest, *, open_paths: tuple[Path, ...] = (),
                   decode: Callable[[Path], np.ndarray] | None = None, progress: ProgressFn = no_progress,
                   cancel: CancelToken | None = None) -> OptimizeResult:
    """Write the optimized copy of ``request.model`` to ``request.output`` (see the module docstring)."""
    dest = check_request(request, open_paths)
    missing = nncf_missing()
    if missing:
        raise errors.OvexplorerError(missing)
    start = time.perf_counter()
    warnings: list[str] = []
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".ovexplorer-optimize-", dir=dest.parent))
    try:
        job = {"request": asdict(request), "out": str(work / "model.xml"), "samples": ""}
        if request.quantize:
            progress(-1.0, "Preparing calibration data")
            doc = open_model(request.model, cancel=cancel)
            samples, warnings = calibration_samples(doc, request.calibration or None, subset=request.subset,
                                                    seed=request.seed, decode=decode, cancel=cancel)
            doc.close()
            np.savez(work / "samples.npz", **{f"s{k}_{i}": a for k, sample in enumerate(samples)
                                              for i, a in enumerate(sample)})
            job["samples"] = str(work / "samples.npz")
            job["sample_count"] = len(samples)
        (work / "job.json").write_text(json.dumps(job), encoding="utf-8")
        _run_child(work / "job.json", request, progress, cancel)
        xml, bin_ = work / "model.xml", work / "model.bin"
        if not xml.is_file():
            raise errors.OvexplorerError(f"NNCF did not write {dest.name}.", path=dest)
        commit_files([(bin_, dest.with_suffix(".bin")), (xml, dest)] if bin_.is_file() else [(xml, dest)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(1.0, f"Wrote {dest.name}")
    return OptimizeResult(dest, time.perf_counter() - start, warnings)


def _run_child(job: Path, request: OptimizeRequest, progress: ProgressFn, cancel: CancelToken | None) -> None:
    env = dict(os.environ, OPENVINO_TELEMETRY_DISABLE="1", PYTHONUNBUFFERED="1", TQDM_DISABLE="1")
    tail: deque[str] = deque(maxlen=30)
    state = {"error": ""}
    label = request.describe()
    with subprocess.Popen(child_command(job), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          encoding="utf-8", errors="replace", env=env) as proc:

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                line = line.rstrip()
                if line.startswith("@@progress "):
                    _, fraction, text = line.split(" ", 2)
                    progress(float(fraction), text)
                elif line.startswith("@@error "):
                    state["error"] = line[len("@@error "):]
                elif line.strip():
                    tail.append(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        started = time.monotonic()
        while proc.poll() is None:
            if cancel is not None and cancel.cancelled:
                proc.kill()
                proc.wait()
                reader.join(5)
                raise errors.Cancelled(f"{label} was cancelled; nothing was written.")
            progress(-1.0, f"{label}… {time.monotonic() - started:.0f} s")
            time.sleep(0.1)
        reader.join(5)
    if proc.returncode != 0:
        reason = state["error"] or (tail[-1] if tail else f"the NNCF process ended with code {proc.returncode}")
        raise errors.OvexplorerError(f"NNCF failed: {reason}", detail="\n".join(tail))
