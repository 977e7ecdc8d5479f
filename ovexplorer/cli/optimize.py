"""``ovexplorer optimize MODEL --weights int8|int4 [--group-size G --ratio R] | --quantize int8
--calibration DIR|FILE.npz [--subset N] -o OUT.xml``: make an optimized copy with NNCF (written atomically)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


def _cmd_optimize(args: argparse.Namespace) -> int:
    from ovexplorer.core.compare.optimize import OptimizeRequest, optimize_model

    if bool(args.weights) == bool(args.quantize):
        print("ovexplorer optimize: give --weights int8|int4 or --quantize int8", file=sys.stderr)
        return 2
    request = OptimizeRequest(args.model, args.output, weights=args.weights or "", group_size=args.group_size,
                              ratio=args.ratio, quantize=args.quantize or "", calibration=args.calibration or "",
                              subset=args.subset, seed=args.seed)
    decode = None
    if args.calibration and not args.calibration.lower().endswith(".npz"):
        from ovexplorer.ui.run.image_decode import decode_image  # Qt only for pictures

        decode = decode_image
    last = [""]

    def progress(fraction: float, text: str) -> None:
        stage = text.split("…")[0]
        if stage != last[0] and not args.quiet and not text.startswith(request.describe()):
            print(f"{stage}…", file=sys.stderr, flush=True)
            last[0] = stage

    result = optimize_model(request, decode=decode, progress=progress)
    for warning in result.warnings:
        print(f"ovexplorer optimize: warning: {warning}", file=sys.stderr)
    print(f"Wrote {result.path} ({request.describe()}, {result.seconds:.1f} s)")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    p = sub.add_parser("optimize", help="make an optimized copy of a model with NNCF (INT8/INT4 weights, INT8)",
                       description=__doc__)
    p.add_argument("model", help="the model to optimize (.xml)")
    p.add_argument("-o", "--output", required=True, help="where to write the optimized IR (.xml + .bin)")
    p.add_argument("--weights", choices=("int8", "int4"), help="data-free weight compression")
    p.add_argument("--group-size", type=int, default=128, help="INT4 group size (-1: per channel)")
    p.add_argument("--ratio", type=float, default=1.0, help="INT4 share of layers (the rest INT8)")
    p.add_argument("--quantize", choices=("int8",), help="post-training quantization with calibration data")
    p.add_argument("--calibration", help="a folder of pictures or an .npz of inputs (default: seeded random data, "
                                         "with a warning)")
    p.add_argument("--subset", type=int, default=300, help="calibration samples used at most")
    p.add_argument("--seed", type=int, default=0, help="seed of random calibration data")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    return _cmd_optimize
