"""The comparison's long steps, each a plain function a worker runs: open and match a pair, compare weights,
run both on an input (a file given by the user, or seeded random data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ovexplorer.core.compare.activations import (
    InputPair,
    LayerDiff,
    OutputDiff,
    compare_layers,
    compare_outputs,
    make_inputs,
)
from ovexplorer.core.compare.differences import Comparison, compare_structure
from ovexplorer.core.compare.matching import match_graphs
from ovexplorer.core.compare.weights_diff import WeightDiff, weight_diffs
from ovexplorer.core.model.document import ModelDocument, open_model
from ovexplorer.core.util.errors import InputError
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

Decode = Callable[[Path], np.ndarray]


def open_pair(path_a: str | Path, path_b: str | Path, *, progress: ProgressFn = no_progress,
              cancel: CancelToken | None = None) -> tuple[ModelDocument, ModelDocument, Comparison]:
    """Open both models and match them."""
    docs = []
    for label, path in (("A", path_a), ("B", path_b)):
        progress(-1.0, f"Opening {label}: {Path(path).name}")
        docs.append(open_model(path, cancel=cancel))
    comparison = compare_structure(match_graphs(docs[0].graph, docs[1].graph, progress=progress, cancel=cancel),
                                   (docs[0], docs[1]), cancel=cancel)
    return docs[0], docs[1], comparison


def compare_weights(comparison: Comparison, doc_a: ModelDocument, doc_b: ModelDocument, *,
                    progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[WeightDiff]:
    return weight_diffs(comparison, doc_a.ov_nodes, doc_b.ov_nodes, progress=progress, cancel=cancel)


def read_inputs(items: list[str], doc: ModelDocument, decode: Decode | None = None) -> dict[str, np.ndarray]:
    """``[NAME=]FILE`` items (``.npy``, ``.npz``, a picture, raw or text) as arrays for ``doc``'s inputs; pictures
    are decoded by ``decode`` and preprocessed as the Run tab does (the model's rt_info)."""
    from ovexplorer.core.run.inputs import IMAGE_SUFFIXES, fit_file, image_inputs, load_array, preprocess_image
    from ovexplorer.core.run.picture_defaults import picture_defaults
    from ovexplorer.core.run.ports import find_port, model_inputs

    specs = model_inputs(doc.model)
    arrays: dict[str, np.ndarray] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            name, value = "", item
        path = Path(value)
        if path.suffix.lower() in IMAGE_SUFFIXES:
            fits = [name] if name else image_inputs(specs)
            spec = find_port(specs, fits[0]) if fits else None
            if spec is None or decode is None:
                raise InputError(f"{path.name}: no image input of {doc.path.name} takes it; inputs: "
                                 f"{', '.join(s.name for s in specs)}.", path=path)
            pre = picture_defaults(doc.graph.rt_info, spec, doc.path)
            arrays[spec.name] = preprocess_image(decode(path), spec, None, pre.preprocess, path.name)
        elif name:
            spec = find_port(specs, name)
            if spec is None:
                raise InputError(f"{item}: {doc.path.name} has no input {name}; inputs: "
                                 f"{', '.join(s.name for s in specs)}.")
            arrays[spec.name] = load_array(path, spec)
        else:
            arrays.update(fit_file(path, specs, first=True))
    return arrays


#: Inputs taken at most from a folder of pictures or an .npz set.
MAX_SAMPLES = 32


def input_pairs(doc_a: ModelDocument, doc_b: ModelDocument, items: list[str], *, seed: int = 0,
                decode: Decode | None = None, limit: int = MAX_SAMPLES) -> list[InputPair]:
    """What A and B run on: a folder of pictures or an ``.npz`` set (a leading sample axis) gives several inputs
    (at most ``limit``); files for single inputs give one; nothing gives seeded random data."""
    if len(items) == 1 and "=" not in items[0] and _is_set(Path(items[0]), doc_a):
        from ovexplorer.core.compare.optimize import calibration_samples
        from ovexplorer.core.run.ports import model_inputs

        specs = model_inputs(doc_a.model)
        samples, _ = calibration_samples(doc_a, items[0], subset=limit, seed=seed, decode=decode)
        return [make_inputs(doc_a, doc_b, {s.name: a for s, a in zip(specs, sample, strict=True)}, seed=seed)
                for sample in samples]
    return [make_inputs(doc_a, doc_b, read_inputs(items, doc_a, decode), seed=seed)]


def _is_set(path: Path, doc: ModelDocument) -> bool:
    if path.is_dir():
        return True
    if path.suffix.lower() != ".npz" or not path.is_file():
        return False
    from ovexplorer.core.run.inputs import read_npz
    from ovexplorer.core.run.ports import model_inputs

    ranks = {s.name: s.rank for s in model_inputs(doc.model)}
    return any(ranks.get(k) is not None and v.ndim == ranks[k] + 1 for k, v in read_npz(path).items())


def run_both(doc_a: ModelDocument, doc_b: ModelDocument, comparison: Comparison, *, seed: int = 0,
             input_files: list[str] | None = None, layers: bool = True, decode: Decode | None = None,
             device: str = "CPU", progress: ProgressFn = no_progress, cancel: CancelToken | None = None
             ) -> tuple[list[OutputDiff], list[LayerDiff], list[str]]:
    """Outputs (and, with ``layers``, every matched layer) of A and B on the same input(s); the notes say what
    differs between the inputs of A and B, and over how many inputs the metrics are averaged."""
    pairs = input_pairs(doc_a, doc_b, input_files or [], seed=seed, decode=decode)
    outputs = compare_outputs(doc_a, doc_b, pairs, device=device, progress=progress, cancel=cancel)
    rows = compare_layers(doc_a, doc_b, comparison, pairs, device=device, progress=progress,
                          cancel=cancel) if layers else []
    notes = list(pairs[0].notes)
    if len(pairs) > 1:
        notes.append(f"metrics averaged over {len(pairs)} inputs from {Path(input_files[0]).name}")
    return outputs, rows, notes
