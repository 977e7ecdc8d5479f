"""``ovexplorer compare A.xml B.xml [--input ...] [--layers] [--bench] [--json]``: match two models layer by layer,
compare their weights, outputs on the same input, (``--layers``) every matched layer's activations, and the
decoded answers where the vision or language-model feature decodes them (boxes paired by IoU, top-1 classes;
next tokens and greedy continuations of ``--prompt``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path


def _cmd_compare(args: argparse.Namespace) -> int:
    from ovexplorer.core.compare.activations import compare_layers, compare_outputs
    from ovexplorer.core.compare.answers import compare_answers
    from ovexplorer.core.compare.differences import compare_structure
    from ovexplorer.core.compare.matching import match_graphs
    from ovexplorer.core.compare.pair import input_pairs
    from ovexplorer.core.compare.report import report_dict, report_text
    from ovexplorer.core.compare.weights_diff import weight_diffs
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.run.inputs import IMAGE_SUFFIXES

    doc_a, doc_b = open_model(args.a), open_model(args.b)
    comparison = compare_structure(match_graphs(doc_a.graph, doc_b.graph), (doc_a, doc_b))
    weights = weight_diffs(comparison, doc_a.ov_nodes, doc_b.ov_nodes)
    decode = None
    if any(Path(i.partition("=")[2] or i).suffix.lower() in IMAGE_SUFFIXES or Path(i).is_dir() for i in args.input):
        from ovexplorer.ui.run.image_decode import decode_image  # Qt only for pictures

        decode = decode_image
    pairs = input_pairs(doc_a, doc_b, args.input, seed=args.seed, decode=decode, limit=args.samples)
    outputs = compare_outputs(doc_a, doc_b, pairs, device=args.device)
    layers = compare_layers(doc_a, doc_b, comparison, pairs, device=args.device) if args.layers else None
    notes = list(pairs[0].notes) + ([f"metrics averaged over {len(pairs)} inputs"] if len(pairs) > 1 else [])
    extra = {}
    given = {k: v for k, v in (("prompt", args.prompt), ("new_tokens", args.new_tokens)) if v is not None}
    answers = compare_answers(doc_a, doc_b, pictures=args.input, decode=decode, device=args.device, **given)
    if answers.kind:
        extra["answers"] = answers.to_dict()
    if args.bench:
        from ovexplorer.core.compare.latency_ab import latency_ab

        extra["latency"] = latency_ab(doc_a.path, doc_b.path, device=args.device, seconds=args.bench_seconds,
                                      rounds=args.bench_rounds).to_dict()
    data = report_dict(str(doc_a.path), str(doc_b.path), comparison, weights, outputs, layers, notes, extra)
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
    p.add_argument("--input", "-i", action="append", default=[], metavar="[NAME=]FILE|DIR",
                   help="data for an input of A (.npy .npz, a picture...); B gets the same where it fits; "
                        "seeded random data otherwise. A folder of pictures or an .npz set (a leading sample "
                        "axis) runs several inputs and averages the metrics")
    p.add_argument("--samples", type=int, default=32, help="inputs taken at most from a folder or set (32)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    p.add_argument("--layers", action="store_true", help="compare every matched layer's activations too")
    p.add_argument("--prompt", help="language models: the text both continue, greedy (a sample sentence by default)")
    p.add_argument("--new-tokens", type=int, metavar="N",
                   help="language models: tokens of each greedy continuation (16 by default)")
    p.add_argument("--bench", action="store_true", help="benchmark A and B interleaved: latency and speed-up")
    p.add_argument("--bench-seconds", type=float, default=2.0, help="seconds per benchmark round (--bench)")
    p.add_argument("--bench-rounds", type=int, default=3, help="rounds of A then B (--bench)")
    p.add_argument("--device", "-d", default="CPU", help="device to run both on (default CPU)")
    p.add_argument("--top", type=int, default=10, help="rows per list in the text report")
    p.add_argument("--json", action="store_true", help="print the whole comparison as JSON")
    return _cmd_compare
