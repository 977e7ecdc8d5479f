"""The comparison's long steps, each a plain function a worker runs: open and match a pair, compare weights,
run both on an input (a file given by the user, or seeded random data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.compare.activations import LayerDiff, OutputDiff, compare_layers, compare_outputs, make_inputs
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


def run_both(doc_a: ModelDocument, doc_b: ModelDocument, comparison: Comparison, *, seed: int = 0,
             input_files: list[str] | None = None, layers: bool = True, decode: Decode | None = None,
             device: str = "CPU", progress: ProgressFn = no_progress, cancel: CancelToken | None = None
             ) -> tuple[list[OutputDiff], list[LayerDiff], list[str]]:
    """Outputs (and, with ``layers``, every matched layer) of A and B on the same input."""
    given: dict[str, Any] = read_inputs(input_files or [], doc_a, decode)
    inputs = make_inputs(doc_a, doc_b, given, seed=seed)
    outputs = compare_outputs(doc_a, doc_b, inputs, device=device, progress=progress, cancel=cancel)
    rows = compare_layers(doc_a, doc_b, comparison, inputs, device=device, progress=progress,
                          cancel=cancel) if layers else []
    return outputs, rows, inputs.notes
