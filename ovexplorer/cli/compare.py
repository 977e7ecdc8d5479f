"""``ovexplorer compare A.xml B.xml [--input ...] [--layers] [--bench] [--json]``: match two models layer by layer,
compare their weights, outputs on the same input, and (``--layers``) every matched layer's activations."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.util.errors import InputError


def read_inputs(items: list[str], doc: Any) -> dict[str, np.ndarray]:
    """``--input [NAME=]FILE`` (``.npy``, ``.npz``, a picture, raw or text) as arrays for model A's inputs."""
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
            if spec is None:
                raise InputError(f"--input {item}: no image input takes it; inputs: "
                                 f"{', '.join(s.name for s in specs)}.")
            from ovexplorer.ui.run.image_decode import decode_image  # Qt only for pictures

            pre = picture_defaults(doc.graph.rt_info, spec, doc.path)
            arrays[spec.name] = preprocess_image(decode_image(path), spec, None, pre.preprocess, path.name)
        elif name:
            spec = find_port(specs, name)
            if spec is None:
                raise InputError(f"--input {item}: A has no input {name}; inputs: {', '.join(s.name for s in specs)}.")
            arrays[spec.name] = load_array(path, spec)
        else:
            arrays.update(fit_file(path, specs, first=True))
    return arrays


def _cmd_compare(args: argparse.Namespace) -> int:
    from ovexplorer.core.compare.activations import compare_layers, compare_outputs, make_inputs
    from ovexplorer.core.compare.differences import compare_structure
    from ovexplorer.core.compare.matching import match_graphs
    from ovexplorer.core.compare.report import report_dict, report_text
    from ovexplorer.core.compare.weights_diff import weight_diffs
    from ovexplorer.core.model.document import open_model

    doc_a, doc_b = open_model(args.a), open_model(args.b)
    comparison = compare_structure(match_graphs(doc_a.graph, doc_b.graph), (doc_a, doc_b))
    weights = weight_diffs(comparison, doc_a.ov_nodes, doc_b.ov_nodes)
    inputs = make_inputs(doc_a, doc_b, read_inputs(args.input, doc_a), seed=args.seed)
    outputs = compare_outputs(doc_a, doc_b, inputs, device=args.device)
    layers = compare_layers(doc_a, doc_b, comparison, inputs, device=args.device) if args.layers else None
    extra = {}
    if args.bench:
        from ovexplorer.core.compare.latency_ab import latency_ab

        extra["latency"] = latency_ab(doc_a.path, doc_b.path, device=args.device, seconds=args.bench_seconds,
                                      rounds=args.bench_rounds).to_dict()
    data = report_dict(str(doc_a.path), str(doc_b.path), comparison, weights, outputs, layers, inputs.notes, extra)
    if args.json:
        json.dump(data, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(report_text(data, args.top))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    p = sub.add_parser("compare", help="compare two models layer by layer (structure, weights, outputs)",
                       description=__doc__)
    p.add_argument("a", metavar="A", help="the reference model (.xml or any model OpenVINO reads)")
    p.add_argument("b", metavar="B", help="the model compared with it (an optimized copy...)")
    p.add_argument("--input", "-i", action="append", default=[], metavar="[NAME=]FILE",
                   help="data for an input of A (.npy .npz, a picture...); B gets the same where it fits; "
                        "seeded random data otherwise")
    p.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    p.add_argument("--layers", action="store_true", help="compare every matched layer's activations too")
    p.add_argument("--bench", action="store_true", help="benchmark A and B interleaved: latency and speed-up")
    p.add_argument("--bench-seconds", type=float, default=2.0, help="seconds per benchmark round (--bench)")
    p.add_argument("--bench-rounds", type=int, default=3, help="rounds of A then B (--bench)")
    p.add_argument("--device", "-d", default="CPU", help="device to run both on (default CPU)")
    p.add_argument("--top", type=int, default=10, help="rows per list in the text report")
    p.add_argument("--json", action="store_true", help="print the whole comparison as JSON")
    return _cmd_compare
